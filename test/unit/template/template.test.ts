/**
 * `osls package`, run offline once (reused from .serverless/ while no input changed), and the
 * CloudFormation it writes inspected: functions, roles, state machines, table, topic. (That each
 * role allows every call its function makes is checked where the calls happen: test/unit/workflows.)
 */
import { join } from 'node:path';
import { buildManifestCachePolicyConfig, CACHE_KEY_QUERY_STRINGS, liveOriginTimeouts, MANAGED_CACHE_POLICIES, MANIFEST_PATH_PATTERNS } from '../../../functions/lib/cdn/builders';
import { buildAlarmRequests } from '../../../functions/lib/alarms/builders';
import { resolveProfile } from '../../../functions/lib/profile';
import { makeRecord } from '../resources/helpers/fixtures';
import { stageChannelGroupName } from '../../../functions/lib/delivery';
import { loadWorkflows } from '../../../local/onair/workflows';
import { packagedTemplate, type CfnResource as Resource, type Obj, type Statement } from '../../helpers/packaged-template';

const ROOT = join(__dirname, '..', '..', '..');

const workflows = loadWorkflows({ root: ROOT });
const WORKFLOW_MACHINES = ['provision', 'teardown'];
const workflowFunctions = [...new Set(WORKFLOW_MACHINES.flatMap((m) => Object.values(workflows.stateMachines[m]?.taskFunctions ?? {})))].sort();

let R: Record<string, Resource>;
beforeAll(() => {
  R = packagedTemplate().Resources;
}, 300_000);

const ofType = (type: string) => Object.entries(R).filter(([, r]) => r.Type === type);
const statementsOf = (role: Resource): Statement[] =>
  ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const roleIdOf = (fn: Resource): string => ((fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? [])[0] as string;

describe('packaged template', () => {
  it('declares every workflow function on nodejs22.x, each with its own role', () => {
    const roles = new Set<string>();
    for (const key of workflowFunctions) {
      const fn = R[workflows.functions[key]!.logicalId];
      expect({ key, type: fn?.Type, runtime: fn?.Properties.Runtime }).toEqual({ key, type: 'AWS::Lambda::Function', runtime: 'nodejs22.x' });
      const roleId = roleIdOf(fn!);
      expect(R[roleId]?.Type).toBe('AWS::IAM::Role');
      roles.add(roleId);
    }
    expect(roles.size).toBe(workflowFunctions.length);
    for (const [id, fn] of ofType('AWS::Lambda::Function')) expect({ id, runtime: fn.Properties.Runtime }).toEqual({ id, runtime: 'nodejs22.x' });
  });

  it('grants no wildcard action, and Resource "*" only to actions AWS cannot scope', () => {
    // List calls and Step Functions' log delivery setup have no resource-level permissions.
    // Task-token callbacks are authorized by the token (functions/medialive/parkWait.ts, onStateChange.ts), so states:SendTask* has no resource either.
    const unscopable = /^(medialive|cloudfront|mediapackagev2):List|^states:SendTask(Success|Failure)$|^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/;
    // Resource scoping is checked here for the workflows' own roles (each area checks its own).
    const mine = new Set([
      ...workflowFunctions.map((k) => roleIdOf(R[workflows.functions[k]!.logicalId]!)),
      ...WORKFLOW_MACHINES.map((m) => (R[workflows.stateMachines[m]!.logicalId]!.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string),
    ]);
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      for (const s of statementsOf(role)) {
        for (const a of actions(s)) {
          expect({ id, action: a, wildcard: a === '*' || a.endsWith(':*') }).toEqual({ id, action: a, wildcard: false });
          if (mine.has(id) && (s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')))) {
            expect({ id, action: a, unscopable: unscopable.test(a) }).toEqual({ id, action: a, unscopable: true });
          }
        }
      }
    }
  });

  it('lets only the channel-creating functions pass the MediaLive role, to MediaLive only', () => {
    const passers: string[] = [];
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      for (const s of statementsOf(role)) {
        if (!actions(s).includes('iam:PassRole')) continue;
        const target = (s.Resource as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0];
        if (target === 'MediaLiveRole') {
          passers.push(id);
          expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'medialive.amazonaws.com' } });
        }
        if (target === 'MediaPackageSecretsRole') expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'mediapackage.amazonaws.com' } });
      }
    }
    // createChannel names the role in CreateChannel; createInput only for MEDIACONNECT inputs (RoleArn in CreateInput).
    expect(passers.sort()).toEqual(['CreateChannelIamRoleLambdaExecution', 'CreateInputIamRoleLambdaExecution']);
    const trust = (R.MediaLiveRole?.Properties.AssumeRolePolicyDocument as { Statement: { Principal: Obj }[] }).Statement;
    expect(trust.map((t) => t.Principal)).toEqual([{ Service: 'medialive.amazonaws.com' }]);
  });

  it('limits each state machine role to its own functions, and provisioning to starting the teardown machine', () => {
    for (const machine of WORKFLOW_MACHINES) {
      const spec = workflows.stateMachines[machine]!;
      const sm = R[spec.logicalId];
      expect(sm?.Type).toBe('AWS::StepFunctions::StateMachine');
      expect(sm?.Properties.StateMachineName).toBe(spec.name);
      expect((sm?.Properties.LoggingConfiguration as Obj).Level).toBe('ERROR');
      const role = R[(sm!.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string]!;
      const invoke = statementsOf(role).filter((s) => actions(s).includes('lambda:InvokeFunction'));
      const targets = new Set(invoke.flatMap((s) => (s.Resource as Obj[]).map((r) => JSON.stringify(r).match(/"(\w+LambdaFunction)"/)?.[1])));
      const expected = new Set(Object.values(spec.taskFunctions).map((k) => workflows.functions[k]!.logicalId));
      expect([...targets].sort()).toEqual([...expected].sort());
      const start = statementsOf(role).filter((s) => actions(s).some((a) => a.startsWith('states:')));
      if (machine === 'provision') {
        expect(JSON.stringify(start)).toContain('stateMachine:onair-dev-teardown');
        expect(JSON.stringify(start)).toContain('execution:onair-dev-teardown:*');
        expect(start.flatMap(actions).sort()).toEqual(['states:DescribeExecution', 'states:StartExecution', 'states:StopExecution']);
      } else {
        expect(start).toEqual([]);
      }
      // The definition shipped is the checked-in one: every Task state is there.
      const definition = JSON.parse((sm!.Properties.DefinitionString as { 'Fn::Sub': [string, Obj] })['Fn::Sub'][0]) as { States: Obj };
      const names = JSON.stringify(definition);
      for (const state of Object.keys(spec.taskFunctions)) expect(names).toContain(`"${state}"`);
    }
  });

  it('encrypts the registry table and keeps point-in-time recovery; encrypts the topic with a key alarms can use', () => {
    const [, table] = ofType('AWS::DynamoDB::Table').find(([id]) => id === 'ChannelsTable')!;
    expect(table.Properties).toMatchObject({
      TableName: 'onair-dev-channels',
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const topic = R.NotificationsTopic!;
    expect(topic.Properties).toMatchObject({ TopicName: 'onair-dev-notifications', KmsMasterKeyId: { Ref: 'NotificationsKey' } });
    const keyPolicy = JSON.stringify(R.NotificationsKey?.Properties.KeyPolicy);
    expect(keyPolicy).toContain('cloudwatch.amazonaws.com');
  });

  // Shared delivery (functions/lib/delivery.ts): the stack owns one group, OAC, manifest policy and
  // distribution per stage; facts the TypeScript side also uses must agree with the template.
  it("creates the stage's shared delivery: group named as the code names it, OAC-signed HTTPS-only origin, behaviours scoped to the group, the same cache-key query strings", () => {
    const group = stageChannelGroupName('dev');
    expect(R.DeliveryChannelGroup?.Properties.ChannelGroupName).toBe(group);
    expect(R.DeliveryOriginAccessControl?.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 'mediapackagev2', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    // The stack's manifest policy is buildManifestCachePolicyConfig's, field for field (CloudFormation
    // lists the query strings plainly where the API wraps them in Quantity/Items).
    const policy = R.DeliveryManifestCachePolicy?.Properties.CachePolicyConfig as Obj;
    const built = buildManifestCachePolicyConfig('dev');
    const builtParams = built.ParametersInCacheKeyAndForwardedToOrigin!;
    expect(policy).toEqual({
      ...built,
      ParametersInCacheKeyAndForwardedToOrigin: {
        ...builtParams,
        QueryStringsConfig: { QueryStringBehavior: builtParams.QueryStringsConfig!.QueryStringBehavior, QueryStrings: builtParams.QueryStringsConfig!.QueryStrings!.Items },
      },
    });
    expect(((policy.ParametersInCacheKeyAndForwardedToOrigin as Obj).QueryStringsConfig as Obj).QueryStrings).toEqual([...CACHE_KEY_QUERY_STRINGS]);
    const config = R.DeliveryDistribution?.Properties.DistributionConfig as Obj;
    const origin = (config.Origins as Obj[])[0]!;
    expect(origin).toMatchObject({ DomainName: { 'Fn::GetAtt': ['DeliveryChannelGroup', 'EgressDomain'] }, OriginAccessControlId: { 'Fn::GetAtt': ['DeliveryOriginAccessControl', 'Id'] } });
    const { OriginReadTimeout, OriginKeepaliveTimeout, ...connection } = liveOriginTimeouts(resolveProfile('default', { input: { allowedCidrs: ['127.0.0.1/32'] } }).segmentSeconds);
    expect(origin).toMatchObject(connection);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginReadTimeout, OriginKeepaliveTimeout });
    const behaviours = config.CacheBehaviors as Obj[];
    expect(behaviours.map((b) => b.PathPattern)).toEqual([...MANIFEST_PATH_PATTERNS.map((p) => `out/v1/${group}/${p}`), `out/v1/${group}/*`]);
    for (const b of [...behaviours, config.DefaultCacheBehavior as Obj]) expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behaviours.at(-1)?.CachePolicyId).toBe(MANAGED_CACHE_POLICIES.CachingOptimizedForUncompressedObjects);
    // Every function finds the stage's distribution and policy in its environment.
    const env = (R[workflows.functions.createPackager!.logicalId]!.Properties.Environment as { Variables: Obj }).Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['DELIVERY_DISTRIBUTION_ARN', 'DELIVERY_DOMAIN', 'MANIFEST_CACHE_POLICY_ID']));
    // CloudFront metrics exist only in us-east-1: the stage alarm is conditional on it, and it is the
    // alarm a dedicated distribution gets (alarms/builders.ts) at the default profile's threshold.
    const dedicated = { ...makeRecord('default', { delivery: 'dedicated' }), resources: { ...makeRecord().resources, distributionId: 'E1' } };
    const cdnAlarm = buildAlarmRequests(dedicated, { stage: 'dev', region: 'us-east-1', notificationsTopicArn: 'arn:aws:sns:us-east-1:111122223333:t' })['us-east-1']!.find((a) => a.AlarmName?.endsWith('cdn-5xx-rate'))!;
    const { Namespace, MetricName, Statistic, Period, Unit, Threshold, ComparisonOperator, EvaluationPeriods, DatapointsToAlarm, TreatMissingData } = cdnAlarm;
    expect(R.DeliveryCdn5xxAlarm).toMatchObject({
      Condition: 'InUsEast1',
      Properties: { Namespace, MetricName, Statistic, Period, Unit, Threshold, ComparisonOperator, EvaluationPeriods, DatapointsToAlarm, TreatMissingData },
    });
  });
});
