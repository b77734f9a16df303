/**
 * CloudFormation's part of `osls deploy`, for the local cloud: creates the stack resources of
 * serverless.yml that the twin serves, in dependency order, resolving `Ref`/`Fn::GetAtt`/`Fn::Sub`/
 * `Fn::If` against what was already created, and returns their physical ids and attributes (the
 * values functions' environments are then resolved with, as CloudFormation does after a deploy).
 *
 *   deployStack(twin, workflows) → Record<logicalId, PhysicalResource>
 *
 * Idempotent: a resource that exists (a persisted twin, a second start) is found by the name or
 * comment serverless.yml gives it and reused, never created twice. Like CloudFormation, the deploy
 * waits for a distribution to be Deployed before it completes. Types the twin does not serve
 * (IAM roles, KMS keys, log groups, SNS subscriptions, the CloudWatch dashboard, which only the
 * console shows) are skipped here; local/onair/app.ts reads the roles for IAM. The stack's alarms (the
 * shared CDN alarm, the control-plane alarms) are created with PutMetricAlarm; its SQS queue (the
 * schedules' dead-letter queue) with CreateQueue.
 *
 * CloudFormation's property shapes (CloudFormation User Guide, AWS::CloudFront::Distribution
 * DistributionConfig / Origin / CustomOriginConfig) differ from the API's (plain lists where the API has
 * `{Quantity, Items}`, `IPV6Enabled` for `IsIPV6Enabled`, `OriginSSLProtocols` for
 * `OriginSslProtocols`): cloudFrontDistributionConfig converts the fields OnAir's template uses and
 * refuses any other, so a template change cannot be silently dropped locally.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { allPages } from '../../functions/lib/paging';
import { localCredentials } from './api/credentials';
import { recordToTags, tagsToRecord } from '../core/paging';
import { AwsError, type ModelValue } from '../core/types';
import type { Twin } from '../server';
import type { PhysicalResource, ResourceSpec, Workflows } from './workflows';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Logical ids a value refers to through Ref, Fn::GetAtt or ${X} / ${X.Attr} in Fn::Sub. */
function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
      else if (k === 'Fn::Sub') {
        const template = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of template.matchAll(/\$\{([^}.!]+)(?:\.[^}]+)?\}/g)) out.add(m[1]!);
        if (Array.isArray(v)) references(v[1], out);
      } else references(v, out);
    }
  }
  return out;
}

/** Resources in an order where each comes after every resource it refers to. */
function dependencyOrder(resources: Record<string, ResourceSpec>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done' || !(id in resources)) return;
    if (state.get(id) === 'visiting') throw new Error(`serverless.yml: resources refer to each other in a cycle through ${id}`);
    state.set(id, 'visiting');
    for (const dep of references(resources[id]!.Properties)) visit(dep);
    state.set(id, 'done');
    order.push(id);
  };
  Object.keys(resources).forEach(visit);
  return order;
}

const quantity = (items: unknown[] | undefined): ModelValue => ({ Quantity: items?.length ?? 0, Items: items ?? [] });

function methods(list: unknown): ModelValue {
  return quantity(Array.isArray(list) ? list : ['GET', 'HEAD']);
}

function cacheBehavior(b: Obj): ModelValue {
  const allowed = methods(b.AllowedMethods);
  return {
    ...(b.PathPattern !== undefined ? { PathPattern: b.PathPattern } : {}),
    TargetOriginId: b.TargetOriginId,
    ViewerProtocolPolicy: b.ViewerProtocolPolicy,
    AllowedMethods: { ...allowed, CachedMethods: methods(b.CachedMethods) },
    Compress: b.Compress ?? false,
    CachePolicyId: b.CachePolicyId,
    SmoothStreaming: false,
  };
}

const KNOWN_DISTRIBUTION_FIELDS = new Set([
  'Comment', 'Enabled', 'HttpVersion', 'IPV6Enabled', 'PriceClass', 'Origins', 'CacheBehaviors', 'DefaultCacheBehavior',
  'CustomErrorResponses', 'ViewerCertificate',
]);

/** AWS::CloudFront::Distribution DistributionConfig (CloudFormation shape) → the API's DistributionConfig. */
export function cloudFrontDistributionConfig(cfn: Obj, callerReference: string): ModelValue {
  const unknown = Object.keys(cfn).filter((k) => !KNOWN_DISTRIBUTION_FIELDS.has(k));
  if (unknown.length) throw new Error(`local/onair/stack.ts does not convert DistributionConfig.${unknown.join(', ')} yet`);
  const origins = (Array.isArray(cfn.Origins) ? cfn.Origins : []).filter(isObj).map((o) => {
    const c = isObj(o.CustomOriginConfig) ? o.CustomOriginConfig : {};
    return {
      Id: o.Id,
      DomainName: o.DomainName,
      OriginPath: o.OriginPath ?? '',
      CustomHeaders: quantity([]),
      ...(o.OriginAccessControlId ? { OriginAccessControlId: o.OriginAccessControlId } : {}),
      ConnectionAttempts: o.ConnectionAttempts ?? 3,
      ConnectionTimeout: o.ConnectionTimeout ?? 10,
      CustomOriginConfig: {
        HTTPPort: c.HTTPPort ?? 80,
        HTTPSPort: c.HTTPSPort ?? 443,
        OriginProtocolPolicy: c.OriginProtocolPolicy,
        OriginSslProtocols: quantity(Array.isArray(c.OriginSSLProtocols) ? c.OriginSSLProtocols : ['TLSv1.2']),
        OriginReadTimeout: c.OriginReadTimeout ?? 30,
        OriginKeepaliveTimeout: c.OriginKeepaliveTimeout ?? 5,
      },
      ...(isObj(o.OriginShield) ? { OriginShield: o.OriginShield } : {}),
    };
  });
  const behaviours = (Array.isArray(cfn.CacheBehaviors) ? cfn.CacheBehaviors : []).filter(isObj).map(cacheBehavior);
  const errors = (Array.isArray(cfn.CustomErrorResponses) ? cfn.CustomErrorResponses : []).filter(isObj);
  return {
    CallerReference: callerReference,
    Comment: cfn.Comment ?? '',
    Enabled: cfn.Enabled ?? true,
    ...(cfn.HttpVersion ? { HttpVersion: cfn.HttpVersion } : {}),
    IsIPV6Enabled: cfn.IPV6Enabled ?? false,
    ...(cfn.PriceClass ? { PriceClass: cfn.PriceClass } : {}),
    Origins: quantity(origins),
    DefaultCacheBehavior: cacheBehavior(isObj(cfn.DefaultCacheBehavior) ? cfn.DefaultCacheBehavior : {}),
    CacheBehaviors: quantity(behaviours),
    CustomErrorResponses: quantity(errors),
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    ViewerCertificate: isObj(cfn.ViewerCertificate) ? cfn.ViewerCertificate : { CloudFrontDefaultCertificate: true },
  } as ModelValue;
}


const list = (v: unknown): Obj[] => (isObj(v) && Array.isArray(v.Items) ? v.Items.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

type Creator = (twin: Twin, workflows: Workflows, logicalId: string, props: Obj) => Promise<PhysicalResource | undefined>;

const CREATORS: Record<string, Creator> = {
  async 'AWS::DynamoDB::Table'(twin, workflows, id, p) {
    const ddb = new DynamoDBClient({ endpoint: twin.url, region: workflows.region, credentials: localCredentials() });
    try {
      const input: CreateTableCommandInput = {
        TableName: String(p.TableName ?? `${workflows.service}-${workflows.stage}-${id}`),
        KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
        AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
        BillingMode: (p.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PAY_PER_REQUEST',
        ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
        ...(p.ProvisionedThroughput ? { ProvisionedThroughput: p.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'] } : {}),
      };
      try {
        await ddb.send(new CreateTableCommand(input));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      for (let i = 0; i < 200; i++) {
        const d = await ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
        if (d.Table?.TableStatus === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      return { ref: String(input.TableName) };
    } finally {
      ddb.destroy();
    }
  },

  async 'AWS::SNS::Topic'(twin, workflows, id, p) {
    const out = await twin.invoke('sns', 'CreateTopic', { Name: String(p.TopicName ?? `${workflows.service}-${workflows.stage}-${id}`) });
    return { ref: String(out.TopicArn) };
  },

  async 'AWS::Scheduler::ScheduleGroup'(twin, _workflows, id, p) {
    const name = String(p.Name ?? id);
    try {
      await twin.invoke('scheduler', 'CreateScheduleGroup', { Name: name });
    } catch (error) {
      if (!(error instanceof AwsError && error.code === 'ConflictException')) throw error;
    }
    return { ref: name };
  },

  async 'AWS::MediaPackageV2::ChannelGroup'(twin, _workflows, _id, p) {
    const name = String(p.ChannelGroupName);
    let group: ModelValue;
    try {
      group = await twin.invoke('mediapackagev2', 'CreateChannelGroup', { ChannelGroupName: name, ...(p.Description ? { Description: p.Description } : {}), Tags: tagsToRecord(p.Tags) } as ModelValue);
    } catch (error) {
      if (!(error instanceof AwsError && error.code === 'ConflictException')) throw error;
      group = await twin.invoke('mediapackagev2', 'GetChannelGroup', { ChannelGroupName: name });
    }
    return { ref: String(group.Arn), attributes: { Arn: String(group.Arn), EgressDomain: String(group.EgressDomain) } };
  },

  async 'AWS::CloudFront::OriginAccessControl'(twin, _workflows, _id, p) {
    const config = (isObj(p.OriginAccessControlConfig) ? p.OriginAccessControlConfig : {}) as ModelValue;
    const existing = (await allPages(async (marker) => {
      const out = await twin.invoke('cloudfront', 'ListOriginAccessControls', { ...(marker ? { Marker: marker } : {}), MaxItems: '100' });
      const l = isObj(out.OriginAccessControlList) ? out.OriginAccessControlList : {};
      return { items: list(l), next: l.IsTruncated ? str(l.NextMarker) : undefined };
    })).find((o) => o.Name === config.Name);
    const id = existing ? String(existing.Id)
      : String(((await twin.invoke('cloudfront', 'CreateOriginAccessControl', { OriginAccessControlConfig: config })).OriginAccessControl as Obj).Id);
    return { ref: id, attributes: { Id: id } };
  },

  async 'AWS::CloudFront::CachePolicy'(twin, _workflows, _id, p) {
    const cfn = isObj(p.CachePolicyConfig) ? p.CachePolicyConfig : {};
    const params = isObj(cfn.ParametersInCacheKeyAndForwardedToOrigin) ? cfn.ParametersInCacheKeyAndForwardedToOrigin : {};
    const qs = isObj(params.QueryStringsConfig) ? params.QueryStringsConfig : {};
    const config = {
      ...cfn,
      ParametersInCacheKeyAndForwardedToOrigin: {
        ...params,
        QueryStringsConfig: { QueryStringBehavior: qs.QueryStringBehavior, QueryStrings: quantity(Array.isArray(qs.QueryStrings) ? qs.QueryStrings : []) },
      },
    } as ModelValue;
    const existing = (await allPages(async (marker) => {
      const out = await twin.invoke('cloudfront', 'ListCachePolicies', { Type: 'custom', ...(marker ? { Marker: marker } : {}), MaxItems: '100' });
      const l = isObj(out.CachePolicyList) ? out.CachePolicyList : {};
      return { items: list(l), next: str(l.NextMarker) };
    })).map((i) => (isObj(i.CachePolicy) ? i.CachePolicy : {})).find((c) => isObj(c.CachePolicyConfig) && c.CachePolicyConfig.Name === cfn.Name);
    const id = existing ? String(existing.Id)
      : String(((await twin.invoke('cloudfront', 'CreateCachePolicy', { CachePolicyConfig: config })).CachePolicy as Obj).Id);
    return { ref: id, attributes: { Id: id } };
  },

  async 'AWS::CloudFront::Distribution'(twin, workflows, id, p) {
    const cfn = isObj(p.DistributionConfig) ? p.DistributionConfig : {};
    const config = cloudFrontDistributionConfig(cfn, `${workflows.service}-${workflows.stage}-${id}`);
    const summaries = await allPages(async (marker) => {
      const out = await twin.invoke('cloudfront', 'ListDistributions', { ...(marker ? { Marker: marker } : {}), MaxItems: '100' });
      const l = isObj(out.DistributionList) ? out.DistributionList : {};
      return { items: list(l), next: l.IsTruncated ? str(l.NextMarker) : undefined };
    });
    let found = summaries.find((d) => d.Comment === cfn.Comment);
    if (!found) {
      const tags = recordToTags(tagsToRecord(p.Tags));
      const out = await twin.invoke('cloudfront', 'CreateDistributionWithTags', { DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: tags } } } as ModelValue);
      found = out.Distribution as Obj;
    }
    const distributionId = String(found.Id);
    // CloudFormation completes a distribution only once it is Deployed (it waits, as Terraform's
    // wait_for_deployment does by default: go-to-k/cdkd#1282 compares the engines; 3–15 min on AWS,
    // aws-facts.md "usually within 5 minutes"). The twin's clock is scaled.
    for (;;) {
      const d = (await twin.invoke('cloudfront', 'GetDistribution', { Id: distributionId })).Distribution as Obj;
      if (d.Status === 'Deployed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return { ref: distributionId, attributes: { Id: distributionId, DomainName: String(found.DomainName), Arn: String(found.ARN) } };
  },

  // AWS::SQS::Queue: Ref is the queue URL; Arn and QueueName are its attributes (CloudFormation
  // Template Reference, AWS::SQS::Queue "Return values"). Properties are CreateQueue's attributes.
  async 'AWS::SQS::Queue'(twin, workflows, id, p) {
    const { QueueName, Tags, RedrivePolicy, RedriveAllowPolicy, ...rest } = p;
    const name = String(QueueName ?? `${workflows.service}-${workflows.stage}-${id}`);
    const attributes: Record<string, string> = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
    if (RedrivePolicy !== undefined) attributes.RedrivePolicy = JSON.stringify(RedrivePolicy);
    if (RedriveAllowPolicy !== undefined) attributes.RedriveAllowPolicy = JSON.stringify(RedriveAllowPolicy);
    let url: string;
    try {
      url = String((await twin.invoke('sqs', 'CreateQueue', { QueueName: name, Attributes: attributes, tags: tagsToRecord(Tags) } as ModelValue)).QueueUrl);
    } catch (error) {
      // A persisted twin keeps the queue a previous start created (with the attributes it had then).
      if (!(error instanceof AwsError && error.code === 'QueueNameExists')) throw error;
      url = String((await twin.invoke('sqs', 'GetQueueUrl', { QueueName: name })).QueueUrl);
    }
    const arn = String(((await twin.invoke('sqs', 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['QueueArn'] })).Attributes as Obj).QueueArn);
    return { ref: url, attributes: { Arn: arn, QueueName: name, QueueUrl: url } };
  },

  async 'AWS::CloudWatch::Alarm'(twin, _workflows, _id, p) {
    const { AlarmName, ...rest } = p;
    await twin.invoke('monitoring', 'PutMetricAlarm', { AlarmName, ...rest } as ModelValue);
    return { ref: String(AlarmName) };
  },
};

/** Creates (or finds) every stack resource the twin serves; returns their physical ids and attributes. */
export async function deployStack(twin: Twin, workflows: Workflows): Promise<Record<string, PhysicalResource>> {
  const physical: Record<string, PhysicalResource> = {};
  for (const id of dependencyOrder(workflows.resources)) {
    const spec = workflows.resources[id]!;
    const create = CREATORS[spec.Type];
    if (!create) continue; // IAM, KMS, logs, subscriptions, dashboard: not served by the twin (see the header)
    if (spec.Condition !== undefined && !workflows.condition(spec.Condition)) continue;
    const props = workflows.resolveIntrinsics(spec.Properties, physical) as Obj;
    const made = await create(twin, workflows, id, props);
    if (made) physical[id] = made;
  }
  return physical;
}
