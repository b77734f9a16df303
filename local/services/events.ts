/**
 * EventBridge twin (default event bus only).
 *
 * Rules come from serverless.yml (through local/onair/workflows.ts, registered by app.ts), never
 * repeated here. Every event — emitted by a twin service on the core EventBus, or sent with
 * PutEvents — is matched against every enabled rule (events-pattern.ts) and delivered to each
 * target asynchronously and at least once, as EventBridge does: with `duplicateProbability` > 0
 * (0 by default; tests and `--duplicates` raise it) a delivery is repeated, so consumers must be
 * idempotent. A failed delivery is retried with backoff on the twin clock (EventBridge's default
 * policy: up to 185 attempts within 24 h); the outcome of each is kept for GET /_twin/eventbridge.
 * Targets: Lambda (invoked asynchronously), Step Functions (StartExecution) and SNS (Publish),
 * with Input, InputPath or InputTransformer.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type DeliveredEvent, type InventoryItem, type ModelValue, type ServiceBehaviour, type TwinEnv, type TwinRoute } from '../core/types';
import { InvalidEventPatternError, matchesEventPattern, parseEventPattern } from './events-pattern';
import { readPath } from './stepfunctions/definition';

export interface RuleTarget {
  id: string;
  arn: string;
  /** Constant JSON text sent instead of the event. */
  input?: string;
  /** JSONPath of the part of the event to send (`$.detail`). */
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

export interface RuleSpec {
  name: string;
  pattern: Record<string, unknown>;
  targets: RuleTarget[];
  state?: 'ENABLED' | 'DISABLED';
  description?: string;
}

/** A rule fired on a schedule (`rate(…)`), delivering EventBridge's `Scheduled Event`. */
export interface ScheduledRuleSpec {
  name: string;
  schedule: string;
  targets: RuleTarget[];
  state?: 'ENABLED' | 'DISABLED';
}

export interface Delivery {
  eventId: string;
  detailType: string;
  rule: string;
  target: string;
  attempt: number;
  duplicate: boolean;
  ok: boolean;
  error?: string;
  time: string;
}

const MAX_ATTEMPTS = 185;
const MAX_AGE_MS = 24 * 3600 * 1000;

export class EventBridgeService implements ServiceBehaviour {
  readonly signingName = 'events';
  private readonly rules = new Map<string, RuleSpec & { parsed: Record<string, unknown> }>();
  private readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  private readonly scheduled = new Map<string, ScheduledRuleSpec & { everyMs?: number; notServed?: string; cancel?: () => void }>();
  private started = false;
  /** Probability that a delivery is made twice (EventBridge is at-least-once). */
  duplicateProbability: number;
  /**
   * Probability that an event an AWS service emits (source `aws.*`) never reaches the bus: MediaLive's
   * events are "Delivery type: Best effort" (https://docs.aws.amazon.com/eventbridge/latest/ref/
   * events-ref-medialive.html). 0 by default; tests and ONAIR_TWIN_EVENT_LOSS raise it. Events sent
   * with PutEvents are never lost.
   */
  lossProbability: number;
  /** AWS service events dropped by lossProbability, for tests. */
  lost = 0;

  constructor(private readonly env: TwinEnv, options: { duplicateProbability?: number; lossProbability?: number } = {}) {
    this.duplicateProbability = options.duplicateProbability ?? Number(process.env.ONAIR_TWIN_EVENT_DUPLICATES ?? 0);
    this.lossProbability = options.lossProbability ?? Number(process.env.ONAIR_TWIN_EVENT_LOSS ?? 0);
    this.unsubscribe = env.events.subscribe((e) => this.route(e));
  }

  ruleArn(name: string): string {
    return `arn:aws:events:${this.env.region}:${this.env.accountId}:rule/${name}`;
  }

  /** Registers a rule; a malformed pattern fails here, naming the rule and the field. */
  putRule(rule: RuleSpec): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = parseEventPattern(rule.pattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new InvalidEventPatternError(`rule ${rule.name}: ${error.message}`);
      throw error;
    }
    this.rules.set(rule.name, { ...rule, parsed });
  }

  /**
   * Registers a scheduled rule. `rate(…)` fires on the twin clock, first one period after the twin
   * starts, as a new rule does. `cron(…)` is kept but not fired — the twin does not evaluate cron —
   * and says so (a warning, and `notServed` in GET /_twin/eventbridge).
   */
  putScheduledRule(rule: ScheduledRuleSpec): void {
    this.scheduled.get(rule.name)?.cancel?.();
    const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(rule.schedule);
    const entry: ScheduledRuleSpec & { everyMs?: number; notServed?: string; cancel?: () => void } = { ...rule };
    if (m) {
      entry.everyMs = Number(m[1]) * (m[2]?.startsWith('minute') ? 60_000 : m[2]?.startsWith('hour') ? 3_600_000 : 86_400_000);
    } else {
      entry.notServed = `the local cloud does not evaluate ${rule.schedule} (only rate(…)): rule ${rule.name} never fires here`;
      console.warn(`[twin] ${entry.notServed}`);
    }
    this.scheduled.set(rule.name, entry);
    if (this.started) this.armScheduled(entry);
  }

  private armScheduled(rule: ScheduledRuleSpec & { everyMs?: number; cancel?: () => void }): void {
    if (rule.everyMs === undefined || rule.state === 'DISABLED') return;
    const tick = (): void => {
      rule.cancel = this.env.clock.setTimer(rule.everyMs as number, () => {
        const event: DeliveredEvent = {
          version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: this.env.accountId,
          time: new Date(this.env.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), region: this.env.region,
          resources: [this.ruleArn(rule.name)], detail: {},
        };
        for (const target of rule.targets) this.schedule(event, rule.name, target, 1, false);
        tick();
      });
    };
    tick();
  }

  /** Scheduled rules start with the server (and stop with it). */
  start(): void {
    this.started = true;
    for (const rule of this.scheduled.values()) this.armScheduled(rule);
  }

  listRules(): RuleSpec[] {
    return [...this.rules.values()].map(({ parsed: _parsed, ...r }) => r);
  }

  deliveryLog(): Delivery[] {
    return [...this.deliveries];
  }

  /** Resolves once every delivery started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private route(event: DeliveredEvent): void {
    if (this.lossProbability > 0 && event.source.startsWith('aws.') && Math.random() < this.lossProbability) {
      this.lost += 1;
      return;
    }
    for (const rule of this.rules.values()) {
      if (rule.state === 'DISABLED') continue;
      if (!matchesEventPattern(rule.parsed, event as unknown as Record<string, unknown>)) continue;
      for (const target of rule.targets) {
        this.schedule(event, rule.name, target, 1, false);
        if (this.duplicateProbability > 0 && Math.random() < this.duplicateProbability) this.schedule(event, rule.name, target, 1, true);
      }
    }
  }

  private schedule(event: DeliveredEvent, rule: string, target: RuleTarget, attempt: number, duplicate: boolean, delayTwinMs = 0): void {
    const run = (): void => {
      const p = this.deliver(event, rule, target, attempt, duplicate).finally(() => this.pending.delete(p));
      this.pending.add(p);
    };
    if (delayTwinMs <= 0) {
      setImmediate(run);
      return;
    }
    const cancel = this.env.clock.setTimer(delayTwinMs, () => {
      this.timers.delete(cancel);
      run();
    });
    this.timers.add(cancel);
  }

  private async deliver(event: DeliveredEvent, rule: string, target: RuleTarget, attempt: number, duplicate: boolean): Promise<void> {
    const entry: Delivery = { eventId: event.id, detailType: event['detail-type'], rule, target: target.arn, attempt, duplicate, ok: true, time: new Date(this.env.clock.now()).toISOString() };
    try {
      const payload = transform(event, target);
      await this.invokeTarget(target.arn, payload);
    } catch (error) {
      entry.ok = false;
      entry.error = error instanceof AwsError ? `${error.code}: ${error.message}` : (error as Error).message;
      const age = this.env.clock.now() - Date.parse(event.time);
      // Retry only what AWS retries: throttling and service errors, not a missing target.
      const retryable = !(error instanceof AwsError) || error.status >= 500 || error.status === 429 || /Throttl|TooMany/.test(error.code);
      if (retryable && attempt < MAX_ATTEMPTS && age < MAX_AGE_MS) {
        this.schedule(event, rule, target, attempt + 1, duplicate, Math.min(60_000 * 5, 1000 * 2 ** (attempt - 1)));
      }
    }
    this.deliveries.push(entry);
    if (this.deliveries.length > 5000) this.deliveries.shift();
  }

  private async invokeTarget(arn: string, payload: string): Promise<void> {
    if (/^arn:aws:lambda:[^:]+:\d+:function:/.test(arn)) {
      const out = await this.env.invoke('lambda', 'Invoke', { FunctionName: arn, InvocationType: 'Event', Payload: Buffer.from(payload) });
      if (out.FunctionError) throw new Error(`function error: ${Buffer.from(out.Payload as Uint8Array).toString('utf8')}`);
      return;
    }
    if (/^arn:aws:states:[^:]+:\d+:stateMachine:/.test(arn)) {
      await this.env.invoke('states', 'StartExecution', { stateMachineArn: arn, input: payload });
      return;
    }
    if (/^arn:aws:sns:/.test(arn)) {
      await this.env.invoke('sns', 'Publish', { TopicArn: arn, Message: payload });
      return;
    }
    throw new Error(`the local cloud cannot deliver to target ${arn} (Lambda, Step Functions and SNS targets are served)`);
  }

  readonly operations = {
    PutEvents: (input: ModelValue): ModelValue => {
      const entries = (input.Entries ?? []) as Record<string, unknown>[];
      let failed = 0;
      const results = entries.map((e) => {
        const problem = checkEntry(e);
        if (problem) {
          failed += 1;
          return { ErrorCode: problem.code, ErrorMessage: problem.message };
        }
        const id = randomUUID();
        const time = e.Time instanceof Date ? e.Time : undefined;
        const event: DeliveredEvent = {
          version: '0', id, 'detail-type': String(e.DetailType), source: String(e.Source), account: this.env.accountId,
          time: (time ?? new Date(this.env.clock.now())).toISOString().replace(/\.\d{3}Z$/, 'Z'), region: this.env.region,
          resources: (e.Resources as string[] | undefined) ?? [], detail: JSON.parse(String(e.Detail)) as Record<string, unknown>,
        };
        setImmediate(() => this.route(event));
        return { EventId: id };
      });
      return { FailedEntryCount: failed, Entries: results };
    },
    ListRules: (input: ModelValue): ModelValue => {
      const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
      return {
        Rules: this.listRules().filter((r) => r.name.startsWith(prefix)).map((r) => ({
          Name: r.name, Arn: this.ruleArn(r.name), EventPattern: JSON.stringify(r.pattern), State: r.state ?? 'ENABLED',
          EventBusName: 'default', ...(r.description ? { Description: r.description } : {}),
        })),
      };
    },
  };

  readonly routes: TwinRoute[] = [
    {
      method: 'GET',
      prefix: '/_twin/eventbridge',
      handle: () => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          duplicateProbability: this.duplicateProbability,
          rules: this.listRules(),
          scheduledRules: [...this.scheduled.values()].map(({ cancel: _c, everyMs: _e, ...r }) => r),
          deliveries: this.deliveryLog(),
        }, null, 2),
      }),
    },
    {
      method: 'POST',
      prefix: '/_twin/eventbridge/duplicates',
      handle: ({ body }) => {
        const p = Number((JSON.parse(body.toString('utf8') || '{}') as { probability?: unknown }).probability);
        if (!(p >= 0 && p <= 1)) return { status: 400, body: JSON.stringify({ error: 'probability must be a number from 0 to 1' }) };
        this.duplicateProbability = p;
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duplicateProbability: p }) };
      },
    },
  ];

  /** Rules belong to the deployed stack, not to a channel: nothing to orphan. */
  inventory(): InventoryItem[] {
    return [];
  }

  stop(): void {
    for (const rule of this.scheduled.values()) rule.cancel?.();
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}

/** PutEvents' per-entry checks, with EventBridge's error codes (the request itself stays 200). */
function checkEntry(e: Record<string, unknown>): { code: string; message: string } | undefined {
  if (typeof e.Source !== 'string' || e.Source === '') return { code: 'InvalidArgument', message: 'Parameter Source is not valid. Reason: Source is a required argument.' };
  if (typeof e.DetailType !== 'string' || e.DetailType === '') return { code: 'InvalidArgument', message: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
  if (typeof e.Detail !== 'string' || e.Detail === '') return { code: 'InvalidArgument', message: 'Parameter Detail is not valid. Reason: Detail is a required argument.' };
  if (e.Source.startsWith('aws.')) return { code: 'NotAuthorizedForSourceException', message: `Not authorized for the source ${e.Source}.` };
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return { code: 'MalformedDetail', message: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { code: 'MalformedDetail', message: 'Detail is malformed.' };
  if (Buffer.byteLength(JSON.stringify(e)) > 256 * 1024) return { code: 'InvalidArgument', message: 'Total size of the entry exceeds 256 KB.' };
  return undefined;
}

function transform(event: DeliveredEvent, target: RuleTarget): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(readPath(target.inputPath, event) ?? null);
  if (target.inputTransformer) {
    const values: Record<string, unknown> = {};
    for (const [k, path] of Object.entries(target.inputTransformer.inputPathsMap ?? {})) values[k] = readPath(path, event);
    // In a JSON template a placeholder inside quotes takes the raw string; outside, the JSON value.
    return target.inputTransformer.inputTemplate
      .replace(/"<([A-Za-z0-9_.-]+)>"/g, (m, k: string) => (k in values ? JSON.stringify(typeof values[k] === 'string' ? values[k] : JSON.stringify(values[k])) : m))
      .replace(/<([A-Za-z0-9_.-]+)>/g, (m, k: string) => (k === 'aws.events.event.json' ? JSON.stringify(event) : k in values ? (typeof values[k] === 'string' ? String(values[k]) : JSON.stringify(values[k])) : m));
  }
  return JSON.stringify(event);
}

/** One line in local/services/index.ts. */
export function createEventBridge(env: TwinEnv): EventBridgeService {
  return new EventBridgeService(env);
}
