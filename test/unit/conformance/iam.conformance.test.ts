/**
 * Conformance: the service roles in serverless.yml (as CloudFormation would resolve them) against what AWS
 * documents each service needs, evaluated on the very resources OnAir's builders name — the MediaLive role
 * (trusted by MediaLive; pushes to MediaPackage v2 and v1, reads s3:// slates, MediaConnect flows) and the
 * MediaPackage v1 CDN-authorization role. Sources beside each expectation; see README.md.
 */
import { buildV1ChannelRequest, cdnSecretNameFor } from '../../../functions/lib/packager/v1';
import { buildV2ChannelRequest } from '../../../functions/lib/packager/v2';
import { identityAllows, trustAllows } from '../../../local/iam/policy';
import { ACCOUNT, DEDICATED, inputFor, makeRecord, REGION, STAGE } from '../resources/helpers/fixtures';
import { SLATE_URL } from './profiles';
import { functionEnv, role, stack } from './stack';

/** Sources cited beside the expectations below (listed in README.md). */
export const SRC = {
  mlTrust: 'https://docs.aws.amazon.com/medialive/latest/ug/complex-scenario-create-trusted-entity-role-step3.html',
  mlTrustedEntity: 'https://docs.aws.amazon.com/medialive/latest/ug/about-trusted-entity.html',
  ingestAuth: 'https://docs.aws.amazon.com/mediapackage/latest/userguide/ingest-auth.html',
  lefRelease: 'aws-samples/aws-cdk-mediaservices-refarch LEF/RELEASES.md v1.0.4',
  lefFoundation: 'aws-samples/aws-cdk-mediaservices-refarch LEF/lib/foundation/foundation.ts createMediaLiveRoleAndPolicies',
  awsFacts: '../shared/docs/aws-facts.md "Service role" (MediaLive\'s role template)',
  v1Trust: 'https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel-trust.html',
  v1Policy: 'https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel-policy-cdn.html',
  passedToService: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService',
} as const;

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
const trustStatements = (doc: unknown): Statement[] => ([] as Statement[]).concat((doc as { Statement: Statement | Statement[] }).Statement);

describe('MediaLive service role (serverless.yml MediaLiveRole)', () => {
  const ml = role('MediaLiveRole');
  const may = (action: string, resource: string): boolean => identityAllows(ml.policies, { action, resource });

  it('is the role OnAir hands to MediaLive', () => {
    expect(functionEnv('MEDIALIVE_ROLE_ARN')).toBe(ml.arn);
  });

  it('trusts medialive.amazonaws.com, with no condition MediaLive would have to send', () => {
    // MediaLive's trust policy: Principal Service medialive.amazonaws.com, Action sts:AssumeRole, no Condition
    // (SRC.mlTrust; LEF: ServicePrincipal("medialive.amazonaws.com"), SRC.lefFoundation). A condition on a key
    // the service does not send would keep it out.
    expect(trustAllows(ml.trust, { service: 'medialive.amazonaws.com' }, {})).toBe(true);
    expect(trustAllows(ml.trust, { service: 'mediapackage.amazonaws.com' }, {})).toBe(false);
    for (const s of trustStatements(ml.trust)) expect(s.Condition).toBeUndefined();
  });

  it.each([
    ['shared delivery', makeRecord('default')],
    ['dedicated delivery', makeRecord('default', DEDICATED)],
    ['low-latency', makeRecord('low-latency')],
  ])('%s: may PutObject and GetChannel on the MediaPackage v2 channel OnAir creates', (_, record) => {
    const mp = buildV2ChannelRequest(record, STAGE);
    // Channel ARN as MediaPackage v2 writes it (SRC.ingestAuth: "arn:aws:mediapackagev2:Region:AccountID:channelGroup/
    // ChannelGroupName/channel/ChannelName").
    const channelArn = `arn:aws:mediapackagev2:${REGION}:${ACCOUNT}:channelGroup/${mp.ChannelGroupName}/channel/${mp.ChannelName}`;
    // PutObject to ingest (SRC.ingestAuth); GetChannel too: without it "MediaLive will be unable to push content to a
    // MediaPackage V2 channel using the MediaPackage Output Group" (SRC.lefRelease; SRC.lefFoundation grants both).
    expect(may('mediapackagev2:PutObject', channelArn)).toBe(true);
    expect(may('mediapackagev2:GetChannel', channelArn)).toBe(true);
  });

  it('may DescribeChannel the MediaPackage v1 channel OnAir creates', () => {
    const id = buildV1ChannelRequest(makeRecord('mediapackage-v1'), STAGE).Id as string;
    // With a v1 output group the role needs mediapackage:DescribeChannel (SRC.awsFacts).
    expect(may('mediapackage:DescribeChannel', `arn:aws:mediapackage:${REGION}:${ACCOUNT}:channels/${id}`)).toBe(true);
  });

  it('may read an s3:// slate in the stage\'s slate bucket', () => {
    // MediaLive reads file inputs with this role: "it must have read access to some or all buckets in Amazon S3"
    // (SRC.mlTrustedEntity); LEF grants s3:GetObject and s3:ListBucket (SRC.lefFoundation).
    const { host: bucket, pathname } = new URL(SLATE_URL);
    expect(may('s3:GetObject', `arn:aws:s3:::${bucket}${pathname}`)).toBe(true);
    expect(may('s3:ListBucket', `arn:aws:s3:::${bucket}`)).toBe(true);
  });

  it('may manage the outputs of the MediaConnect flows a MEDIACONNECT input names', () => {
    const flows = inputFor('MEDIACONNECT', 'STANDARD')?.mediaConnectFlowArns ?? [];
    expect(flows.length).toBeGreaterThan(0);
    // LEF's MediaLive role: mediaconnect:ManagedDescribeFlow, ManagedAddOutput, ManagedRemoveOutput (SRC.lefFoundation).
    for (const flow of flows) {
      for (const action of ['mediaconnect:ManagedDescribeFlow', 'mediaconnect:ManagedAddOutput', 'mediaconnect:ManagedRemoveOutput']) {
        expect({ flow, action, allowed: may(action, flow as string) }).toEqual({ flow, action, allowed: true });
      }
    }
  });

  it('can be passed to MediaLive only', () => {
    // iam:PassRole conditioned on iam:PassedToService (SRC.passedToService).
    const grants = Object.values(stack().functions).flatMap((f) => f.iamRoleStatements)
      .filter((s) => [s.Action].flat().includes('iam:PassRole') && [s.Resource].flat().includes(ml.arn));
    expect(grants.length).toBeGreaterThan(0);
    for (const g of grants) expect((g.Condition as Statement['Condition'])?.StringEquals?.['iam:PassedToService']).toBe('medialive.amazonaws.com');
  });
});

describe('MediaPackage v1 CDN-authorization role (serverless.yml MediaPackageSecretsRole)', () => {
  const secrets = role('MediaPackageSecretsRole');
  const record = makeRecord('mediapackage-v1');
  // Secrets Manager appends 6 random characters to a secret's name in its ARN.
  const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${cdnSecretNameFor(record, STAGE)}-AbCdEf`;
  const may = (action: string, resource: string): boolean => identityAllows(secrets.policies, { action, resource });

  it('is the role v1 endpoints name in their CDN authorization', () => {
    expect(functionEnv('MEDIAPACKAGE_SECRETS_ROLE_ARN')).toBe(secrets.arn);
  });

  it('trusts mediapackage.amazonaws.com, with no condition', () => {
    // "Modify the trust relationship": Principal Service mediapackage.amazonaws.com, sts:AssumeRole (SRC.v1Trust).
    expect(trustAllows(secrets.trust, { service: 'mediapackage.amazonaws.com' }, {})).toBe(true);
    expect(trustAllows(secrets.trust, { service: 'medialive.amazonaws.com' }, {})).toBe(false);
    for (const s of trustStatements(secrets.trust)) expect(s.Condition).toBeUndefined();
  });

  it('has the permissions AWS\'s CDN-authorization policy lists, on OnAir\'s secret and on itself', () => {
    // GetSecretValue, DescribeSecret, ListSecrets, ListSecretVersionIds on the secret; iam:GetRole and iam:PassRole
    // on the role (SRC.v1Policy).
    for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds']) {
      expect({ action, allowed: may(action, secretArn) }).toEqual({ action, allowed: true });
    }
    expect(may('secretsmanager:ListSecrets', '*')).toBe(true);
    expect(may('iam:GetRole', secrets.arn)).toBe(true);
    expect(may('iam:PassRole', secrets.arn)).toBe(true);
    // Scoped to the stage's secrets: another stage's are not readable.
    expect(may('secretsmanager:GetSecretValue', secretArn.replace(`onair/${STAGE}/`, 'onair/other/'))).toBe(false);
  });

  it('can be passed to MediaPackage only', () => {
    const grants = Object.values(stack().functions).flatMap((f) => f.iamRoleStatements)
      .filter((s) => [s.Action].flat().includes('iam:PassRole') && [s.Resource].flat().includes(secrets.arn));
    expect(grants.length).toBeGreaterThan(0);
    for (const g of grants) expect((g.Condition as Statement['Condition'])?.StringEquals?.['iam:PassedToService']).toBe('mediapackage.amazonaws.com');
  });
});
