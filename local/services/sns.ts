/**
 * SNS: topics, subscriptions, and every published message recorded (GET /_twin/notifications) so
 * tests and `npm start` can show what OnAir told its operators. Lambda subscriptions are invoked
 * asynchronously with the SNS event shape; other protocols only record (the twin has no mail server).
 */
import { randomUUID } from 'node:crypto';
import { page, recordToTags, tagsToRecord } from '../core/paging';
import { AwsError, type InventoryItem, type OpContext, type ServiceBehaviour, type TwinEnv } from '../core/types';

interface Subscription { SubscriptionArn: string; TopicArn: string; Protocol: string; Endpoint?: string; Owner: string }
interface Topic { TopicArn: string; Name: string; Attributes: Record<string, string>; Tags: Record<string, string>; subscriptions: Subscription[] }
export interface Notification { MessageId: string; TopicArn: string; Subject?: string; Message: string; MessageAttributes?: unknown; time: string }
interface State { topics: Topic[]; notifications: Notification[] }

const NAME = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_MESSAGE_BYTES = 262_144;
const KEEP_NOTIFICATIONS = 5_000;
const PROTOCOLS = ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'];

const invalid = (message: string): AwsError => new AwsError('InvalidParameterException', `Invalid parameter: ${message}`, 400);

export class SnsService implements ServiceBehaviour {
  readonly signingName = 'sns';
  private topics = new Map<string, Topic>();
  private notifications: Notification[] = [];

  constructor(private readonly env: TwinEnv) {}

  private topic(arn: unknown): Topic {
    const t = typeof arn === 'string' ? this.topics.get(arn) : undefined;
    if (!t) throw new AwsError('NotFoundException', 'Topic does not exist', 404);
    return t;
  }

  readonly operations = {
    CreateTopic: (input: Record<string, unknown>, ctx: OpContext) => {
      const name = input.Name as string;
      const attributes = (input.Attributes ?? {}) as Record<string, string>;
      const fifo = attributes.FifoTopic === 'true';
      const base = fifo ? name.replace(/\.fifo$/, '') : name;
      if (!NAME.test(base) || (fifo !== name.endsWith('.fifo'))) throw invalid('Topic Name');
      const arn = `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`;
      const existing = this.topics.get(arn);
      // CreateTopic is idempotent by name; the same name with other attributes is refused.
      if (existing) {
        for (const [k, v] of Object.entries(attributes)) if (existing.Attributes[k] !== undefined && existing.Attributes[k] !== v) throw invalid(`Topic already exists with different attributes`);
        return { TopicArn: arn };
      }
      this.topics.set(arn, { TopicArn: arn, Name: name, Attributes: { ...attributes }, Tags: tagsToRecord(input.Tags), subscriptions: [] });
      return { TopicArn: arn };
    },

    Publish: (input: Record<string, unknown>) => {
      const arn = (input.TopicArn ?? input.TargetArn) as string | undefined;
      if (input.PhoneNumber) throw invalid('PhoneNumber: the twin delivers to topics only');
      if (!arn) throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
      const topic = this.topic(arn);
      const message = input.Message as string;
      if (message.length === 0) throw invalid('Empty message');
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw invalid('Message too long');
      if (input.MessageStructure !== undefined) {
        if (input.MessageStructure !== 'json') throw invalid('MessageStructure: only json is supported');
        // With MessageStructure json, Message is a JSON object with a "default" entry for every protocol.
        let parsed: unknown;
        try { parsed = JSON.parse(message); } catch { throw invalid('Message Structure - JSON message body failed to parse'); }
        if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Record<string, unknown>).default !== 'string') throw invalid('Message Structure - No default entry in JSON message body');
      }
      const subject = input.Subject as string | undefined;
      if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject))) throw invalid('Subject');
      if (topic.Name.endsWith('.fifo') && !input.MessageGroupId) throw invalid('The MessageGroupId parameter is required for FIFO topics');
      const n: Notification = { MessageId: randomUUID(), TopicArn: topic.TopicArn, Subject: subject, Message: message, MessageAttributes: input.MessageAttributes, time: new Date(this.env.clock.now()).toISOString() };
      this.notifications.push(n);
      if (this.notifications.length > KEEP_NOTIFICATIONS) this.notifications.shift();
      this.deliver(topic, n);
      return { MessageId: n.MessageId };
    },

    Subscribe: (input: Record<string, unknown>) => {
      const topic = this.topic(input.TopicArn);
      const protocol = input.Protocol as string;
      if (!PROTOCOLS.includes(protocol)) throw invalid('Invalid protocol type: ' + protocol);
      const endpoint = input.Endpoint as string | undefined;
      const found = topic.subscriptions.find((s) => s.Protocol === protocol && s.Endpoint === endpoint);
      if (found) return { SubscriptionArn: found.SubscriptionArn };
      const sub: Subscription = { SubscriptionArn: `${topic.TopicArn}:${randomUUID()}`, TopicArn: topic.TopicArn, Protocol: protocol, Endpoint: endpoint, Owner: this.env.accountId };
      topic.subscriptions.push(sub);
      // Email and HTTP endpoints must confirm first; AWS answers "pending confirmation" unless asked for the ARN.
      const pending = ['email', 'email-json', 'http', 'https'].includes(protocol) && !input.ReturnSubscriptionArn;
      return { SubscriptionArn: pending ? 'pending confirmation' : sub.SubscriptionArn };
    },

    ListSubscriptionsByTopic: (input: Record<string, unknown>) => {
      const topic = this.topic(input.TopicArn);
      const p = page(topic.subscriptions, 100, input.NextToken as string | undefined, 100, 'InvalidParameterException');
      return { Subscriptions: p.items, NextToken: p.nextToken };
    },

    ListTopics: (input: Record<string, unknown>, ctx: OpContext) => {
      const mine = [...this.topics.values()].filter((t) => t.TopicArn.split(':')[3] === ctx.region);
      const p = page(mine, 100, input.NextToken as string | undefined, 100, 'InvalidParameterException');
      return { Topics: p.items.map((t) => ({ TopicArn: t.TopicArn })), NextToken: p.nextToken };
    },
  };

  private deliver(topic: Topic, n: Notification): void {
    for (const sub of topic.subscriptions) {
      if (sub.Protocol !== 'lambda' || !sub.Endpoint) continue;
      const event = { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: sub.SubscriptionArn, Sns: { Type: 'Notification', MessageId: n.MessageId, TopicArn: n.TopicArn, Subject: n.Subject ?? null, Message: n.Message, Timestamp: n.time, MessageAttributes: n.MessageAttributes ?? {} } }] };
      this.env.invoke('lambda', 'Invoke', { FunctionName: sub.Endpoint, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) })
        .catch((e: unknown) => console.error(`[twin] SNS delivery to ${sub.Endpoint} failed:`, (e as Error).message));
    }
  }

  readonly routes = [{
    prefix: '/_twin/notifications',
    handle: ({ method, query }: { method: string; query: URLSearchParams }) => {
      if (method === 'DELETE') { this.notifications = []; return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"cleared":true}' }; }
      const topic = query.get('topic');
      const list = this.notifications.filter((n) => !topic || n.TopicArn === topic || n.TopicArn.endsWith(`:${topic}`));
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notifications: list }, null, 2) };
    },
  }];

  /** Messages published so far, oldest first. */
  published(topicArn?: string): Notification[] { return this.notifications.filter((n) => !topicArn || n.TopicArn === topicArn); }

  inventory(): InventoryItem[] {
    return [...this.topics.values()].flatMap((t) => [
      { service: 'sns', type: 'topic', id: t.TopicArn, tags: t.Tags },
      ...t.subscriptions.map((s) => ({ service: 'sns', type: 'subscription', id: s.SubscriptionArn })),
    ]);
  }
  snapshot(): State { return { topics: [...this.topics.values()], notifications: this.notifications }; }
  restore(state: unknown): void {
    const s = state as State;
    this.topics = new Map(s.topics.map((t) => [t.TopicArn, t]));
    this.notifications = s.notifications ?? [];
  }
  /** Tags in the AWS list form, for callers that want them. */
  tags(arn: string): { Key: string; Value: string }[] { return recordToTags(this.topic(arn).Tags); }
}

export const createSns = (env: TwinEnv): SnsService => new SnsService(env);
