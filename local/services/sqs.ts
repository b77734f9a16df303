/**
 * SQS twin: standard queues with their messages, on the twin clock. Served over AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Op>`, the only protocol botocore's model lists; the model is
 * `awsQueryCompatible`, so errors also carry `x-amzn-query-error`, local/protocols/rpc.ts).
 *
 * Operations: CreateQueue, GetQueueUrl, GetQueueAttributes, SendMessage, ReceiveMessage (long
 * polling on the twin clock), DeleteMessage, PurgeQueue, DeleteQueue, as the SQS API Reference
 * describes them (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/). Within
 * these bounds, each refused with AWS's own error rather than pretended:
 *  - standard queues only (a FIFO queue is refused with UnsupportedOperation, naming the twin);
 *  - a RedrivePolicy is refused (InvalidAttributeValue): the twin does not move messages to a
 *    queue's own dead-letter queue yet. Other attributes are kept and returned as given.
 *
 * Metrics: "CloudWatch metrics for your Amazon SQS queues are automatically collected and pushed to
 * CloudWatch at one-minute intervals" for active queues, and "a queue is active for up to six hours
 * if it contains messages or if any action accesses it" (SQS Developer Guide, "Available CloudWatch
 * metrics for Amazon SQS",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
 * Every minute of twin time each active queue publishes AWS/SQS ApproximateNumberOfMessagesVisible,
 * ApproximateNumberOfMessagesNotVisible and ApproximateNumberOfMessagesDelayed by QueueName to the
 * listeners of {@link SqsService.onMetric} (local/server.ts hands them to CloudWatch).
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type ServiceBehaviour, type TwinEnv } from '../core/types';

export interface MessageAttribute { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }

interface StoredMessage {
  MessageId: string;
  Body: string;
  MessageAttributes?: Record<string, MessageAttribute>;
  SentTimestamp: number;
  /** Twin time from which the message can be received (delay, then visibility timeout). */
  visibleAt: number;
  /** Times received; 0 with visibleAt ahead means delayed (DelaySeconds not elapsed). */
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** The latest receipt handle; older ones of this message still delete it (SQS API Reference, DeleteMessage). */
  receiptHandles: string[];
}

interface Queue {
  QueueName: string;
  QueueUrl: string;
  QueueArn: string;
  region: string;
  Attributes: Record<string, string>;
  tags: Record<string, string>;
  CreatedTimestamp: number;
  LastModifiedTimestamp: number;
  messages: StoredMessage[];
  /** Twin time of the last action on the queue (it is "active" for six hours after). */
  lastActivity: number;
  lastPurge?: number;
}

export interface SqsMetric { region: string; QueueName: string; MetricName: string; Value: number; Timestamp: number }

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ACTIVE_MS = 6 * 3600 * 1000;
const METRIC_INTERVAL_MS = 60_000;
/** "you must wait 60 seconds before creating a queue with the same name" (DeleteQueue API reference). */
const RECREATE_AFTER_MS = 60_000;
/** "Only one PurgeQueue operation on a queue is allowed every 60 seconds" (PurgeQueue API reference). */
const PURGE_EVERY_MS = 60_000;
/** Defaults and bounds of the queue attributes (CreateQueue API reference, Attributes). */
const DEFAULTS: Record<string, string> = {
  DelaySeconds: '0', MaximumMessageSize: '1048576', MessageRetentionPeriod: '345600', ReceiveMessageWaitTimeSeconds: '0', VisibilityTimeout: '30', SqsManagedSseEnabled: 'true',
};
const BOUNDS: Record<string, [number, number]> = {
  DelaySeconds: [0, 900], MaximumMessageSize: [1024, 1048576], MessageRetentionPeriod: [60, 1209600], ReceiveMessageWaitTimeSeconds: [0, 20], VisibilityTimeout: [0, 43200],
};

const notFound = (): AwsError => new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
const badAttribute = (message: string): AwsError => new AwsError('InvalidAttributeValue', message, 400);
const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterValue', message, 400);

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

/**
 * MD5 of message attributes as SQS computes it: names sorted; each name, data type and value as a
 * 4-byte big-endian length and the bytes, with a transport byte (1 string/number, 2 binary) before
 * the value (SQS Developer Guide, "Calculating the MD5 message digest for message attributes").
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttribute>): string {
  const parts: Buffer[] = [];
  const field = (b: Buffer): void => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name]!;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      field(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      field(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return md5(Buffer.concat(parts));
}

/** "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF" (SendMessage, MessageBody). */
const ALLOWED_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

export class SqsService implements ServiceBehaviour {
  readonly signingName = 'sqs';
  private queues = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private readonly metricListeners = new Set<(m: SqsMetric) => void>();
  private cancelTick?: () => void;
  private stopped = false;

  constructor(private readonly env: TwinEnv) {}

  /** Every metric datum the twin's SQS publishes (CloudWatch subscribes in local/server.ts). */
  onMetric(listener: (m: SqsMetric) => void): () => void {
    this.metricListeners.add(listener);
    return () => this.metricListeners.delete(listener);
  }

  private key(region: string, name: string): string { return `${region}|${name}`; }

  /** The queue a QueueUrl names: `https://sqs.<region>.amazonaws.com/<account>/<name>` (or any host, in the caller's region). */
  private byUrl(url: unknown, ctx: OpContext): Queue {
    const m = typeof url === 'string' ? /^(?:https?:\/\/([^/]+))?\/?(\d{12})\/([^/?#]+)\/?$/.exec(url) : null;
    if (!m || m[2] !== ctx.accountId) throw notFound();
    const region = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(m[1] ?? '')?.[1] ?? ctx.region;
    const q = this.queues.get(this.key(region, decodeURIComponent(m[3]!)));
    if (!q) throw notFound();
    this.touch(q);
    return q;
  }

  private touch(q: Queue): void {
    q.lastActivity = this.env.clock.now();
    this.armTick();
  }

  /** Messages past the retention period are deleted (MessageRetentionPeriod). */
  private expire(q: Queue): void {
    const keepFrom = this.env.clock.now() - Number(q.Attributes.MessageRetentionPeriod) * 1000;
    if (q.messages.some((m) => m.SentTimestamp < keepFrom)) q.messages = q.messages.filter((m) => m.SentTimestamp >= keepFrom);
  }

  private counts(q: Queue): { visible: number; notVisible: number; delayed: number } {
    this.expire(q);
    const now = this.env.clock.now();
    let visible = 0; let notVisible = 0; let delayed = 0;
    for (const m of q.messages) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receiveCount === 0) delayed += 1;
      else notVisible += 1;
    }
    return { visible, notVisible, delayed };
  }

  private checkAttributes(attributes: Record<string, string>): void {
    for (const [name, value] of Object.entries(attributes)) {
      const bounds = BOUNDS[name];
      if (bounds) {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < bounds[0] || n > bounds[1]) throw badAttribute(`Invalid value for the parameter ${name}.`);
      }
      if (name === 'FifoQueue' && value === 'true') throw new AwsError('UnsupportedOperation', 'The local cloud serves standard queues only (FifoQueue).', 400);
      if (name === 'RedrivePolicy') throw badAttribute('The local cloud does not redrive messages to a dead-letter queue yet (RedrivePolicy).');
    }
  }

  readonly operations = {
    CreateQueue: (input: ModelValue, ctx: OpContext): ModelValue => {
      const name = String(input.QueueName);
      if (name.endsWith('.fifo')) throw new AwsError('UnsupportedOperation', 'The local cloud serves standard queues only (a .fifo queue name).', 400);
      if (!NAME.test(name)) throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
      const attributes = (input.Attributes ?? {}) as Record<string, string>;
      this.checkAttributes(attributes);
      const k = this.key(ctx.region, name);
      const existing = this.queues.get(k);
      if (existing) {
        // "If you provide the name of an existing queue along with the exact names and values of all
        // the queue's attributes, CreateQueue returns the queue URL for the existing queue. If the
        // queue name, attribute names, or attribute values don't match an existing queue, CreateQueue
        // returns an error." (CreateQueue API reference)
        const differs = Object.entries(attributes).some(([a, v]) => (existing.Attributes[a] ?? DEFAULTS[a]) !== v);
        if (differs) throw new AwsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute(s) ${Object.keys(attributes).join(', ')}`, 400);
        this.touch(existing);
        return { QueueUrl: existing.QueueUrl };
      }
      const deleted = this.deletedAt.get(k);
      if (deleted !== undefined && this.env.clock.now() - deleted < RECREATE_AFTER_MS) {
        throw new AwsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another queue with the same name.', 400);
      }
      const now = this.env.clock.now();
      const q: Queue = {
        QueueName: name, region: ctx.region,
        QueueUrl: `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${name}`,
        QueueArn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`,
        Attributes: { ...DEFAULTS, ...attributes }, tags: { ...(input.tags as Record<string, string> | undefined) },
        CreatedTimestamp: now, LastModifiedTimestamp: now, messages: [], lastActivity: now,
      };
      this.queues.set(k, q);
      this.armTick();
      return { QueueUrl: q.QueueUrl };
    },

    GetQueueUrl: (input: ModelValue, ctx: OpContext): ModelValue => {
      if (input.QueueOwnerAWSAccountId !== undefined && input.QueueOwnerAWSAccountId !== ctx.accountId) throw notFound();
      const q = this.queues.get(this.key(ctx.region, String(input.QueueName)));
      if (!q) throw notFound();
      this.touch(q);
      return { QueueUrl: q.QueueUrl };
    },

    GetQueueAttributes: (input: ModelValue, ctx: OpContext): ModelValue => {
      const q = this.byUrl(input.QueueUrl, ctx);
      const names = (input.AttributeNames ?? []) as string[];
      if (names.length === 0) return {};
      const c = this.counts(q);
      const all: Record<string, string> = {
        ...q.Attributes,
        QueueArn: q.QueueArn,
        ApproximateNumberOfMessages: String(c.visible),
        ApproximateNumberOfMessagesNotVisible: String(c.notVisible),
        ApproximateNumberOfMessagesDelayed: String(c.delayed),
        CreatedTimestamp: String(Math.floor(q.CreatedTimestamp / 1000)),
        LastModifiedTimestamp: String(Math.floor(q.LastModifiedTimestamp / 1000)),
      };
      const want = names.includes('All') ? Object.keys(all) : names;
      return { Attributes: Object.fromEntries(want.filter((n) => all[n] !== undefined).map((n) => [n, all[n]])) };
    },

    SendMessage: (input: ModelValue, ctx: OpContext): ModelValue => {
      const q = this.byUrl(input.QueueUrl, ctx);
      const body = String(input.MessageBody);
      if (body.length === 0) throw invalidParameter('The request must contain the parameter MessageBody.');
      if (!ALLOWED_BODY.test(body)) throw new AwsError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF', 400);
      const attributes = input.MessageAttributes as Record<string, MessageAttribute> | undefined;
      const size = Buffer.byteLength(body) + Object.entries(attributes ?? {}).reduce((n, [k, a]) => n + Buffer.byteLength(k) + Buffer.byteLength(a.DataType)
        + (a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '')), 0);
      if (size > Number(q.Attributes.MaximumMessageSize)) throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${q.Attributes.MaximumMessageSize} bytes.`);
      if (Object.keys(attributes ?? {}).length > 10) throw invalidParameter('Number of message attributes [' + String(Object.keys(attributes ?? {}).length) + '] exceeds the allowed maximum [10].');
      const delay = input.DelaySeconds !== undefined ? Number(input.DelaySeconds) : Number(q.Attributes.DelaySeconds);
      if (!Number.isInteger(delay) || delay < 0 || delay > 900) throw invalidParameter(`Value ${String(input.DelaySeconds)} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`);
      const now = this.env.clock.now();
      const m: StoredMessage = {
        MessageId: randomUUID(), Body: body, ...(attributes && Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
        SentTimestamp: now, visibleAt: now + delay * 1000, receiveCount: 0, receiptHandles: [],
      };
      q.messages.push(m);
      for (const wake of [...this.waiters]) wake();
      return { MessageId: m.MessageId, MD5OfMessageBody: md5(body), ...(m.MessageAttributes ? { MD5OfMessageAttributes: md5OfMessageAttributes(m.MessageAttributes) } : {}) };
    },

    ReceiveMessage: async (input: ModelValue, ctx: OpContext): Promise<ModelValue> => {
      const q = this.byUrl(input.QueueUrl, ctx);
      const max = input.MaxNumberOfMessages === undefined ? 1 : Number(input.MaxNumberOfMessages);
      if (!Number.isInteger(max) || max < 1 || max > 10) throw invalidParameter(`Value ${String(max)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
      const wait = input.WaitTimeSeconds === undefined ? Number(q.Attributes.ReceiveMessageWaitTimeSeconds) : Number(input.WaitTimeSeconds);
      if (!Number.isInteger(wait) || wait < 0 || wait > 20) throw invalidParameter(`Value ${String(wait)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`);
      const visibility = input.VisibilityTimeout === undefined ? Number(q.Attributes.VisibilityTimeout) : Number(input.VisibilityTimeout);
      if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43200) throw invalidParameter(`Value ${String(visibility)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`);
      // Long polling: wait (twin time) until a message can be received or WaitTimeSeconds passes.
      const deadline = this.env.clock.now() + wait * 1000;
      let taken = this.take(q, max, visibility);
      while (taken.length === 0 && this.env.clock.now() < deadline && !this.stopped) {
        await this.nextChance(deadline - this.env.clock.now(), q);
        taken = this.take(q, max, visibility);
      }
      if (taken.length === 0) return {};
      const system = new Set([...((input.MessageSystemAttributeNames ?? []) as string[]), ...((input.AttributeNames ?? []) as string[])]);
      const allSystem = system.has('All');
      const attributeNames = (input.MessageAttributeNames ?? []) as string[];
      const wanted = (name: string): boolean => attributeNames.some((p) => p === 'All' || p === '.*' || p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1))));
      return {
        Messages: taken.map(({ m, handle }) => {
          const sys: Record<string, string> = {
            SenderId: this.env.accountId, SentTimestamp: String(m.SentTimestamp), ApproximateReceiveCount: String(m.receiveCount),
            ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.SentTimestamp),
          };
          const attributes = Object.fromEntries(Object.entries(sys).filter(([k]) => allSystem || system.has(k)));
          const messageAttributes = Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).filter(([k]) => wanted(k)));
          return {
            MessageId: m.MessageId, ReceiptHandle: handle, MD5OfBody: md5(m.Body), Body: m.Body,
            ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
            ...(Object.keys(messageAttributes).length ? { MessageAttributes: messageAttributes, MD5OfMessageAttributes: md5OfMessageAttributes(messageAttributes) } : {}),
          };
        }),
      };
    },

    DeleteMessage: (input: ModelValue, ctx: OpContext): ModelValue => {
      const q = this.byUrl(input.QueueUrl, ctx);
      const handle = String(input.ReceiptHandle);
      const [queueArn] = Buffer.from(handle, 'base64url').toString('utf8').split('#');
      if (queueArn !== q.QueueArn) throw new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
      // A handle of a message already deleted succeeds: "you can delete a message more than once".
      q.messages = q.messages.filter((m) => !m.receiptHandles.includes(handle));
      return {};
    },

    PurgeQueue: (input: ModelValue, ctx: OpContext): ModelValue => {
      const q = this.byUrl(input.QueueUrl, ctx);
      const now = this.env.clock.now();
      if (q.lastPurge !== undefined && now - q.lastPurge < PURGE_EVERY_MS) {
        throw new AwsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${q.QueueName} is allowed every 60 seconds.`, 403);
      }
      q.lastPurge = now;
      q.messages = [];
      return {};
    },

    DeleteQueue: (input: ModelValue, ctx: OpContext): ModelValue => {
      const q = this.byUrl(input.QueueUrl, ctx);
      const k = this.key(q.region, q.QueueName);
      this.queues.delete(k);
      this.deletedAt.set(k, this.env.clock.now());
      for (const wake of [...this.waiters]) wake();
      return {};
    },
  };

  /** Up to `max` visible messages, each made invisible for `visibility` seconds with a new receipt handle. */
  private take(q: Queue, max: number, visibility: number): { m: StoredMessage; handle: string }[] {
    if (this.queues.get(this.key(q.region, q.QueueName)) !== q) return [];
    this.expire(q);
    const now = this.env.clock.now();
    const out: { m: StoredMessage; handle: string }[] = [];
    for (const m of q.messages) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      m.receiveCount += 1;
      m.firstReceiveTimestamp ??= now;
      m.visibleAt = now + visibility * 1000;
      const handle = Buffer.from(`${q.QueueArn}#${m.MessageId}#${randomUUID()}`, 'utf8').toString('base64url');
      m.receiptHandles.push(handle);
      out.push({ m, handle });
    }
    if (out.length) this.env.changed();
    return out;
  }

  /** Resolves when a message is sent, a hidden message may be visible again, or `twinMs` pass. */
  private nextChance(twinMs: number, q: Queue): Promise<void> {
    const now = this.env.clock.now();
    const reappears = q.messages.reduce((min, m) => (m.visibleAt > now ? Math.min(min, m.visibleAt - now) : min), Infinity);
    return new Promise((resolve) => {
      const done = (): void => { this.waiters.delete(done); cancel(); resolve(); };
      const cancel = this.env.clock.setTimer(Math.max(1, Math.min(twinMs, reappears)), done);
      this.waiters.add(done);
    });
  }

  // ---- metrics ---------------------------------------------------------------------------------

  private active(q: Queue, now: number): boolean {
    return q.messages.length > 0 || now - q.lastActivity < ACTIVE_MS;
  }

  private armTick(): void {
    if (this.cancelTick || this.stopped) return;
    this.cancelTick = this.env.clock.setTimer(METRIC_INTERVAL_MS, () => {
      this.cancelTick = undefined;
      const now = this.env.clock.now();
      const active = [...this.queues.values()].filter((q) => this.active(q, now));
      for (const q of active) {
        const c = this.counts(q);
        const data: [string, number][] = [['ApproximateNumberOfMessagesVisible', c.visible], ['ApproximateNumberOfMessagesNotVisible', c.notVisible], ['ApproximateNumberOfMessagesDelayed', c.delayed]];
        for (const [MetricName, Value] of data) {
          for (const l of this.metricListeners) {
            try { l({ region: q.region, QueueName: q.QueueName, MetricName, Value, Timestamp: now }); } catch (e) { console.error('[twin] SQS metric listener failed:', e); }
          }
        }
      }
      if (active.length) this.armTick();
    });
  }

  /** The queue's messages as stored (tests and the control API look without receiving them). */
  peek(queueArn: string): { MessageId: string; Body: string; MessageAttributes?: Record<string, MessageAttribute> }[] {
    const q = [...this.queues.values()].find((x) => x.QueueArn === queueArn);
    return (q?.messages ?? []).map((m) => ({ MessageId: m.MessageId, Body: m.Body, ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}) }));
  }

  inventory(): InventoryItem[] {
    return [...this.queues.values()].map((q) => ({ service: 'sqs', type: 'queue', id: q.QueueArn, tags: { ...q.tags } }));
  }

  snapshot(): { queues: SavedQueue[] } {
    return {
      queues: [...this.queues.values()].map((q) => ({
        ...q,
        messages: q.messages.map(({ MessageAttributes, ...m }) => ({ ...m, ...(MessageAttributes ? { MessageAttributes: mapBinary(MessageAttributes, (b) => Buffer.from(b).toString('base64')) } : {}) })),
      })),
    };
  }

  restore(state: unknown): void {
    const s = state as { queues?: SavedQueue[] } | undefined;
    this.queues = new Map((s?.queues ?? []).map((q): [string, Queue] => [this.key(q.region, q.QueueName), {
      ...q,
      messages: q.messages.map(({ MessageAttributes, ...m }) => ({ ...m, ...(MessageAttributes ? { MessageAttributes: mapBinary(MessageAttributes, (b) => new Uint8Array(Buffer.from(b, 'base64'))) } : {}) })),
    }]));
  }

  start(): void { if (this.queues.size) this.armTick(); }

  stop(): void {
    this.stopped = true;
    this.cancelTick?.();
    this.cancelTick = undefined;
    for (const wake of [...this.waiters]) wake();
  }
}

/** A queue as saved: binary attribute values as base64 (JSON has no bytes). */
type SavedAttribute = Omit<MessageAttribute, 'BinaryValue'> & { BinaryValue?: string };
type SavedQueue = Omit<Queue, 'messages'> & { messages: (Omit<StoredMessage, 'MessageAttributes'> & { MessageAttributes?: Record<string, SavedAttribute> })[] };

function mapBinary<A, B>(attrs: Record<string, { DataType: string; StringValue?: string; BinaryValue?: A }>, f: (v: A) => B): Record<string, { DataType: string; StringValue?: string; BinaryValue?: B }> {
  return Object.fromEntries(Object.entries(attrs).map(([k, a]) => {
    const { BinaryValue, ...rest } = a;
    return [k, BinaryValue === undefined ? rest : { ...rest, BinaryValue: f(BinaryValue) }];
  }));
}

export const createSqs = (env: TwinEnv): SqsService => new SqsService(env);
