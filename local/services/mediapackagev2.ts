/**
 * AWS Elemental MediaPackage v2, as behaviour: channel groups (with their egress domain), channels
 * (two ingest endpoints each), channel policies, origin endpoints (HLS, LL-HLS, DASH manifests over TS
 * or CMAF segments) and origin endpoint policies, tags. Resources are usable when the create call
 * returns (no transitional states on AWS either). Errors use v2's shapes: ConflictException with
 * ConflictExceptionType, ResourceNotFoundException with ResourceTypeNotFound, ValidationException with
 * ValidationExceptionType.
 */
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type OperationHandler, type ServiceBehaviour, type TwinEnv } from '../core/types';
import { arr, clone, fingerprint, obj, paginate, randomAlnum, randomHex, str, tagsOf } from './media-util';
import { registerMedia, type V2Origin } from './media-registry';
import { enforceQuota } from '../core/quotas';

const SERVICE = 'mediapackagev2';

interface Stamped { Arn: string; CreatedAt: Date; ModifiedAt: Date; ETag: string; Description?: string; Tags: Record<string, string> }
interface GroupRec extends Stamped { ChannelGroupName: string; EgressDomain: string; prefix: string; suffix: string; region: string }
interface ChannelRec extends Stamped {
  ChannelGroupName: string;
  ChannelName: string;
  InputType: string;
  IngestEndpoints: { Id: string; Url: string }[];
  extra: ModelValue;
  policy?: string;
}
export interface EndpointRec extends Stamped {
  ChannelGroupName: string;
  ChannelName: string;
  OriginEndpointName: string;
  ContainerType: 'TS' | 'CMAF';
  Segment: ModelValue;
  StartoverWindowSeconds: number;
  HlsManifests: ModelValue[];
  LowLatencyHlsManifests: ModelValue[];
  DashManifests: ModelValue[];
  extra: ModelValue;
  policy?: string;
}

export class MediaPackageV2Service implements ServiceBehaviour {
  readonly signingName = SERVICE;
  readonly operations: Readonly<Record<string, OperationHandler>>;
  private readonly groups = new Map<string, GroupRec>();
  private readonly channels = new Map<string, ChannelRec>();
  private readonly endpoints = new Map<string, EndpointRec>();
  private readonly tokens = new Map<string, { fingerprint: string; output: ModelValue }>();

  constructor(private readonly env: TwinEnv) {
    const ops: Record<string, OperationHandler> = {
      CreateChannelGroup: (i, c) => this.withToken('CreateChannelGroup', i, () => this.createChannelGroup(i, c)),
      GetChannelGroup: (i) => this.groupOut(this.group(i.ChannelGroupName)),
      UpdateChannelGroup: (i) => this.updateChannelGroup(i),
      DeleteChannelGroup: (i) => this.deleteChannelGroup(i),
      ListChannelGroups: (i) => this.listChannelGroups(i),
      CreateChannel: (i, c) => this.withToken('CreateChannel', i, () => this.createChannel(i, c)),
      GetChannel: (i) => this.channelOut(this.channel(i.ChannelGroupName, i.ChannelName)),
      UpdateChannel: (i) => this.updateChannel(i),
      DeleteChannel: (i) => this.deleteChannel(i),
      ListChannels: (i) => this.listChannels(i),
      PutChannelPolicy: (i) => this.putChannelPolicy(i),
      GetChannelPolicy: (i) => this.getChannelPolicy(i),
      DeleteChannelPolicy: (i) => this.deleteChannelPolicy(i),
      CreateOriginEndpoint: (i, c) => this.withToken('CreateOriginEndpoint', i, () => this.createOriginEndpoint(i, c)),
      GetOriginEndpoint: (i) => this.endpointOut(this.endpoint(i.ChannelGroupName, i.ChannelName, i.OriginEndpointName)),
      UpdateOriginEndpoint: (i) => this.updateOriginEndpoint(i),
      DeleteOriginEndpoint: (i) => this.deleteOriginEndpoint(i),
      ListOriginEndpoints: (i) => this.listOriginEndpoints(i),
      PutOriginEndpointPolicy: (i) => this.putOriginEndpointPolicy(i),
      GetOriginEndpointPolicy: (i) => this.getOriginEndpointPolicy(i),
      DeleteOriginEndpointPolicy: (i) => this.deleteOriginEndpointPolicy(i),
      TagResource: (i) => this.tagResource(i),
      UntagResource: (i) => this.untagResource(i),
      ListTagsForResource: (i) => ({ Tags: { ...this.byArn(i.ResourceArn).Tags } }),
    };
    this.operations = ops;
    registerMedia(env, { mediapackagev2: this });
  }

  // ───────────────────────────── channel groups ─────────────────────────────

  private createChannelGroup(input: ModelValue, ctx: OpContext): ModelValue {
    const name = String(input.ChannelGroupName);
    if (this.groups.has(name)) throw conflict(`Channel group ${name} already exists`, 'RESOURCE_ALREADY_EXISTS');
    // Account quota (lib/aws-quotas.ts mediapackagev2.channelGroups); deleted groups are gone from the map.
    enforceQuota(this.env.quotas, 'mediapackagev2.channelGroups', [...this.groups.values()].filter((g) => g.region === ctx.region).length + 1);
    const prefix = randomAlnum(6);
    const suffix = randomAlnum(6);
    const rec: GroupRec = {
      ChannelGroupName: name,
      Arn: `arn:aws:mediapackagev2:${ctx.region}:${ctx.accountId}:channelGroup/${name}`,
      EgressDomain: `${prefix}.egress.${suffix}.mediapackagev2.${ctx.region}.amazonaws.com`,
      prefix,
      suffix,
      region: ctx.region,
      ...this.stamp(input),
    };
    this.groups.set(name, rec);
    return this.groupOut(rec);
  }

  private groupOut(g: GroupRec): ModelValue {
    return { ChannelGroupName: g.ChannelGroupName, Arn: g.Arn, EgressDomain: g.EgressDomain, CreatedAt: g.CreatedAt, ModifiedAt: g.ModifiedAt, ETag: g.ETag, Description: g.Description, Tags: { ...g.Tags } };
  }

  private group(name: unknown): GroupRec {
    const g = this.groups.get(String(name));
    if (!g) throw notFound(`Channel group ${String(name)} not found`, 'CHANNEL_GROUP');
    return g;
  }

  private updateChannelGroup(input: ModelValue): ModelValue {
    const g = this.group(input.ChannelGroupName);
    checkETag(g, input.ETag);
    if (input.Description !== undefined) g.Description = str(input.Description);
    this.touch(g);
    return this.groupOut(g);
  }

  private deleteChannelGroup(input: ModelValue): ModelValue {
    const g = this.group(input.ChannelGroupName);
    const used = [...this.channels.values()].filter((c) => c.ChannelGroupName === g.ChannelGroupName);
    if (used.length) throw conflict(`Channel group ${g.ChannelGroupName} still has ${used.length} channel(s); delete them first`, 'RESOURCE_IN_USE');
    this.groups.delete(g.ChannelGroupName);
    return {};
  }

  private listChannelGroups(input: ModelValue): ModelValue {
    const { page, next } = paginate([...this.groups.values()], input.MaxResults, input.NextToken, 50, validation('INVALID_PAGINATION_TOKEN'));
    return { Items: page.map((g) => ({ ChannelGroupName: g.ChannelGroupName, Arn: g.Arn, CreatedAt: g.CreatedAt, ModifiedAt: g.ModifiedAt, Description: g.Description })), NextToken: next };
  }

  // ───────────────────────────── channels ─────────────────────────────

  private createChannel(input: ModelValue, ctx: OpContext): ModelValue {
    const g = this.group(input.ChannelGroupName);
    const name = String(input.ChannelName);
    const key = `${g.ChannelGroupName}/${name}`;
    if (this.channels.has(key)) throw conflict(`Channel ${name} already exists in channel group ${g.ChannelGroupName}`, 'RESOURCE_ALREADY_EXISTS');
    enforceQuota(this.env.quotas, 'mediapackagev2.channelsPerGroup', [...this.channels.values()].filter((c) => c.ChannelGroupName === g.ChannelGroupName).length + 1);
    const extra: ModelValue = {};
    for (const k of ['InputSwitchConfiguration', 'OutputHeaderConfiguration']) if (input[k] !== undefined) extra[k] = clone(input[k]);
    const rec: ChannelRec = {
      ChannelGroupName: g.ChannelGroupName,
      ChannelName: name,
      Arn: `${g.Arn}/channel/${name}`,
      InputType: str(input.InputType) ?? 'HLS',
      // Two ingest endpoints, one per MediaLive pipeline, as AWS returns them.
      IngestEndpoints: ['1', '2'].map((id) => ({ Id: id, Url: `https://${g.prefix}-${id}.ingest.${g.suffix}.mediapackagev2.${ctx.region}.amazonaws.com/in/v1/${g.ChannelGroupName}/${id}/${name}/index` })),
      extra,
      ...this.stamp(input),
    };
    this.channels.set(key, rec);
    return this.channelOut(rec);
  }

  private channelOut(c: ChannelRec): ModelValue {
    return {
      Arn: c.Arn, ChannelName: c.ChannelName, ChannelGroupName: c.ChannelGroupName, CreatedAt: c.CreatedAt, ModifiedAt: c.ModifiedAt,
      Description: c.Description, IngestEndpoints: clone(c.IngestEndpoints), InputType: c.InputType, ETag: c.ETag, Tags: { ...c.Tags }, ...clone(c.extra),
    };
  }

  private channel(group: unknown, name: unknown): ChannelRec {
    this.group(group);
    const c = this.channels.get(`${String(group)}/${String(name)}`);
    if (!c) throw notFound(`Channel ${String(name)} not found in channel group ${String(group)}`, 'CHANNEL');
    return c;
  }

  private updateChannel(input: ModelValue): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    checkETag(c, input.ETag);
    if (input.Description !== undefined) c.Description = str(input.Description);
    for (const k of ['InputSwitchConfiguration', 'OutputHeaderConfiguration']) if (input[k] !== undefined) c.extra[k] = clone(input[k]);
    this.touch(c);
    return this.channelOut(c);
  }

  private deleteChannel(input: ModelValue): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    const eps = this.endpointsOf(c);
    if (eps.length) throw conflict(`Channel ${c.ChannelName} still has ${eps.length} origin endpoint(s); delete them first`, 'RESOURCE_IN_USE');
    this.channels.delete(`${c.ChannelGroupName}/${c.ChannelName}`);
    return {};
  }

  private endpointsOf(c: ChannelRec): EndpointRec[] {
    return [...this.endpoints.values()].filter((e) => e.ChannelGroupName === c.ChannelGroupName && e.ChannelName === c.ChannelName);
  }

  private listChannels(input: ModelValue): ModelValue {
    const g = this.group(input.ChannelGroupName);
    const items = [...this.channels.values()].filter((c) => c.ChannelGroupName === g.ChannelGroupName);
    const { page, next } = paginate(items, input.MaxResults, input.NextToken, 50, validation('INVALID_PAGINATION_TOKEN'));
    return { Items: page.map((c) => ({ Arn: c.Arn, ChannelName: c.ChannelName, ChannelGroupName: c.ChannelGroupName, CreatedAt: c.CreatedAt, ModifiedAt: c.ModifiedAt, Description: c.Description, InputType: c.InputType })), NextToken: next };
  }

  private putChannelPolicy(input: ModelValue): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    c.policy = checkPolicy(input.Policy, c.Arn);
    return {};
  }

  private getChannelPolicy(input: ModelValue): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    if (!c.policy) throw notFound(`Channel ${c.ChannelName} has no policy`, 'CHANNEL');
    return { ChannelGroupName: c.ChannelGroupName, ChannelName: c.ChannelName, Policy: c.policy };
  }

  private deleteChannelPolicy(input: ModelValue): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    c.policy = undefined;
    return {};
  }

  // ───────────────────────────── origin endpoints ─────────────────────────────

  private createOriginEndpoint(input: ModelValue, _ctx: OpContext): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    const name = String(input.OriginEndpointName);
    const key = `${c.ChannelGroupName}/${c.ChannelName}/${name}`;
    if (this.endpoints.has(key)) throw conflict(`Origin endpoint ${name} already exists on channel ${c.ChannelName}`, 'RESOURCE_ALREADY_EXISTS');
    enforceQuota(this.env.quotas, 'mediapackagev2.endpointsPerChannel', this.endpointsOf(c).length + 1);
    const rec: EndpointRec = {
      ChannelGroupName: c.ChannelGroupName,
      ChannelName: c.ChannelName,
      OriginEndpointName: name,
      Arn: `${c.Arn}/originEndpoint/${name}`,
      ContainerType: input.ContainerType === 'CMAF' ? 'CMAF' : 'TS',
      Segment: {},
      StartoverWindowSeconds: typeof input.StartoverWindowSeconds === 'number' ? input.StartoverWindowSeconds : 900,
      HlsManifests: [],
      LowLatencyHlsManifests: [],
      DashManifests: [],
      extra: {},
      ...this.stamp(input),
    };
    this.applyEndpointConfig(rec, input);
    this.endpoints.set(key, rec);
    return this.endpointOut(rec);
  }

  /** Validates and applies manifests and segment settings (create and update share it). */
  private applyEndpointConfig(rec: EndpointRec, input: ModelValue): void {
    const egress = this.group(rec.ChannelGroupName).EgressDomain;
    const segment: ModelValue = {
      SegmentDurationSeconds: 6,
      SegmentName: 'segment',
      TsUseAudioRenditionGroup: true,
      IncludeIframeOnlyStreams: false,
      TsIncludeDvbSubtitles: false,
      ...clone(obj(input.Segment) ?? {}),
    };
    const hls = arr(input.HlsManifests);
    const ll = arr(input.LowLatencyHlsManifests);
    const dash = arr(input.DashManifests);
    if (dash.length && rec.ContainerType === 'TS') {
      throw new AwsError('ValidationException', 'DASH manifests require the CMAF container type', 400, { ValidationExceptionType: 'TS_CONTAINER_TYPE_WITH_DASH_MANIFEST' });
    }
    const names = new Set<string>();
    for (const m of [...hls, ...ll, ...dash]) {
      const n = String(m.ManifestName);
      if (names.has(n)) throw new AwsError('ValidationException', `Manifest name ${n} is used more than once on this endpoint`, 400, { ValidationExceptionType: 'MANIFEST_NAME_COLLISION' });
      names.add(n);
    }
    const segSeconds = Number(segment.SegmentDurationSeconds);
    for (const d of dash) {
      if (typeof d.MinUpdatePeriodSeconds === 'number' && d.MinUpdatePeriodSeconds < segSeconds) {
        throw new AwsError('ValidationException', `MinUpdatePeriodSeconds (${d.MinUpdatePeriodSeconds}) must not be smaller than the segment duration (${segSeconds})`, 400, { ValidationExceptionType: 'UPDATE_PERIOD_SMALLER_THAN_SEGMENT_DURATION' });
      }
    }
    const base = `https://${egress}/out/v1/${rec.ChannelGroupName}/${rec.ChannelName}/${rec.OriginEndpointName}`;
    rec.Segment = segment;
    rec.HlsManifests = hls.map((m) => ({ ManifestWindowSeconds: 60, ChildManifestName: m.ManifestName, ...clone(m), Url: `${base}/${String(m.ManifestName)}.m3u8` }));
    rec.LowLatencyHlsManifests = ll.map((m) => ({ ManifestWindowSeconds: 60, ChildManifestName: m.ManifestName, ...clone(m), Url: `${base}/${String(m.ManifestName)}.m3u8` }));
    rec.DashManifests = dash.map((m) => ({ ManifestWindowSeconds: 60, MinUpdatePeriodSeconds: segSeconds, MinBufferTimeSeconds: 30, SuggestedPresentationDelaySeconds: 10, SegmentTemplateFormat: 'NUMBER_WITH_TIMELINE', ...clone(m), Url: `${base}/${String(m.ManifestName)}.mpd` }));
    if (input.ForceEndpointErrorConfiguration !== undefined) rec.extra.ForceEndpointErrorConfiguration = clone(input.ForceEndpointErrorConfiguration);
  }

  private endpointOut(e: EndpointRec): ModelValue {
    return {
      Arn: e.Arn, ChannelGroupName: e.ChannelGroupName, ChannelName: e.ChannelName, OriginEndpointName: e.OriginEndpointName,
      ContainerType: e.ContainerType, Segment: clone(e.Segment), CreatedAt: e.CreatedAt, ModifiedAt: e.ModifiedAt, Description: e.Description,
      StartoverWindowSeconds: e.StartoverWindowSeconds, HlsManifests: clone(e.HlsManifests), LowLatencyHlsManifests: clone(e.LowLatencyHlsManifests),
      DashManifests: clone(e.DashManifests), ETag: e.ETag, Tags: { ...e.Tags }, ...clone(e.extra),
    };
  }

  private endpoint(group: unknown, channel: unknown, name: unknown): EndpointRec {
    this.channel(group, channel);
    const e = this.endpoints.get(`${String(group)}/${String(channel)}/${String(name)}`);
    if (!e) throw notFound(`Origin endpoint ${String(name)} not found on channel ${String(channel)}`, 'ORIGIN_ENDPOINT');
    return e;
  }

  private updateOriginEndpoint(input: ModelValue): ModelValue {
    const e = this.endpoint(input.ChannelGroupName, input.ChannelName, input.OriginEndpointName);
    checkETag(e, input.ETag);
    if (input.ContainerType !== e.ContainerType) {
      throw new AwsError('ValidationException', 'The container type of an origin endpoint cannot change', 400, { ValidationExceptionType: 'CONTAINER_TYPE_IMMUTABLE' });
    }
    this.applyEndpointConfig(e, input);
    if (input.Description !== undefined) e.Description = str(input.Description);
    if (typeof input.StartoverWindowSeconds === 'number') e.StartoverWindowSeconds = input.StartoverWindowSeconds;
    this.touch(e);
    return this.endpointOut(e);
  }

  private deleteOriginEndpoint(input: ModelValue): ModelValue {
    const e = this.endpoint(input.ChannelGroupName, input.ChannelName, input.OriginEndpointName);
    this.endpoints.delete(`${e.ChannelGroupName}/${e.ChannelName}/${e.OriginEndpointName}`);
    return {};
  }

  private listOriginEndpoints(input: ModelValue): ModelValue {
    const c = this.channel(input.ChannelGroupName, input.ChannelName);
    const { page, next } = paginate(this.endpointsOf(c), input.MaxResults, input.NextToken, 50, validation('INVALID_PAGINATION_TOKEN'));
    return {
      Items: page.map((e) => ({
        Arn: e.Arn, ChannelGroupName: e.ChannelGroupName, ChannelName: e.ChannelName, OriginEndpointName: e.OriginEndpointName, ContainerType: e.ContainerType,
        Description: e.Description, CreatedAt: e.CreatedAt, ModifiedAt: e.ModifiedAt,
        HlsManifests: e.HlsManifests.map((m) => ({ ManifestName: m.ManifestName, ChildManifestName: m.ChildManifestName, Url: m.Url })),
        LowLatencyHlsManifests: e.LowLatencyHlsManifests.map((m) => ({ ManifestName: m.ManifestName, ChildManifestName: m.ChildManifestName, Url: m.Url })),
        DashManifests: e.DashManifests.map((m) => ({ ManifestName: m.ManifestName, Url: m.Url })),
      })),
      NextToken: next,
    };
  }

  private putOriginEndpointPolicy(input: ModelValue): ModelValue {
    const e = this.endpoint(input.ChannelGroupName, input.ChannelName, input.OriginEndpointName);
    e.policy = checkPolicy(input.Policy, e.Arn);
    return {};
  }

  private getOriginEndpointPolicy(input: ModelValue): ModelValue {
    const e = this.endpoint(input.ChannelGroupName, input.ChannelName, input.OriginEndpointName);
    if (!e.policy) throw notFound(`Origin endpoint ${e.OriginEndpointName} has no policy`, 'ORIGIN_ENDPOINT');
    return { ChannelGroupName: e.ChannelGroupName, ChannelName: e.ChannelName, OriginEndpointName: e.OriginEndpointName, Policy: e.policy };
  }

  private deleteOriginEndpointPolicy(input: ModelValue): ModelValue {
    const e = this.endpoint(input.ChannelGroupName, input.ChannelName, input.OriginEndpointName);
    e.policy = undefined;
    return {};
  }

  // ───────────────────────────── tags ─────────────────────────────

  private byArn(arn: unknown): Stamped {
    const a = String(arn);
    for (const store of [this.groups, this.channels, this.endpoints] as Map<string, Stamped>[]) {
      for (const r of store.values()) if (r.Arn === a) return r;
    }
    throw notFound(`Resource ${a} not found`, a.includes('/originEndpoint/') ? 'ORIGIN_ENDPOINT' : a.includes('/channel/') ? 'CHANNEL' : 'CHANNEL_GROUP');
  }

  private tagResource(input: ModelValue): ModelValue {
    Object.assign(this.byArn(input.ResourceArn).Tags, tagsOf(input.Tags));
    return {};
  }

  private untagResource(input: ModelValue): ModelValue {
    const r = this.byArn(input.ResourceArn);
    for (const k of arr<string>(input.TagKeys)) delete r.Tags[k];
    return {};
  }

  // ───────────────────────────── helpers ─────────────────────────────

  private touch(r: Stamped): void {
    r.ModifiedAt = new Date(Math.max(this.env.clock.now(), r.ModifiedAt.getTime() + 1));
    r.ETag = randomHex(32);
  }

  private stamp(input: ModelValue): Omit<Stamped, 'Arn'> {
    const now = new Date(this.env.clock.now());
    return { CreatedAt: now, ModifiedAt: now, ETag: randomHex(32), Description: str(input.Description), Tags: tagsOf(input.Tags) };
  }

  /** ClientToken: a retried create returns the first answer; another request with the token is refused. */
  private withToken(op: string, input: ModelValue, create: () => ModelValue): ModelValue {
    const token = str(input.ClientToken);
    if (!token) return create();
    const key = `${op}:${token}`;
    const print = fingerprint({ ...input, ClientToken: undefined });
    const seen = this.tokens.get(key);
    if (seen) {
      if (seen.fingerprint !== print) throw conflict(`ClientToken ${token} was already used with different parameters`, 'IDEMPOTENT_PARAMETER_MISMATCH');
      return clone(seen.output);
    }
    const output = create();
    this.tokens.set(key, { fingerprint: print, output: clone(output) });
    return output;
  }

  /** Resolves a request on a channel group's egress domain to its origin endpoint and manifest. */
  resolveOrigin(domain: string, path: string): V2Origin | undefined {
    const g = [...this.groups.values()].find((x) => x.EgressDomain === domain);
    if (!g) return undefined;
    const m = /^\/out\/v1\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
    if (!m || m[1] !== g.ChannelGroupName) return undefined;
    const endpoint = this.endpoints.get(`${m[1]}/${m[2]}/${m[3]}`);
    if (!endpoint) return undefined;
    const rest = m[4]!;
    const file = rest.split('/').pop() ?? '';
    const manifests: { kind: 'HLS' | 'LLHLS' | 'DASH'; list: ModelValue[]; ext: string }[] = [
      { kind: 'HLS', list: endpoint.HlsManifests, ext: '.m3u8' },
      { kind: 'LLHLS', list: endpoint.LowLatencyHlsManifests, ext: '.m3u8' },
      { kind: 'DASH', list: endpoint.DashManifests, ext: '.mpd' },
    ];
    let manifest: V2Origin['manifest'];
    for (const { kind, list, ext } of manifests) {
      for (const cfg of list) {
        const name = String(cfg.ManifestName);
        const child = String(cfg.ChildManifestName ?? name);
        if (file === `${name}${ext}` || (ext === '.m3u8' && file.startsWith(`${child}_`) && file.endsWith('.m3u8'))) {
          manifest = { kind, name, config: clone(cfg) };
        }
      }
    }
    return { group: m[1]!, channel: m[2]!, endpoint: clone(endpoint), manifest, rest };
  }

  /** The packager channel a MediaLive destination URL or {ChannelGroup, ChannelName} points at. */
  channelForIngest(url: string): { group: string; channel: string } | undefined {
    for (const c of this.channels.values()) {
      if (c.IngestEndpoints.some((e) => url === e.Url || url.startsWith(`${e.Url}`))) return { group: c.ChannelGroupName, channel: c.ChannelName };
    }
    return undefined;
  }

  /** The channel's ARN (the resource MediaLive's role must be allowed to push to). */
  channelArn(group: string, channel: string): string | undefined {
    return this.channels.get(`${group}/${channel}`)?.Arn;
  }

  /** The channel's policy document, parsed (for playback's ingest check). */
  channelPolicy(group: string, channel: string): string | undefined {
    return this.channels.get(`${group}/${channel}`)?.policy;
  }

  inventory(): InventoryItem[] {
    return [
      ...[...this.groups.values()].map((g) => ({ service: SERVICE, type: 'channelGroup', id: g.ChannelGroupName, tags: { ...g.Tags } })),
      ...[...this.channels.values()].map((c) => ({ service: SERVICE, type: 'channel', id: `${c.ChannelGroupName}/${c.ChannelName}`, tags: { ...c.Tags } })),
      ...[...this.endpoints.values()].map((e) => ({ service: SERVICE, type: 'originEndpoint', id: `${e.ChannelGroupName}/${e.ChannelName}/${e.OriginEndpointName}`, tags: { ...e.Tags } })),
    ];
  }

  snapshot(): unknown {
    return { groups: [...this.groups.values()], channels: [...this.channels.values()], endpoints: [...this.endpoints.values()], tokens: [...this.tokens.entries()] };
  }

  restore(state: unknown): void {
    const s = state as { groups?: GroupRec[]; channels?: ChannelRec[]; endpoints?: EndpointRec[]; tokens?: [string, { fingerprint: string; output: ModelValue }][] };
    const dates = <T extends Stamped>(r: T): T => ({ ...r, CreatedAt: new Date(r.CreatedAt), ModifiedAt: new Date(r.ModifiedAt) });
    this.groups.clear();
    this.channels.clear();
    this.endpoints.clear();
    this.tokens.clear();
    for (const g of s.groups ?? []) this.groups.set(g.ChannelGroupName, dates(g));
    for (const c of s.channels ?? []) this.channels.set(`${c.ChannelGroupName}/${c.ChannelName}`, dates(c));
    for (const e of s.endpoints ?? []) this.endpoints.set(`${e.ChannelGroupName}/${e.ChannelName}/${e.OriginEndpointName}`, dates(e));
    for (const [k, v] of s.tokens ?? []) this.tokens.set(k, v);
  }
}

/** Policies must be IAM policy JSON with statements; resources named must be this resource. */
function checkPolicy(policy: unknown, arn: string): string {
  const text = String(policy);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AwsError('ValidationException', 'The policy is not valid JSON', 400, { ValidationExceptionType: 'INVALID_POLICY' });
  }
  const statements = obj(doc)?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  if (list.length === 0) throw new AwsError('ValidationException', 'The policy has no Statement', 400, { ValidationExceptionType: 'INVALID_POLICY' });
  for (const st of list) {
    const s = obj(st);
    if (!s || (s.Effect !== 'Allow' && s.Effect !== 'Deny') || s.Action === undefined) {
      throw new AwsError('ValidationException', 'Each policy statement needs Effect (Allow|Deny) and Action', 400, { ValidationExceptionType: 'INVALID_POLICY' });
    }
    const resources = Array.isArray(s.Resource) ? s.Resource : s.Resource === undefined ? [] : [s.Resource];
    for (const r of resources) {
      if (typeof r !== 'string' || !(r === arn || (r.endsWith('*') && arn.startsWith(r.slice(0, -1))))) {
        throw new AwsError('ValidationException', `Policy resource ${String(r)} does not match ${arn}`, 400, { ValidationExceptionType: 'INVALID_POLICY' });
      }
    }
  }
  return text;
}

function checkETag(r: Stamped, etag: unknown): void {
  if (etag !== undefined && etag !== r.ETag) throw conflict('The ETag does not match the current resource version', 'CONFLICTING_OPERATION');
}

function conflict(message: string, type: string): AwsError {
  return new AwsError('ConflictException', message, 409, { ConflictExceptionType: type });
}

function notFound(message: string, type: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 404, { ResourceTypeNotFound: type });
}

function validation(type: string): (message: string) => AwsError {
  return (message) => new AwsError('ValidationException', message, 400, { ValidationExceptionType: type });
}

export function createMediaPackageV2(env: TwinEnv): MediaPackageV2Service {
  return new MediaPackageV2Service(env);
}
