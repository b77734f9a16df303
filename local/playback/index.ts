/**
 * Live playback through the twin's CDN: GET /_cdn/{distribution domain}/{path}.
 *
 * The request takes the path a viewer's request takes on AWS, and fails where AWS would:
 *   1. the distribution serving that domain must exist, be Enabled and Deployed;
 *   2. its cache behaviours pick the origin (PathPattern, else the default behaviour);
 *   3. the origin (a MediaPackage endpoint) must let CloudFront in: v2 — the origin endpoint policy
 *      allows cloudfront.amazonaws.com for this distribution's ARN, and the origin signs with an OAC;
 *      v1 — the origin's X-MediaPackage-CDNIdentifier header equals the value in the endpoint's
 *      Secrets Manager secret (read through the twin's secretsmanager service). Otherwise 403;
 *   4. the packager channel must be fed by a RUNNING MediaLive channel whose output group's
 *      destination points at it, and MediaLive must be allowed to push: the channel's role exists,
 *      admits medialive.amazonaws.com and allows what the push needs (v2: mediapackagev2:PutObject and
 *      GetChannel on the channel; v1: mediapackage:DescribeChannel), and for v2 the channel policy lets
 *      that role PutObject (local/iam). Otherwise 404, as MediaPackage answers for a channel with no
 *      content, and MediaLive raises its output alert on every running pipeline — so "is it
 *      watchable?" checks are real;
 *   5. manifests are 404 until the first segment is complete (MediaPackage has nothing before), then
 *      generated from the encoder's ABR ladder and the twin clock: a multivariant HLS
 *      playlist with one variant per video rendition, media playlists whose EXT-X-MEDIA-SEQUENCE
 *      advances one per segment duration, and a dynamic DASH MPD with one Representation per rung.
 * The twin does not cache at the edge: every request is answered from the origin (x-cache says Miss).
 */
import { randomBytes } from 'node:crypto';
import type { ModelValue, RawRequest, RawResponse, TwinEnv } from '../core/types';
import { arr, obj, str } from '../services/media-util';
import { mediaRegistry, type DistributionView, type MediaLiveChannelView, type MediaRequest } from '../services/media-registry';
import { policyAllows } from '../iam/policy';
import { serviceMayAct, type ServiceAction } from '../iam/roles';
import { type Rendition, renditionsOf, type LiveTiming, hlsMultivariant, hlsMedia, dashMpd, liveWindow, segmentBody } from './manifests';

export type CdnRequest = RawRequest & { path: string; query: URLSearchParams };
type PlaybackEnv = Pick<TwinEnv, 'clock' | 'invoke'>;

/** Manifests are cached about half a segment (LL-HLS: 1 s), segments 14 days (MediaPackage's headers). */
const SEGMENT_MAX_AGE = 1_209_600;

export async function handleCdnRequest(req: CdnRequest, env: PlaybackEnv): Promise<RawResponse> {
  const m = /^\/_cdn\/([^/]+)(\/.*)?$/.exec(req.path);
  if (!m) return text(404, 'Not Found');
  const domain = decodeURIComponent(m[1]!).toLowerCase();
  const path = m[2] ?? '/';
  const reg = mediaRegistry(env);
  const dist = reg.cloudfront?.byDomain(domain);
  if (!dist) return cfError(404, `No distribution serves ${domain}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') return cfError(403, 'This distribution is not configured to allow the HTTP request method that was used for this request.');
  if (dist.config.Enabled === false) return cfError(403, 'The distribution is disabled.');
  if (dist.Status !== 'Deployed') return cfError(503, 'The distribution is still deploying: its domain does not serve content yet.');

  const origin = pickOrigin(dist, path);
  if (!origin) return cfError(502, 'No origin matches this request.');
  const originDomain = String(origin.DomainName);
  const originPath = `${str(origin.OriginPath) ?? ''}${path}`;
  const headers = customHeaders(origin);

  const answer = await (originDomain.includes('.mediapackagev2.')
    ? fromV2(env, dist, origin, originDomain, originPath)
    : originDomain.includes('.mediapackage.')
      ? fromV1(env, originDomain, originPath, headers)
      : Promise.resolve(cfError(502, `The twin cannot reach origin ${originDomain}.`)));
  const out: RawResponse = {
    ...answer,
    headers: { ...(answer.headers ?? {}), 'x-cache': answer.status < 400 ? 'Miss from cloudfront' : 'Error from cloudfront', via: `1.1 ${dist.DomainName} (CloudFront)`, 'x-amz-cf-id': randomBytes(21).toString('base64url') },
  };
  if (req.method === 'HEAD') out.body = undefined;
  return out;
}

function pickOrigin(dist: DistributionView, path: string): ModelValue | undefined {
  const behaviours = arr(obj(dist.config.CacheBehaviors)?.Items);
  const hit = behaviours.find((b) => globMatch(String(b.PathPattern), path.replace(/^\//, ''))) ?? obj(dist.config.DefaultCacheBehavior);
  const target = String(hit?.TargetOriginId);
  const origins = arr(obj(dist.config.Origins)?.Items);
  const direct = origins.find((o) => o.Id === target);
  if (direct) return direct;
  // An origin group serves from its primary member while it answers.
  const group = arr(obj(dist.config.OriginGroups)?.Items).find((g) => g.Id === target);
  const primary = str(arr(obj(obj(group)?.Members)?.Items)[0]?.OriginId);
  return origins.find((o) => o.Id === primary);
}

/** CloudFront path patterns: `*` any run of characters, `?` one character, case-sensitive. */
function globMatch(pattern: string, path: string): boolean {
  const p = pattern.replace(/^\//, '');
  const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(path);
}

function customHeaders(origin: ModelValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of arr(obj(origin.CustomHeaders)?.Items)) out[String(h.HeaderName).toLowerCase()] = String(h.HeaderValue);
  return out;
}

// ───────────────────────────── MediaPackage v2 origin ─────────────────────────────

async function fromV2(env: PlaybackEnv, dist: DistributionView, origin: ModelValue, domain: string, path: string): Promise<RawResponse> {
  const reg = mediaRegistry(env);
  const found = reg.mediapackagev2?.resolveOrigin(domain, path);
  if (!found) return originError(404, 'Not Found');
  // MediaPackage evaluates the endpoint policy for the (OAC-signed) request CloudFront sends.
  const oacId = str(origin.OriginAccessControlId);
  const signed = oacId !== undefined && reg.cloudfront !== undefined;
  if (!policyAllows(found.endpoint.policy, { action: 'mediapackagev2:GetObject', service: signed ? 'cloudfront.amazonaws.com' : undefined, sourceArn: signed ? dist.ARN : undefined, sourceAccount: dist.ARN.split(':')[4] })) {
    return originError(403, 'Access denied by the origin endpoint policy');
  }
  if (!found.manifest && !isSegment(found.rest)) return originError(404, 'Not Found');
  const feed = liveFeed(env, (ch) => feedsV2(env, ch, found.group, found.channel));
  if (!feed) return originError(404, `Channel ${found.group}/${found.channel} is not receiving content`);
  const segSeconds = Number(found.endpoint.Segment.SegmentDurationSeconds ?? 6);
  const cmaf = found.endpoint.ContainerType === 'CMAF';
  const kind = found.manifest?.kind;
  const window = Number(found.manifest?.config.ManifestWindowSeconds ?? 60);
  const child = String(found.manifest?.config.ChildManifestName ?? found.manifest?.name ?? 'index');
  return serve(env, feed, { rest: found.rest, manifestName: found.manifest?.name, childName: child, kind: kind === 'DASH' ? 'DASH' : kind === undefined ? undefined : 'HLS', lowLatency: kind === 'LLHLS', segSeconds, windowSeconds: window, cmaf, segmentPrefix: String(found.endpoint.Segment.SegmentName ?? 'segment'), dash: kind === 'DASH' ? dashSettings(found.manifest?.config ?? {}) : undefined });
}

/** Does a MediaLive channel feed this v2 channel, with its role and the channel policy letting it push? */
function feedsV2(env: PlaybackEnv, ch: MediaLiveChannelView, group: string, channel: string): boolean {
  const reg = mediaRegistry(env);
  const to = destinationsInUse(ch).some((d) =>
    arr(d.MediaPackageSettings).some((s) => s.ChannelGroup === group && s.ChannelName === channel) ||
    arr(d.Settings).some((s) => {
      const hit = reg.mediapackagev2?.channelForIngest(String(s.Url));
      return hit?.group === group && hit.channel === channel;
    }));
  if (!to) return false;
  const arn = reg.mediapackagev2?.channelArn(group, channel) ?? `channelGroup/${group}/channel/${channel}`;
  // The MediaPackage output group needs both on the role: MediaLive's role template and the Live
  // Event Framework grant them, and "without [GetChannel] MediaLive will be unable to push content to
  // a MediaPackage V2 channel using the MediaPackage Output Group" (aws-samples/aws-cdk-mediaservices-refarch
  // LEF/RELEASES.md, v1.0.4).
  const role = serviceMayAct(env, { roleArn: ch.RoleArn, service: MEDIALIVE, actions: [
    { action: 'mediapackagev2:PutObject', resource: arn },
    { action: 'mediapackagev2:GetChannel', resource: arn },
  ] });
  // And MediaPackage v2 refuses MediaLive's PUTs unless the channel policy allows the channel's role
  // (https://docs.aws.amazon.com/mediapackage/latest/userguide/ingest-auth.html).
  const refused = !role.allowed ? role.reason
    : policyAllows(reg.mediapackagev2?.channelPolicy(group, channel), { action: 'mediapackagev2:PutObject', principalArn: ch.RoleArn, resource: arn }) ? undefined
      : `the channel policy of ${arn} does not allow ${String(ch.RoleArn)} to perform mediapackagev2:PutObject`;
  return outputWritable(env, ch, arn, refused);
}

// ───────────────────────────── MediaPackage v1 origin ─────────────────────────────

async function fromV1(env: PlaybackEnv, domain: string, path: string, headers: Record<string, string>): Promise<RawResponse> {
  const reg = mediaRegistry(env);
  const found = reg.mediapackage?.resolveOrigin(domain, path);
  if (!found) return originError(404, 'Not Found');
  const ep = found.endpoint;
  if (ep.Origination === 'DENY') return originError(403, 'Origination is disabled on this endpoint');
  if (ep.Authorization) {
    // MediaPackage reads the secret through the endpoint's SecretsRoleArn: the role must admit
    // mediapackage.amazonaws.com and allow GetSecretValue on the secret ("Setting up CDN authorization",
    // https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel-policy-cdn.html).
    const secretRole = serviceMayAct(env, { roleArn: ep.Authorization.SecretsRoleArn, service: 'mediapackage.amazonaws.com', actions: [
      { action: 'secretsmanager:GetSecretValue', resource: ep.Authorization.CdnIdentifierSecret },
    ] });
    const expected = secretRole.allowed ? await cdnIdentifier(env, ep.Authorization.CdnIdentifierSecret) : undefined;
    if (expected === undefined) return originError(403, 'MediaPackage could not read the CDN identifier secret');
    if (headers['x-mediapackage-cdnidentifier'] !== expected) return originError(403, 'Missing or wrong X-MediaPackage-CDNIdentifier');
  }
  if (!found.manifest && !isSegment(found.rest)) return originError(404, 'Not Found');
  const feed = liveFeed(env, (ch) => feedsV1(env, ch, ep.ChannelId));
  if (!feed) return originError(404, `Channel ${ep.ChannelId} is not receiving content`);
  const m = found.manifest;
  const segSeconds = m?.segmentSeconds ?? Number(ep.pkg.SegmentDurationSeconds ?? 6);
  return serve(env, feed, { rest: found.rest, manifestName: m?.name, childName: m?.name ?? ep.ManifestName, kind: m?.kind, lowLatency: false, segSeconds, windowSeconds: m?.windowSeconds ?? 60, cmaf: ep.kind !== 'HlsPackage', segmentPrefix: String(ep.pkg.SegmentPrefix ?? 'segment'), dash: m?.kind === 'DASH' ? dashSettings(ep.pkg) : undefined });
}

/** Does a MediaLive channel feed this v1 channel, with its role allowed to look the channel up? */
function feedsV1(env: PlaybackEnv, ch: MediaLiveChannelView, channelId: string): boolean {
  const reg = mediaRegistry(env);
  const to = destinationsInUse(ch).some((d) =>
    arr(d.MediaPackageSettings).some((s) => reg.mediapackage?.channelIdForIngest({ channelId: str(s.ChannelId) }) === channelId) ||
    arr(d.Settings).some((s) => reg.mediapackage?.channelIdForIngest({ url: str(s.Url) }) === channelId));
  if (!to) return false;
  const arn = reg.mediapackage?.channelArn(channelId) ?? `channels/${channelId}`;
  // A MediaPackage (v1) output group names the channel by id: MediaLive looks it up with the role
  // (mediapackage:DescribeChannel, as MediaLive's role template grants).
  const role = serviceMayAct(env, { roleArn: ch.RoleArn, service: MEDIALIVE, actions: [{ action: 'mediapackage:DescribeChannel', resource: arn }] });
  return outputWritable(env, ch, arn, role.allowed ? undefined : role.reason);
}

/** The value MediaPackage compares the header with: `{"MediaPackageCDNIdentifier": "..."}` in the secret. */
async function cdnIdentifier(env: PlaybackEnv, secretArn: string): Promise<string | undefined> {
  try {
    const out = await env.invoke('secretsmanager', 'GetSecretValue', { SecretId: secretArn });
    const parsed = JSON.parse(String(out.SecretString)) as unknown;
    return str(obj(parsed)?.MediaPackageCDNIdentifier);
  } catch {
    return undefined;
  }
}

// ───────────────────────────── the live feed ─────────────────────────────

interface Feed { channel: MediaLiveChannelView; renditions: Rendition[]; startedAt: number }

function liveFeed(env: PlaybackEnv, feeds: (ch: MediaLiveChannelView) => boolean): Feed | undefined {
  const channels = mediaRegistry(env).medialive?.channelViews() ?? [];
  const live = channels.find((c) => (c.State === 'RUNNING' || c.State === 'RECOVERING') && c.PipelinesRunningCount > 0 && c.startedAt !== undefined && feeds(c));
  if (!live) return undefined;
  inputReadable(env, live);
  return { channel: live, renditions: renditionsOf(live.EncoderSettings, outputGroupsInUse(live)), startedAt: live.startedAt! };
}

/** Destinations an output group actually sends to (a destination nobody writes to feeds nothing). */
function destinationsInUse(ch: MediaLiveChannelView): ModelValue[] {
  const refs = new Set(outputGroupsInUse(ch).flatMap((g) => destinationRefs(g)));
  return ch.Destinations.filter((d) => refs.has(String(d.Id)));
}

function outputGroupsInUse(ch: MediaLiveChannelView): ModelValue[] {
  return arr(ch.EncoderSettings.OutputGroups).filter((g) => destinationRefs(g).length > 0);
}

function destinationRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(destinationRefs);
  const o = obj(value);
  if (!o) return [];
  return Object.entries(o).flatMap(([k, v]) => (k === 'DestinationRefId' && typeof v === 'string' ? [v] : destinationRefs(v)));
}

/**
 * The DASH manifest settings the media plane follows (v2 DashManifestConfiguration and v1 DashPackage
 * share these names): PeriodTriggers decides where the live MPD gets a new Period (local/media/dash.ts).
 */
function dashSettings(config: ModelValue): NonNullable<MediaRequest['dash']> {
  const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  return {
    periodTriggers: arr<unknown>(config.PeriodTriggers).map(String),
    minUpdatePeriodSeconds: n(config.MinUpdatePeriodSeconds),
    minBufferTimeSeconds: n(config.MinBufferTimeSeconds),
    suggestedPresentationDelaySeconds: n(config.SuggestedPresentationDelaySeconds),
  };
}

interface ServeSpec {
  rest: string;
  manifestName?: string;
  childName: string;
  kind?: 'HLS' | 'DASH';
  lowLatency: boolean;
  segSeconds: number;
  windowSeconds: number;
  cmaf: boolean;
  segmentPrefix: string;
  dash?: MediaRequest['dash'];
}

function serve(env: PlaybackEnv, feed: Feed, spec: ServeSpec): RawResponse {
  const now = env.clock.now();
  const timing: LiveTiming = { now, startedAt: feed.startedAt, segmentSeconds: spec.segSeconds, windowSeconds: spec.windowSeconds };
  const manifestAge = spec.lowLatency ? 1 : Math.max(1, Math.floor(spec.segSeconds / 2));
  const naming = { child: spec.childName, segment: spec.segmentPrefix, cmaf: spec.cmaf };
  if (feed.renditions.length === 0) return originError(404, 'The channel has no video output feeding this endpoint');
  // With the media plane on (local/media), the content is real: the channel's own ladder, encoded on
  // the wall clock; the twin clock above only decided that the channel runs and feeds this origin.
  const plane = mediaRegistry(env).media;
  if (plane) {
    return plane.serve(feed.channel.Id, { rest: spec.rest, manifestName: spec.manifestName, childName: spec.childName, kind: spec.kind, cmaf: spec.cmaf, segmentPrefix: spec.segmentPrefix, windowSeconds: spec.windowSeconds, dash: spec.dash })
      ?? originError(404, 'No segments received yet');
  }
  // MediaPackage has nothing to serve until the first segment has arrived: manifests are 404 until then.
  if (spec.kind !== undefined && liveWindow(timing).last < 1) return originError(404, 'No segments received yet');
  if (spec.kind === 'HLS' && spec.rest.endsWith(`${spec.manifestName}.m3u8`) && spec.rest === `${spec.manifestName}.m3u8`) {
    return manifest('application/vnd.apple.mpegurl', manifestAge, hlsMultivariant(feed.renditions, naming));
  }
  if (spec.kind === 'HLS') {
    const m = new RegExp(`^${escapeRe(spec.childName)}_(\\d+)\\.m3u8$`).exec(spec.rest);
    const rung = m ? Number(m[1]) : NaN;
    if (!(rung >= 1 && rung <= feed.renditions.length)) return originError(404, 'Not Found');
    return manifest('application/vnd.apple.mpegurl', manifestAge, hlsMedia(rung, timing, naming));
  }
  if (spec.kind === 'DASH') return manifest('application/dash+xml', manifestAge, dashMpd(feed.renditions, timing, naming));
  const body = segmentBody(spec.rest, feed.renditions.length, timing, naming);
  if (!body) return originError(404, 'Not Found');
  return { status: 200, headers: { 'content-type': body.contentType, 'cache-control': `max-age=${SEGMENT_MAX_AGE}` }, body: body.bytes };
}

function isSegment(rest: string): boolean {
  return /\.(ts|mp4|m4s|aac)$/.test(rest);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function manifest(contentType: string, maxAge: number, body: string): RawResponse {
  return { status: 200, headers: { 'content-type': contentType, 'cache-control': `max-age=${maxAge}` }, body };
}

/** An error MediaPackage answered (CloudFront passes it on, cached briefly as the CDN config says). */
function originError(status: number, message: string): RawResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=1' }, body: `${message}\n` };
}

/** An error CloudFront itself answered. */
function cfError(status: number, message: string): RawResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: `${message}\n` };
}

function text(status: number, body: string): RawResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

// ───────────────────────────── MediaLive refused by IAM ─────────────────────────────

const MEDIALIVE = 'medialive.amazonaws.com';

/**
 * The alert MediaLive raises when an output cannot be written: "Failed to Create Output File or
 * Socket", AWS's own example of a MediaLive Channel Alert
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-alert.html; the same
 * payload is events/medialive/alert-documented-example.json). The message is the twin's wording.
 */
export const OUTPUT_ALERT = 'Failed to Create Output File or Socket';
/**
 * Alert 5008, "Input Resource Not Accessible": "the channel configuration refers to a resource that
 * MediaLive can't access. The specific resource is identified in the alert"
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-alerts-channels.html).
 */
export const INPUT_ALERT = 'Input Resource Not Accessible';

/** Alerts the twin raised for a refusal, per twin, by `channelId alertType`: cleared once allowed again. */
const raisedAlerts = new WeakMap<object, Map<string, string[]>>();

/**
 * MediaLive's side of a refused push or read: while `refused`, the alert is SET on every running
 * pipeline (raiseAlert keeps one per pipeline and type, so ListAlerts and EventBridge see it once);
 * when allowed again, the alerts this raised are CLEARED. Returns whether the access is allowed.
 */
function alertWhileRefused(env: PlaybackEnv, ch: MediaLiveChannelView, alertType: string, message: string | undefined): boolean {
  const ml = mediaRegistry(env).medialive;
  let byChannel = raisedAlerts.get(env.clock);
  if (!byChannel) raisedAlerts.set(env.clock, (byChannel = new Map()));
  const key = `${ch.Id} ${alertType}`;
  if (message !== undefined) {
    const ids = ml ? ch.RunningPipelines.map((pipeline) => ml.raiseAlert(ch.Id, { pipeline, alertType, message })) : [];
    byChannel.set(key, ids);
    return false;
  }
  for (const alarmId of byChannel.get(key) ?? []) {
    try {
      ml?.clearAlert(ch.Id, { alarmId });
    } catch {
      // Already gone: the channel restarted since (alarm ids restart with it).
    }
  }
  byChannel.delete(key);
  return true;
}

/** MediaLive pushing to `target`: refused → no content reaches MediaPackage, and the output alert. */
function outputWritable(env: PlaybackEnv, ch: MediaLiveChannelView, target: string, refused: string | undefined): boolean {
  return alertWhileRefused(env, ch, OUTPUT_ALERT, refused === undefined ? undefined : `MediaPackage output unable to write to [${target}]: HTTP 403 Forbidden (${refused})`);
}

/**
 * A channel reading an s3:// (or s3ssl://) file input, the slate, reads it with the channel's role:
 * s3:GetObject on the object and s3:ListBucket on the bucket (MediaLive UG "about the trusted
 * entity": MediaLive "must have read access to some or all buckets in Amazon S3",
 * https://docs.aws.amazon.com/medialive/latest/ug/about-trusted-entity.html). Refused → alert 5008.
 * Output goes on (the channel's input-loss behaviour fills in: EncoderSettings.GlobalConfiguration.
 * InputLossBehavior in MediaLive's API model), so playback is not blocked by it.
 */
function inputReadable(env: PlaybackEnv, ch: MediaLiveChannelView): void {
  const objects = ch.ActiveInputUrls.flatMap((url) => {
    const m = /^s3(?:ssl)?:\/\/([^/]+)\/(.+)$/.exec(url);
    return m ? [{ bucket: m[1]!, key: m[2]! }] : [];
  });
  const actions: ServiceAction[] = objects.flatMap(({ bucket, key }) => [
    { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${key}` },
    { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` },
  ]);
  const role = actions.length ? serviceMayAct(env, { roleArn: ch.RoleArn, service: MEDIALIVE, actions }) : { allowed: true as const };
  alertWhileRefused(env, ch, INPUT_ALERT, role.allowed ? undefined : `Unable to open input file [${ch.ActiveInputUrls.join(', ')}]: HTTP 403 Forbidden (${role.reason})`);
}
