/**
 * CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, …) resolved to the names and
 * ARNs CloudFormation would give the stack's resources, deterministically, for the local cloud and
 * the tests. Used by local/onair/workflows.ts.
 */
import { isObj, WorkflowConfigError, type Json, type Obj } from './serverless-yml';

/** A resource the local cloud created: its Ref and its attributes (Fn::GetAtt). */
export interface PhysicalResource { ref: string; attributes?: Record<string, string> }

/** What a Ref or Fn::GetAtt on a function or state machine resolves to. */
export interface NamedResource { name: string; arn: string }

export class Intrinsics {
  constructor(
    private readonly resources: Obj,
    private readonly ids: { region: string; accountId: string; service: string; stage: string },
    private readonly functionsByLogicalId: Map<string, NamedResource>,
    private readonly machinesByLogicalId: Map<string, NamedResource>,
    private readonly physical: Record<string, PhysicalResource> = {},
    private readonly conditions: Obj = {},
    private readonly parameters: Obj = {},
  ) {}

  /** A stable placeholder id for a resource the local cloud has not created (unit tests). */
  private placeholder(logicalId: string, length: number): string {
    let h = 0x811c9dc5;
    for (const c of `${this.ids.stage}/${logicalId}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return `E${h.toString(36).toUpperCase()}${'0'.repeat(length)}`.slice(0, length);
  }

  condition(name: string): boolean {
    const c = this.conditions[name];
    if (c === undefined) throw new WorkflowConfigError(`unknown condition ${name}`);
    return this.truthy(c);
  }

  private truthy(v: Json): boolean {
    if (typeof v === 'boolean') return v;
    if (isObj(v)) {
      const [k, arg] = Object.entries(v)[0] ?? [];
      if (k === 'Fn::Equals' && Array.isArray(arg)) return this.scalar(arg[0] as Json) === this.scalar(arg[1] as Json);
      if (k === 'Fn::Not' && Array.isArray(arg)) return !this.truthy(arg[0] as Json);
      if (k === 'Fn::And' && Array.isArray(arg)) return arg.every((x) => this.truthy(x));
      if (k === 'Fn::Or' && Array.isArray(arg)) return arg.some((x) => this.truthy(x));
      if (k === 'Condition' && typeof arg === 'string') return this.condition(arg);
    }
    throw new WorkflowConfigError(`not a condition: ${JSON.stringify(v)}`);
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region': return this.ids.region;
      case 'AWS::AccountId': return this.ids.accountId;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return `${this.ids.service}-${this.ids.stage}`;
      default: return undefined;
    }
  }

  ref(logicalId: string): string {
    const p = this.pseudo(logicalId);
    if (p !== undefined) return p;
    const fn = this.functionsByLogicalId.get(logicalId);
    if (fn) return fn.name;
    const sm = this.machinesByLogicalId.get(logicalId);
    if (sm) return sm.arn;
    const made = this.physical[logicalId];
    if (made) return made.ref;
    // A stack parameter: its Default (the local cloud passes no parameter values).
    const param = this.parameters[logicalId];
    if (isObj(param) && param.Default !== undefined) return this.scalar(param.Default as Json);
    // The HTTP API osls generates from the functions' httpApi events (logical id HttpApi, osls
    // lib/plugins/aws/lib/naming.js getHttpApiLogicalId), not declared in resources.Resources; its Ref
    // is the API id (AWS::ApiGatewayV2::Api "Return values"), 10 lowercase alphanumerics. The control-
    // plane API 5xx alarm names it.
    if (logicalId === 'HttpApi' && !(logicalId in this.resources)) return this.placeholder(logicalId, 10).toLowerCase();
    const res = this.resources[logicalId];
    if (!isObj(res)) throw new WorkflowConfigError(`Ref to unknown resource ${logicalId}`);
    const props = isObj(res.Properties) ? res.Properties : {};
    const { region, accountId } = this.ids;
    switch (res.Type) {
      case 'AWS::SNS::Topic': return `arn:aws:sns:${region}:${accountId}:${String(props.TopicName ?? logicalId)}`;
      case 'AWS::DynamoDB::Table': return String(props.TableName ?? logicalId);
      case 'AWS::SQS::Queue': return `https://sqs.${region}.amazonaws.com/${accountId}/${String(props.QueueName ?? logicalId)}`;
      case 'AWS::Scheduler::ScheduleGroup': return String(props.Name ?? logicalId);
      case 'AWS::IAM::Role': return String(props.RoleName ?? this.generatedName(logicalId));
      case 'AWS::KMS::Key': return `00000000-0000-0000-0000-${logicalId.toLowerCase().padEnd(12, '0').slice(0, 12)}`;
      case 'AWS::Logs::LogGroup': return String(props.LogGroupName ?? logicalId);
      // CloudFormation returns the id for these three, the ARN for a channel group, the name for an alarm
      // (CloudFormation Template Reference, each type's "Return values"; AWS::MediaPackageV2::ChannelGroup:
      // "Ref returns arn:aws:mediapackagev2:region:AccountId:ChannelGroup/ChannelGroupName").
      case 'AWS::CloudFront::Distribution': return this.placeholder(logicalId, 14);
      case 'AWS::CloudFront::OriginAccessControl': return this.placeholder(logicalId, 14);
      case 'AWS::CloudFront::CachePolicy': return this.placeholder(logicalId, 14).toLowerCase();
      case 'AWS::MediaPackageV2::ChannelGroup': return `arn:aws:mediapackagev2:${region}:${accountId}:channelGroup/${String(props.ChannelGroupName ?? logicalId)}`;
      case 'AWS::CloudWatch::Alarm': return String(props.AlarmName ?? this.generatedName(logicalId));
      default: throw new WorkflowConfigError(`Ref to ${logicalId} (${String(res.Type)}): local/onair/workflows.ts does not name this resource type yet`);
    }
  }

  private generatedName(logicalId: string): string {
    return `${this.ids.service}-${this.ids.stage}-${logicalId}`;
  }

  getAtt(logicalId: string, attribute: string): string {
    const fn = this.functionsByLogicalId.get(logicalId);
    if (fn && attribute === 'Arn') return fn.arn;
    const sm = this.machinesByLogicalId.get(logicalId);
    if (sm && attribute === 'Arn') return sm.arn;
    if (sm && attribute === 'Name') return sm.name;
    const made = this.physical[logicalId]?.attributes?.[attribute];
    if (made !== undefined) return made;
    const res = this.resources[logicalId];
    if (!isObj(res)) throw new WorkflowConfigError(`Fn::GetAtt on unknown resource ${logicalId}`);
    const props = isObj(res.Properties) ? res.Properties : {};
    const { region, accountId } = this.ids;
    const key = `${String(res.Type)}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn': return `arn:aws:iam::${accountId}:role/${this.ref(logicalId)}`;
      case 'AWS::DynamoDB::Table.Arn': return `arn:aws:dynamodb:${region}:${accountId}:table/${this.ref(logicalId)}`;
      case 'AWS::SNS::Topic.TopicArn': return this.ref(logicalId);
      case 'AWS::SQS::Queue.Arn': return `arn:aws:sqs:${region}:${accountId}:${String(props.QueueName ?? logicalId)}`;
      case 'AWS::KMS::Key.Arn': return `arn:aws:kms:${region}:${accountId}:key/${this.ref(logicalId)}`;
      case 'AWS::Logs::LogGroup.Arn': return `arn:aws:logs:${region}:${accountId}:log-group:${this.ref(logicalId)}:*`;
      case 'AWS::Scheduler::ScheduleGroup.Arn': return `arn:aws:scheduler:${region}:${accountId}:schedule-group/${this.ref(logicalId)}`;
      case 'AWS::CloudFront::Distribution.Id':
      case 'AWS::CloudFront::OriginAccessControl.Id':
      case 'AWS::CloudFront::CachePolicy.Id': return this.ref(logicalId);
      case 'AWS::CloudFront::Distribution.DomainName': return `${this.ref(logicalId).toLowerCase()}.cloudfront.net`;
      case 'AWS::MediaPackageV2::ChannelGroup.Arn': return this.ref(logicalId);
      case 'AWS::MediaPackageV2::ChannelGroup.EgressDomain': return `${this.placeholder(logicalId, 6).toLowerCase()}.egress.${this.placeholder(`${logicalId}.egress`, 6).toLowerCase()}.mediapackagev2.${region}.amazonaws.com`;
      default: throw new WorkflowConfigError(`Fn::GetAtt ${logicalId}.${attribute} (${String(res.Type)}): not named by local/onair/workflows.ts yet`);
    }
  }

  sub(template: string, vars: Obj = {}): string {
    return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in vars) return this.scalar(vars[name] as Json);
      const p = this.pseudo(name);
      if (p !== undefined) return p;
      const [id, attr] = name.split('.');
      return attr ? this.getAtt(id as string, attr) : this.ref(id as string);
    });
  }

  /** Resolves one intrinsic-or-literal to a string. */
  scalar(v: Json): string {
    const r = this.resolve(v);
    if (typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return String(r);
    throw new WorkflowConfigError(`expected a string, got ${JSON.stringify(v)}`);
  }

  resolve(v: Json): Json {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x));
    if (!isObj(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0] as string;
      const arg = v[k] as Json;
      if (k === 'Ref' && typeof arg === 'string') return this.ref(arg);
      if (k === 'Fn::GetAtt') {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.getAtt(id as string, attr as string);
      }
      if (k === 'Fn::Sub') {
        if (typeof arg === 'string') return this.sub(arg);
        if (Array.isArray(arg)) return this.sub(String(arg[0]), isObj(arg[1]) ? arg[1] : {});
      }
      if (k === 'Fn::If' && Array.isArray(arg)) {
        return this.resolve((this.condition(String(arg[0])) ? arg[1] : arg[2]) as Json);
      }
      if (k === 'Fn::Join' && Array.isArray(arg)) {
        const [sep, parts] = arg;
        return (Array.isArray(parts) ? parts : []).map((p) => this.scalar(p)).join(String(sep));
      }
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.resolve(x)]));
  }
}
