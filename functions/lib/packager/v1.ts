/**
 * MediaPackage v1: a CDN-identifier secret in Secrets Manager, a channel (HLS ingest), and HLS /
 * DASH / CMAF origin endpoints that answer only requests carrying `X-MediaPackage-CDNIdentifier`
 * equal to the secret's `MediaPackageCDNIdentifier` (CDN authorization). CloudFront OAC does
 * not support v1, so this header is the origin's protection.
 *
 * The identifier value is generated here, written only to Secrets Manager, and read back only
 * by the CDN step (readCdnIdentifier) to put in the distribution's origin custom header. It is
 * never returned, logged or stored in the registry.
 *
 * Deletion uses ForceDeleteWithoutRecovery: the identifier is worthless once its endpoints are
 * gone (a recovery window protects nothing), and a secret scheduled for deletion keeps its name
 * reserved for 7–30 days, so re-creating a channel with the same id would fail until then.
 *
 * Pure builders exported for tests: cdnSecretNameFor, buildV1ChannelRequest, buildCdnSecretRequest,
 * buildV1OriginEndpointRequests(record, stage, secretArn, secretsRoleArn) → [{ key, request }].
 */
import { randomUUID } from 'node:crypto';
import {
  CreateChannelCommand, CreateOriginEndpointCommand, DeleteChannelCommand, DeleteOriginEndpointCommand,
  DescribeChannelCommand, DescribeOriginEndpointCommand, UnprocessableEntityException,
  type CreateChannelRequest, type CreateOriginEndpointRequest, type DescribeOriginEndpointResponse, type MediaPackageClient,
} from '@aws-sdk/client-mediapackage';
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ResourceExistsException,
  type CreateSecretRequest, type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { isNotFound, ResourceFailedError, undefinedIfNotFound } from '../errors';
import { resourceName } from '../ids';
import type { ChannelRecord, OriginEndpointRecord, PackagerV1Resources } from '../channel/registry';
import { channelTags, hasChannelTags, tagList } from '../tags';
import { assertOwned, endpointNames, FORMAT_OF, MANIFEST_NAME, playbackPathsOf, type EndpointKey } from './common';
import { v1CdnOrigin, v1MedialiveTarget, v1ChannelIdFor } from './layout';
import type { Packager, PackagerDeps } from './types';

export { CDN_IDENTIFIER_HEADER, v1ChannelIdFor } from './layout';
/** The JSON key MediaPackage v1 reads from the secret. */
export const CDN_SECRET_KEY = 'MediaPackageCDNIdentifier';

type Rec = Pick<ChannelRecord, 'channelId' | 'generation' | 'profileName' | 'profile'>;

export function cdnSecretNameFor(record: Pick<ChannelRecord, 'channelId'>, stage: string): string {
  return `onair/${stage}/${record.channelId}/cdn-identifier`;
}

export function buildV1ChannelRequest(record: Rec, stage: string): CreateChannelRequest {
  return { Id: v1ChannelIdFor(record), Description: `OnAir channel ${record.channelId}`, Tags: channelTags(record, stage) };
}

/** `identifier` is a fresh UUIDv4 (36 characters, what MediaPackage recommends). */
export function buildCdnSecretRequest(record: Rec, stage: string, identifier: string): CreateSecretRequest {
  return {
    Name: cdnSecretNameFor(record, stage),
    Description: `CloudFront → MediaPackage CDN identifier for OnAir channel ${record.channelId}`,
    SecretString: JSON.stringify({ [CDN_SECRET_KEY]: identifier }),
    Tags: tagList(channelTags(record, stage)),
  };
}

export interface V1EndpointPlan {
  key: EndpointKey;
  request: CreateOriginEndpointRequest;
}

export function buildV1OriginEndpointRequests(record: Rec, stage: string, secretArn: string, secretsRoleArn: string): V1EndpointPlan[] {
  const { profile } = record;
  const seg = profile.segmentSeconds;
  const window = profile.packager.manifestWindowSeconds;
  const base = {
    ChannelId: v1ChannelIdFor(record),
    ManifestName: MANIFEST_NAME,
    Origination: 'ALLOW' as const,
    StartoverWindowSeconds: 0,
    TimeDelaySeconds: 0,
    Authorization: { CdnIdentifierSecret: secretArn, SecretsRoleArn: secretsRoleArn },
    Tags: channelTags(record, stage),
  };
  const plans: V1EndpointPlan[] = [];
  for (const format of profile.packager.endpoints) {
    if (format === 'HLS') {
      plans.push({ key: 'hls', request: {
        ...base,
        Id: resourceName(record.channelId, 'hls'),
        HlsPackage: {
          SegmentDurationSeconds: seg,
          PlaylistWindowSeconds: window,
          PlaylistType: 'NONE',
          ProgramDateTimeIntervalSeconds: 60,
          AdMarkers: 'NONE',
          IncludeIframeOnlyStream: false,
          // MediaLive sends audio as its own output: serve it as an HLS audio rendition group.
          UseAudioRenditionGroup: true,
          StreamSelection: { StreamOrder: 'ORIGINAL' },
        },
      } });
    } else if (format === 'DASH') {
      plans.push({ key: 'dash', request: {
        ...base,
        Id: resourceName(record.channelId, 'dash'),
        DashPackage: {
          SegmentDurationSeconds: seg,
          ManifestWindowSeconds: window,
          MinUpdatePeriodSeconds: seg,
          MinBufferTimeSeconds: seg * 2,
          SuggestedPresentationDelaySeconds: seg * 3,
          SegmentTemplateFormat: 'NUMBER_WITH_TIMELINE',
          ManifestLayout: 'FULL',
          Profile: 'NONE',
          PeriodTriggers: [],
          StreamSelection: { StreamOrder: 'ORIGINAL' },
        },
      } });
    } else {
      plans.push({ key: 'cmaf', request: {
        ...base,
        Id: resourceName(record.channelId, 'cmaf'),
        CmafPackage: {
          SegmentDurationSeconds: seg,
          SegmentPrefix: 'segment',
          StreamSelection: { StreamOrder: 'ORIGINAL' },
          HlsManifests: [{
            Id: resourceName(record.channelId, 'cmaf-hls'),
            ManifestName: MANIFEST_NAME,
            PlaylistWindowSeconds: window,
            PlaylistType: 'NONE',
            ProgramDateTimeIntervalSeconds: 60,
            AdMarkers: 'NONE',
            IncludeIframeOnlyStream: false,
          }],
        },
      } });
    }
  }
  return plans;
}

function clients(deps: PackagerDeps): { mp: MediaPackageClient; sm: SecretsManagerClient } {
  if (!deps.mediapackage) throw new Error('MediaPackage (v1) client not provided to the packager');
  if (!deps.secretsmanager) throw new Error('Secrets Manager client not provided to the packager');
  return { mp: deps.mediapackage, sm: deps.secretsmanager };
}

const P = (...path: string[]): string[] => ['packager', ...path];

async function ensureSecret(deps: PackagerDeps, record: ChannelRecord, sm: SecretsManagerClient): Promise<string> {
  const stage = deps.config.stage;
  const name = cdnSecretNameFor(record, stage);
  // The secret's ARN, or its name while the first create is in flight (SecretId takes either).
  const recorded = (record.resources.packager as PackagerV1Resources).cdnSecretArn;
  const what = `Secrets Manager secret ${name}`;
  const existing = await undefinedIfNotFound(() => sm.send(new DescribeSecretCommand({ SecretId: recorded ?? name })));
  if (existing?.ARN && !existing.DeletedDate) {
    assertOwned(existing.Tags, record, stage, what);
    if (recorded !== existing.ARN) await deps.registry.recordResource(record.channelId, P('cdnSecretArn'), existing.ARN);
    return existing.ARN;
  }
  // Intent first: with the name recorded, teardown deletes the secret even if this Lambda dies
  // between CreateSecret and the registry write.
  await deps.registry.recordResource(record.channelId, P('cdnSecretArn'), name);
  let arn: string | undefined;
  try {
    arn = (await sm.send(new CreateSecretCommand(buildCdnSecretRequest(record, stage, randomUUID())))).ARN;
  } catch (error) {
    // Created meanwhile: by a concurrent attempt of this step (use it, its value is as good as
    // ours) or by someone else (never adopted).
    if (!(error instanceof ResourceExistsException)) throw error;
    const other = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    if (!hasChannelTags(other.Tags, record, stage)) {
      await deps.registry.recordResource(record.channelId, P('cdnSecretArn'), undefined);
      assertOwned(other.Tags, record, stage, what);
    }
    arn = other.ARN;
  }
  if (!arn) throw new ResourceFailedError('CreateSecret returned no ARN');
  await deps.registry.recordResource(record.channelId, P('cdnSecretArn'), arn);
  return arn;
}

/**
 * Reads the CDN identifier for the distribution's origin header. Only the CDN step calls this,
 * and only to put the value into CreateDistribution; never log the result.
 */
export async function readCdnIdentifier(secretsmanager: SecretsManagerClient, secretArn: string): Promise<string> {
  const out = await secretsmanager.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let value: unknown;
  try {
    value = (JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>)[CDN_SECRET_KEY];
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value.length < 8) {
    // Say which secret, never what it holds.
    throw new ResourceFailedError(`Secret ${secretArn} has no usable ${CDN_SECRET_KEY}`);
  }
  return value;
}

function endpointUrl(ep: Pick<DescribeOriginEndpointResponse, 'Url' | 'CmafPackage'>, key: EndpointKey): string | undefined {
  if (key === 'cmaf') return ep.CmafPackage?.HlsManifests?.[0]?.Url ?? ep.Url;
  return ep.Url;
}

/** v1 endpoints are created with CDN authorization already: nothing to grant per distribution. */
export async function authorizeV1Cdn(_deps: PackagerDeps, _record: ChannelRecord): Promise<{ authorized: boolean; endpoints: string[] }> {
  return { authorized: true, endpoints: [] };
}

export const mediaPackageV1: Packager = {
  kind: 'mediapackage-v1',
  medialiveTarget: v1MedialiveTarget,
  cdnOrigin: v1CdnOrigin,
  playbackPaths: playbackPathsOf,

  async ensure(deps, record) {
    const { mp, sm } = clients(deps);
    const stage = deps.config.stage;
    const secretArn = await ensureSecret(deps, record, sm);
    const channelId = v1ChannelIdFor(record);
    const what = `MediaPackage channel ${channelId}`;
    let channel = await undefinedIfNotFound(() => mp.send(new DescribeChannelCommand({ Id: channelId })));
    if (channel) assertOwned(channel.Tags, record, stage, what);
    // Intent first: the id is recorded before the create, so teardown finds the channel (and its
    // planned endpoints) even if this Lambda dies right after CreateChannel.
    await deps.registry.recordResource(record.channelId, P('channelId'), channelId);
    if (!channel) {
      try {
        channel = await mp.send(new CreateChannelCommand(buildV1ChannelRequest(record, stage)));
      } catch (error) {
        // v1 answers 422 for an id that exists (a concurrent attempt): read it back.
        if (!(error instanceof UnprocessableEntityException)) throw error;
        channel = await mp.send(new DescribeChannelCommand({ Id: channelId }));
        if (!hasChannelTags(channel.Tags, record, stage)) {
          await deps.registry.recordResource(record.channelId, P('channelId'), undefined);
          assertOwned(channel.Tags, record, stage, what);
        }
      }
    }
    if (channel.Arn) await deps.registry.recordResource(record.channelId, P('channelArn'), channel.Arn);
    // Ingest passwords stay with MediaPackage: only URL and user name are recorded.
    const ingest = (channel.HlsIngest?.IngestEndpoints ?? [])
      .filter((e) => e.Url)
      .map((e) => ({ url: e.Url as string, username: e.Username ?? '' }));
    await deps.registry.recordResource(record.channelId, P('ingestEndpoints'), ingest);

    const endpoints: Record<string, string> = {};
    for (const plan of buildV1OriginEndpointRequests(record, stage, secretArn, deps.config.mediapackageSecretsRoleArn)) {
      const id = plan.request.Id as string;
      let ep: Pick<DescribeOriginEndpointResponse, 'Url' | 'CmafPackage' | 'Arn' | 'Tags'> | undefined =
        await undefinedIfNotFound(() => mp.send(new DescribeOriginEndpointCommand({ Id: id })));
      if (ep) assertOwned(ep.Tags, record, stage, `MediaPackage origin endpoint ${id}`);
      if (!ep) {
        try {
          ep = await mp.send(new CreateOriginEndpointCommand(plan.request));
        } catch (error) {
          if (!(error instanceof UnprocessableEntityException)) throw error;
          ep = await mp.send(new DescribeOriginEndpointCommand({ Id: id }));
          assertOwned(ep.Tags, record, stage, `MediaPackage origin endpoint ${id}`);
        }
      }
      const url = endpointUrl(ep, plan.key);
      if (!url) throw new ResourceFailedError(`MediaPackage endpoint ${id} has no URL`);
      const value: OriginEndpointRecord = { name: id, format: FORMAT_OF[plan.key], url, ...(ep.Arn ? { arn: ep.Arn } : {}) };
      await deps.registry.recordResource(record.channelId, P('originEndpoints', plan.key), value);
      endpoints[plan.key] = url;
    }
    return { kind: 'mediapackage-v1', endpoints };
  },

  authorizeCdn: authorizeV1Cdn,

  async delete(deps, record) {
    const { mp, sm } = clients(deps);
    const res = record.resources.packager as PackagerV1Resources;
    const recordedNames = endpointNames(record);
    // An endpoint created just before a crash is not recorded: when OnAir's channel may exist,
    // its planned endpoint ids are checked too, and deleted only if they hang off that channel.
    const planned = res.channelId
      ? buildV1OriginEndpointRequests(record, deps.config.stage, res.cdnSecretArn ?? '', deps.config.mediapackageSecretsRoleArn)
        .map((p) => p.request.Id as string).filter((id) => !recordedNames.includes(id))
      : [];
    const unrecordedOfOurs: string[] = [];
    for (const id of planned) {
      const ep = await undefinedIfNotFound(() => mp.send(new DescribeOriginEndpointCommand({ Id: id })));
      if (ep && ep.ChannelId === res.channelId && hasChannelTags(ep.Tags, record, deps.config.stage)) unrecordedOfOurs.push(id);
    }
    for (const name of [...recordedNames, ...unrecordedOfOurs]) {
      try {
        await mp.send(new DeleteOriginEndpointCommand({ Id: name }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      for (const [k, ep] of Object.entries(res.originEndpoints)) {
        if (ep.name === name) await deps.registry.recordResource(record.channelId, P('originEndpoints', k), undefined);
      }
    }
    if (res.channelId) {
      try {
        await mp.send(new DeleteChannelCommand({ Id: res.channelId }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      for (const k of ['channelId', 'channelArn', 'ingestEndpoints']) await deps.registry.recordResource(record.channelId, P(k), undefined);
    }
    if (res.cdnSecretArn) {
      try {
        await sm.send(new DeleteSecretCommand({ SecretId: res.cdnSecretArn, ForceDeleteWithoutRecovery: true }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      await deps.registry.recordResource(record.channelId, P('cdnSecretArn'), undefined);
    }
    return { deleted: true };
  },
};
