/**
 * Checks a request's SigV4 signature against the local credentials, as API Gateway's IAM
 * authorizer does on AWS: the signature is recomputed over exactly the headers the client
 * signed and compared in constant time. Missing, malformed, stale, wrongly scoped or wrong →
 * ForbiddenError (403); the message says which, never the expected signature.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import { API_SIGNING_SERVICE, apiSigner } from '../../../lib/sigv4';
import { ForbiddenError } from '../../../functions/lib/errors';

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
/** API Gateway refuses signatures more than 15 minutes off. */
const MAX_SKEW_MS = 15 * 60_000;

export interface IncomingSigned {
  method: string;
  /** Path exactly as received (before the query string). */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

function parseAmzDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

export async function verifySignature(req: IncomingSigned, credentials: AwsCredentialIdentity, region: string, now: Date = new Date()): Promise<void> {
  const authorization = req.headers.authorization;
  if (!authorization) throw new ForbiddenError('Missing Authentication Token: sign the request with SigV4 (service execute-api)');
  const m = AUTH.exec(authorization.trim());
  if (!m) throw new ForbiddenError('Malformed Authorization header');
  const [, accessKeyId, day, scopeRegion, service, signedHeaderList, signature] = m;
  if (accessKeyId !== credentials.accessKeyId) throw new ForbiddenError('The security token included in the request is invalid');
  if (service !== API_SIGNING_SERVICE || scopeRegion !== region) throw new ForbiddenError(`Credential should be scoped to ${region}/${API_SIGNING_SERVICE}`);
  const amzDate = req.headers['x-amz-date'];
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate || amzDate?.slice(0, 8) !== day) throw new ForbiddenError('Missing or invalid X-Amz-Date');
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) throw new ForbiddenError('Signature expired: the request time is more than 15 minutes off');
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) throw new ForbiddenError('The host header must be signed');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw new ForbiddenError(`Signed header ${name} is missing`);
    headers[name] = value;
  }
  const [hostname, port] = headers.host.split(':');
  const recomputed = await apiSigner(credentials, region).sign({
    method: req.method.toUpperCase(),
    protocol: 'http:',
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: req.path,
    query: req.query,
    headers,
    ...(req.body !== '' ? { body: req.body } : {}),
  }, { signingDate });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization))?.[1] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ForbiddenError('The request signature we calculated does not match the signature you provided');
  }
}
