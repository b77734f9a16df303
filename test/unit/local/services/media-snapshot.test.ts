/** State survives an `npm start` restart: snapshot → JSON → restore, transitional states settled. */
import { createCloudFront } from '../../../../local/services/cloudfront';
import { createMediaLive } from '../../../../local/services/medialive';
import { createMediaPackage } from '../../../../local/services/mediapackage';
import { createMediaPackageV2 } from '../../../../local/services/mediapackagev2';
import { policyAllows } from '../../../../local/iam/policy';
import type { ModelValue, ServiceBehaviour, ServiceFactory } from '../../../../local/core/types';
import { awsError, caller, testEnv } from './twin-test-env';
import { distributionConfig } from './media-fixtures';

function roundTrip(factory: ServiceFactory, svc: ServiceBehaviour): ServiceBehaviour {
  const fresh = factory(testEnv());
  fresh.restore!(JSON.parse(JSON.stringify(svc.snapshot!())));
  return fresh;
}

describe('snapshots', () => {
  it('MediaPackage v2 and v1 keep every resource and answer the same', async () => {
    const env = testEnv();
    const v2 = createMediaPackageV2(env);
    const c2 = caller(env, v2);
    await c2('CreateChannelGroup', { ChannelGroupName: 'g', Tags: { a: '1' } });
    await c2('CreateChannel', { ChannelGroupName: 'g', ChannelName: 'c' });
    await c2('CreateOriginEndpoint', { ChannelGroupName: 'g', ChannelName: 'c', OriginEndpointName: 'e', ContainerType: 'TS', HlsManifests: [{ ManifestName: 'index' }] });
    const before = await c2('GetOriginEndpoint', { ChannelGroupName: 'g', ChannelName: 'c', OriginEndpointName: 'e' });
    const v2b = roundTrip(createMediaPackageV2, v2);
    expect(v2b.inventory()).toEqual(v2.inventory());
    const after = await v2b.operations.GetOriginEndpoint!({ ChannelGroupName: 'g', ChannelName: 'c', OriginEndpointName: 'e' }, env.ctx('mediapackagev2', 'GetOriginEndpoint'));
    expect(after).toEqual(before);

    const v1 = createMediaPackage(env);
    const c1 = caller(env, v1);
    await c1('CreateChannel', { Id: 'ch' });
    const ep = await c1('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'ep', HlsPackage: {} });
    const v1b = roundTrip(createMediaPackage, v1);
    expect((await v1b.operations.DescribeOriginEndpoint!({ Id: 'ep' }, env.ctx('mediapackage', 'DescribeOriginEndpoint'))).Url).toBe(ep.Url);
  });

  it('CloudFront comes back Deployed with the same ETags', async () => {
    const env = testEnv();
    const cf = createCloudFront(env);
    const out = await caller(env, cf)('CreateDistribution', { DistributionConfig: distributionConfig() });
    const back = roundTrip(createCloudFront, cf);
    const got = await back.operations.GetDistribution!({ Id: (out.Distribution as ModelValue).Id }, env.ctx('cloudfront', 'GetDistribution'));
    expect(got.ETag).toBe(out.ETag);
    expect((got.Distribution as ModelValue).Status).toBe('Deployed');
  });

  it('a held distribution stays InProgress', async () => {
    const env = testEnv();
    const cf = createCloudFront(env);
    const call = caller(env, cf);
    const id = ((await call('CreateDistribution', { DistributionConfig: distributionConfig() })).Distribution as ModelValue).Id as string;
    env.faults.held.add(`cloudfront:${id}`);
    env.clock.advance((env.latency['cloudfront.distribution.deploy'] as number) * 3);
    expect(((await call('GetDistribution', { Id: id })).Distribution as ModelValue).Status).toBe('InProgress');
    expect((await awsError(call('GetDistribution', { Id: 'ENOPE' }))).status).toBe(404);
  });
});

describe('resource policy evaluation (origin protection)', () => {
  const dist = 'arn:aws:cloudfront::111122223333:distribution/E1';
  const policy = (statement: ModelValue) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const allowCf = { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: ['mediapackagev2:GetObject'], Resource: 'x', Condition: { StringEquals: { 'AWS:SourceArn': dist } } };

  it('allows only the named distribution, through CloudFront', () => {
    expect(policyAllows(policy(allowCf), { action: 'mediapackagev2:GetObject', service: 'cloudfront.amazonaws.com', sourceArn: dist })).toBe(true);
    expect(policyAllows(policy(allowCf), { action: 'mediapackagev2:GetObject', service: 'cloudfront.amazonaws.com', sourceArn: `${dist}X` })).toBe(false);
    expect(policyAllows(policy(allowCf), { action: 'mediapackagev2:GetObject' })).toBe(false);
    expect(policyAllows(policy(allowCf), { action: 'mediapackagev2:PutObject', service: 'cloudfront.amazonaws.com', sourceArn: dist })).toBe(false);
    expect(policyAllows(undefined, { action: 'mediapackagev2:GetObject' })).toBe(false);
  });

  it('honours wildcards, ArnLike and explicit Deny', () => {
    const like = { ...allowCf, Action: 'mediapackagev2:*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/*' } } };
    expect(policyAllows(policy(like), { action: 'mediapackagev2:GetObject', service: 'cloudfront.amazonaws.com', sourceArn: dist })).toBe(true);
    const both = JSON.stringify({ Statement: [like, { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] });
    expect(policyAllows(both, { action: 'mediapackagev2:GetObject', service: 'cloudfront.amazonaws.com', sourceArn: dist })).toBe(false);
    expect(policyAllows(policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/ml' }, Action: 'mediapackagev2:PutObject', Resource: 'x' }), { action: 'mediapackagev2:PutObject', principalArn: 'arn:aws:iam::111122223333:role/ml' })).toBe(true);
  });
});

it('MediaLive snapshot keeps alerts and tags', async () => {
  const env = testEnv();
  const ml = createMediaLive(env);
  const sg = (await caller(env, ml)('CreateInputSecurityGroup', { WhitelistRules: [{ Cidr: '10.0.0.0/8' }], Tags: { k: 'v' } })).SecurityGroup as ModelValue;
  const back = roundTrip(createMediaLive, ml);
  expect(back.inventory()).toEqual([{ service: 'medialive', type: 'inputSecurityGroup', id: sg.Id, state: 'IDLE', tags: { k: 'v' } }]);
});
