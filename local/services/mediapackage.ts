/**
 * AWS Elemental MediaPackage (v1), as behaviour: channels with HLS ingest endpoints (URL, username,
 * password per MediaLive pipeline), origin endpoints (HLS, DASH, CMAF, MSS packages) with CDN
 * authorization, tags. v1 has no ConflictException: a clash or a state problem is an
 * UnprocessableEntityException (422), as AWS answers it.
 */
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type OperationHandler, type ServiceBehaviour, type TwinEnv } from '../core/types';
import { arr, clone, obj, paginate, randomAlnum, randomHex, str, tagsOf } from './media-util';
import { registerMedia, type V1Origin } from './media-registry';

const SERVICE = 'mediapackage';
const PACKAGES = ['HlsPackage', 'DashPackage', 'CmafPackage', 'MssPackage'] as const;
type PackageKind = (typeof PACKAGES)[number];

interface ChannelRec {
  Id: string;
  Arn: string;
  CreatedAt: string;
  Description?: string;
  Tags: Record<string, string>;
  IngestEndpoints: { Id: string; Url: string; Username: string; Password: string }[];
}

export interface V1EndpointRec {
  Id: string;
  Arn: string;
  ChannelId: string;
  CreatedAt: string;
  Description?: string;
  Tags: Record<string, string>;
  ManifestName: string;
  kind: PackageKind;
  pkg: ModelValue;
  Authorization?: { CdnIdentifierSecret: string; SecretsRoleArn: string };
  Origination: string;
  StartoverWindowSeconds: number;
  TimeDelaySeconds: number;
  Whitelist: string[];
  path: string;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export class MediaPackageService implements ServiceBehaviour {
  readonly signingName = SERVICE;
  readonly operations: Readonly<Record<string, OperationHandler>>;
  private readonly channels = new Map<string, ChannelRec>();
  private readonly endpoints = new Map<string, V1EndpointRec>();
  /** v1 serves every endpoint of an account and region from one host: `<16 hex>.mediapackage.<region>…`. */
  private hostPrefix = randomHex(16);

  constructor(private readonly env: TwinEnv) {
    this.operations = {
      CreateChannel: (i, c) => this.createChannel(i, c),
      DescribeChannel: (i) => this.channelOut(this.channel(i.Id)),
      UpdateChannel: (i) => this.updateChannel(i),
      DeleteChannel: (i) => this.deleteChannel(i),
      ListChannels: (i) => this.listChannels(i),
      RotateIngestEndpointCredentials: (i) => this.rotate(i),
      CreateOriginEndpoint: (i, c) => this.createOriginEndpoint(i, c),
      DescribeOriginEndpoint: (i) => this.endpointOut(this.endpoint(i.Id)),
      UpdateOriginEndpoint: (i) => this.updateOriginEndpoint(i),
      DeleteOriginEndpoint: (i) => this.deleteOriginEndpoint(i),
      ListOriginEndpoints: (i) => this.listOriginEndpoints(i),
      TagResource: (i) => this.tagResource(i),
      UntagResource: (i) => this.untagResource(i),
      ListTagsForResource: (i) => ({ Tags: { ...this.byArn(i.ResourceArn).Tags } }),
    };
    registerMedia(env, { mediapackage: this });
  }

  private host(region: string): string {
    return `${this.hostPrefix}.mediapackage.${region}.amazonaws.com`;
  }

  // ───────────────────────────── channels ─────────────────────────────

  private createChannel(input: ModelValue, ctx: OpContext): ModelValue {
    const id = String(input.Id);
    if (!/^[\w-]{1,128}$/.test(id)) throw unprocessable(`Channel id ${id} is invalid. The ID can have numbers, letters, underscores, and dashes.`);
    if (this.channels.has(id)) throw unprocessable(`Channel already exists with id ${id}`);
    const channelKey = randomHex(32);
    const rec: ChannelRec = {
      Id: id,
      Arn: `arn:aws:mediapackage:${ctx.region}:${ctx.accountId}:channels/${channelKey}`,
      CreatedAt: new Date(this.env.clock.now()).toISOString(),
      Description: str(input.Description),
      Tags: tagsOf(input.Tags),
      // One WebDAV ingest endpoint per MediaLive pipeline, with its own digest credentials.
      IngestEndpoints: [0, 1].map(() => {
        const endpointKey = randomHex(32);
        return { Id: endpointKey, Url: `https://${randomHex(10)}.mediapackage.${ctx.region}.amazonaws.com/in/v2/${channelKey}/${endpointKey}/channel`, Username: randomHex(32), Password: randomAlnum(32) };
      }),
    };
    this.channels.set(id, rec);
    return this.channelOut(rec);
  }

  private channelOut(c: ChannelRec): ModelValue {
    return { Arn: c.Arn, CreatedAt: c.CreatedAt, Description: c.Description, EgressAccessLogs: {}, HlsIngest: { IngestEndpoints: clone(c.IngestEndpoints) }, Id: c.Id, IngressAccessLogs: {}, Tags: { ...c.Tags } };
  }

  private channel(id: unknown): ChannelRec {
    const c = this.channels.get(String(id));
    if (!c) throw notFound(`channel ${String(id)} not found`);
    return c;
  }

  private updateChannel(input: ModelValue): ModelValue {
    const c = this.channel(input.Id);
    if (input.Description !== undefined) c.Description = str(input.Description);
    return this.channelOut(c);
  }

  private deleteChannel(input: ModelValue): ModelValue {
    const c = this.channel(input.Id);
    const eps = [...this.endpoints.values()].filter((e) => e.ChannelId === c.Id);
    if (eps.length) throw unprocessable(`Channel ${c.Id} has ${eps.length} origin endpoint(s); delete them before the channel`);
    this.channels.delete(c.Id);
    return {};
  }

  private listChannels(input: ModelValue): ModelValue {
    const { page, next } = paginate([...this.channels.values()], input.MaxResults, input.NextToken, 50, unprocessable);
    return { Channels: page.map((c) => this.channelOut(c)), NextToken: next };
  }

  private rotate(input: ModelValue): ModelValue {
    const c = this.channel(input.Id);
    const e = c.IngestEndpoints.find((x) => x.Id === input.IngestEndpointId);
    if (!e) throw notFound(`ingest endpoint ${String(input.IngestEndpointId)} not found`);
    e.Username = randomHex(32);
    e.Password = randomAlnum(32);
    return this.channelOut(c);
  }

  // ───────────────────────────── origin endpoints ─────────────────────────────

  private createOriginEndpoint(input: ModelValue, ctx: OpContext): ModelValue {
    const id = String(input.Id);
    if (!/^[\w-]{1,256}$/.test(id)) throw unprocessable(`Origin endpoint id ${id} is invalid. The ID can have numbers, letters, underscores, and dashes.`);
    if (this.endpoints.has(id)) throw unprocessable(`Origin endpoint already exists with id ${id}`);
    const channel = this.channels.get(String(input.ChannelId));
    if (!channel) throw unprocessable(`Channel ${String(input.ChannelId)} does not exist`);
    const key = randomHex(32);
    const rec: V1EndpointRec = {
      Id: id,
      Arn: `arn:aws:mediapackage:${ctx.region}:${ctx.accountId}:origin_endpoints/${key}`,
      ChannelId: channel.Id,
      CreatedAt: new Date(this.env.clock.now()).toISOString(),
      Tags: tagsOf(input.Tags),
      ManifestName: 'index',
      kind: 'HlsPackage',
      pkg: {},
      Origination: 'ALLOW',
      StartoverWindowSeconds: 0,
      TimeDelaySeconds: 0,
      Whitelist: [],
      path: `/out/v1/${key}`,
    };
    this.apply(rec, input, ctx.region);
    this.endpoints.set(id, rec);
    return this.endpointOut(rec);
  }

  private apply(rec: V1EndpointRec, input: ModelValue, region: string): void {
    const given = PACKAGES.filter((k) => input[k] !== undefined);
    if (given.length > 1) throw unprocessable(`Only one of ${PACKAGES.join(', ')} may be set; got ${given.join(', ')}`);
    if (given.length === 0 && Object.keys(rec.pkg).length === 0) throw unprocessable(`One of ${PACKAGES.join(', ')} is required`);
    if (input.Authorization !== undefined) {
      const a = obj(input.Authorization) ?? {};
      if (!SECRET_ARN.test(String(a.CdnIdentifierSecret))) throw unprocessable(`Authorization.CdnIdentifierSecret must be a Secrets Manager secret ARN; got ${String(a.CdnIdentifierSecret)}`);
      if (!ROLE_ARN.test(String(a.SecretsRoleArn))) throw unprocessable(`Authorization.SecretsRoleArn must be an IAM role ARN; got ${String(a.SecretsRoleArn)}`);
      rec.Authorization = { CdnIdentifierSecret: String(a.CdnIdentifierSecret), SecretsRoleArn: String(a.SecretsRoleArn) };
    }
    if (given[0]) {
      rec.kind = given[0];
      rec.pkg = withDefaults(given[0], obj(input[given[0]]) ?? {});
    }
    if (input.ManifestName !== undefined) rec.ManifestName = String(input.ManifestName);
    if (input.Description !== undefined) rec.Description = str(input.Description);
    if (typeof input.StartoverWindowSeconds === 'number') rec.StartoverWindowSeconds = input.StartoverWindowSeconds;
    if (typeof input.TimeDelaySeconds === 'number') rec.TimeDelaySeconds = input.TimeDelaySeconds;
    if (input.Whitelist !== undefined) rec.Whitelist = arr<string>(input.Whitelist).map(String);
    if (input.Origination !== undefined) rec.Origination = String(input.Origination);
    if (rec.kind === 'CmafPackage') {
      const base = `https://${this.host(region || 'us-east-1')}${rec.path}`;
      rec.pkg.HlsManifests = arr(rec.pkg.HlsManifests).map((m) => ({ ManifestName: m.Id, PlaylistWindowSeconds: 60, PlaylistType: 'NONE', ...m, Url: `${base}/${String(m.ManifestName ?? m.Id)}.m3u8` }));
    }
  }

  private url(e: V1EndpointRec): string {
    const base = `https://${this.host(e.Arn.split(':')[3]!)}${e.path}`;
    if (e.kind === 'DashPackage') return `${base}/${e.ManifestName}.mpd`;
    if (e.kind === 'MssPackage') return `${base}/${e.ManifestName}.ism/Manifest`;
    if (e.kind === 'CmafPackage') return String(arr(e.pkg.HlsManifests)[0]?.Url ?? `${base}/${e.ManifestName}.m3u8`);
    return `${base}/${e.ManifestName}.m3u8`;
  }

  private endpointOut(e: V1EndpointRec): ModelValue {
    return {
      Arn: e.Arn, Authorization: clone(e.Authorization), ChannelId: e.ChannelId, CreatedAt: e.CreatedAt, Description: e.Description, Id: e.Id,
      ManifestName: e.ManifestName, Origination: e.Origination, StartoverWindowSeconds: e.StartoverWindowSeconds, Tags: { ...e.Tags },
      TimeDelaySeconds: e.TimeDelaySeconds, Url: this.url(e), Whitelist: [...e.Whitelist], [e.kind]: clone(e.pkg),
    };
  }

  private endpoint(id: unknown): V1EndpointRec {
    const e = this.endpoints.get(String(id));
    if (!e) throw notFound(`origin endpoint ${String(id)} not found`);
    return e;
  }

  private updateOriginEndpoint(input: ModelValue): ModelValue {
    const e = this.endpoint(input.Id);
    this.apply(e, input, e.Arn.split(':')[3]!);
    return this.endpointOut(e);
  }

  private deleteOriginEndpoint(input: ModelValue): ModelValue {
    const e = this.endpoint(input.Id);
    this.endpoints.delete(e.Id);
    return {};
  }

  private listOriginEndpoints(input: ModelValue): ModelValue {
    const items = [...this.endpoints.values()].filter((e) => input.ChannelId === undefined || e.ChannelId === input.ChannelId);
    const { page, next } = paginate(items, input.MaxResults, input.NextToken, 50, unprocessable);
    return { OriginEndpoints: page.map((e) => this.endpointOut(e)), NextToken: next };
  }

  // ───────────────────────────── tags ─────────────────────────────

  private byArn(arn: unknown): { Tags: Record<string, string> } {
    const a = String(arn);
    for (const r of [...this.channels.values(), ...this.endpoints.values()]) if (r.Arn === a) return r;
    throw notFound(`resource ${a} not found`);
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

  // ───────────────────────────── for playback ─────────────────────────────

  resolveOrigin(domain: string, path: string): V1Origin | undefined {
    if (!domain.startsWith(`${this.hostPrefix}.mediapackage.`)) return undefined;
    const e = [...this.endpoints.values()].find((x) => path.startsWith(`${x.path}/`));
    if (!e) return undefined;
    const rest = path.slice(e.path.length + 1);
    let manifest: V1Origin['manifest'];
    const seg = Number(e.pkg.SegmentDurationSeconds ?? 6);
    if (e.kind === 'HlsPackage' && (rest === `${e.ManifestName}.m3u8` || (rest.startsWith(`${e.ManifestName}_`) && rest.endsWith('.m3u8')))) {
      manifest = { kind: 'HLS', name: e.ManifestName, segmentSeconds: seg, windowSeconds: Number(e.pkg.PlaylistWindowSeconds ?? 60) };
    } else if (e.kind === 'DashPackage' && rest === `${e.ManifestName}.mpd`) {
      manifest = { kind: 'DASH', name: e.ManifestName, segmentSeconds: seg, windowSeconds: Number(e.pkg.ManifestWindowSeconds ?? 60) };
    } else if (e.kind === 'CmafPackage') {
      for (const m of arr(e.pkg.HlsManifests)) {
        const name = String(m.ManifestName ?? m.Id);
        if (rest === `${name}.m3u8` || (rest.startsWith(`${name}_`) && rest.endsWith('.m3u8'))) {
          manifest = { kind: 'HLS', name, segmentSeconds: seg, windowSeconds: Number(m.PlaylistWindowSeconds ?? 60) };
        }
      }
    }
    return { endpoint: clone(e), manifest, rest };
  }

  /** The channel's ARN (MediaLive's role looks the channel up: mediapackage:DescribeChannel). */
  channelArn(id: string): string | undefined {
    return this.channels.get(id)?.Arn;
  }

  /** The v1 channel a MediaLive destination feeds: by MediaPackageSettings ChannelId or ingest URL. */
  channelIdForIngest(ref: { channelId?: string; url?: string }): string | undefined {
    if (ref.channelId && this.channels.has(ref.channelId)) return ref.channelId;
    if (ref.url) for (const c of this.channels.values()) if (c.IngestEndpoints.some((e) => e.Url === ref.url)) return c.Id;
    return undefined;
  }

  inventory(): InventoryItem[] {
    return [
      ...[...this.channels.values()].map((c) => ({ service: SERVICE, type: 'channel', id: c.Id, tags: { ...c.Tags } })),
      ...[...this.endpoints.values()].map((e) => ({ service: SERVICE, type: 'originEndpoint', id: e.Id, tags: { ...e.Tags } })),
    ];
  }

  snapshot(): unknown {
    return { hostPrefix: this.hostPrefix, channels: [...this.channels.values()], endpoints: [...this.endpoints.values()] };
  }

  restore(state: unknown): void {
    const s = state as { hostPrefix?: string; channels?: ChannelRec[]; endpoints?: V1EndpointRec[] };
    this.channels.clear();
    this.endpoints.clear();
    if (s.hostPrefix) this.hostPrefix = s.hostPrefix;
    for (const c of s.channels ?? []) this.channels.set(c.Id, c);
    for (const e of s.endpoints ?? []) this.endpoints.set(e.Id, e);
  }
}

/** AWS fills these in when a request leaves them out (they come back on Describe). */
function withDefaults(kind: PackageKind, pkg: ModelValue): ModelValue {
  const p = clone(pkg);
  switch (kind) {
    case 'HlsPackage':
      return { AdMarkers: 'NONE', IncludeIframeOnlyStream: false, PlaylistType: 'NONE', PlaylistWindowSeconds: 60, ProgramDateTimeIntervalSeconds: 0, SegmentDurationSeconds: 6, UseAudioRenditionGroup: false, ...p };
    case 'DashPackage':
      return { ManifestLayout: 'FULL', ManifestWindowSeconds: 60, MinBufferTimeSeconds: 30, MinUpdatePeriodSeconds: 15, Profile: 'NONE', SegmentDurationSeconds: 2, SegmentTemplateFormat: 'NUMBER_WITH_TIMELINE', SuggestedPresentationDelaySeconds: 25, ...p };
    case 'CmafPackage':
      return { SegmentDurationSeconds: 6, ...p, HlsManifests: arr(p.HlsManifests) };
    case 'MssPackage':
      return { ManifestWindowSeconds: 60, SegmentDurationSeconds: 2, ...p };
  }
}

function unprocessable(message: string): AwsError {
  return new AwsError('UnprocessableEntityException', message, 422);
}

function notFound(message: string): AwsError {
  return new AwsError('NotFoundException', message, 404);
}

export function createMediaPackage(env: TwinEnv): MediaPackageService {
  return new MediaPackageService(env);
}
