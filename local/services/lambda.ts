/**
 * Lambda twin: runs the REAL handlers of serverless.yml in this process.
 *
 * How a handler is executed: its TypeScript module is `require`d as it is in the repository —
 * under `npm start` through tsx's require hook (bin/start.js runs the twin with tsx), under jest
 * through the @swc/jest transform. We chose that over bundling each function with esbuild at
 * startup (as serverless-esbuild does for deployment) because it is instant, keeps stack traces
 * and coverage pointing at the sources, and lets a test and the twin share module state where
 * that helps (one registry of SDK clients); the packaged bundles are measured by the benchmark.
 * What this gives up, said plainly: every function shares one Node process, so they share one
 * `process.env` (app.ts refuses conflicting per-function values), module-level SDK clients are
 * created once per process rather than per function, and a timed-out handler is reported as Lambda
 * reports it but keeps running in the background (a process cannot kill one async call).
 *
 * Errors surface as Lambda reports them: StatusCode 200, FunctionError "Unhandled", and a payload
 * `{ errorType: error.name, errorMessage, trace }`, so Step Functions matches Retry/Catch on the
 * error's name. A handler that outlives its configured timeout fails with `Sandbox.Timedout`.
 * A `timeout` fault (local/core/faults.ts) reports the same failure without the wait: Invoke lets
 * the handler run to completion, then answers as the timeout would have.
 *
 * A function's output: what a handler writes to stdout while it runs (found by the invocation's
 * async context, so concurrent invocations do not mix) goes to the twin's terminal as before, except
 * embedded-metric-format lines (`{"_aws": {"CloudWatchMetrics": …}}`), which go to the listeners of
 * {@link LambdaService.onMetricLine} — the twin's CloudWatch, as CloudWatch Logs extracts EMF from a
 * function's log group. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type ServiceBehaviour, type TwinEnv, type TwinRoute } from '../core/types';

export interface LambdaFunctionSpec {
  /** serverless.yml function key, e.g. `createInput`. */
  key: string;
  /** Deployed function name, e.g. `onair-dev-createInput`. */
  name: string;
  /** Absolute path of the handler's module (extension optional). */
  modulePath: string;
  /** Name of the handler export, e.g. `handler`. */
  exportName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySizeMb: number;
}

export interface InvokeResult {
  requestId: string;
  /** The handler's result, or Lambda's error payload when `functionError` is set. */
  payload: unknown;
  functionError?: 'Unhandled';
  durationMs: number;
}

export interface InvocationStats {
  function: string;
  invocations: number;
  errors: number;
  totalDurationMs: number;
  memorySizeMb: number;
}

/** The error Step Functions sees for a failed Lambda task: name = errorType, message = Cause. */
export class LambdaFunctionError extends Error {
  /** `message` is Step Functions' Cause: the JSON error payload, as AWS records it. */
  constructor(readonly errorType: string, readonly errorMessage: string, causeJson: string) {
    super(causeJson);
    this.name = errorType;
  }
}

type Handler = (event: unknown, context: Context, callback?: (error?: unknown, result?: unknown) => void) => unknown;

/** Where a running invocation's output lines go: true when the line was taken (not printed). */
type OutputSink = (line: string) => boolean;

/** A cheap test before JSON.parse: Powertools Metrics and other EMF writers put `_aws` in the line. */
const EMF_HINT = /"_aws"\s*:\s*\{[^]*"CloudWatchMetrics"/;

/**
 * One stdout tap for the whole process, shared by every twin (and by every copy of this module a
 * test runner loads): the sink of the invocation whose async context writes, if any.
 */
function invocationOutput(): AsyncLocalStorage<OutputSink> {
  const key = Symbol.for('onair.twin.lambda.output');
  // Kept on the stream itself: a test runner gives each test file its own globals, not its own stdout.
  const stdout = process.stdout as unknown as NodeJS.WriteStream & { [k: symbol]: AsyncLocalStorage<OutputSink> | undefined };
  const existing = stdout[key];
  if (existing) return existing;
  const scope = new AsyncLocalStorage<OutputSink>();
  stdout[key] = scope;
  const original = stdout.write.bind(stdout) as (...args: unknown[]) => boolean;
  stdout.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    const sink = scope.getStore();
    if (!sink || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) return original(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!EMF_HINT.test(text)) return original(chunk, ...rest);
    // Console writes a line at a time; keep what the sink does not take, in order.
    const kept = text.split('\n').filter((line, i, all) => (i === all.length - 1 && line === '') || !sink(line));
    const callback = rest.find((r): r is (e?: Error | null) => void => typeof r === 'function');
    if (kept.length === 1 && kept[0] === '') { callback?.(); return true; }
    return original(kept.join('\n'), ...rest);
  }) as typeof stdout.write;
  return scope;
}

export interface LambdaServiceOptions {
  region: string;
  accountId: string;
  /** Optional per-invocation hook (request log, benchmarks). */
  onInvoke?: (fn: LambdaFunctionSpec, result: InvokeResult) => void;
}

export class LambdaService implements ServiceBehaviour {
  readonly signingName = 'lambda';
  private readonly functions = new Map<string, LambdaFunctionSpec>();
  private readonly loaded = new Map<string, Handler>();
  private readonly stats = new Map<string, InvocationStats>();
  private readonly metricListeners = new Set<(line: string, fn: LambdaFunctionSpec) => number>();

  constructor(private readonly options: LambdaServiceOptions) {}

  /**
   * Receives every EMF line a function writes (local/server.ts hands them to CloudWatch). The
   * listener returns how many data points it took; a line no listener takes is printed as before.
   */
  onMetricLine(listener: (line: string, fn: LambdaFunctionSpec) => number): () => void {
    this.metricListeners.add(listener);
    return () => this.metricListeners.delete(listener);
  }

  private sinkFor(fn: LambdaFunctionSpec): OutputSink {
    return (line) => {
      let taken = 0;
      for (const l of this.metricListeners) taken += l(line, fn);
      return taken > 0;
    };
  }

  register(fn: LambdaFunctionSpec): void {
    this.functions.set(fn.name, fn);
  }

  arnOf(name: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`;
  }

  /** Finds a function by name, full or partial ARN (optionally with `:$LATEST`), as Lambda does. */
  find(nameOrArn: string): LambdaFunctionSpec | undefined {
    const m = /^(?:arn:aws:lambda:[^:]+:\d+:function:)?([^:]+)(?::(?:\$LATEST|[^:]+))?$/.exec(nameOrArn);
    const name = m?.[1] ?? nameOrArn;
    return this.functions.get(name) ?? [...this.functions.values()].find((f) => f.key === name);
  }

  list(): LambdaFunctionSpec[] {
    return [...this.functions.values()];
  }

  invocationStats(): InvocationStats[] {
    return [...this.stats.values()].map((s) => ({ ...s }));
  }

  private load(fn: LambdaFunctionSpec): Handler {
    const cached = this.loaded.get(fn.name);
    if (cached) return cached;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- handlers load lazily, like a cold start
    const mod = require(fn.modulePath) as Record<string, unknown>;
    const handler = mod[fn.exportName];
    if (typeof handler !== 'function') {
      throw new AwsError('InvalidParameterValueException', `Handler ${fn.modulePath}.${fn.exportName} of ${fn.name} is not a function`, 400);
    }
    this.loaded.set(fn.name, handler as Handler);
    return handler as Handler;
  }

  /**
   * Loads every handler now, as a deployment would have: `npm start` does this so a Ctrl-C (which
   * also stops tsx's esbuild service) cannot leave teardown's handlers unloadable.
   */
  preload(): void {
    for (const fn of this.functions.values()) this.load(fn);
  }

  /**
   * Invokes a function synchronously (RequestResponse). Throws AwsError only for Lambda's own errors.
   * `timedOut`: an injected timeout — the handler runs to completion (its side effects happen), then
   * the invocation is reported exactly as a real timeout is.
   */
  async invoke(nameOrArn: string, event: unknown, options: { timedOut?: boolean } = {}): Promise<InvokeResult> {
    const fn = this.find(nameOrArn);
    if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${nameOrArn.includes(':') ? nameOrArn : this.arnOf(nameOrArn)}`, 404, { Type: 'User' });
    const requestId = randomUUID();
    const started = Date.now();
    let handler: Handler;
    try {
      handler = this.load(fn);
    } catch (error) {
      // Lambda reports a module that cannot load as a function error of the invocation (init phase).
      const e = error as Error;
      const errorType = error instanceof AwsError ? 'Runtime.HandlerNotFound' : 'Runtime.ImportModuleError';
      return { requestId, functionError: 'Unhandled', payload: { errorType, errorMessage: `${e.name}: ${e.message}`, trace: (e.stack ?? '').split('\n') }, durationMs: Date.now() - started };
    }
    const deadline = started + fn.timeoutSeconds * 1000;
    let settle!: { resolve: (v: unknown) => void; reject: (e: unknown) => void };
    const settledPromise = new Promise<unknown>((resolve, reject) => { settle = { resolve, reject }; });
    const settled = { promise: settledPromise, ...settle };
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arnOf(fn.name),
      memoryLimitInMB: String(fn.memorySizeMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `${new Date(started).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${requestId.replace(/-/g, '')}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: (error?: Error, result?: unknown) => (error ? settled.reject(error) : settled.resolve(result)),
      fail: (error: Error | string) => settled.reject(typeof error === 'string' ? new Error(error) : error),
      succeed: (result: unknown) => settled.resolve(result),
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut(fn)), fn.timeoutSeconds * 1000);
    });
    let result: InvokeResult;
    try {
      const returned = invocationOutput().run(this.sinkFor(fn), () => handler(JSON.parse(JSON.stringify(event ?? null)), context, (error, value) => (error ? settled.reject(error) : settled.resolve(value))));
      const outcome = returned !== undefined && typeof (returned as Promise<unknown>).then === 'function'
        ? (returned as Promise<unknown>)
        : returned !== undefined ? Promise.resolve(returned) : settled.promise;
      const payload = await Promise.race([outcome, settled.promise, timeout]);
      // Lambda serializes the result as JSON: what cannot be serialized does not reach the caller.
      result = { requestId, payload: payload === undefined ? null : JSON.parse(JSON.stringify(payload)), durationMs: Date.now() - started };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      result = { requestId, functionError: 'Unhandled', payload: errorPayload(e), durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
    if (options.timedOut) {
      result = { requestId, functionError: 'Unhandled', payload: errorPayload(timedOut(fn)), durationMs: result.durationMs };
    }
    const s = this.stats.get(fn.name) ?? { function: fn.name, invocations: 0, errors: 0, totalDurationMs: 0, memorySizeMb: fn.memorySizeMb };
    s.invocations += 1;
    s.errors += result.functionError ? 1 : 0;
    s.totalDurationMs += result.durationMs;
    this.stats.set(fn.name, s);
    this.options.onInvoke?.(fn, result);
    return result;
  }

  /** Invokes and throws a LambdaFunctionError (named after errorType) when the function failed. */
  async invokeOrThrow(nameOrArn: string, event: unknown): Promise<unknown> {
    const r = await this.invoke(nameOrArn, event);
    if (r.functionError) {
      const p = r.payload as { errorType: string; errorMessage: string };
      throw new LambdaFunctionError(p.errorType, p.errorMessage, JSON.stringify(r.payload));
    }
    return r.payload;
  }

  readonly operations = {
    Invoke: async (input: ModelValue, ctx: OpContext): Promise<ModelValue> => {
      const name = String(input.FunctionName ?? '');
      const type = String(input.InvocationType ?? 'RequestResponse');
      const event = decodePayload(input.Payload);
      if (!this.find(name)) {
        throw new AwsError('ResourceNotFoundException', `Function not found: ${name.includes(':') ? name : this.arnOf(name)}`, 404, { Type: 'User' });
      }
      if (type === 'DryRun') return { StatusCode: 204 };
      // Decided when the call is made (so `nth` counts calls in the order they came, as every fault
      // does), applied once the handler has run.
      const timedOut = ctx.faults.takeTimeout('lambda', 'Invoke', input);
      if (type === 'Event') {
        void this.invoke(name, event, { timedOut });
        return { StatusCode: 202 };
      }
      const r = await this.invoke(name, event, { timedOut });
      return {
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
        ...(r.functionError ? { FunctionError: r.functionError } : {}),
        Payload: Buffer.from(JSON.stringify(r.payload)),
      };
    },
    GetFunction: (input: ModelValue): ModelValue => {
      const fn = this.find(String(input.FunctionName ?? ''));
      if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${String(input.FunctionName)}`, 404, { Type: 'User' });
      return { Configuration: this.configuration(fn) };
    },
    ListFunctions: (): ModelValue => ({ Functions: this.list().map((f) => this.configuration(f)) }),
  };

  private configuration(fn: LambdaFunctionSpec): ModelValue {
    return {
      FunctionName: fn.name,
      FunctionArn: this.arnOf(fn.name),
      Runtime: 'nodejs22.x',
      Handler: `${fn.modulePath}.${fn.exportName}`,
      Timeout: fn.timeoutSeconds,
      MemorySize: fn.memorySizeMb,
      Version: '$LATEST',
      State: 'Active',
    };
  }

  /** Control route: invocations, errors and measured durations per function (benchmarks: GB-seconds). */
  readonly routes: TwinRoute[] = [{
    method: 'GET',
    prefix: '/_twin/lambda',
    handle: () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ functions: this.list().map((f) => ({ name: f.name, key: f.key, timeoutSeconds: f.timeoutSeconds, memorySizeMb: f.memorySizeMb })), invocations: this.invocationStats() }, null, 2),
    }),
  }];

  /** Functions are part of the deployed stack, not per-channel resources: nothing to orphan. */
  inventory(): InventoryItem[] {
    return [];
  }
}

/** Lambda's error payload for an error the function raised (or the runtime raised for it). */
function errorPayload(e: Error): { errorType: string; errorMessage: string; trace: string[] } {
  return { errorType: e.name || 'Error', errorMessage: e.message, trace: (e.stack ?? '').split('\n') };
}

/** The error Lambda reports when a function outlives its configured timeout. */
function timedOut(fn: LambdaFunctionSpec): Error {
  const e = new Error(`Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`);
  e.name = 'Sandbox.Timedout';
  return e;
}

function decodePayload(payload: unknown): unknown {
  if (payload === undefined || payload === null) return {};
  const text = typeof payload === 'string' ? payload : Buffer.from(payload as Uint8Array).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json: the Payload is not valid JSON', 400, { Type: 'User' });
  }
}

/** One line in local/services/index.ts; app.ts registers the functions of serverless.yml. */
export function createLambda(env: TwinEnv): LambdaService {
  return new LambdaService({ region: env.region, accountId: env.accountId });
}
