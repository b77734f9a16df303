/**
 * EventBridge Scheduler twin: schedule groups and schedules that fire on the twin clock.
 *
 * Expressions: `at(yyyy-mm-ddThh:mm:ss)` (one-time, in ScheduleExpressionTimezone, UTC by default)
 * and `rate(n minute|minutes|hour|hours|day|days)`. `cron(...)` is refused with a clear
 * ValidationException naming the field: the twin does not evaluate cron yet. FlexibleTimeWindow
 * FLEXIBLE is accepted and fired at the window's start (the twin does not spread invocations).
 * Targets: Step Functions state machines (StartExecution with Input), Lambda functions (async
 * Invoke with Input) and universal targets `arn:aws:scheduler:::aws-sdk:<service>:<action>`.
 * Context attributes <aws.scheduler.schedule-arn|scheduled-time|execution-id|attempt-number> are
 * replaced in Input as Scheduler does. A failed invocation is retried per RetryPolicy (default
 * 185 attempts within 86,400 s) with backoff on the twin clock; when it gives up, the dead-letter
 * event goes to the SQS queue DeadLetterConfig names (SendMessage on the twin's SQS): the body is the
 * target's input and the message attributes are those EventBridge Scheduler User Guide "Configuring
 * a schedule's dead-letter queue" lists (ERROR_CODE, ERROR_MESSAGE, EXECUTION_ID,
 * EXHAUSTED_RETRY_CONDITION, IS_PAYLOAD_TRUNCATED, RETRY_ATTEMPTS, SCHEDULED_TIME, SCHEDULE_ARN,
 * TARGET_ARN, all DataType String;
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html). Every dead
 * letter is also listed under GET /_twin/scheduler with whether the queue took it (a queue that does
 * not exist loses it, as on AWS). A one-time schedule with ActionAfterCompletion DELETE is deleted
 * once its invocation succeeded or was dead-lettered.
 *
 * The execution role is checked each time Scheduler acts, as AWS does (local/iam/roles.ts): the role
 * must exist, its trust policy must admit scheduler.amazonaws.com with the keys Scheduler presents
 * (aws:SourceAccount, and aws:SourceArn = the schedule group's ARN: Scheduler UG "Setting up the
 * execution role", https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role),
 * and its policies must allow the target's action (states:StartExecution, lambda:InvokeFunction,
 * sns:Publish on the target) — a refusal is a failed attempt, retried and dead-lettered like any
 * other — and sqs:SendMessage on the dead-letter queue ("Set up execution role permissions" in the
 * DLQ page above): without it the dead letter is lost, saying why. Universal targets' actions are
 * not checked yet (their resource depends on the API called).
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type InventoryItem, type ModelValue, type ServiceBehaviour, type TwinEnv, type TwinRoute } from '../core/types';
import { serviceMayAct, type ServiceAction } from '../iam/roles';

const SCHEDULER = 'scheduler.amazonaws.com';

/** The IAM action a templated target needs from the execution role (undefined: not checked). */
export function targetAction(targetArn: string): ServiceAction | undefined {
  if (/^arn:aws:states:[^:]+:\d+:stateMachine:/.test(targetArn)) return { action: 'states:StartExecution', resource: targetArn };
  if (/^arn:aws:lambda:[^:]+:\d+:function:/.test(targetArn)) return { action: 'lambda:InvokeFunction', resource: targetArn };
  if (/^arn:aws:sns:/.test(targetArn)) return { action: 'sns:Publish', resource: targetArn };
  return undefined;
}

interface Target {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
  [k: string]: unknown;
}

interface Schedule {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State: 'ENABLED' | 'DISABLED';
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: Target;
  ActionAfterCompletion: 'NONE' | 'DELETE';
  KmsKeyArn?: string;
  CreationDate: number;
  LastModificationDate: number;
  /** Twin time of the next invocation (undefined when nothing is due any more). */
  nextFire?: number;
  /** A one-time schedule that has fired (kept when ActionAfterCompletion is NONE): never re-armed. */
  completed?: boolean;
}

interface Group {
  Name: string;
  Arn: string;
  CreationDate: number;
  LastModificationDate: number;
  Tags: { Key: string; Value: string }[];
}

export interface Invocation {
  schedule: string;
  group: string;
  target: string;
  scheduledTime: string;
  attempt: number;
  ok: boolean;
  error?: string;
  time: string;
}

export interface DeadLetter {
  schedule: string;
  group: string;
  queueArn: string;
  message: string;
  error: string;
  time: string;
  /** The SQS MessageId when the queue took it; otherwise why SendMessage failed. */
  messageId?: string;
  deliveryError?: string;
}

interface Snapshot {
  groups: Group[];
  schedules: Schedule[];
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

export class SchedulerService implements ServiceBehaviour {
  readonly signingName = 'scheduler';
  private readonly groups = new Map<string, Group>();
  private readonly schedules = new Map<string, Schedule>();
  private readonly timers = new Map<string, () => void>();
  private readonly retryTimers = new Set<() => void>();
  private readonly invocations: Invocation[] = [];
  private readonly deadLetters: DeadLetter[] = [];
  private started = false;

  constructor(private readonly env: TwinEnv) {
    this.groups.set('default', this.newGroup('default', []));
  }

  private newGroup(name: string, tags: { Key: string; Value: string }[]): Group {
    const now = this.env.clock.now();
    return { Name: name, Arn: `arn:aws:scheduler:${this.env.region}:${this.env.accountId}:schedule-group/${name}`, CreationDate: now, LastModificationDate: now, Tags: tags };
  }

  private key(group: string, name: string): string {
    return `${group}/${name}`;
  }

  invocationLog(): Invocation[] {
    return [...this.invocations];
  }

  deadLetterLog(): DeadLetter[] {
    return [...this.deadLetters];
  }

  // ---- validation ----------------------------------------------------------------------------

  private parse(input: ModelValue, existing?: Schedule): Schedule {
    const name = String(input.Name ?? '');
    const group = String(input.GroupName ?? 'default');
    if (!NAME.test(name)) throw new AwsError('ValidationException', `Name: '${name}' must match [0-9a-zA-Z-_.]{1,64}`, 400);
    if (!this.groups.has(group)) throw new AwsError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404);
    const expression = String(input.ScheduleExpression ?? '');
    const tz = typeof input.ScheduleExpressionTimezone === 'string' ? input.ScheduleExpressionTimezone : undefined;
    if (tz !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch {
        throw new AwsError('ValidationException', `ScheduleExpressionTimezone: invalid time zone ${tz}`, 400);
      }
    }
    parseExpression(expression, tz); // throws ValidationException naming the field
    const window = (input.FlexibleTimeWindow ?? {}) as { Mode?: string; MaximumWindowInMinutes?: number };
    if (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE') throw new AwsError('ValidationException', 'FlexibleTimeWindow.Mode must be OFF or FLEXIBLE', 400);
    if (window.Mode === 'FLEXIBLE' && typeof window.MaximumWindowInMinutes !== 'number') {
      throw new AwsError('ValidationException', 'FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE', 400);
    }
    const target = input.Target as Target | undefined;
    if (!target || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') {
      throw new AwsError('ValidationException', 'Target.Arn and Target.RoleArn are required', 400);
    }
    if (!/^arn:aws:(states|lambda|scheduler|sns|sqs|events):/.test(target.Arn)) throw new AwsError('ValidationException', `Target.Arn: invalid ARN ${target.Arn}`, 400);
    if (!/^arn:aws:iam::\d{12}:role\//.test(target.RoleArn)) throw new AwsError('ValidationException', `Target.RoleArn: invalid role ARN ${target.RoleArn}`, 400);
    if (target.Input !== undefined && /^arn:aws:(states|lambda):|aws-sdk/.test(target.Arn)) {
      try {
        JSON.parse(target.Input.replace(/<aws\.scheduler\.[a-z-]+>/g, '0'));
      } catch {
        throw new AwsError('ValidationException', 'Target.Input must be valid JSON for this target', 400);
      }
    }
    const retry = target.RetryPolicy;
    if (retry?.MaximumRetryAttempts !== undefined && (retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185)) {
      throw new AwsError('ValidationException', 'Target.RetryPolicy.MaximumRetryAttempts must be between 0 and 185', 400);
    }
    if (retry?.MaximumEventAgeInSeconds !== undefined && (retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86400)) {
      throw new AwsError('ValidationException', 'Target.RetryPolicy.MaximumEventAgeInSeconds must be between 60 and 86400', 400);
    }
    if (target.DeadLetterConfig?.Arn !== undefined && !/^arn:aws:sqs:[^:]+:\d{12}:[\w-]+$/.test(target.DeadLetterConfig.Arn)) {
      throw new AwsError('ValidationException', `Target.DeadLetterConfig.Arn: not an SQS queue ARN: ${target.DeadLetterConfig.Arn}`, 400);
    }
    const state = input.State === undefined ? 'ENABLED' : String(input.State);
    if (state !== 'ENABLED' && state !== 'DISABLED') throw new AwsError('ValidationException', 'State must be ENABLED or DISABLED', 400);
    const action = input.ActionAfterCompletion === undefined ? 'NONE' : String(input.ActionAfterCompletion);
    if (action !== 'NONE' && action !== 'DELETE') throw new AwsError('ValidationException', 'ActionAfterCompletion must be NONE or DELETE', 400);
    const date = (v: unknown): number | undefined => (v instanceof Date ? v.getTime() : typeof v === 'number' ? v : undefined);
    const now = this.env.clock.now();
    return {
      Name: name, GroupName: group, Arn: `arn:aws:scheduler:${this.env.region}:${this.env.accountId}:schedule/${group}/${name}`,
      ScheduleExpression: expression, ...(tz ? { ScheduleExpressionTimezone: tz } : {}),
      ...(date(input.StartDate) !== undefined ? { StartDate: date(input.StartDate) } : {}),
      ...(date(input.EndDate) !== undefined ? { EndDate: date(input.EndDate) } : {}),
      ...(typeof input.Description === 'string' ? { Description: input.Description } : {}),
      State: state, FlexibleTimeWindow: { Mode: window.Mode, ...(window.MaximumWindowInMinutes !== undefined ? { MaximumWindowInMinutes: window.MaximumWindowInMinutes } : {}) },
      Target: JSON.parse(JSON.stringify(target)) as Target, ActionAfterCompletion: action,
      ...(typeof input.KmsKeyArn === 'string' ? { KmsKeyArn: input.KmsKeyArn } : {}),
      CreationDate: existing?.CreationDate ?? now, LastModificationDate: now,
    };
  }

  // ---- firing ---------------------------------------------------------------------------------

  private arm(s: Schedule, after?: number): void {
    const k = this.key(s.GroupName, s.Name);
    this.timers.get(k)?.();
    this.timers.delete(k);
    s.nextFire = undefined;
    if (s.State !== 'ENABLED' || s.completed) return;
    const next = nextFireTime(s, after ?? this.env.clock.now() - 1);
    if (next === undefined) return;
    s.nextFire = next;
    if (!this.started) return; // armed by start(), once the twin serves requests
    const cancel = this.env.clock.setTimer(Math.max(0, next - this.env.clock.now()), () => {
      this.timers.delete(k);
      void this.fire(s, next);
    });
    this.timers.set(k, cancel);
  }

  private async fire(s: Schedule, scheduledTime: number): Promise<void> {
    const oneTime = s.ScheduleExpression.startsWith('at(');
    const executionId = randomUUID();
    const maxAttempts = (s.Target.RetryPolicy?.MaximumRetryAttempts ?? 185) + 1;
    const maxAgeMs = (s.Target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86400) * 1000;
    const attemptOnce = async (attempt: number): Promise<void> => {
      const input = (s.Target.Input ?? '{}')
        .replace(/<aws\.scheduler\.schedule-arn>/g, s.Arn)
        .replace(/<aws\.scheduler\.scheduled-time>/g, new Date(scheduledTime).toISOString().replace(/\.\d{3}Z$/, 'Z'))
        .replace(/<aws\.scheduler\.execution-id>/g, executionId)
        .replace(/<aws\.scheduler\.attempt-number>/g, String(attempt));
      const log: Invocation = { schedule: s.Name, group: s.GroupName, target: s.Target.Arn, scheduledTime: new Date(scheduledTime).toISOString(), attempt, ok: true, time: new Date(this.env.clock.now()).toISOString() };
      try {
        this.mayAct(s, targetAction(s.Target.Arn));
        await this.invokeTarget(s.Target, input);
        this.invocations.push(log);
        this.completed(s, oneTime);
      } catch (error) {
        log.ok = false;
        log.error = error instanceof AwsError ? `${error.code}: ${error.message}` : (error as Error).message;
        this.invocations.push(log);
        const age = this.env.clock.now() - scheduledTime;
        if (attempt < maxAttempts && age < maxAgeMs) {
          const cancel = this.env.clock.setTimer(Math.min(300_000, 1000 * 2 ** (attempt - 1)), () => {
            this.retryTimers.delete(cancel);
            void attemptOnce(attempt + 1);
          });
          this.retryTimers.add(cancel);
          return;
        }
        if (s.Target.DeadLetterConfig?.Arn) {
          const letter: DeadLetter = { schedule: s.Name, group: s.GroupName, queueArn: s.Target.DeadLetterConfig.Arn, message: input, error: log.error, time: new Date(this.env.clock.now()).toISOString() };
          this.deadLetters.push(letter);
          await this.deadLetter(s, letter, {
            error, executionId, retryAttempts: attempt - 1, scheduledTime, scheduleArn: s.Arn, targetArn: s.Target.Arn,
            exhausted: attempt >= maxAttempts ? 'MaximumRetryAttempts' : 'MaximumEventAgeInSeconds',
          });
        }
        this.completed(s, oneTime);
      }
    };
    if (!oneTime) this.arm(s, scheduledTime); // a recurring schedule keeps its pace whatever this invocation does
    await attemptOnce(1);
    this.env.changed();
  }

  /**
   * Sends the dead-letter event to the schedule's queue, as the Scheduler User Guide's "Retrieve the
   * dead-letter event" shows it. ERROR_CODE/ERROR_MESSAGE are the target service's error; a failure
   * of the scheduler itself is `AWS.Scheduler.InternalServerError`. A queue that does not exist (or
   * refuses the message) loses the event: it is recorded on the letter, not retried.
   */
  /** Throws AccessDeniedException when Scheduler may not act through the schedule's role. */
  private mayAct(s: Schedule, action: ServiceAction | undefined): void {
    const group = `arn:aws:scheduler:${this.env.region}:${this.env.accountId}:schedule-group/${s.GroupName}`;
    const check = serviceMayAct(this.env, {
      roleArn: s.Target.RoleArn, service: SCHEDULER, actions: action ? [action] : [],
      context: { 'aws:SourceAccount': this.env.accountId, 'aws:SourceArn': group },
    });
    if (!check.allowed) throw new AwsError('AccessDeniedException', check.reason, 403);
  }

  private async deadLetter(s: Schedule, letter: DeadLetter, d: { error: unknown; executionId: string; retryAttempts: number; scheduledTime: number; scheduleArn: string; targetArn: string; exhausted: string }): Promise<void> {
    const m = /^arn:aws[a-z-]*:sqs:([^:]+):(\d{12}):(.+)$/.exec(letter.queueArn)!;
    const service = d.error instanceof AwsError;
    const attributes: Record<string, string> = {
      ERROR_CODE: service ? (d.error as AwsError).code : 'AWS.Scheduler.InternalServerError',
      ERROR_MESSAGE: d.error instanceof Error ? d.error.message : 'Unexpected error occurred while processing the request',
      EXECUTION_ID: d.executionId,
      EXHAUSTED_RETRY_CONDITION: d.exhausted,
      IS_PAYLOAD_TRUNCATED: 'false',
      RETRY_ATTEMPTS: String(d.retryAttempts),
      SCHEDULED_TIME: new Date(d.scheduledTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      SCHEDULE_ARN: d.scheduleArn,
      TARGET_ARN: d.targetArn,
    };
    try {
      this.mayAct(s, { action: 'sqs:SendMessage', resource: letter.queueArn });
      const out = await this.env.invoke('sqs', 'SendMessage', {
        QueueUrl: `https://sqs.${m[1]}.amazonaws.com/${m[2]}/${m[3]}`,
        MessageBody: letter.message,
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }, { region: m[1] });
      letter.messageId = String(out.MessageId);
    } catch (e) {
      letter.deliveryError = e instanceof AwsError ? `${e.code}: ${e.message}` : (e as Error).message;
    }
  }

  private completed(s: Schedule, oneTime: boolean): void {
    if (!oneTime) return;
    const k = this.key(s.GroupName, s.Name);
    if (this.schedules.get(k) !== s) return; // updated or deleted meanwhile
    if (s.ActionAfterCompletion === 'DELETE') this.schedules.delete(k);
    else {
      s.nextFire = undefined;
      s.completed = true;
    }
  }

  private async invokeTarget(target: Target, input: string): Promise<void> {
    const arn = target.Arn;
    if (/^arn:aws:states:[^:]+:\d+:stateMachine:/.test(arn)) {
      await this.env.invoke('states', 'StartExecution', { stateMachineArn: arn, input });
      return;
    }
    if (/^arn:aws:lambda:[^:]+:\d+:function:/.test(arn)) {
      await this.env.invoke('lambda', 'Invoke', { FunctionName: arn, InvocationType: 'Event', Payload: Buffer.from(input) });
      return;
    }
    const universal = /^arn:aws:scheduler:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(arn);
    if (universal) {
      const service = { sfn: 'states', cloudwatch: 'monitoring', eventbridge: 'events' }[universal[1] as string] ?? (universal[1] as string);
      const action = universal[2] as string;
      await this.env.invoke(service, action.charAt(0).toUpperCase() + action.slice(1), JSON.parse(input) as ModelValue);
      return;
    }
    if (/^arn:aws:sns:/.test(arn)) {
      await this.env.invoke('sns', 'Publish', { TopicArn: arn, Message: input });
      return;
    }
    throw new Error(`the local cloud cannot invoke target ${arn} (Step Functions, Lambda, SNS and aws-sdk universal targets are served)`);
  }

  // ---- operations -----------------------------------------------------------------------------

  private find(input: ModelValue): Schedule {
    const group = String(input.GroupName ?? 'default');
    const s = this.schedules.get(this.key(group, String(input.Name ?? '')));
    if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${String(input.Name)} does not exist.`, 404);
    return s;
  }

  private describe(s: Schedule): ModelValue {
    const { nextFire: _next, completed: _completed, StartDate, EndDate, CreationDate, LastModificationDate, ...rest } = s;
    return {
      ...rest, CreationDate: new Date(CreationDate), LastModificationDate: new Date(LastModificationDate),
      ...(StartDate !== undefined ? { StartDate: new Date(StartDate) } : {}), ...(EndDate !== undefined ? { EndDate: new Date(EndDate) } : {}),
    };
  }

  readonly operations = {
    CreateScheduleGroup: (input: ModelValue): ModelValue => {
      const name = String(input.Name ?? '');
      if (!NAME.test(name)) throw new AwsError('ValidationException', `Name: '${name}' must match [0-9a-zA-Z-_.]{1,64}`, 400);
      if (this.groups.has(name)) throw new AwsError('ConflictException', `Schedule group ${name} already exists.`, 409);
      const g = this.newGroup(name, (input.Tags as Group['Tags'] | undefined) ?? []);
      this.groups.set(name, g);
      return { ScheduleGroupArn: g.Arn };
    },
    GetScheduleGroup: (input: ModelValue): ModelValue => {
      const g = this.groups.get(String(input.Name ?? ''));
      if (!g) throw new AwsError('ResourceNotFoundException', `Schedule group ${String(input.Name)} does not exist.`, 404);
      return { Arn: g.Arn, Name: g.Name, State: 'ACTIVE', CreationDate: new Date(g.CreationDate), LastModificationDate: new Date(g.LastModificationDate) };
    },
    CreateSchedule: (input: ModelValue): ModelValue => {
      const s = this.parse(input);
      const k = this.key(s.GroupName, s.Name);
      if (this.schedules.has(k)) throw new AwsError('ConflictException', `Schedule ${s.Name} already exists.`, 409);
      this.schedules.set(k, s);
      this.arm(s);
      return { ScheduleArn: s.Arn };
    },
    UpdateSchedule: (input: ModelValue): ModelValue => {
      const existing = this.find(input);
      const s = this.parse(input, existing);
      this.schedules.set(this.key(s.GroupName, s.Name), s);
      this.timers.get(this.key(existing.GroupName, existing.Name))?.();
      this.arm(s);
      return { ScheduleArn: s.Arn };
    },
    GetSchedule: (input: ModelValue): ModelValue => this.describe(this.find(input)),
    DeleteSchedule: (input: ModelValue): ModelValue => {
      const s = this.find(input);
      const k = this.key(s.GroupName, s.Name);
      this.timers.get(k)?.();
      this.timers.delete(k);
      this.schedules.delete(k);
      return {};
    },
    ListSchedules: (input: ModelValue): ModelValue => {
      const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
      const all = [...this.schedules.values()]
        .filter((s) => (input.GroupName === undefined || s.GroupName === input.GroupName) && s.Name.startsWith(prefix) && (input.State === undefined || s.State === input.State))
        .sort((a, b) => a.Arn.localeCompare(b.Arn));
      const max = typeof input.MaxResults === 'number' ? input.MaxResults : 100;
      const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
      if (!Number.isInteger(start) || start < 0) throw new AwsError('ValidationException', 'NextToken is invalid', 400);
      const slice = all.slice(start, start + max).map((s) => ({
        Arn: s.Arn, Name: s.Name, GroupName: s.GroupName, State: s.State,
        CreationDate: new Date(s.CreationDate), LastModificationDate: new Date(s.LastModificationDate), Target: { Arn: s.Target.Arn },
      }));
      return { Schedules: slice, ...(start + max < all.length ? { NextToken: String(start + max) } : {}) };
    },
  };

  readonly routes: TwinRoute[] = [{
    method: 'GET',
    prefix: '/_twin/scheduler',
    handle: () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        schedules: [...this.schedules.values()].map((s) => ({ group: s.GroupName, name: s.Name, expression: s.ScheduleExpression, state: s.State, nextFire: s.nextFire === undefined ? null : new Date(s.nextFire).toISOString(), target: s.Target.Arn })),
        invocations: this.invocationLog(),
        deadLetters: this.deadLetterLog(),
      }, null, 2),
    }),
  }];

  inventory(): InventoryItem[] {
    return [...this.schedules.values()].map((s) => ({ service: 'scheduler', type: 'schedule', id: `${s.GroupName}/${s.Name}`, state: s.State }));
  }

  snapshot(): Snapshot {
    return JSON.parse(JSON.stringify({ groups: [...this.groups.values()], schedules: [...this.schedules.values()] })) as Snapshot;
  }

  restore(state: unknown): void {
    const s = state as Partial<Snapshot> | undefined;
    for (const g of s?.groups ?? []) this.groups.set(g.Name, g);
    for (const sc of s?.schedules ?? []) this.schedules.set(this.key(sc.GroupName, sc.Name), sc);
  }

  /** Timers start with the server, so a schedule due while the twin was down fires at once. */
  start(): void {
    this.started = true;
    for (const s of this.schedules.values()) {
      // A one-time schedule whose time passed while the twin was stopped still fires (late), as AWS would have.
      const after = s.ScheduleExpression.startsWith('at(') && s.nextFire !== undefined ? Math.min(s.nextFire - 1, this.env.clock.now() - 1) : undefined;
      this.arm(s, after);
    }
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    for (const cancel of this.retryTimers) cancel();
    this.retryTimers.clear();
  }
}

// ---- expressions ------------------------------------------------------------------------------

type Expression = { kind: 'at'; time: number } | { kind: 'rate'; everyMs: number };

export function parseExpression(expression: string, timezone?: string): Expression {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const utc = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(utc);
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      throw new AwsError('ValidationException', `ScheduleExpression: invalid date in ${expression}`, 400);
    }
    return { kind: 'at', time: utc - zoneOffsetMs(utc, timezone) };
  }
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    if (n < 1 || (n === 1) !== !unit.endsWith('s')) throw new AwsError('ValidationException', `ScheduleExpression: invalid rate ${expression} (use "1 minute" or "n minutes")`, 400);
    const ms = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
    return { kind: 'rate', everyMs: n * ms };
  }
  if (expression.startsWith('cron(')) {
    throw new AwsError('ValidationException', 'ScheduleExpression: the local cloud does not evaluate cron() expressions yet; use at(...) or rate(...)', 400);
  }
  throw new AwsError('ValidationException', `ScheduleExpression: invalid expression ${JSON.stringify(expression)}; expected at(yyyy-mm-ddThh:mm:ss), rate(...) or cron(...)`, 400);
}

/** Offset of `timezone` from UTC at that instant, in ms (UTC when omitted). */
function zoneOffsetMs(utc: number, timezone?: string): number {
  if (!timezone || timezone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utc));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - utc;
}

function nextFireTime(s: Schedule, after: number): number | undefined {
  const e = parseExpression(s.ScheduleExpression, s.ScheduleExpressionTimezone);
  let next: number;
  if (e.kind === 'at') {
    // One-time schedules fire once at their time; one already past fires at once (late), never twice.
    next = Math.max(e.time, after + 1);
  } else {
    const base = s.StartDate ?? s.CreationDate;
    const k = Math.max(1, Math.ceil((after + 1 - base) / e.everyMs));
    next = base + k * e.everyMs;
    if (s.StartDate !== undefined && next < s.StartDate) next = s.StartDate;
  }
  if (s.EndDate !== undefined && next > s.EndDate) return undefined;
  return next;
}

/** One line in local/services/index.ts. */
export function createScheduler(env: TwinEnv): SchedulerService {
  return new SchedulerService(env);
}
