/** The HTTP request/response as the protocols see them (decoupled from node:http for unit tests). */
export interface WireRequest {
  method: string;
  /** Decoded-once path without the query string, as sent (percent-encoding intact). */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export type ProtocolName = 'restJson1' | 'restXml' | 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'rpcv2Cbor';

export function wireRequest(method: string, url: string, headers: Record<string, string | string[] | undefined>, body: Buffer): WireRequest {
  const q = url.indexOf('?');
  const h: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return { method: method.toUpperCase(), rawPath: q < 0 ? url : url.slice(0, q), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), headers: h, body };
}
