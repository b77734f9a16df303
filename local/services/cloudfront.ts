/**
 * Amazon CloudFront, as behaviour: distributions (CallerReference idempotency, InProgress → Deployed,
 * ETag/If-Match optimistic locking, delete only when disabled and deployed), origin access controls,
 * tags. CloudFront is global: ARNs carry no region. Playback through a distribution's domain is served
 * under /_cdn/{domain}/… by local/playback (the route is registered here, CloudFront being the edge).
 */
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type OperationHandler, type ServiceBehaviour, type TwinEnv, type TwinRoute } from '../core/types';
import { arr, clone, duration, fingerprint, obj, randomAlnum, randomHex, str, Transitions } from './media-util';
import { registerMedia, type DistributionView } from './media-registry';
import { enforceQuota } from '../core/quotas';
import { handleCdnRequest } from '../playback';

const SERVICE = 'cloudfront';

export const CLOUDFRONT_DURATIONS = {
  deploy: 'cloudfront.distribution.deploy',
  update: 'cloudfront.distribution.update',
} as const;

interface DistributionRec {
  Id: string;
  ARN: string;
  DomainName: string;
  Status: 'InProgress' | 'Deployed';
  LastModifiedTime: Date;
  config: ModelValue;
  ETag: string;
  Tags: Record<string, string>;
  /** Fingerprint of the config of the create call (CallerReference replay compares against it). */
  createFingerprint: string;
}

interface CachePolicyRec {
  Id: string;
  managed: boolean;
  ETag: string;
  LastModifiedTime: Date;
  config: ModelValue;
}

/** AWS's managed cache policies (aws-facts.md): present in every account, listed as Type managed. */
const MANAGED_CACHE_POLICIES: Record<string, string> = {
  'Managed-Elemental-MediaPackage': '08627262-05a9-4f76-9ded-b50ca2e3a84f',
  'Managed-CachingOptimized': '658327ea-f89d-4fab-a63d-7e88639e58f6',
  'Managed-CachingOptimizedForUncompressedObjects': 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
  'Managed-CachingDisabled': '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
};

interface OacRec {
  Id: string;
  config: ModelValue;
  ETag: string;
}

export class CloudFrontService implements ServiceBehaviour {
  readonly signingName = SERVICE;
  readonly operations: Record<string, OperationHandler>;
  readonly routes: TwinRoute[];
  private readonly distributions = new Map<string, DistributionRec>();
  private readonly oacs = new Map<string, OacRec>();
  private readonly cachePolicies = new Map<string, CachePolicyRec>();
  private readonly transitions: Transitions;

  constructor(private readonly env: TwinEnv) {
    this.transitions = new Transitions(env, SERVICE);
    this.operations = {
      CreateDistribution: (i, c) => this.createDistribution(obj(i.DistributionConfig) ?? {}, {}, c),
      CreateDistributionWithTags: (i, c) => {
        const withTags = obj(i.DistributionConfigWithTags) ?? {};
        return this.createDistribution(obj(withTags.DistributionConfig) ?? {}, tagsFromItems(withTags.Tags), c);
      },
      GetDistribution: (i) => {
        const d = this.distribution(i.Id);
        return { Distribution: this.distributionOut(d), ETag: d.ETag };
      },
      GetDistributionConfig: (i) => {
        const d = this.distribution(i.Id);
        return { DistributionConfig: clone(d.config), ETag: d.ETag };
      },
      UpdateDistribution: (i, c) => this.updateDistribution(i, c),
      DeleteDistribution: (i, c) => this.deleteDistribution(i, c),
      ListDistributions: (i) => this.listDistributions(i),
      CreateOriginAccessControl: (i, c) => this.createOac(i, c),
      GetOriginAccessControl: (i) => {
        const o = this.oac(i.Id);
        return { OriginAccessControl: { Id: o.Id, OriginAccessControlConfig: clone(o.config) }, ETag: o.ETag };
      },
      GetOriginAccessControlConfig: (i) => {
        const o = this.oac(i.Id);
        return { OriginAccessControlConfig: clone(o.config), ETag: o.ETag };
      },
      UpdateOriginAccessControl: (i, c) => this.updateOac(i, c),
      DeleteOriginAccessControl: (i, c) => this.deleteOac(i, c),
      ListOriginAccessControls: (i) => this.listOacs(i),
      TagResource: (i) => {
        Object.assign(this.byArn(i.Resource).Tags, tagsFromItems(i.Tags));
        return {};
      },
      UntagResource: (i) => {
        const d = this.byArn(i.Resource);
        for (const k of arr<string>(obj(i.TagKeys)?.Items)) delete d.Tags[k];
        return {};
      },
      ListTagsForResource: (i) => ({ Tags: { Items: Object.entries(this.byArn(i.Resource).Tags).map(([Key, Value]) => ({ Key, Value })) } }),
    };
    Object.assign(this.operations, {
      CreateCachePolicy: (i: ModelValue) => this.createCachePolicy(i),
      GetCachePolicy: (i: ModelValue) => {
        const p = this.cachePolicy(i.Id);
        return { CachePolicy: this.cachePolicyOut(p), ETag: p.ETag };
      },
      GetCachePolicyConfig: (i: ModelValue) => {
        const p = this.cachePolicy(i.Id);
        return { CachePolicyConfig: clone(p.config), ETag: p.ETag };
      },
      DeleteCachePolicy: (i: ModelValue, c: OpContext) => this.deleteCachePolicy(i, c),
      ListCachePolicies: (i: ModelValue) => this.listCachePolicies(i),
    });
    for (const [Name, Id] of Object.entries(MANAGED_CACHE_POLICIES)) {
      this.cachePolicies.set(Id, { Id, managed: true, ETag: newETag(), LastModifiedTime: new Date(0), config: { Name, Comment: `Managed policy ${Name}`, MinTTL: 0, DefaultTTL: 86_400, MaxTTL: 31_536_000 } });
    }
    this.routes = [{ prefix: '/_cdn/', handle: (req) => handleCdnRequest(req, env) }];
    registerMedia(env, { cloudfront: this });
  }

  // ───────────────────────────── cache policies ─────────────────────────────

  private createCachePolicy(input: ModelValue): ModelValue {
    const config = clone(obj(input.CachePolicyConfig) ?? {});
    checkQuantities(config, 'CachePolicyConfig');
    if ([...this.cachePolicies.values()].some((p) => !p.managed && p.config.Name === config.Name)) {
      throw new AwsError('CachePolicyAlreadyExists', `A cache policy named ${String(config.Name)} already exists.`, 409);
    }
    if ([...this.cachePolicies.values()].filter((p) => !p.managed).length >= 20) {
      throw new AwsError('TooManyCachePolicies', 'You have reached the maximum number of cache policies for this AWS account (20).', 400);
    }
    const queryStrings = arr(obj(obj(obj(config.ParametersInCacheKeyAndForwardedToOrigin)?.QueryStringsConfig)?.QueryStrings)?.Items);
    if (queryStrings.length > 10) throw new AwsError('TooManyQueryStringsInCachePolicy', 'A cache policy can include at most 10 query strings.', 400);
    const rec: CachePolicyRec = { Id: randomUuid(), managed: false, ETag: newETag(), LastModifiedTime: new Date(this.env.clock.now()), config };
    this.cachePolicies.set(rec.Id, rec);
    return { CachePolicy: this.cachePolicyOut(rec), Location: `https://cloudfront.amazonaws.com/2020-05-31/cache-policy/${rec.Id}`, ETag: rec.ETag };
  }

  private cachePolicyOut(p: CachePolicyRec): ModelValue {
    return { Id: p.Id, LastModifiedTime: p.LastModifiedTime, CachePolicyConfig: clone(p.config) };
  }

  private cachePolicy(id: unknown): CachePolicyRec {
    const p = this.cachePolicies.get(String(id));
    if (!p) throw new AwsError('NoSuchCachePolicy', 'The cache policy does not exist.', 404);
    return p;
  }

  private deleteCachePolicy(input: ModelValue, ctx: OpContext): ModelValue {
    const p = this.cachePolicy(input.Id);
    if (p.managed) throw new AwsError('IllegalDelete', 'You cannot delete a managed policy.', 400);
    checkIfMatch(p.ETag, input, ctx);
    const users = [...this.distributions.values()].filter((d) => cachePolicyIds(d.config).includes(p.Id));
    if (users.length) throw new AwsError('CachePolicyInUse', `The cache policy is in use by distribution ${users.map((d) => d.Id).join(', ')}.`, 409);
    this.cachePolicies.delete(p.Id);
    return {};
  }

  private listCachePolicies(input: ModelValue): ModelValue {
    const type = str(input.Type);
    const all = [...this.cachePolicies.values()].filter((p) => !type || (type === 'managed') === p.managed).sort((a, b) => (a.Id < b.Id ? -1 : 1));
    const marker = str(input.Marker) ?? '';
    const max = typeof input.MaxItems === 'number' ? input.MaxItems : Number(input.MaxItems ?? 100) || 100;
    const after = marker ? all.filter((p) => p.Id > marker) : all;
    const page = after.slice(0, max);
    const truncated = after.length > page.length;
    return {
      CachePolicyList: {
        NextMarker: truncated ? page[page.length - 1]!.Id : undefined, MaxItems: max, Quantity: page.length,
        Items: page.map((p) => ({ Type: p.managed ? 'managed' : 'custom', CachePolicy: this.cachePolicyOut(p) })),
      },
    };
  }

  // ───────────────────────────── distributions ─────────────────────────────

  private createDistribution(config: ModelValue, tags: Record<string, string>, ctx: OpContext): ModelValue {
    const callerRef = String(config.CallerReference);
    const print = fingerprint(config);
    const existing = [...this.distributions.values()].find((d) => d.config.CallerReference === callerRef);
    if (existing) {
      // Same CallerReference and the same config: CloudFront answers with the original distribution.
      if (existing.createFingerprint === print) return this.createdOut(existing);
      throw new AwsError('DistributionAlreadyExists', `The caller reference ${callerRef} you attempted to use is already in use by distribution ${existing.Id}`, 409);
    }
    this.validateConfig(config);
    enforceQuota(this.env.quotas, 'cloudfront.distributions', this.distributions.size + 1);
    this.enforceConfigQuotas(config);
    const id = this.newId();
    const rec: DistributionRec = {
      Id: id,
      ARN: `arn:aws:cloudfront::${ctx.accountId}:distribution/${id}`,
      DomainName: `d${randomAlnum(13)}.cloudfront.net`,
      Status: 'InProgress',
      LastModifiedTime: new Date(this.env.clock.now()),
      config: withDefaults(config),
      ETag: newETag(),
      Tags: tags,
      createFingerprint: print,
    };
    this.distributions.set(id, rec);
    this.deploy(rec, CLOUDFRONT_DURATIONS.deploy);
    return this.createdOut(rec);
  }

  private createdOut(d: DistributionRec): ModelValue {
    return { Distribution: this.distributionOut(d), Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.Id}`, ETag: d.ETag };
  }

  private deploy(d: DistributionRec, name: string): void {
    d.Status = 'InProgress';
    this.transitions.cancel(d.Id);
    this.transitions.after(d.Id, duration(this.env, name), () => {
      d.Status = 'Deployed';
    });
  }

  private distributionOut(d: DistributionRec): ModelValue {
    return {
      Id: d.Id,
      ARN: d.ARN,
      Status: d.Status,
      LastModifiedTime: d.LastModifiedTime,
      InProgressInvalidationBatches: 0,
      DomainName: d.DomainName,
      ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
      ActiveTrustedKeyGroups: { Enabled: false, Quantity: 0 },
      DistributionConfig: clone(d.config),
    };
  }

  private distribution(id: unknown): DistributionRec {
    const d = this.distributions.get(String(id));
    if (!d) throw new AwsError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
    return d;
  }

  private updateDistribution(input: ModelValue, ctx: OpContext): ModelValue {
    const d = this.distribution(input.Id);
    checkIfMatch(d.ETag, input, ctx);
    const config = obj(input.DistributionConfig) ?? {};
    if (config.CallerReference !== d.config.CallerReference) {
      throw new AwsError('IllegalUpdate', 'The CallerReference of a distribution cannot be changed.', 400);
    }
    this.validateConfig(config);
    this.enforceConfigQuotas(config, d.Id);
    d.config = withDefaults(config);
    d.ETag = newETag();
    d.LastModifiedTime = new Date(this.env.clock.now());
    this.deploy(d, CLOUDFRONT_DURATIONS.update);
    return { Distribution: this.distributionOut(d), ETag: d.ETag };
  }

  private deleteDistribution(input: ModelValue, ctx: OpContext): ModelValue {
    const d = this.distribution(input.Id);
    checkIfMatch(d.ETag, input, ctx);
    if (d.config.Enabled !== false || d.Status !== 'Deployed') {
      throw new AwsError('DistributionNotDisabled', 'The distribution you are trying to delete has not been disabled.', 409);
    }
    this.transitions.cancel(d.Id);
    this.distributions.delete(d.Id);
    return {};
  }

  private listDistributions(input: ModelValue): ModelValue {
    const all = [...this.distributions.values()].sort((a, b) => (a.Id < b.Id ? -1 : 1));
    const marker = str(input.Marker) ?? '';
    const max = typeof input.MaxItems === 'number' ? input.MaxItems : Number(input.MaxItems ?? 100) || 100;
    const after = marker ? all.filter((d) => d.Id > marker) : all;
    const page = after.slice(0, max);
    const truncated = after.length > page.length;
    return {
      DistributionList: {
        Marker: marker,
        NextMarker: truncated ? page[page.length - 1]!.Id : undefined,
        MaxItems: max,
        IsTruncated: truncated,
        Quantity: page.length,
        Items: page.map((d) => ({
          Id: d.Id, ARN: d.ARN, ETag: d.ETag, Status: d.Status, LastModifiedTime: d.LastModifiedTime, DomainName: d.DomainName,
          Aliases: d.config.Aliases, Origins: d.config.Origins, OriginGroups: d.config.OriginGroups, DefaultCacheBehavior: d.config.DefaultCacheBehavior,
          CacheBehaviors: d.config.CacheBehaviors, CustomErrorResponses: d.config.CustomErrorResponses, Comment: d.config.Comment,
          PriceClass: d.config.PriceClass, Enabled: d.config.Enabled, ViewerCertificate: d.config.ViewerCertificate, Restrictions: d.config.Restrictions,
          WebACLId: d.config.WebACLId, HttpVersion: d.config.HttpVersion, IsIPV6Enabled: d.config.IsIPV6Enabled, Staging: d.config.Staging ?? false,
        })),
      },
    };
  }

  /** Checks the model cannot express: list quantities, origin references, OAC references and types. */
  private validateConfig(config: ModelValue): void {
    checkQuantities(config, 'DistributionConfig');
    const origins = arr(obj(config.Origins)?.Items);
    if (origins.length === 0) throw new AwsError('InvalidArgument', 'The distribution must have at least one origin.', 400);
    const ids = new Set<string>();
    for (const o of origins) {
      const id = String(o.Id);
      if (ids.has(id)) throw new AwsError('InvalidArgument', `Origin id ${id} is used by more than one origin.`, 400);
      ids.add(id);
      if ((o.S3OriginConfig === undefined) === (o.CustomOriginConfig === undefined) && o.VpcOriginConfig === undefined) {
        throw new AwsError('InvalidArgument', `Exactly one of CustomOriginConfig and S3OriginConfig must be specified for origin ${id}.`, 400);
      }
      const oacId = str(o.OriginAccessControlId);
      if (oacId) {
        const oac = this.oacs.get(oacId);
        if (!oac) throw new AwsError('NoSuchOriginAccessControl', `The origin access control ${oacId} does not exist.`, 404);
        const type = String(oac.config.OriginAccessControlOriginType);
        const domain = String(o.DomainName);
        const fits = type === 's3' ? /\.s3[.-]/.test(domain) : domain.includes(`.${type}.`);
        if (!fits) throw new AwsError('InvalidDomainNameForOriginAccessControl', `The origin access control of type ${type} cannot be used with origin domain ${domain}.`, 400);
      }
    }
    for (const g of arr(obj(config.OriginGroups)?.Items)) ids.add(String(g.Id));
    const targets = [obj(config.DefaultCacheBehavior)?.TargetOriginId, ...arr(obj(config.CacheBehaviors)?.Items).map((b) => b.TargetOriginId)];
    for (const t of targets) {
      if (!ids.has(String(t))) throw new AwsError('NoSuchOrigin', `One or more of your origins or origin groups do not exist (${String(t)}).`, 404);
    }
    for (const id of cachePolicyIds(config)) {
      if (!this.cachePolicies.has(id)) throw new AwsError('NoSuchCachePolicy', `The cache policy ${id} does not exist.`, 404);
    }
  }

  /**
   * Account quotas a distribution config can exceed (lib/aws-quotas.ts): cache behaviours per
   * distribution, distributions per cache policy (counting the others using it, not `selfId`).
   */
  private enforceConfigQuotas(config: ModelValue, selfId?: string): void {
    enforceQuota(this.env.quotas, 'cloudfront.cacheBehaviorsPerDistribution', arr(obj(config.CacheBehaviors)?.Items).length);
    for (const policyId of new Set(cachePolicyIds(config))) {
      const others = [...this.distributions.values()].filter((d) => d.Id !== selfId && cachePolicyIds(d.config).includes(policyId)).length;
      enforceQuota(this.env.quotas, 'cloudfront.distributionsPerCachePolicy', others + 1);
    }
  }

  // ───────────────────────────── origin access controls ─────────────────────────────

  private createOac(input: ModelValue, _ctx: OpContext): ModelValue {
    const config = clone(obj(input.OriginAccessControlConfig) ?? {});
    if ([...this.oacs.values()].some((o) => o.config.Name === config.Name)) {
      throw new AwsError('OriginAccessControlAlreadyExists', `An origin access control named ${String(config.Name)} already exists.`, 409);
    }
    enforceQuota(this.env.quotas, 'cloudfront.originAccessControls', this.oacs.size + 1);
    const rec: OacRec = { Id: this.newId(), config, ETag: newETag() };
    this.oacs.set(rec.Id, rec);
    return { OriginAccessControl: { Id: rec.Id, OriginAccessControlConfig: clone(config) }, Location: `https://cloudfront.amazonaws.com/2020-05-31/origin-access-control/${rec.Id}`, ETag: rec.ETag };
  }

  private oac(id: unknown): OacRec {
    const o = this.oacs.get(String(id));
    if (!o) throw new AwsError('NoSuchOriginAccessControl', 'The origin access control does not exist.', 404);
    return o;
  }

  private updateOac(input: ModelValue, ctx: OpContext): ModelValue {
    const o = this.oac(input.Id);
    checkIfMatch(o.ETag, input, ctx);
    o.config = clone(obj(input.OriginAccessControlConfig) ?? {});
    o.ETag = newETag();
    return { OriginAccessControl: { Id: o.Id, OriginAccessControlConfig: clone(o.config) }, ETag: o.ETag };
  }

  private deleteOac(input: ModelValue, ctx: OpContext): ModelValue {
    const o = this.oac(input.Id);
    checkIfMatch(o.ETag, input, ctx);
    const users = [...this.distributions.values()].filter((d) => arr(obj(d.config.Origins)?.Items).some((x) => x.OriginAccessControlId === o.Id));
    if (users.length) throw new AwsError('OriginAccessControlInUse', `The origin access control is in use by distribution ${users.map((d) => d.Id).join(', ')}.`, 409);
    this.oacs.delete(o.Id);
    return {};
  }

  private listOacs(input: ModelValue): ModelValue {
    const all = [...this.oacs.values()].sort((a, b) => (a.Id < b.Id ? -1 : 1));
    const marker = str(input.Marker) ?? '';
    const max = typeof input.MaxItems === 'number' ? input.MaxItems : Number(input.MaxItems ?? 100) || 100;
    const after = marker ? all.filter((o) => o.Id > marker) : all;
    const page = after.slice(0, max);
    const truncated = after.length > page.length;
    return {
      OriginAccessControlList: {
        Marker: marker, NextMarker: truncated ? page[page.length - 1]!.Id : undefined, MaxItems: max, IsTruncated: truncated, Quantity: page.length,
        Items: page.map((o) => ({ Id: o.Id, Description: o.config.Description ?? '', Name: o.config.Name, SigningProtocol: o.config.SigningProtocol, SigningBehavior: o.config.SigningBehavior, OriginAccessControlOriginType: o.config.OriginAccessControlOriginType })),
      },
    };
  }

  // ───────────────────────────── helpers ─────────────────────────────

  private byArn(arn: unknown): DistributionRec {
    const d = [...this.distributions.values()].find((x) => x.ARN === String(arn));
    if (!d) throw new AwsError('NoSuchResource', `The specified resource ${String(arn)} does not exist.`, 404);
    return d;
  }

  private newId(): string {
    let id = `E${randomAlnum(13, true)}`;
    while (this.distributions.has(id) || this.oacs.has(id)) id = `E${randomAlnum(13, true)}`;
    return id;
  }

  /** The distribution serving a domain (playback). */
  byDomain(domain: string): DistributionView | undefined {
    const d = [...this.distributions.values()].find((x) => x.DomainName === domain.toLowerCase());
    return d ? { Id: d.Id, ARN: d.ARN, DomainName: d.DomainName, Status: d.Status, config: clone(d.config) } : undefined;
  }

  inventory(): InventoryItem[] {
    return [
      ...[...this.distributions.values()].map((d) => ({ service: SERVICE, type: 'distribution', id: d.Id, state: d.Status, tags: { ...d.Tags } })),
      ...[...this.oacs.values()].map((o) => ({ service: SERVICE, type: 'originAccessControl', id: o.Id })),
      // Cache policies are left out: account-level configuration shared by every channel of a stage
      // (like the managed ones), not a per-channel resource an orphan check should flag.
    ];
  }

  snapshot(): unknown {
    return { distributions: [...this.distributions.values()], oacs: [...this.oacs.values()], cachePolicies: [...this.cachePolicies.values()].filter((p) => !p.managed) };
  }

  /** Timers do not survive a restart: a distribution that was deploying comes back Deployed. */
  restore(state: unknown): void {
    const s = state as { distributions?: DistributionRec[]; oacs?: OacRec[]; cachePolicies?: CachePolicyRec[] };
    for (const p of s.cachePolicies ?? []) this.cachePolicies.set(p.Id, { ...p, LastModifiedTime: new Date(p.LastModifiedTime) });
    this.transitions.cancel();
    this.distributions.clear();
    this.oacs.clear();
    for (const d of s.distributions ?? []) this.distributions.set(d.Id, { ...d, Status: 'Deployed', LastModifiedTime: new Date(d.LastModifiedTime) });
    for (const o of s.oacs ?? []) this.oacs.set(o.Id, o);
  }
}

/**
 * If-Match carries the ETag of the version the caller read: missing → InvalidIfMatchVersion,
 * stale → PreconditionFailed (412), as CloudFront answers.
 */
function checkIfMatch(current: string, input: ModelValue, ctx: OpContext): void {
  const given = str(input.IfMatch) ?? ctx.headers['if-match'];
  if (!given) throw new AwsError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.', 400);
  if (given !== current) throw new AwsError('PreconditionFailed', 'The precondition given in one or more of the request header fields evaluated to false.', 412);
}

/** Every `{Quantity, Items}` list must agree with itself (CloudFront checks, the model cannot). */
function checkQuantities(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkQuantities(v, `${path}[${i}]`));
    return;
  }
  const o = obj(value);
  if (!o) return;
  if (typeof o.Quantity === 'number') {
    const n = Array.isArray(o.Items) ? o.Items.length : 0;
    if (n !== o.Quantity) throw new AwsError('InvalidArgument', `The parameter ${path}.Quantity (${o.Quantity}) does not match the number of items (${n}).`, 400);
  }
  for (const [k, v] of Object.entries(o)) checkQuantities(v, `${path}.${k}`);
}

/** Members CloudFront fills in when a config leaves them out (they come back on Get). */
function withDefaults(config: ModelValue): ModelValue {
  return {
    Aliases: { Quantity: 0 },
    DefaultRootObject: '',
    OriginGroups: { Quantity: 0 },
    CacheBehaviors: { Quantity: 0 },
    CustomErrorResponses: { Quantity: 0 },
    Logging: { Enabled: false, IncludeCookies: false, Bucket: '', Prefix: '' },
    PriceClass: 'PriceClass_All',
    ViewerCertificate: { CloudFrontDefaultCertificate: true, SSLSupportMethod: 'vip', MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' },
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    WebACLId: '',
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    Staging: false,
    ...clone(config),
  };
}

function cachePolicyIds(config: ModelValue): string[] {
  const behaviors = [obj(config.DefaultCacheBehavior) ?? {}, ...arr(obj(config.CacheBehaviors)?.Items)];
  return behaviors.map((b) => str(b.CachePolicyId)).filter((x): x is string => !!x);
}

function randomUuid(): string {
  const h = randomHex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function tagsFromItems(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of arr(obj(tags)?.Items)) out[String(t.Key)] = String(t.Value ?? '');
  return out;
}

function newETag(): string {
  return `E${randomHex(13).toUpperCase()}`;
}

export function createCloudFront(env: TwinEnv): CloudFrontService {
  return new CloudFrontService(env);
}
