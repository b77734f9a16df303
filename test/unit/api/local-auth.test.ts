/**
 * The local API's SigV4 check (what API Gateway's IAM authorizer does on AWS): signatures made by
 * the CLI's signer pass; anything missing, stale, mis-scoped or tampered is a 403 in the API's
 * error shape — on every route, before any route logic runs.
 */
import { request } from 'node:http';
import { verifySignature } from '../../../local/onair/api/auth';
import { apiSigner, signRequest } from '../../../lib/sigv4';
import { startLocalApi, type LocalApi } from '../../../local/onair/api';
import { routes } from '../../../functions/lib/api/schemas';
import { ForbiddenError } from '../../../functions/lib/errors';

const creds = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };
const region = 'us-east-1';
const NOW = new Date();

async function signed(method: string, url: string, body?: string, c = creds, r = region) {
  const u = new URL(url);
  const headers = await signRequest(apiSigner(c, r), { method, url: u, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => { query[k] = v; });
  return { method, path: u.pathname, query, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body: body ?? '' };
}

describe('verifySignature', () => {
  it('accepts a request signed by the CLI signer', async () => {
    const req = await signed('POST', 'http://127.0.0.1:4581/channels?x=1', '{"a":1}');
    await expect(verifySignature(req, creds, region, NOW)).resolves.toBeUndefined();
  });

  it.each([
    ['no Authorization header', async () => { const r = await signed('GET', 'http://127.0.0.1:4581/channels'); delete r.headers.authorization; return r; }, /Missing Authentication Token/],
    ['another secret', async () => signed('GET', 'http://127.0.0.1:4581/channels', undefined, { ...creds, secretAccessKey: 'wrong' }), /does not match/],
    ['another access key', async () => signed('GET', 'http://127.0.0.1:4581/channels', undefined, { ...creds, accessKeyId: 'AKIDOTHER' }), /token included in the request is invalid/],
    ['another region', async () => signed('GET', 'http://127.0.0.1:4581/channels', undefined, creds, 'eu-west-1'), /scoped to us-east-1/],
    ['a tampered body', async () => ({ ...(await signed('POST', 'http://127.0.0.1:4581/channels', '{"a":1}')), body: '{"a":2}' }), /does not match/],
    ['a tampered path', async () => ({ ...(await signed('GET', 'http://127.0.0.1:4581/channels/a')), path: '/channels/b' }), /does not match/],
    ['a tampered query', async () => ({ ...(await signed('GET', 'http://127.0.0.1:4581/channels?status=IDLE')), query: { status: 'ON_AIR' } }), /does not match/],
    ['a garbled header', async () => { const r = await signed('GET', 'http://127.0.0.1:4581/channels'); r.headers.authorization = 'Bearer abc'; return r; }, /Malformed/],
  ])('refuses %s', async (_w, make, message) => {
    await expect(verifySignature(await make(), creds, region, NOW)).rejects.toThrow(message);
    await expect(verifySignature(await make(), creds, region, NOW)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses a signature more than 15 minutes old', async () => {
    const req = await signed('GET', 'http://127.0.0.1:4581/channels');
    await expect(verifySignature(req, creds, region, new Date(NOW.getTime() + 16 * 60_000))).rejects.toThrow(/expired/);
  });
});

describe('local API without a valid signature', () => {
  let api: LocalApi;
  beforeAll(async () => {
    // The twin endpoint is never reached: authentication fails first.
    api = await startLocalApi({ port: 0, endpoint: 'http://127.0.0.1:9', credentials: creds, ensureResources: false });
  });
  afterAll(() => api.stop());

  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(path, api.url);
    const req = request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => { data += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });

  const concrete = (p: string) => p.replace('{id}', 'show-1').replace('{broadcastId}', 'b-12345678');

  it.each(Object.values(routes).map((r) => [r.method, r.path] as const))('%s %s answers 403 unsigned', async (method, path) => {
    const res = await send(method, concrete(path), { 'content-type': 'application/json' }, method === 'POST' ? '{}' : undefined);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ error: 'Forbidden', message: expect.stringMatching(/Missing Authentication Token/), details: [] });
  });

  it.each(Object.values(routes).map((r) => [r.method, r.path] as const))('%s %s answers 403 when signed with the wrong secret', async (method, path) => {
    const url = new URL(concrete(path), api.url);
    const body = method === 'POST' ? '{}' : undefined;
    const headers = await signRequest(apiSigner({ ...creds, secretAccessKey: 'nope' }, region), { method, url, headers: { 'content-type': 'application/json' }, ...(body ? { body } : {}) });
    const res = await send(method, concrete(path), headers, body);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toBe('Forbidden');
  });
});
