/**
 * The local API Gateway: the same route bindings the Lambda handlers serve
 * (functions/lib/api/routes.ts), over HTTP on 127.0.0.1:4581, with every request's SigV4
 * signature checked against the local credentials first — 403 in the API's error shape when
 * missing or wrong, as the IAM authorizer does on AWS — so the `onair` CLI works unchanged.
 *
 *   const api = await startLocalApi({ endpoint: 'http://127.0.0.1:4580', now: () => clock.now() });
 *   api.url  // http://127.0.0.1:4581
 *   await api.stop();
 *
 * Its SDK clients reach the twin through `endpoint`; state machine ARNs, tables and the schedule
 * group come from serverless.yml (local/onair/workflows.ts), the one source. `now` is the twin's clock,
 * so planned broadcasts are checked and scheduled on twin time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConflictException, CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AwsCredentialIdentity } from '@smithy/types';
import { ChannelRegistry } from '../../../functions/lib/channel/registry';
import type { ApiDeps } from '../../../functions/lib/api/deps';
import { createDispatcher, errorResponse, MAX_BODY_BYTES, type ApiResponse } from '../../../functions/lib/api/http';
import { IdempotencyStore } from '../../../functions/lib/api/idempotency';
import { bindRoutes } from '../../../functions/lib/api/routes';
import { loadLifecycleSettings } from '../../../functions/lib/api/settings';
import { ValidationError } from '../../../functions/lib/errors';
import { loadWorkflows } from '../workflows';
import { apiSigner } from '../../../lib/sigv4';
import { createConsoleHandler } from '../../../console/server';
import { buildConsole } from '../../../console/build';
import { verifySignature } from './auth';
import { localCredentials } from './credentials';

export { localCredentials, LOCAL_API_URL } from './credentials';

export const LOCAL_API_PORT = 4581;

export interface LocalApiOptions {
  /** Default 4581. 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The twin's endpoint for the SDK clients (AWS_ENDPOINT_URL), e.g. http://127.0.0.1:4580. */
  endpoint: string;
  /** Requests must be signed with these; the clients use them too. Default: localCredentials(). */
  credentials?: AwsCredentialIdentity;
  /** Default us-east-1. */
  region?: string;
  /** Twin clock in epoch ms (default: real time). */
  now?: () => number;
  /** serverless.yml stage (default dev). */
  stage?: string;
  /** Repository root (default: this checkout). */
  root?: string;
  /**
   * Create the idempotency table and the schedule group when the twin does not have them yet
   * (default true; both calls are no-ops when they exist).
   */
  ensureResources?: boolean;
  /**
   * Serve the operator console at /console/ (default true): the page, built on its first request,
   * and a same-origin proxy that signs its calls with the local credentials (console/server.ts).
   */
  console?: boolean;
}

export interface LocalApi {
  url: string;
  /** The operator console's URL with its token (absent with console: false). */
  consoleUrl?: string;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ValidationError(`Body larger than ${MAX_BODY_BYTES} bytes`, [{ field: 'body', message: 'too large' }]));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, out: ApiResponse, now: Date): void {
  // Date is the twin's time (which runs faster than the wall clock): the CLI resolves relative
  // times such as `--start +10m` against it, as it does against API Gateway's Date on AWS.
  res.writeHead(out.statusCode, { ...out.headers, date: now.toUTCString(), 'content-length': Buffer.byteLength(out.body) });
  res.end(out.body);
}

/** Builds the dependencies and the request handler (exported for tests that skip the socket). */
export function createLocalApiHandler(options: LocalApiOptions) {
  const opts = { ...options, credentials: options.credentials ?? localCredentials() };
  const region = opts.region ?? 'us-east-1';
  const workflows = loadWorkflows({ ...(opts.root ? { root: opts.root } : {}), ...(opts.stage ? { stage: opts.stage } : {}), region });
  const env = workflows.functions.apiChannels?.env;
  if (!env) throw new Error('serverless.yml declares no apiChannels function');
  const clientConfig = { endpoint: opts.endpoint, region, credentials: opts.credentials };
  const dynamodb = new DynamoDBClient(clientConfig);
  const ddb = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  const scheduler = new SchedulerClient(clientConfig);
  const now = () => new Date(opts.now ? opts.now() : Date.now());
  const settings = loadLifecycleSettings(env);
  const cloudwatchClients = new Map<string, CloudWatchClient>();
  const deps: ApiDeps = {
    registry: new ChannelRegistry({ ddb, tableName: env.CHANNELS_TABLE, now }),
    ddb,
    channelsTable: env.CHANNELS_TABLE,
    idempotency: new IdempotencyStore({ ddb, tableName: settings.idempotencyTable, now }),
    sfn: new SFNClient(clientConfig),
    scheduler,
    settings,
    now,
    // Alarm states, as the deployed read Lambda reads them (functions/api/read.ts).
    cloudwatch: (r: string) => cloudwatchClients.get(r) ?? cloudwatchClients.set(r, new CloudWatchClient({ ...clientConfig, region: r })).get(r)!,
  };
  const dispatch = createDispatcher(Object.values(bindRoutes(deps)));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const body = await readBody(req);
      const query: Record<string, string> = {};
      url.searchParams.forEach((v, k) => { query[k] = v; });
      // Signature first, like API Gateway: an unsigned request learns nothing about routes or channels.
      await verifySignature({ method: req.method ?? 'GET', path: url.pathname, query, headers, body }, opts.credentials, region);
      send(res, await dispatch({ method: req.method ?? 'GET', path: url.pathname, headers, query, ...(body !== '' ? { body } : {}) }), now());
    } catch (error) {
      send(res, errorResponse(error), now());
    }
  }

  async function ensureResources(): Promise<void> {
    try {
      await dynamodb.send(new CreateTableCommand({
        TableName: settings.idempotencyTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
      }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    try {
      await scheduler.send(new CreateScheduleGroupCommand({ Name: settings.scheduleGroup }));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  return { handle, deps, ensureResources };
}

export async function startLocalApi(opts: LocalApiOptions): Promise<LocalApi> {
  const api = createLocalApiHandler(opts);
  if (opts.ensureResources !== false) await api.ensureResources();
  const host = opts.host ?? '127.0.0.1';
  let port = 0;
  const consoleHandler = opts.console === false ? undefined : createConsoleHandler({
    files: () => buildConsole(),
    apiEndpoint: () => `http://${host}:${port}`,
    signer: apiSigner(opts.credentials ?? localCredentials(), opts.region ?? 'us-east-1'),
    port: () => port,
    // The preview plays the local cloud's streams through the console's own origin.
    cdn: () => opts.endpoint,
  });
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (consoleHandler && await consoleHandler.handle(req, res)) return;
      await api.handle(req, res);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new Error(`Port ${opts.port ?? LOCAL_API_PORT} on ${host} is busy: another OnAir (or something else) is using it. Stop it or pass another port.`)
        : error);
    });
    server.listen(opts.port ?? LOCAL_API_PORT, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    ...(consoleHandler ? { consoleUrl: consoleHandler.url() } : {}),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
