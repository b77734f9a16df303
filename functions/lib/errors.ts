/**
 * Errors with literal names that the state machines' Retry/Catch clauses match.
 * esbuild runs with keepNames so minifying cannot rename them.
 */
export class ValidationError extends Error {
  readonly details: { field: string; message: string }[];
  constructor(message: string, details: { field: string; message: string }[] = []) {
    super(message);
    this.name = 'ValidationError';
    this.details = details;
  }
}

export class ChannelNotFoundError extends Error {
  constructor(readonly channelId: string) {
    super(`Channel ${channelId} does not exist`);
    this.name = 'ChannelNotFoundError';
  }
}

export class ChannelExistsError extends Error {
  constructor(readonly channelId: string, readonly status: string) {
    super(`Channel ${channelId} already exists (status ${status})`);
    this.name = 'ChannelExistsError';
  }
}

export class ChannelBusyError extends Error {
  constructor(readonly channelId: string, readonly operation: string) {
    super(`Channel ${channelId} is busy: ${operation} is in progress`);
    this.name = 'ChannelBusyError';
  }
}

/** AWS answered "slow down": retried by the state machine with backoff and jitter. */
export class AwsThrottledError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AwsThrottledError';
  }
}

/** A transient AWS or network fault (5xx, timeouts, resets): safe to retry. */
export class AwsTransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AwsTransientError';
  }
}

/** A resource ended in a state it cannot leave by itself (CREATE_FAILED, UPDATE_FAILED …). */
export class ResourceFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceFailedError';
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
