/**
 * API-level errors and the one mapping from any thrown error to an HTTP answer. Callers see
 * `{error, message, details}`; never a stack trace, an AWS request id or an internal name
 * (table, ARN, role): anything unexpected becomes a plain 500 and is logged once at the boundary.
 */
import {
  ChannelBusyError, ChannelExistsError, ChannelNotFoundError, ValidationError,
} from '../errors';
import { CapacityExceededError } from '../capacity';
import { UnknownProfileError } from '../profile-data';
import {
  BroadcastNotFoundError, BroadcastOverlapError, BroadcastTimeError, ChannelStateError,
} from '../channel/errors';
import type { ErrorBody } from './schemas';

type Detail = { field: string; message: string };

export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class ForbiddenError extends Error {
  constructor(message = 'Missing or invalid request signature') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class RouteNotFoundError extends Error {
  constructor(method: string, path: string) {
    super(`No route ${method} ${path}`);
    this.name = 'RouteNotFoundError';
  }
}

export interface HttpError { statusCode: number; body: ErrorBody }

const err = (statusCode: number, error: string, message: string, details: Detail[] = []): HttpError =>
  ({ statusCode, body: { error, message, details } });

/** Maps a thrown error to its HTTP answer; `undefined` = unexpected (caller logs it, answers 500). */
export function toHttpError(e: unknown): HttpError | undefined {
  if (e instanceof ValidationError) return err(400, 'ValidationError', e.message, e.details);
  if (e instanceof UnknownProfileError) return err(400, 'ValidationError', e.message, [{ field: 'body.profile', message: e.message }]);
  if (e instanceof ForbiddenError) return err(403, 'Forbidden', e.message);
  if (e instanceof ChannelNotFoundError) return err(404, 'NotFound', e.message);
  if (e instanceof BroadcastNotFoundError) return err(404, 'NotFound', e.message);
  if (e instanceof RouteNotFoundError) return err(404, 'NotFound', e.message);
  if (e instanceof ChannelBusyError) return err(409, 'Conflict', e.message, [{ field: 'operationInProgress', message: e.operation }]);
  if (e instanceof ChannelExistsError) return err(409, 'Conflict', e.message, [{ field: 'body.channelId', message: `already used by a ${e.status} channel` }]);
  if (e instanceof ChannelStateError) return err(409, 'Conflict', e.message, [{ field: 'status', message: e.status }]);
  if (e instanceof CapacityExceededError) {
    return err(409, 'Conflict', e.message, [
      { field: 'quota', message: `${e.quota.service}: ${e.quota.name} (${e.quotaId})` },
      { field: 'quota.value', message: `${e.value} (${e.used} in use)` },
      { field: 'quota.raise', message: e.quota.raise },
    ]);
  }
  if (e instanceof BroadcastOverlapError) return err(409, 'Conflict', e.message, [{ field: 'body.startAt', message: `overlaps ${e.other.broadcastId}` }]);
  if (e instanceof IdempotencyKeyReusedError) return err(422, 'IdempotencyKeyReused', e.message, [{ field: 'header.idempotency-key', message: 'reused with a different body' }]);
  if (e instanceof BroadcastTimeError) return err(422, 'UnprocessableEntity', e.message, e.details);
  return undefined;
}

export const INTERNAL_ERROR: HttpError = err(500, 'InternalError', 'The request could not be completed; it is safe to retry');
