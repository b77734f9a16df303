/**
 * The one mapping from any thrown error to an HTTP answer. Callers see
 * `{error, message, details}`; never a stack trace, an AWS request id or an internal name
 * (table, ARN, role): anything unexpected becomes a plain 500 and is logged once at the boundary.
 */
import { OnAirError } from '../errors';
import type { ErrorBody } from './schemas';

type Detail = { field: string; message: string };

export interface HttpError { statusCode: number; body: ErrorBody }

const err = (statusCode: number, error: string, message: string, details: Detail[] = []): HttpError =>
  ({ statusCode, body: { error, message, details } });

/**
 * Maps a thrown error to its HTTP answer: every OnAir error carries its own (functions/lib/errors.ts,
 * `http`); `undefined` = unexpected (the caller logs it and answers 500).
 */
export function toHttpError(e: unknown): HttpError | undefined {
  if (!(e instanceof OnAirError)) return undefined;
  const answer = e.http;
  return answer ? err(answer.status, answer.error, e.message, answer.details) : undefined;
}

export const INTERNAL_ERROR: HttpError = err(500, 'InternalError', 'The request could not be completed; it is safe to retry');
