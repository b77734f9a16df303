/**
 * DynamoDB is served by dynalite (a DynamoDB implementation on LevelDB, npm `dynalite`), not by a
 * hand-made twin: the twin proxies every request signed for `dynamodb` to it untouched. With a data
 * folder, dynalite persists to `<dataDir>/dynamodb` (its `path` option); otherwise it runs in memory.
 * Table CREATING/DELETING durations come from the latency profile, scaled by the clock.
 */
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { InventoryItem, RawRequest, RawResponse, ServiceBehaviour, TwinEnv } from '../core/types';

interface DynaliteOptions { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }
// dynalite ships no types; its default export is a factory returning an http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (o: DynaliteOptions) => Server;

export class DynamoDbService implements ServiceBehaviour {
  readonly signingName = 'dynamodb';
  readonly operations = {};
  private server?: Server;
  private port = 0;
  private tables: { name: string; status: string }[] = [];

  constructor(private readonly env: TwinEnv) {}

  async start(): Promise<void> {
    const ms = (name: string, dflt: number): number => Math.round((this.env.latency[name] ?? dflt) / this.env.clock.scale);
    this.server = dynalite({
      path: this.env.persistent ? join(this.env.dataDir, 'dynamodb') : undefined,
      createTableMs: ms('dynamodb.table.create', 5000), deleteTableMs: ms('dynamodb.table.delete', 5000), updateTableMs: ms('dynamodb.table.create', 5000),
    });
    await new Promise<void>((ok, fail) => { this.server!.once('error', fail); this.server!.listen(0, '127.0.0.1', () => ok()); });
    this.port = (this.server.address() as AddressInfo).port;
    await this.refreshInventory();
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    // dynalite's close() also closes its LevelDB store, releasing the data folder.
    await new Promise<void>((ok) => s.close(() => ok()));
  }

  proxy(req: RawRequest): Promise<RawResponse> {
    if (!this.server) return Promise.resolve({ status: 503, body: '{"__type":"com.amazonaws.dynamodb.v20120810#ServiceUnavailable","message":"DynamoDB (dynalite) is not running"}' });
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'host' && k !== 'connection') headers[k] = v;
      headers['content-length'] = String(req.body.length);
      const r = request({ host: '127.0.0.1', port: this.port, method: req.method, path: req.url, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'content-length' && k !== 'connection' && k !== 'transfer-encoding') out[k] = Array.isArray(v) ? v.join(',') : v;
          this.track(req, res.statusCode ?? 500);
          resolve({ status: res.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) });
        });
      });
      r.on('error', reject);
      r.end(req.body);
    });
  }

  /** Follows successful CreateTable/DeleteTable calls so inventory() can answer synchronously. */
  private track(req: RawRequest, status: number): void {
    if (status !== 200) return;
    const op = (req.headers['x-amz-target'] ?? '').split('.')[1];
    if (op !== 'CreateTable' && op !== 'DeleteTable') return;
    const name = (JSON.parse(req.body.toString('utf8') || '{}') as { TableName?: string }).TableName;
    if (!name) return;
    this.tables = this.tables.filter((t) => t.name !== name);
    if (op === 'CreateTable') this.tables.push({ name, status: 'ACTIVE' });
  }

  /** Table names at start (a persisted store), asked of dynalite itself. */
  private async refreshInventory(): Promise<void> {
    const names: string[] = [];
    let start: string | undefined;
    do {
      const res = await this.proxy({ method: 'POST', url: '/', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from(JSON.stringify(start ? { ExclusiveStartTableName: start } : {})) });
      const body = JSON.parse(String(res.body)) as { TableNames?: string[]; LastEvaluatedTableName?: string };
      names.push(...(body.TableNames ?? []));
      start = body.LastEvaluatedTableName;
    } while (start);
    this.tables = names.map((name) => ({ name, status: 'ACTIVE' }));
  }

  inventory(): InventoryItem[] {
    return this.tables.map((t) => ({ service: 'dynamodb', type: 'table', id: `arn:aws:dynamodb:${this.env.region}:${this.env.accountId}:table/${t.name}` }));
  }
}

export const createDynamoDb = (env: TwinEnv): DynamoDbService => new DynamoDbService(env);
