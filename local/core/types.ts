import type { QuotaValues } from '../../lib/aws-quotas';

/**
 * The contract between the twin's layers:
 *  - protocols/ turn HTTP requests into (service, operation, input) using AWS's service models,
 *    validate input against the model, and serialize outputs and AwsErrors back to the wire;
 *  - services/ hold behaviour only: resources, state machines, AWS's errors — in the model's
 *    member names (the same names the SDK's Command inputs use), never wire names;
 *  - one Clock, one LatencyProfile, one EventBus and one FaultInjector serve every service.
 */

/** An error as AWS returns it: `code` is the model's error shape name (NotFoundException …). */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra members of the error shape, in model names (e.g. `{ ValidationErrors: [...] }`). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export interface Clock {
  /** Twin time in epoch milliseconds (advances `scale` times faster than real time). */
  now(): number;
  /** How many twin milliseconds pass per real millisecond (1 = AWS's real pace). */
  readonly scale: number;
  /** Runs `fn` after `twinMs` twin milliseconds; returns a cancel function. */
  setTimer(twinMs: number, fn: () => void): () => void;
  /** Resolves after `twinMs` twin milliseconds. */
  sleep(twinMs: number): Promise<void>;
}

/** Named durations in twin milliseconds, from local/core/latency.ts (one source). */
export type LatencyProfile = Readonly<Record<string, number>>;

export interface TwinEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources: string[];
  region?: string;
  account?: string;
  time?: string;
}

/** A TwinEvent as delivered to subscribers: id, time, region and account always filled in. */
export interface DeliveredEvent extends TwinEvent {
  id: string;
  version: '0';
  region: string;
  account: string;
  time: string;
}

export interface EventBus {
  /** Emits an event the way AWS does: to every rule whose pattern matches, at least once. */
  emit(event: TwinEvent): void;
  /** Every emitted event reaches every listener (EventBridge's rule matching subscribes here). */
  subscribe(listener: (event: DeliveredEvent) => void): () => void;
}

export interface FaultInjector {
  /** Throws the injected AwsError or waits the injected latency for this call, if any. */
  before(service: string, operation: string, input: Record<string, unknown>): Promise<void>;
  /** True while a resource is held in a transitional state by a test (`hold`). */
  isHeld(service: string, resourceId: string): boolean;
  /**
   * Lambda Invoke: true when an injected `timeout` fault fires for this call (counted like any fault);
   * the invocation then runs and is reported as timed out (Sandbox.Timedout).
   */
  takeTimeout(service: string, operation: string, input: Record<string, unknown>): boolean;
}

export interface OpContext {
  service: string;
  operation: string;
  region: string;
  accountId: string;
  clock: Clock;
  latency: LatencyProfile;
  events: EventBus;
  faults: FaultInjector;
  /** Raw HTTP headers (lowercase names), e.g. If-Match for CloudFront. */
  headers: Record<string, string | undefined>;
  /** The request id sent back to the caller (x-amzn-requestid). */
  requestId?: string;
}

/** Input and output in model member names: `{ Name, EncoderSettings, ... }`. */
export type ModelValue = Record<string, unknown>;
export type OperationHandler = (input: ModelValue, ctx: OpContext) => Promise<ModelValue> | ModelValue;

export interface InventoryItem {
  service: string;
  type: string;
  id: string;
  state?: string;
  tags?: Record<string, string>;
}

/**
 * A service's behaviour. The server applies, in front of every operation: the account rate limit
 * (local/core/latency.ts RATE_LIMITS), validation against the model, and injected faults.
 */
export interface ServiceBehaviour {
  /** The model's signing name / endpoint prefix: medialive, mediapackage, mediapackagev2, cloudfront, monitoring, sns, secretsmanager, scheduler, events, states, lambda, sts, dynamodb. */
  readonly signingName: string;
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** Every live resource this service holds (for orphan checks). */
  inventory(): InventoryItem[];
  /** Serializable state for persistence between `npm start` runs. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** Extra HTTP routes (control API under /_twin/, playback under /_cdn/), matched by path prefix. */
  routes?: TwinRoute[];
  /** Called once the server listens (the twin's URL is known), before the first request. */
  start?(twin: { url: string; port: number }): Promise<void> | void;
  /** Called on shutdown, after the last snapshot. */
  stop?(): Promise<void> | void;
  /**
   * Raw pass-through for a service served by a real implementation (DynamoDB → dynalite): the server
   * hands it the request untouched instead of decoding it with the model.
   */
  proxy?(req: RawRequest): Promise<RawResponse>;
}

export interface RawRequest {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}
export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface TwinRoute {
  /** Omit to accept every method. */
  method?: string;
  /** Path prefix, e.g. `/_twin/notifications` or `/_cdn/`. */
  prefix: string;
  handle(req: RawRequest & { path: string; query: URLSearchParams }): Promise<RawResponse> | RawResponse;
}

/** What a service factory receives: the shared machinery of one running twin. */
export interface TwinEnv {
  readonly clock: Clock;
  readonly latency: LatencyProfile;
  readonly events: EventBus;
  readonly faults: FaultInjector;
  readonly accountId: string;
  /** The default region (us-east-1). */
  readonly region: string;
  /** Folder for persisted state (services backed by real implementations keep their files here). */
  readonly dataDir: string;
  /** False when the twin runs in memory only (tests): nothing may be written to dataDir. */
  readonly persistent?: boolean;
  /** Account quotas in force (local/core/quotas.ts); undefined = AWS's defaults. */
  readonly quotas?: QuotaValues;
  /** Tells the twin that state changed outside a request (a timer moved a resource): persist soon. */
  changed(): void;
  /**
   * Calls another service's operation in-process, in model member names, through the same faults,
   * rate limits and validation as an HTTP call (Scheduler → Step Functions, alarms → SNS …).
   */
  invoke(service: string, operation: string, input: ModelValue, opts?: { region?: string }): Promise<ModelValue>;
}

/** One line per service in local/services/index.ts. */
export type ServiceFactory = (env: TwinEnv) => ServiceBehaviour;
