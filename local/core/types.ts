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

export interface EventBus {
  /** Emits an event the way AWS does: to every rule whose pattern matches, at least once. */
  emit(event: TwinEvent): void;
}

export interface FaultInjector {
  /** Throws the injected AwsError or waits the injected latency for this call, if any. */
  before(service: string, operation: string, input: Record<string, unknown>): Promise<void>;
  /** True while a resource is held in a transitional state by a test (`hold`). */
  isHeld(service: string, resourceId: string): boolean;
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

export interface ServiceBehaviour {
  /** The model's signing name / endpoint prefix: medialive, mediapackage, mediapackagev2, cloudfront, monitoring, sns, secretsmanager, scheduler, events, states, lambda, sts, dynamodb. */
  readonly signingName: string;
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** Every live resource this service holds (for orphan checks). */
  inventory(): InventoryItem[];
  /** Serializable state for persistence between `npm start` runs. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}
