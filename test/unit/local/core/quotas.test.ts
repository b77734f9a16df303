/**
 * The twin enforces AWS's default account quotas from OnAir's one table (lib/aws-quotas.ts),
 * answering each service's own error; live resources count, deleted ones free their place; the
 * scale-run switch (option or ONAIR_TWIN_QUOTAS) raises them.
 */
import { ACCOUNT_QUOTAS, QUOTA_IDS } from '../../../../lib/aws-quotas';
import { RAISED_MULTIPLIER, resolveTwinQuotas } from '../../../../local/core/quotas';
import type { ModelValue } from '../../../../local/core/types';
import { createCloudFront } from '../../../../local/services/cloudfront';
import { createMediaLive, MEDIALIVE_DURATIONS as ML } from '../../../../local/services/medialive';
import { createMediaPackageV2 } from '../../../../local/services/mediapackagev2';
import { channelRequest, distributionConfig } from '../services/media-fixtures';
import { awsError, caller, testEnv } from '../services/twin-test-env';

const medialive = (quotas?: Parameters<typeof resolveTwinQuotas>[0]) => {
  const env = Object.assign(testEnv(), quotas === undefined ? {} : { quotas: resolveTwinQuotas(quotas, {}) });
  return { env, call: caller(env, createMediaLive(env)) };
};

const group = async (call: ReturnType<typeof caller>, cidr = '203.0.113.0/24') =>
  ((await call('CreateInputSecurityGroup', { WhitelistRules: [{ Cidr: cidr }] })).SecurityGroup as ModelValue).Id as string;
const rtmp = async (call: ReturnType<typeof caller>, sg: string, name: string) =>
  (await call('CreateInput', { Name: name, Type: 'RTMP_PUSH', InputSecurityGroups: [sg], Destinations: [{ StreamName: `live/${name}` }] })).Input as ModelValue;

describe('the quota table', () => {
  it('has every quota once, with a default, an AWS page and an error in the service model', () => {
    for (const id of QUOTA_IDS) {
      const q = ACCOUNT_QUOTAS[id];
      expect(q.id).toBe(id);
      expect(q.defaultValue).toBeGreaterThan(0);
      expect(q.page).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(q.raise).toContain('Service Quotas');
    }
    expect(ACCOUNT_QUOTAS['medialive.channels'].defaultValue).toBe(5);
    expect(ACCOUNT_QUOTAS['mediapackagev2.channelGroups'].defaultValue).toBe(3);
  });

  it('the switch: option over ONAIR_TWIN_QUOTAS over the defaults', () => {
    expect(resolveTwinQuotas(undefined, {})['medialive.channels']).toBe(5);
    expect(resolveTwinQuotas(undefined, { ONAIR_TWIN_QUOTAS: 'raised' })['medialive.channels']).toBe(5 * RAISED_MULTIPLIER);
    expect(resolveTwinQuotas(3, { ONAIR_TWIN_QUOTAS: 'raised' })['cloudfront.originAccessControls']).toBe(300);
    expect(resolveTwinQuotas('default', { ONAIR_TWIN_QUOTAS: 'raised' })['medialive.inputSecurityGroups']).toBe(5);
    expect(resolveTwinQuotas(undefined, { ONAIR_TWIN_QUOTAS: 'medialive.channels=7' })['medialive.channels']).toBe(7);
    expect(() => resolveTwinQuotas(undefined, { ONAIR_TWIN_QUOTAS: 'lots' })).toThrow(/not <quota>=<number>/);
  });
});

describe('MediaLive (per account per Region; 429 TooManyRequestsException, AWS documents no quota error)', () => {
  it('the 6th input security group is refused; deleting one frees its place', async () => {
    const { call } = medialive();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await group(call, `203.0.113.${i}/32`));
    const err = await awsError(group(call));
    expect([err.code, err.status]).toEqual(['TooManyRequestsException', 429]);
    expect(err.message).toMatch(/quota of 5 input security groups/);
    await call('DeleteInputSecurityGroup', { InputSecurityGroupId: ids[0] });
    await expect(group(call)).resolves.toEqual(expect.any(String));
  });

  it('the 6th push input is refused, pull inputs do not count', async () => {
    const { call } = medialive();
    const sg = await group(call);
    for (let i = 0; i < 5; i++) await rtmp(call, sg, `in${i}`);
    await call('CreateInput', { Name: 'pull', Type: 'URL_PULL', Sources: [{ Url: 'https://src.example.com/a.m3u8' }] });
    const err = await awsError(rtmp(call, sg, 'in5'));
    expect([err.code, err.status]).toEqual(['TooManyRequestsException', 429]);
    expect(err.message).toMatch(/quota of 5 push inputs/);
  });

  it('the 6th channel is refused until one is DELETED; raised quotas let it through', async () => {
    for (const quotas of [undefined, 'raised'] as const) {
      const { env, call } = medialive(quotas);
      const pulls = [];
      for (let i = 0; i < 6; i++) pulls.push((await call('CreateInput', { Name: `p${i}`, Type: 'URL_PULL', Sources: [{ Url: `https://src.example.com/${i}a.m3u8` }, { Url: `https://src.example.com/${i}b.m3u8` }] })).Input as ModelValue);
      env.clock.advance(env.latency[ML.inputCreate] as number);
      const channels = [];
      for (let i = 0; i < 5; i++) channels.push((await call('CreateChannel', channelRequest(String(pulls[i]!.Id), { Name: `c${i}` }))).Channel as ModelValue);
      const sixth = call('CreateChannel', channelRequest(String(pulls[5]!.Id), { Name: 'c5' }));
      if (quotas === 'raised') {
        await expect(sixth).resolves.toBeDefined();
        continue;
      }
      const err = await awsError(sixth);
      expect([err.code, err.status]).toEqual(['TooManyRequestsException', 429]);
      env.clock.advance(env.latency[ML.channelCreate] as number);
      await call('DeleteChannel', { ChannelId: channels[0]!.Id });
      env.clock.advance(env.latency[ML.channelDelete] as number);
      await expect(call('CreateChannel', channelRequest(String(pulls[5]!.Id), { Name: 'c5' }))).resolves.toBeDefined();
    }
  });
});

describe('MediaPackage v2 (402 ServiceQuotaExceededException)', () => {
  it('3 channel groups, 10 channels per group, 10 endpoints per channel', async () => {
    const env = testEnv();
    const call = caller(env, createMediaPackageV2(env));
    for (const g of ['a', 'b', 'c']) await call('CreateChannelGroup', { ChannelGroupName: g });
    let err = await awsError(call('CreateChannelGroup', { ChannelGroupName: 'd' }));
    expect([err.code, err.status, err.message]).toEqual(['ServiceQuotaExceededException', 402, 'The request would cause a service quota to be exceeded.']);
    for (let i = 0; i < 10; i++) await call('CreateChannel', { ChannelGroupName: 'a', ChannelName: `c${i}` });
    err = await awsError(call('CreateChannel', { ChannelGroupName: 'a', ChannelName: 'c10' }));
    expect([err.code, err.status]).toEqual(['ServiceQuotaExceededException', 402]);
    await expect(call('CreateChannel', { ChannelGroupName: 'b', ChannelName: 'c10' })).resolves.toBeDefined();
    for (let i = 0; i < 10; i++) await call('CreateOriginEndpoint', { ChannelGroupName: 'a', ChannelName: 'c0', OriginEndpointName: `e${i}`, ContainerType: 'TS', HlsManifests: [{ ManifestName: 'index' }] });
    err = await awsError(call('CreateOriginEndpoint', { ChannelGroupName: 'a', ChannelName: 'c0', OriginEndpointName: 'e10', ContainerType: 'TS', HlsManifests: [{ ManifestName: 'index' }] }));
    expect([err.code, err.status]).toEqual(['ServiceQuotaExceededException', 402]);
  });
});

describe('CloudFront (400, its own error codes)', () => {
  const setup = (quotas?: string) => {
    const env = Object.assign(testEnv(), quotas ? { quotas: resolveTwinQuotas(undefined, { ONAIR_TWIN_QUOTAS: quotas }) } : {});
    return caller(env, createCloudFront(env));
  };

  it('origin access controls: the 101st is TooManyOriginAccessControls', async () => {
    const call = setup();
    const oac = (i: number) => call('CreateOriginAccessControl', { OriginAccessControlConfig: { Name: `oac-${i}`, SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' } });
    for (let i = 0; i < 100; i++) await oac(i);
    const err = await awsError(oac(100));
    expect([err.code, err.status]).toEqual(['TooManyOriginAccessControls', 400]);
  });

  it('distributions per account, per cache policy, and cache behaviours per distribution', async () => {
    const call = setup('cloudfront.distributions=2,cloudfront.distributionsPerCachePolicy=1');
    await call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'a' }) });
    // The same manifest cache policy on a second distribution: over its 1.
    let err = await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'b' }) }));
    expect([err.code, err.status]).toEqual(['TooManyDistributionsAssociatedToCachePolicy', 400]);
    const noPolicies = { DefaultCacheBehavior: { TargetOriginId: 'mediapackage', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' }, CacheBehaviors: { Quantity: 0 } };
    await call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'b', ...noPolicies }) });
    err = await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'c', ...noPolicies, DefaultCacheBehavior: { ...noPolicies.DefaultCacheBehavior, CachePolicyId: 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d' } }) }));
    expect([err.code, err.status]).toEqual(['TooManyDistributions', 400]);

    const behaviours = (n: number) => ({ Quantity: n, Items: Array.from({ length: n }, (_, i) => ({ PathPattern: `/p${i}/*`, TargetOriginId: 'mediapackage', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' })) });
    const call2 = setup('cloudfront.distributionsPerCachePolicy=1000');
    await expect(call2('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'x', ...noPolicies, CacheBehaviors: behaviours(75) }) })).resolves.toBeDefined();
    err = await awsError(call2('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'y', ...noPolicies, CacheBehaviors: behaviours(76) }) }));
    expect([err.code, err.status]).toEqual(['TooManyCacheBehaviors', 400]);
  });
});
