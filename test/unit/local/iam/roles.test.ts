/**
 * The stack's service roles as the twin reads them from serverless.yml (local/iam/roles.ts), and
 * the check AWS makes when a service acts through one: the role exists, trusts the service, allows.
 */
import { join } from 'node:path';
import { testEnv } from '../services/twin-test-env';
import { registerRoles, serviceMayAct, type RoleSpec } from '../../../../local/iam/roles';
import { registerStackRoles, rolesFromWorkflows } from '../../../../local/onair/roles';
import { loadWorkflows } from '../../../../local/onair/workflows';

const workflows = loadWorkflows({ root: join(__dirname, '..', '..', '..', '..') });
const roles = rolesFromWorkflows(workflows);
const role = (id: string): RoleSpec => roles.find((r) => r.logicalId === id)!;
const ML = 'medialive.amazonaws.com';
const CHANNEL = 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/onair-dev/channel/onair-demo-0f3a';
const v2Push = [{ action: 'mediapackagev2:PutObject', resource: CHANNEL }, { action: 'mediapackagev2:GetChannel', resource: CHANNEL }];

describe('service roles read from serverless.yml', () => {
  it('names each role by the ARN CloudFormation gives it (the ARN the functions are told)', () => {
    const env = Object.values(workflows.functions).find((f) => f.env.MEDIALIVE_ROLE_ARN)!.env;
    expect(role('MediaLiveRole').arn).toBe(env.MEDIALIVE_ROLE_ARN);
    expect(role('MediaPackageSecretsRole').arn).toBe(env.MEDIAPACKAGE_SECRETS_ROLE_ARN);
  });

  it('MediaLive may push to an OnAir channel of any group in MediaPackage v2, and read its slate bucket', () => {
    const env = testEnv();
    registerStackRoles(env, workflows);
    const arn = role('MediaLiveRole').arn;
    expect(serviceMayAct(env, { roleArn: arn, service: ML, actions: v2Push })).toEqual({ allowed: true });
    expect(serviceMayAct(env, { roleArn: arn, service: ML, actions: v2Push.map((a) => ({ ...a, resource: a.resource.replace('onair-dev', 'onair-dev-2') })) })).toEqual({ allowed: true });
    expect(serviceMayAct(env, { roleArn: arn, service: ML, actions: [{ action: 'mediapackage:DescribeChannel', resource: 'arn:aws:mediapackage:us-east-1:111122223333:channels/onair-demo' }] })).toEqual({ allowed: true });
    expect(serviceMayAct(env, { roleArn: arn, service: ML, actions: [{ action: 's3:GetObject', resource: 'arn:aws:s3:::onair-dev-slates/break.mp4' }, { action: 's3:ListBucket', resource: 'arn:aws:s3:::onair-dev-slates' }] })).toEqual({ allowed: true });
    expect(serviceMayAct(env, { roleArn: arn, service: ML, actions: [{ action: 's3:GetObject', resource: 'arn:aws:s3:::someone-elses/break.mp4' }] }).allowed).toBe(false);
    expect(serviceMayAct(env, { roleArn: arn, service: ML, actions: [{ action: 'mediapackagev2:PutObject', resource: CHANNEL.replace('channel/onair-', 'channel/not-onair-') }] }).allowed).toBe(false);
  });

  it('without mediapackagev2:GetChannel the push is refused, with AWS-worded reason', () => {
    const env = testEnv();
    const ml = structuredClone(role('MediaLiveRole'));
    for (const p of ml.policies as { Statement: { Action: string[] }[] }[]) for (const s of p.Statement) s.Action = s.Action.filter((a) => a !== 'mediapackagev2:GetChannel');
    registerRoles(env, [ml]);
    const check = serviceMayAct(env, { roleArn: ml.arn, service: ML, actions: v2Push });
    expect(check).toEqual({ allowed: false, reason: expect.stringContaining(`assumed-role/onair-dev-MediaLiveRole/medialive is not authorized to perform: mediapackagev2:GetChannel on resource: ${CHANNEL}`) });
  });

  it('trusts exactly the service each role is for, with no condition the service does not send', () => {
    const env = testEnv();
    registerStackRoles(env, workflows);
    const secret = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:onair/dev/demo-cdn-AbCdEf';
    const read = [{ action: 'secretsmanager:GetSecretValue', resource: secret }];
    expect(serviceMayAct(env, { roleArn: role('MediaPackageSecretsRole').arn, service: 'mediapackage.amazonaws.com', actions: read })).toEqual({ allowed: true });
    expect(serviceMayAct(env, { roleArn: role('MediaPackageSecretsRole').arn, service: ML, actions: read }).allowed).toBe(false);
    expect(serviceMayAct(env, { roleArn: role('MediaLiveRole').arn, service: 'mediapackage.amazonaws.com', actions: v2Push }).allowed).toBe(false);
    // The trust policy OnAir had before (aws:SourceAccount, a key MediaLive is not documented to send) shuts MediaLive out.
    const conditioned = { ...role('MediaLiveRole'), trust: { Statement: [{ Effect: 'Allow', Principal: { Service: ML }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }] } };
    registerRoles(env, [conditioned]);
    expect(serviceMayAct(env, { roleArn: conditioned.arn, service: ML, actions: v2Push })).toEqual({ allowed: false, reason: expect.stringContaining('sts:AssumeRole') });
  });

  it('grants the MediaPackage v1 CDN-authorization role what AWS\'s setup page lists, on OnAir\'s secrets only', () => {
    const statements = (role('MediaPackageSecretsRole').policies as { Statement: { Action: string[]; Resource: unknown }[] }[]).flatMap((p) => p.Statement);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(['iam:GetRole', 'iam:PassRole', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:ListSecretVersionIds', 'secretsmanager:ListSecrets']);
    expect(statements.find((s) => s.Action.includes('iam:PassRole'))?.Resource).toBe(role('MediaPackageSecretsRole').arn);
    const env = testEnv();
    registerStackRoles(env, workflows);
    expect(serviceMayAct(env, { roleArn: role('MediaPackageSecretsRole').arn, service: 'mediapackage.amazonaws.com', actions: [{ action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:other/x-AbCdEf' }] }).allowed).toBe(false);
  });

  it('refuses a role the registry does not know, as AWS refuses a role that does not exist', () => {
    expect(serviceMayAct(testEnv(), { roleArn: 'arn:aws:iam::111122223333:role/made-up', service: ML, actions: v2Push })).toEqual({ allowed: false, reason: expect.stringContaining('does not exist') });
    expect(serviceMayAct(testEnv(), { roleArn: undefined, service: ML, actions: v2Push }).allowed).toBe(false);
  });
});
