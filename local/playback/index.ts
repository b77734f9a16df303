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
 *      destination points at it (and, for v2, whose role the channel policy lets PutObject);
 *      otherwise 404, as MediaPackage answers for a channel with no content — so "is it watchable?"
 *      checks are real;
 *   5. manifests are 404 until the first segment is complete (MediaPackage has nothing before), then
 *      generated from the encoder's ABR ladder and the twin clock: a multivariant HLS
 *      playlist with one variant per video rendition, media playlists whose EXT-X-MEDIA-SEQUENCE
 *      advances one per segment duration, and a dynamic DASH MPD with one Representation per rung.
 * The twin does not cache at the edge: every request is answered from the origin (x-cache says Miss).
 */
import { randomBytes } from 'node:crypto';
import type { ModelValue, RawRequest, RawResponse, TwinEnv } from '../core/types';
import { arr, obj, str } from '../services/media-util';
import { mediaRegistry } from '../services/media-registry';
import type { DistributionView } from '../services/cloudfront';
import type { MediaLiveChannelView } from '../services/medialive';
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
  return serve(env, feed, { rest: found.rest, manifestName: found.manifest?.name, childName: child, kind: kind === 'DASH' ? 'DASH' : kind === undefined ? undefined : 'HLS', lowLatency: kind === 'LLHLS', segSeconds, windowSeconds: window, cmaf, segmentPrefix: String(found.endpoint.Segment.SegmentName ?? 'segment') });
}

/** Does a MediaLive channel feed this v2 channel, with its role allowed to push by the channel policy? */
function feedsV2(env: PlaybackEnv, ch: MediaLiveChannelView, group: string, channel: string): boolean {
  const reg = mediaRegistry(env);
  const to = destinationsInUse(ch).some((d) =>
    arr(d.MediaPackageSettings).some((s) => s.ChannelGroup === group && s.ChannelName === channel) ||
    arr(d.Settings).some((s) => {
      const hit = reg.mediapackagev2?.channelForIngest(String(s.Url));
      return hit?.group === group && hit.channel === channel;
    }));
  if (!to) return false;
  // MediaPackage v2 refuses MediaLive's PUTs unless the channel policy allows the channel's role.
  return policyAllows(reg.mediapackagev2?.channelPolicy(group, channel), { action: 'mediapackagev2:PutObject', principalArn: ch.RoleArn });
}

// ───────────────────────────── MediaPackage v1 origin ─────────────────────────────

async function fromV1(env: PlaybackEnv, domain: string, path: string, headers: Record<string, string>): Promise<RawResponse> {
  const reg = mediaRegistry(env);
  const found = reg.mediapackage?.resolveOrigin(domain, path);
  if (!found) return originError(404, 'Not Found');
  const ep = found.endpoint;
  if (ep.Origination === 'DENY') return originError(403, 'Origination is disabled on this endpoint');
  if (ep.Authorization) {
    const expected = await cdnIdentifier(env, ep.Authorization.CdnIdentifierSecret);
    if (expected === undefined) return originError(403, 'MediaPackage could not read the CDN identifier secret');
    if (headers['x-mediapackage-cdnidentifier'] !== expected) return originError(403, 'Missing or wrong X-MediaPackage-CDNIdentifier');
  }
  if (!found.manifest && !isSegment(found.rest)) return originError(404, 'Not Found');
  const feed = liveFeed(env, (ch) => destinationsInUse(ch).some((d) =>
    arr(d.MediaPackageSettings).some((s) => reg.mediapackage?.channelIdForIngest({ channelId: str(s.ChannelId) }) === ep.ChannelId) ||
    arr(d.Settings).some((s) => reg.mediapackage?.channelIdForIngest({ url: str(s.Url) }) === ep.ChannelId)));
  if (!feed) return originError(404, `Channel ${ep.ChannelId} is not receiving content`);
  const m = found.manifest;
  const segSeconds = m?.segmentSeconds ?? Number(ep.pkg.SegmentDurationSeconds ?? 6);
  return serve(env, feed, { rest: found.rest, manifestName: m?.name, childName: m?.name ?? ep.ManifestName, kind: m?.kind, lowLatency: false, segSeconds, windowSeconds: m?.windowSeconds ?? 60, cmaf: ep.kind !== 'HlsPackage', segmentPrefix: String(ep.pkg.SegmentPrefix ?? 'segment') });
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
}

function serve(env: PlaybackEnv, feed: Feed, spec: ServeSpec): RawResponse {
  const now = env.clock.now();
  const timing: LiveTiming = { now, startedAt: feed.startedAt, segmentSeconds: spec.segSeconds, windowSeconds: spec.windowSeconds };
  const manifestAge = spec.lowLatency ? 1 : Math.max(1, Math.floor(spec.segSeconds / 2));
  const naming = { child: spec.childName, segment: spec.segmentPrefix, cmaf: spec.cmaf };
  if (feed.renditions.length === 0) return originError(404, 'The channel has no video output feeding this endpoint');
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

// ───────────────────────────── resource policies ─────────────────────────────

interface PolicyRequest {
  action: string;
  /** The calling service principal (cloudfront.amazonaws.com for OAC-signed requests). */
  service?: string;
  /** The calling IAM principal (a role ARN). */
  principalArn?: string;
  sourceArn?: string;
  sourceAccount?: string;
}

/**
 * A small IAM evaluator for resource policies: an explicit Deny wins, else some Allow must match the
 * action, the principal and every condition (StringEquals/StringLike/ArnEquals/ArnLike on
 * AWS:SourceArn and AWS:SourceAccount). No policy → denied.
 */
export function policyAllows(policy: string | undefined, req: PolicyRequest): boolean {
  if (!policy) return false;
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    return false;
  }
  const raw = obj(doc)?.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]).map(obj).filter((s): s is Record<string, unknown> => !!s);
  const matches = (s: Record<string, unknown>): boolean => actionMatches(s.Action, req.action) && principalMatches(s.Principal, req) && conditionsHold(obj(s.Condition), req);
  if (statements.some((s) => s.Effect === 'Deny' && matches(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && matches(s));
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}

function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'i' : '');
  return re.test(value);
}

function actionMatches(action: unknown, wanted: string): boolean {
  return list(action).some((a) => wildcard(a, wanted, true));
}

function principalMatches(principal: unknown, req: PolicyRequest): boolean {
  if (principal === '*') return true;
  const p = obj(principal);
  if (!p) return false;
  if (list(p.AWS).some((a) => a === '*' || (req.principalArn !== undefined && (a === req.principalArn || a === `arn:aws:iam::${req.principalArn.split(':')[4]}:root`)))) return true;
  return req.service !== undefined && list(p.Service).includes(req.service);
}

function conditionsHold(cond: Record<string, unknown> | undefined, req: PolicyRequest): boolean {
  if (!cond) return true;
  const values: Record<string, string | undefined> = { 'aws:sourcearn': req.sourceArn, 'aws:sourceaccount': req.sourceAccount };
  for (const [op, block] of Object.entries(cond)) {
    for (const [key, expected] of Object.entries(obj(block) ?? {})) {
      const actual = values[key.toLowerCase()];
      if (actual === undefined) return false;
      const ok = list(expected).some((e) => (op === 'StringEquals' || op === 'ArnEquals' ? e === actual : op === 'StringLike' || op === 'ArnLike' ? wildcard(e, actual) : false));
      if (!ok) return false;
    }
  }
  return true;
}
