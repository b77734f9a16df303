/**
 * CloudFront operations (idempotent, injected clients, plain results).
 *
 * API (stable):
 *   ensureOriginAccessControl(deps, record) → { originAccessControlId: string | null }   (null for v1)
 *   ensureDistribution(deps, record)        → { distributionId, distributionDomain, distributionArn }
 *       manifests use the stage's cache policy (config.manifestCachePolicyId: serverless.yml
 *       DeliveryManifestCachePolicy, never created here); creates the OAC (v2) when missing; v1 reads the CDN identifier from
 *       its secret here and puts it only into the request. Does NOT grant the origin: the
 *       workflow's next step does (packagerFor(record).authorizeCdn, functions/cdn/createDistribution.ts).
 *   describeDistribution(deps, record)      → { exists, status?, enabled? }   (status InProgress | Deployed)
 *   disableDistribution(deps, record)       → { exists, status?, enabled }
 *   deleteDistribution(deps, record)        → { deleted }   DistributionNotDisabled propagates (wait Deployed, retry)
 *   deleteOriginAccessControl(deps, record) → { deleted }   OriginAccessControlInUse propagates
 */
import {
  CreateDistributionWithTagsCommand, CreateOriginAccessControlCommand,
  DeleteDistributionCommand, DeleteOriginAccessControlCommand, GetDistributionCommand, GetDistributionConfigCommand,
  GetOriginAccessControlCommand, ListDistributionsCommand, ListOriginAccessControlsCommand,
  ListTagsForResourceCommand, UpdateDistributionCommand, DistributionAlreadyExists,
  OriginAccessControlAlreadyExists, PreconditionFailed, type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../config';
import { isNotFound, ResourceFailedError } from '../errors';
import { packagerLayoutFor, readCdnIdentifier } from '../packager';
import type { ChannelRecord, ChannelRegistry } from '../channel/registry';
import { hasChannelTags } from '../tags';
import {
  buildDistributionConfig, buildOriginAccessControlConfig, distributionComment,
} from './builders';

export interface CdnDeps {
  cloudfront: CloudFrontClient;
  /** v1 only: reads the CDN identifier when the distribution is created. */
  secretsmanager?: SecretsManagerClient;
  registry: Pick<ChannelRegistry, 'recordResource' | 'update'>;
  /** manifestCachePolicyId: the stage's (serverless.yml DeliveryManifestCachePolicy). */
  config: Pick<Config, 'stage' | 'medialiveRoleArn' | 'mediapackageSecretsRoleArn' | 'deliveryDistributionArn' | 'manifestCachePolicyId'>;
}

/** How often a stale ETag is refreshed before PreconditionFailed is left to the state machine. */
const ETAG_ATTEMPTS = 3;

export async function ensureOriginAccessControl(deps: CdnDeps, record: ChannelRecord): Promise<{ originAccessControlId: string | null }> {
  if (packagerLayoutFor(record).kind !== 'mediapackage-v2') return { originAccessControlId: null };
  const { cloudfront, registry } = deps;
  const recorded = record.resources.originAccessControlId;
  if (recorded) {
    try {
      await cloudfront.send(new GetOriginAccessControlCommand({ Id: recorded }));
      return { originAccessControlId: recorded };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const config = buildOriginAccessControlConfig(record, deps.config.stage);
  // OACs carry no tags; their name (unique per account) is the idempotency key.
  const findByName = async (): Promise<string | undefined> => {
    let marker: string | undefined;
    do {
      const page = await cloudfront.send(new ListOriginAccessControlsCommand({ Marker: marker, MaxItems: 100 }));
      const hit = page.OriginAccessControlList?.Items?.find((o) => o.Name === config.Name);
      if (hit?.Id) return hit.Id;
      marker = page.OriginAccessControlList?.IsTruncated ? page.OriginAccessControlList.NextMarker : undefined;
    } while (marker);
    return undefined;
  };
  let id = await findByName();
  if (!id) {
    try {
      id = (await cloudfront.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: config }))).OriginAccessControl?.Id;
    } catch (error) {
      if (!(error instanceof OriginAccessControlAlreadyExists)) throw error;
      id = await findByName();
    }
  }
  if (!id) throw new ResourceFailedError('CreateOriginAccessControl returned no id');
  await registry.recordResource(record.channelId, ['originAccessControlId'], id);
  return { originAccessControlId: id };
}

/** A distribution whose create succeeded but whose id was never recorded: found by comment + tags. */
async function findDistribution(deps: CdnDeps, record: ChannelRecord): Promise<{ Id: string; ARN: string; DomainName: string } | undefined> {
  const comment = distributionComment(record, deps.config.stage);
  let marker: string | undefined;
  do {
    const page = await deps.cloudfront.send(new ListDistributionsCommand({ Marker: marker, MaxItems: 100 }));
    for (const d of page.DistributionList?.Items ?? []) {
      if (d.Comment !== comment || !d.Id || !d.ARN || !d.DomainName) continue;
      const tags = await deps.cloudfront.send(new ListTagsForResourceCommand({ Resource: d.ARN }));
      if (hasChannelTags(tags.Tags?.Items, record, deps.config.stage)) return { Id: d.Id, ARN: d.ARN, DomainName: d.DomainName };
    }
    marker = page.DistributionList?.IsTruncated ? page.DistributionList.NextMarker : undefined;
  } while (marker);
  return undefined;
}

async function recordDistribution(deps: CdnDeps, record: ChannelRecord, d: { Id: string; ARN: string; DomainName: string }): Promise<void> {
  await deps.registry.recordResource(record.channelId, ['distributionId'], d.Id);
  await deps.registry.recordResource(record.channelId, ['distributionArn'], d.ARN);
  await deps.registry.recordResource(record.channelId, ['distributionDomain'], d.DomainName);
}

export interface DistributionRef { distributionId: string; distributionDomain: string; distributionArn: string }

export async function ensureDistribution(deps: CdnDeps, record: ChannelRecord): Promise<DistributionRef> {
  const { cloudfront } = deps;
  const recorded = record.resources.distributionId;
  if (recorded) {
    try {
      const d = (await cloudfront.send(new GetDistributionCommand({ Id: recorded }))).Distribution;
      if (d?.Id && d.DomainName && d.ARN) return { distributionId: d.Id, distributionDomain: d.DomainName, distributionArn: d.ARN };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const packager = packagerLayoutFor(record);
  const origin = packager.cdnOrigin(record);
  let originAccessControlId: string | undefined;
  let cdnIdentifier: string | undefined;
  if (origin.protection.kind === 'oac') {
    originAccessControlId = record.resources.originAccessControlId
      ?? (await ensureOriginAccessControl(deps, record)).originAccessControlId ?? undefined;
  } else {
    if (!deps.secretsmanager) throw new Error('Secrets Manager client not provided to ensureDistribution (MediaPackage v1)');
    cdnIdentifier = await readCdnIdentifier(deps.secretsmanager, origin.protection.secretArn);
  }
  const request = buildDistributionConfig({
    record, stage: deps.config.stage, origin, manifestCachePolicyId: deps.config.manifestCachePolicyId,
    ...(originAccessControlId ? { originAccessControlId } : {}),
    ...(cdnIdentifier ? { cdnIdentifier } : {}),
  });
  let created: { Id: string; ARN: string; DomainName: string } | undefined;
  try {
    // The same CallerReference with the same config returns the first attempt's distribution.
    const d = (await cloudfront.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: request }))).Distribution;
    if (d?.Id && d.ARN && d.DomainName) created = { Id: d.Id, ARN: d.ARN, DomainName: d.DomainName };
  } catch (error) {
    // Same CallerReference, different config (e.g. a new OAC id after a partial rollback):
    // the first attempt's distribution exists; find it by its comment and ownership tags.
    if (!(error instanceof DistributionAlreadyExists)) throw error;
    created = await findDistribution(deps, record);
    if (!created) throw error;
  }
  if (!created) throw new ResourceFailedError('CreateDistributionWithTags returned no distribution');
  await recordDistribution(deps, record, created);
  return { distributionId: created.Id, distributionDomain: created.DomainName, distributionArn: created.ARN };
}

export async function describeDistribution(deps: CdnDeps, record: ChannelRecord): Promise<{ exists: boolean; status?: string; enabled?: boolean }> {
  const id = record.resources.distributionId;
  if (!id) return { exists: false };
  try {
    const d = (await deps.cloudfront.send(new GetDistributionCommand({ Id: id }))).Distribution;
    return {
      exists: true,
      ...(d?.Status ? { status: d.Status } : {}),
      ...(d?.DistributionConfig?.Enabled !== undefined ? { enabled: d.DistributionConfig.Enabled } : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return { exists: false };
    throw error;
  }
}

export async function disableDistribution(deps: CdnDeps, record: ChannelRecord): Promise<{ exists: boolean; status?: string; enabled: boolean }> {
  const id = record.resources.distributionId;
  if (!id) return { exists: false, enabled: false };
  for (let attempt = 1; ; attempt += 1) {
    let current;
    try {
      current = await deps.cloudfront.send(new GetDistributionConfigCommand({ Id: id }));
    } catch (error) {
      if (isNotFound(error)) return { exists: false, enabled: false };
      throw error;
    }
    const cfg = current.DistributionConfig;
    if (!cfg) throw new ResourceFailedError(`Distribution ${id} has no config`);
    if (!cfg.Enabled) {
      const d = await describeDistribution(deps, record);
      return { exists: d.exists, ...(d.status ? { status: d.status } : {}), enabled: false };
    }
    try {
      const out = await deps.cloudfront.send(new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: { ...cfg, Enabled: false } }));
      return { exists: true, ...(out.Distribution?.Status ? { status: out.Distribution.Status } : {}), enabled: false };
    } catch (error) {
      if (isNotFound(error)) return { exists: false, enabled: false };
      // Someone changed the distribution between our read and write: read again.
      if (error instanceof PreconditionFailed && attempt < ETAG_ATTEMPTS) continue;
      throw error;
    }
  }
}

export async function deleteDistribution(deps: CdnDeps, record: ChannelRecord): Promise<{ deleted: boolean }> {
  const id = record.resources.distributionId;
  const forget = async (): Promise<{ deleted: boolean }> => {
    for (const k of ['distributionId', 'distributionArn', 'distributionDomain']) await deps.registry.recordResource(record.channelId, [k], undefined);
    return { deleted: true };
  };
  if (!id) return { deleted: true };
  for (let attempt = 1; ; attempt += 1) {
    try {
      const current = await deps.cloudfront.send(new GetDistributionCommand({ Id: id }));
      // Enabled or not yet Deployed: CloudFront answers DistributionNotDisabled (409), which propagates.
      await deps.cloudfront.send(new DeleteDistributionCommand({ Id: id, IfMatch: current.ETag }));
      return forget();
    } catch (error) {
      if (isNotFound(error)) return forget();
      if (error instanceof PreconditionFailed && attempt < ETAG_ATTEMPTS) continue;
      throw error;
    }
  }
}

export async function deleteOriginAccessControl(deps: CdnDeps, record: ChannelRecord): Promise<{ deleted: boolean }> {
  const id = record.resources.originAccessControlId;
  if (!id) return { deleted: true };
  for (let attempt = 1; ; attempt += 1) {
    try {
      const current = await deps.cloudfront.send(new GetOriginAccessControlCommand({ Id: id }));
      // Still used by a distribution: OriginAccessControlInUse (409) propagates.
      await deps.cloudfront.send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: current.ETag }));
      break;
    } catch (error) {
      if (isNotFound(error)) break;
      if (error instanceof PreconditionFailed && attempt < ETAG_ATTEMPTS) continue;
      throw error;
    }
  }
  await deps.registry.recordResource(record.channelId, ['originAccessControlId'], undefined);
  return { deleted: true };
}
