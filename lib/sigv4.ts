/**
 * SigV4 for the API (service `execute-api`), shared by the CLI (signing) and the local API
 * (verifying): @smithy/signature-v4 — the signer the AWS SDK itself uses — with Node's own
 * SHA-256, so both sides compute the canonical request the same way API Gateway does.
 *
 * lib/ holds what OnAir's tools around the deployed code (cli/, local/, bench/) share; it is never
 * deployed and imports nothing of OnAir's (.dependency-cruiser.cjs), so each of them may import it.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(chunk: Uint8Array | string): void {
    this.hash.update(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export const API_SIGNING_SERVICE = 'execute-api';

export function apiSigner(credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>), region: string): SignatureV4 {
  return new SignatureV4({ credentials, region, service: API_SIGNING_SERVICE, sha256: NodeSha256, uriEscapePath: true, applyChecksum: false });
}

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Returns the headers to send: the given ones plus host, x-amz-date, authorization (and the session token). */
export async function signRequest(signer: SignatureV4, req: SignableRequest): Promise<Record<string, string>> {
  const query: Record<string, string> = {};
  req.url.searchParams.forEach((v, k) => { query[k] = v; });
  const signed = await signer.sign({
    method: req.method,
    protocol: req.url.protocol,
    hostname: req.url.hostname,
    ...(req.url.port ? { port: Number(req.url.port) } : {}),
    path: req.url.pathname,
    query,
    headers: { ...req.headers, host: req.url.host },
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  return signed.headers as Record<string, string>;
}
