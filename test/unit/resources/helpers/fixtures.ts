/**
 * Test fixtures for the resource modules: channel records for every profile variation and an
 * in-memory registry double with ChannelRegistry's recordResource/update semantics, which keeps
 * a log of writes so tests can prove an id was recorded before the next AWS call.
 */
import { resolveProfile, type ProfileOverrides } from '../../../../functions/lib/profile';
import type { ChannelRecord, ChannelRegistry, PackagerResources } from '../../../../functions/lib/channel/registry';

export const STAGE = 'test';
export const REGION = 'us-east-1';
export const ACCOUNT = '111122223333';
export const MEDIALIVE_ROLE = `arn:aws:iam::${ACCOUNT}:role/onair-test-medialive`;
export const SECRETS_ROLE = `arn:aws:iam::${ACCOUNT}:role/onair-test-mediapackage-secrets`;
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:onair-test-notifications`;

export const CONFIG = {
  stage: STAGE,
  region: REGION,
  medialiveRoleArn: MEDIALIVE_ROLE,
  mediapackageSecretsRoleArn: SECRETS_ROLE,
  notificationsTopicArn: TOPIC,
  cdnUrlTemplate: undefined,
  /** The stage's shared distribution (serverless.yml DeliveryDistribution). */
  deliveryDistributionArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/ESTAGE0DELIVERY`,
  deliveryDomain: 'dstage0delivery.cloudfront.net',
  /** The stage's manifest cache policy (serverless.yml DeliveryManifestCachePolicy). */
  manifestCachePolicyId: 'CP1',
};

const CIDR = ['203.0.113.10/32'];
/** A channel with a distribution (and, on v2, a channel group) of its own. */
export const DEDICATED: ProfileOverrides = { delivery: 'dedicated' };

/** Input overrides that make each input type valid for a channel class. */
export function inputFor(type: string, channelClass: 'STANDARD' | 'SINGLE_PIPELINE'): ProfileOverrides['input'] {
  const n = channelClass === 'STANDARD' ? 2 : 1;
  switch (type) {
    case 'RTMP_PUSH': case 'RTP_PUSH': return { type, allowedCidrs: CIDR };
    case 'URL_PULL': return { type, sourceUrls: ['https://src.example.com/a/index.m3u8', 'https://src.example.com/b/index.m3u8'].slice(0, n) };
    case 'SRT_CALLER': return { type, srtSources: [{ host: 'srt1.example.com', port: 5000, streamId: 'cam1' }, { host: 'srt2.example.com', port: 5001 }].slice(0, n) };
    case 'MEDIACONNECT': return { type, mediaConnectFlowArns: [`arn:aws:mediaconnect:${REGION}:${ACCOUNT}:flow:1-a:cam`, `arn:aws:mediaconnect:${REGION}:${ACCOUNT}:flow:1-b:cam`].slice(0, n) };
    default: throw new Error(type);
  }
}

export function makeRecord(profileName = 'default', overrides: ProfileOverrides = {}, channelId = 'demo-1'): ChannelRecord {
  const profile = resolveProfile(profileName, { input: { allowedCidrs: CIDR }, ...overrides });
  return {
    channelId,
    generation: 'gen0001',
    profileName: profile.name,
    profile,
    status: 'PROVISIONING',
    desiredState: 'ON_AIR',
    resources: { packager: { kind: profile.packager.kind, originEndpoints: {} } as PackagerResources, alarms: {} },
    createdAt: '2026-11-24T00:00:00.000Z',
    updatedAt: '2026-11-24T00:00:00.000Z',
  };
}

export type Write = { op: 'record'; path: string[]; value: unknown } | { op: 'update'; fields: Record<string, unknown> } | { op: 'forgetMediaLiveStates' };

/** ChannelRegistry's write semantics over one record in memory. */
export class MemoryRegistry implements Pick<ChannelRegistry, 'recordResource' | 'update' | 'forgetMediaLiveStates' | 'list'> {
  readonly writes: Write[] = [];
  /** The stage's other channels, as a scan of the table would return them. */
  others: ChannelRecord[] = [];
  constructor(public record: ChannelRecord) {}

  async list(): Promise<{ items: ChannelRecord[] }> {
    return { items: [structuredClone(this.record), ...structuredClone(this.others)] };
  }

  async recordResource(channelId: string, path: string[], value: unknown): Promise<void> {
    if (channelId !== this.record.channelId) throw new Error(`unknown channel ${channelId}`);
    this.writes.push({ op: 'record', path, value });
    let node = this.record.resources as unknown as Record<string, unknown>;
    for (const seg of path.slice(0, -1)) {
      // Like DynamoDB's SET a.b.c: the parents must exist.
      if (typeof node[seg] !== 'object' || node[seg] === null) throw new Error(`path ${path.join('.')} has no parent ${seg}`);
      node = node[seg] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = structuredClone(value);
  }

  async update(channelId: string, fields: Partial<ChannelRecord>): Promise<void> {
    if (channelId !== this.record.channelId) throw new Error(`unknown channel ${channelId}`);
    this.writes.push({ op: 'update', fields: fields as Record<string, unknown> });
    Object.assign(this.record, structuredClone(fields));
  }

  async forgetMediaLiveStates(channelId: string): Promise<void> {
    if (channelId !== this.record.channelId) throw new Error(`unknown channel ${channelId}`);
    this.writes.push({ op: 'forgetMediaLiveStates' });
    delete this.record.medialiveStates;
    delete this.record.wait;
  }

  /** The record as a handler would reload it. */
  reload(): ChannelRecord {
    return structuredClone(this.record);
  }
}

/** Every profile variation the builders must handle. */
export const INPUT_TYPES = ['RTMP_PUSH', 'RTP_PUSH', 'URL_PULL', 'SRT_CALLER', 'MEDIACONNECT'] as const;
export const CLASSES = ['STANDARD', 'SINGLE_PIPELINE'] as const;
export const PACKAGERS: { name: string; overrides: ProfileOverrides }[] = [
  { name: 'v2', overrides: {} },
  { name: 'v2-low-latency', overrides: { segmentSeconds: 2, video: { gopSeconds: 1 }, delivery: 'dedicated', packager: { lowLatencyHls: true, endpoints: ['HLS', 'DASH', 'CMAF'] } } },
  { name: 'v2-existing-group', overrides: { delivery: 'dedicated', packager: { channelGroup: 'shared-group' } } },
  { name: 'v2-dedicated', overrides: { delivery: 'dedicated' } },
  { name: 'v1', overrides: { delivery: 'dedicated', packager: { kind: 'mediapackage-v1', endpoints: ['HLS', 'DASH', 'CMAF'] } } },
];

export function variations(): { label: string; record: ChannelRecord }[] {
  const out: { label: string; record: ChannelRecord }[] = [];
  for (const channelClass of CLASSES) {
    for (const type of INPUT_TYPES) {
      for (const pk of PACKAGERS) {
        out.push({
          label: `${channelClass} ${type} ${pk.name}`,
          record: makeRecord('default', { ...pk.overrides, channelClass, input: inputFor(type, channelClass) }),
        });
      }
    }
  }
  // Rate-control and profile variations on the ladder.
  out.push({
    label: 'STANDARD RTMP_PUSH v2 CBR baseline 25 fps',
    record: makeRecord('default', {
      video: { renditions: [
        { name: '720p25', width: 1280, height: 720, bitrate: 3_000_000, rateControl: 'CBR', framerateNumerator: 25 },
        { name: '360p25', width: 640, height: 360, bitrate: 800_000, h264Profile: 'BASELINE', rateControl: 'CBR', framerateNumerator: 25 },
      ] },
    }),
  });
  return out;
}
