/**
 * OnAir's own packager and CDN builders, fed to the twin: the channel they describe is watchable
 * through the CDN once running (v2 with OAC + endpoint policies, v1 with the CDN-identifier secret),
 * and only then. A failure here means the twin and the builders disagree about AWS.
 */
import { buildChannelRequest, buildInputRequest, buildInputSecurityGroupRequest } from '../../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../../functions/lib/packager';
import { buildChannelGroupRequest, buildChannelPolicy, buildOriginEndpointPolicy, buildV2ChannelRequest, buildV2OriginEndpointRequests } from '../../../../functions/lib/packager/v2';
import { buildCdnSecretRequest, buildV1ChannelRequest, buildV1OriginEndpointRequests } from '../../../../functions/lib/packager/v1';
import { buildDistributionConfig, buildManifestCachePolicyConfig, buildOriginAccessControlConfig } from '../../../../functions/lib/cdn/builders';
import type { ChannelRecord } from '../../../../functions/lib/channel/registry';
import { handleCdnRequest } from '../../../../local/playback';
import { createCloudFront } from '../../../../local/services/cloudfront';
import { createMediaLive, MEDIALIVE_DURATIONS as D } from '../../../../local/services/medialive';
import { createMediaPackage } from '../../../../local/services/mediapackage';
import { createMediaPackageV2 } from '../../../../local/services/mediapackagev2';
import { createSecretsManager } from '../../../../local/services/secretsmanager';
import type { ModelValue } from '../../../../local/core/types';
import { makeRecord, MEDIALIVE_ROLE, SECRETS_ROLE, STAGE } from '../../resources/helpers/fixtures';
import { caller, testEnv } from './twin-test-env';
import { registerStackRolesAs } from '../../../helpers/iam-roles';

const m = (v: unknown): ModelValue => v as ModelValue;

function twin() {
  const env = testEnv();
  // The stack's own service roles: watchable only if serverless.yml grants what the builders' requests need.
  registerStackRolesAs(env, STAGE, { MediaLiveRole: MEDIALIVE_ROLE, MediaPackageSecretsRole: SECRETS_ROLE });
  const call = {
    ml: caller(env, env.use(createMediaLive)),
    v2: caller(env, env.use(createMediaPackageV2)),
    v1: caller(env, env.use(createMediaPackage)),
    cf: caller(env, env.use(createCloudFront)),
    sm: caller(env, env.use(createSecretsManager)),
  };
  const wait = (name: string): void => env.clock.advance(env.latency[name] as number);
  const fetchCdn = async (domain: string, url: string) => {
    const path = `/_cdn/${domain}${new URL(url).pathname}`;
    const r = await handleCdnRequest({ method: 'GET', url: path, path, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) }, env);
    return { status: r.status, body: String(r.body ?? '') };
  };
  return { env, call, wait, fetchCdn };
}

async function runEncoder(t: ReturnType<typeof twin>, record: ChannelRecord): Promise<string> {
  const sg = m((await t.call.ml('CreateInputSecurityGroup', m(buildInputSecurityGroupRequest(record, STAGE)))).SecurityGroup).Id as string;
  const input = m((await t.call.ml('CreateInput', m(buildInputRequest({ record, stage: STAGE, inputSecurityGroupId: sg, roleArn: MEDIALIVE_ROLE })))).Input).Id as string;
  t.wait(D.inputCreate);
  const req = buildChannelRequest({ record, stage: STAGE, inputId: input, roleArn: MEDIALIVE_ROLE, packagerTarget: packagerFor(record).medialiveTarget(record, STAGE) });
  const id = m((await t.call.ml('CreateChannel', m(req))).Channel).Id as string;
  t.wait(D.channelCreate);
  t.wait(D.channelStartLockout);
  return id;
}

async function start(t: ReturnType<typeof twin>, id: string): Promise<void> {
  await t.call.ml('StartChannel', { ChannelId: id });
  t.wait(D.channelStart);
  t.wait(D.pipelineStagger);
  t.env.clock.advance(60_000);
}

it('MediaPackage v2 (default profile): watchable through the CDN only while running', async () => {
  const t = twin();
  const record = makeRecord('default', {}, 'demo-v2');
  const group = await t.call.v2('CreateChannelGroup', m(buildChannelGroupRequest(record, STAGE)));
  const channel = await t.call.v2('CreateChannel', m(buildV2ChannelRequest(record, STAGE)));
  await t.call.v2('PutChannelPolicy', { ChannelGroupName: channel.ChannelGroupName, ChannelName: channel.ChannelName, Policy: buildChannelPolicy(String(channel.Arn), MEDIALIVE_ROLE) });
  const endpoints: ModelValue[] = [];
  for (const plan of buildV2OriginEndpointRequests(record, STAGE)) endpoints.push(await t.call.v2('CreateOriginEndpoint', m(plan.request)));
  const oac = m((await t.call.cf('CreateOriginAccessControl', { OriginAccessControlConfig: m(buildOriginAccessControlConfig(record, STAGE)) })).OriginAccessControl).Id as string;
  const policy = m((await t.call.cf('CreateCachePolicy', { CachePolicyConfig: m(buildManifestCachePolicyConfig(STAGE)) })).CachePolicy).Id as string;
  const config = buildDistributionConfig({ record, stage: STAGE, origin: { domainName: String(group.EgressDomain), originPath: '', protection: { kind: 'oac' } }, originAccessControlId: oac, manifestCachePolicyId: policy });
  const dist = m((await t.call.cf('CreateDistributionWithTags', { DistributionConfigWithTags: m(config) })).Distribution);
  for (const ep of endpoints) {
    await t.call.v2('PutOriginEndpointPolicy', { ChannelGroupName: ep.ChannelGroupName, ChannelName: ep.ChannelName, OriginEndpointName: ep.OriginEndpointName, Policy: buildOriginEndpointPolicy(String(ep.Arn), String(dist.ARN)) });
  }
  const urls = endpoints.flatMap((ep) => [...(ep.HlsManifests as ModelValue[]), ...(ep.DashManifests as ModelValue[]), ...(ep.LowLatencyHlsManifests as ModelValue[])].map((x) => String(x.Url)));
  expect(urls.length).toBeGreaterThan(1);
  const id = await runEncoder(t, record);
  t.wait('cloudfront.distribution.deploy');
  for (const u of urls) expect((await t.fetchCdn(String(dist.DomainName), u)).status).toBe(404);
  await start(t, id);
  for (const u of urls) {
    const r = await t.fetchCdn(String(dist.DomainName), u);
    expect([u, r.status]).toEqual([u, 200]);
    if (u.endsWith('.m3u8')) expect(r.body.match(/#EXT-X-STREAM-INF/g)).toHaveLength(record.profile.video.renditions.length);
    else expect(r.body.match(/<Representation id="\d+"/g)).toHaveLength(record.profile.video.renditions.length);
  }
});

it('MediaPackage v1: watchable with the CDN-identifier header from the secret', async () => {
  const t = twin();
  const record = makeRecord('default', { delivery: 'dedicated', packager: { kind: 'mediapackage-v1', endpoints: ['HLS', 'DASH', 'CMAF'] } }, 'demo-v1');
  await t.call.v1('CreateChannel', m(buildV1ChannelRequest(record, STAGE)));
  const identifier = 'd3b07384-d9a0-4c9b-8e2f-2f1d2c3b4a59';
  const secret = await t.call.sm('CreateSecret', m(buildCdnSecretRequest(record, STAGE, identifier)));
  const endpoints: ModelValue[] = [];
  for (const plan of buildV1OriginEndpointRequests(record, STAGE, String(secret.ARN), SECRETS_ROLE)) endpoints.push(await t.call.v1('CreateOriginEndpoint', m(plan.request)));
  const host = new URL(String(endpoints[0]!.Url)).host;
  const policy = m((await t.call.cf('CreateCachePolicy', { CachePolicyConfig: m(buildManifestCachePolicyConfig(STAGE)) })).CachePolicy).Id as string;
  const config = buildDistributionConfig({ record, stage: STAGE, origin: { domainName: host, originPath: '', protection: { kind: 'cdn-identifier-header', headerName: 'X-MediaPackage-CDNIdentifier', secretArn: String(secret.ARN) } }, cdnIdentifier: identifier, manifestCachePolicyId: policy });
  const dist = m((await t.call.cf('CreateDistributionWithTags', { DistributionConfigWithTags: m(config) })).Distribution);
  const id = await runEncoder(t, record);
  t.wait('cloudfront.distribution.deploy');
  await start(t, id);
  for (const ep of endpoints) {
    const r = await t.fetchCdn(String(dist.DomainName), String(ep.Url));
    expect([ep.Id, r.status]).toEqual([ep.Id, 200]);
  }
});
