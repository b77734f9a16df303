/**
 * The catalogue of every error OnAir throws on purpose, on one base class, OnAirError.
 *
 * - `name` is written out as a literal in each class (not read from the constructor, which a
 *   minifier may rename). It is what the state machines' Retry/Catch match (statemachines/retry.yml,
 *   the `Catch` lists) and what the logs show, so renaming a class changes a contract:
 *   test/unit/lib/errors.test.ts checks every name equals its class and covers the names the ASL uses.
 * - `http`, when set, is how the API answers it (functions/lib/api/errors.ts writes the response);
 *   an error without one that reaches the API is logged and answered 500.
 *
 * AWS SDK errors are not here: classifyAwsError (below) maps throttling and transient faults to
 * AwsThrottledError / AwsTransientError and lets the others (ConflictException, NotFound …) through
 * with AWS's own names.
 */

type Detail = { field: string; message: string };

/** An API answer: HTTP status, the `error` code of the body, and field-level details. */
export interface HttpAnswer { status: 400 | 403 | 404 | 409 | 422; error: string; details: Detail[] }

export abstract class OnAirError extends Error {
  abstract override readonly name: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** The API's answer for this error; undefined: not the caller's doing (500). */
  get http(): HttpAnswer | undefined {
    return undefined;
  }
}

// ---- refused requests (the API answers 4xx; workflows catch them as "nothing touched") ----

/** A field is missing or wrong: each detail names the field. */
export class ValidationError extends OnAirError {
  override readonly name = 'ValidationError';
  constructor(message: string, readonly details: Detail[] = []) {
    super(message);
  }
  override get http(): HttpAnswer { return { status: 400, error: 'ValidationError', details: this.details }; }
}

export class UnknownProfileError extends OnAirError {
  override readonly name = 'UnknownProfileError';
  constructor(readonly profileName: string, knownProfiles: readonly string[]) {
    super(`Unknown profile "${profileName}"; known profiles: ${knownProfiles.join(', ')}`);
  }
  override get http(): HttpAnswer { return { status: 400, error: 'ValidationError', details: [{ field: 'body.profile', message: this.message }] }; }
}

export class ForbiddenError extends OnAirError {
  override readonly name = 'ForbiddenError';
  constructor(message = 'Missing or invalid request signature') {
    super(message);
  }
  override get http(): HttpAnswer { return { status: 403, error: 'Forbidden', details: [] }; }
}

export class ChannelNotFoundError extends OnAirError {
  override readonly name = 'ChannelNotFoundError';
  constructor(readonly channelId: string) {
    super(`Channel ${channelId} does not exist`);
  }
  override get http(): HttpAnswer { return { status: 404, error: 'NotFound', details: [] }; }
}

export class BroadcastNotFoundError extends OnAirError {
  override readonly name = 'BroadcastNotFoundError';
  constructor(readonly channelId: string, readonly broadcastId: string) {
    super(`Channel ${channelId} has no broadcast ${broadcastId}`);
  }
  override get http(): HttpAnswer { return { status: 404, error: 'NotFound', details: [] }; }
}

export class RouteNotFoundError extends OnAirError {
  override readonly name = 'RouteNotFoundError';
  constructor(method: string, path: string) {
    super(`No route ${method} ${path}`);
  }
  override get http(): HttpAnswer { return { status: 404, error: 'NotFound', details: [] }; }
}

export class ChannelExistsError extends OnAirError {
  override readonly name = 'ChannelExistsError';
  constructor(readonly channelId: string, readonly status: string) {
    super(`Channel ${channelId} already exists (status ${status})`);
  }
  override get http(): HttpAnswer { return { status: 409, error: 'Conflict', details: [{ field: 'body.channelId', message: `already used by a ${this.status} channel` }] }; }
}

/** Another operation holds the channel's lock (functions/lib/channel/lock.ts). */
export class ChannelBusyError extends OnAirError {
  override readonly name = 'ChannelBusyError';
  constructor(readonly channelId: string, readonly operation: string) {
    super(`Channel ${channelId} is busy: ${operation} is in progress`);
  }
  override get http(): HttpAnswer { return { status: 409, error: 'Conflict', details: [{ field: 'operationInProgress', message: this.operation }] }; }
}

/** The channel exists but its status does not allow the operation (e.g. start a DELETED channel). */
export class ChannelStateError extends OnAirError {
  override readonly name = 'ChannelStateError';
  constructor(readonly channelId: string, readonly status: string, readonly operation: string) {
    super(`Cannot ${operation} channel ${channelId}: it is ${status}`);
  }
  override get http(): HttpAnswer { return { status: 409, error: 'Conflict', details: [{ field: 'status', message: this.status }] }; }
}

/** The quota a refused channel would exceed, as functions/lib/quotas.ts describes it. */
export interface QuotaRef { service: string; name: string; per: string; raise: string }

/** A channel that would exceed an account quota: refused before anything is created (functions/lib/capacity.ts). */
export class CapacityExceededError extends OnAirError {
  override readonly name = 'CapacityExceededError';
  constructor(readonly channelId: string, readonly quotaId: string, readonly quota: QuotaRef, readonly value: number, readonly used: number) {
    super(`Channel ${channelId} does not fit the account's quota ${quota.service} "${quota.name}" (${quota.per}): ${value}, of which ${used} already used by this stage's channels. To raise it: ${quota.raise}; then set serverless.yml custom.accountQuotas (${quotaId}=<new value>).`);
  }
  override get http(): HttpAnswer {
    return {
      status: 409, error: 'Conflict', details: [
        { field: 'quota', message: `${this.quota.service}: ${this.quota.name} (${this.quotaId})` },
        { field: 'quota.value', message: `${this.value} (${this.used} in use)` },
        { field: 'quota.raise', message: this.quota.raise },
      ],
    };
  }
}

export class BroadcastOverlapError extends OnAirError {
  override readonly name = 'BroadcastOverlapError';
  constructor(readonly other: { broadcastId: string; startAt: string; endAt: string }) {
    super(`Overlaps broadcast ${other.broadcastId} (${other.startAt} – ${other.endAt}) on the same channel`);
  }
  override get http(): HttpAnswer { return { status: 409, error: 'Conflict', details: [{ field: 'body.startAt', message: `overlaps ${this.other.broadcastId}` }] }; }
}

/** Well-formed but impossible times: start in the past, end before start. */
export class BroadcastTimeError extends OnAirError {
  override readonly name = 'BroadcastTimeError';
  constructor(message: string, readonly details: Detail[]) {
    super(message);
  }
  override get http(): HttpAnswer { return { status: 422, error: 'UnprocessableEntity', details: this.details }; }
}

export class IdempotencyKeyReusedError extends OnAirError {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
  }
  override get http(): HttpAnswer { return { status: 422, error: 'IdempotencyKeyReused', details: [{ field: 'header.idempotency-key', message: 'reused with a different body' }] }; }
}

// ---- workflow steps (Retry/Catch in statemachines/*.yml match these names) ----

/** AWS answered "slow down": retried by the state machine with backoff and jitter. */
export class AwsThrottledError extends OnAirError {
  override readonly name = 'AwsThrottledError';
}

/** A transient AWS or network fault (5xx, timeouts, resets): safe to retry. */
export class AwsTransientError extends OnAirError {
  override readonly name = 'AwsTransientError';
}

/** A resource ended in a state it cannot leave by itself (CREATE_FAILED, UPDATE_FAILED …). */
export class ResourceFailedError extends OnAirError {
  override readonly name = 'ResourceFailedError';
}

/**
 * A channel that cannot start yet: just created (MediaLive answers 409 for a few seconds after
 * CREATING → IDLE) or still stopping. Retryable: the state machine waits and calls again.
 */
export class ChannelNotReadyError extends OnAirError {
  override readonly name = 'ChannelNotReadyError';
  constructor(readonly channelId: string, readonly state: string | undefined, options?: { cause?: unknown }) {
    super(`MediaLive channel ${channelId} cannot start yet (state ${state ?? 'unknown'})`, options);
  }
}

/** A step that needs a resource an earlier step should have recorded. */
export class MissingResourceError extends OnAirError {
  override readonly name = 'MissingResourceError';
  constructor(readonly resource: string, readonly step: string) {
    super(`${step} needs ${resource}, which the registry does not hold yet`);
  }
}

/** MediaPackage has not made what a step needs yet (functions/lib/packager). */
export class PackagerNotReadyError extends OnAirError {
  override readonly name = 'PackagerNotReadyError';
}

/** A wait ran past its bound (functions/lib/workflow.ts POLLS): caught like any failed step. */
export class WaitTimeoutError extends OnAirError {
  override readonly name = 'WaitTimeoutError';
  constructor(readonly poll: string, goal: string, maxSeconds: number, readonly lastState: string | undefined) {
    super(`Gave up waiting for ${goal} after ${maxSeconds} s (last state: ${lastState ?? 'unknown'})`);
  }
}

/** Teardown ended with resources still recorded: the channel cannot be marked DELETED. */
export class ResourcesRemainError extends OnAirError {
  override readonly name = 'ResourcesRemainError';
  constructor(readonly channelId: string, readonly remaining: string[]) {
    super(`Channel ${channelId} still has: ${remaining.join(', ')}`);
  }
}

/** Another writer committed a recovery decision first: reload and decide again. */
export class RecoveryVersionConflictError extends OnAirError {
  override readonly name = 'RecoveryVersionConflictError';
  constructor(readonly channelId: string, readonly expectedVersion: number) {
    super(`Recovery state of ${channelId} changed since version ${expectedVersion}`);
  }
}

// ---- configuration (a deployment or local setup mistake, found at start; a bad ONAIR_ACCOUNT_QUOTAS
// is QuotaConfigError in lib/aws-quotas.ts, which imports nothing of OnAir's) ----

export class MissingConfigError extends OnAirError {
  override readonly name = 'MissingConfigError';
  constructor(name: string) {
    super(`Environment variable ${name} is required but not set`);
  }
}
const THROTTLING = new Set([
  'TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException',
  'RequestLimitExceeded', 'ProvisionedThroughputExceededException', 'RequestThrottled',
  'RequestThrottledException', 'SlowDown', 'TooManyRequests',
]);
const TRANSIENT = new Set([
  'ServiceUnavailableException', 'ServiceUnavailable', 'InternalServerErrorException',
  'InternalServerError', 'InternalFailure', 'InternalServiceError', 'InternalServiceErrorException',
  'GatewayTimeoutException', 'BadGatewayException', 'TimeoutError', 'RequestTimeout',
  'RequestTimeoutException', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT',
]);

interface AwsLikeError { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string; message?: string }

/**
 * Maps an SDK error to the two names the state machines retry on; anything else is
 * returned unchanged so its own name (ConflictException, ValidationError …) reaches Catch.
 */
export function classifyAwsError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (error instanceof AwsThrottledError || error instanceof AwsTransientError) return error;
  const e = error as Error & AwsLikeError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429) {
    return new AwsThrottledError(`${name}: ${e.message}`, { cause: error });
  }
  if (TRANSIENT.has(name) || (e.code !== undefined && TRANSIENT.has(e.code)) || (status !== undefined && status >= 500)) {
    return new AwsTransientError(`${name}: ${e.message}`, { cause: error });
  }
  return error;
}

/** True when an SDK error says the resource is already gone: teardown treats that as done. */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & AwsLikeError;
  return e.name === 'NotFoundException' || e.name === 'ResourceNotFoundException'
    || e.name === 'NoSuchDistribution' || e.name === 'NoSuchOriginAccessControl'
    || e.name === 'ResourceNotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Runs a describe/get call; a NotFound answer becomes `undefined` (the resource is gone), anything else is thrown. */
export async function undefinedIfNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
