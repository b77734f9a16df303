/**
 * AWS account quotas OnAir depends on: the one table. OnAir's API reads it to refuse a channel that
 * cannot fit (lib/capacity.ts), the local cloud enforces it (local/core/quotas.ts), docs cite it.
 *
 * Defaults are AWS's published defaults; the account's real values are in Service Quotas, and a
 * stage whose quotas were raised says so in serverless.yml `custom.accountQuotas`
 * (ONAIR_ACCOUNT_QUOTAS, read once in lib/config.ts; syntax: parseQuotaOverrides below).
 *
 * `error` is what the service answers when a create would exceed the quota: code and HTTP status
 * from the service's API model (botocore data/<service>/*\/service-2.json, the twin's
 * local/models/<service>.json); the message is the model's documentation of that error, the only
 * text AWS publishes for it.
 *
 * MediaLive does not document which error a quota breach returns. Its model declares no quota
 * error on CreateChannel, CreateInput or CreateInputSecurityGroup; the only limit error all three
 * declare is TooManyRequestsException (HTTP 429), which the API reference labels "LimitExceeded"
 * (https://docs.aws.amazon.com/medialive/latest/apireference/channels-channelid-start.html,
 * "429 LimitExceeded"). OnAir (and the twin) therefore treat a MediaLive 429 on a create as
 * possibly a quota, and OnAir refuses before it gets there.
 */

export type QuotaService = 'medialive' | 'mediapackagev2' | 'cloudfront';

export const QUOTA_IDS = [
  'medialive.channels',
  'medialive.pushInputs',
  'medialive.inputSecurityGroups',
  'mediapackagev2.channelGroups',
  'mediapackagev2.channelsPerGroup',
  'mediapackagev2.endpointsPerChannel',
  'cloudfront.distributions',
  'cloudfront.originAccessControls',
  'cloudfront.distributionsPerCachePolicy',
  'cloudfront.cacheBehaviorsPerDistribution',
] as const;
export type QuotaId = (typeof QUOTA_IDS)[number];

export interface AccountQuota {
  id: QuotaId;
  service: QuotaService;
  /** The quota's name as AWS's quota page names it (search for it in the Service Quotas console). */
  name: string;
  /** What is counted, and where (per account and Region unless said otherwise). */
  per: string;
  defaultValue: number;
  /** The AWS page the default comes from. */
  page: string;
  /** How to raise it. */
  raise: string;
  /** What the service answers when a create would exceed it (message given the value in force). */
  error: { code: string; status: number; message: (value: number) => string };
}

const SERVICE_QUOTAS_CONSOLE = 'https://console.aws.amazon.com/servicequotas/home/services';
const MEDIALIVE_PAGE = 'https://docs.aws.amazon.com/medialive/latest/ug/limits.html';
const MEDIAPACKAGE_V2_PAGE = 'https://docs.aws.amazon.com/mediapackage/latest/userguide/quotas.html';
const CLOUDFRONT_PAGE = 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html';

const raiseIn = (service: string, name: string) =>
  `Service Quotas console (${SERVICE_QUOTAS_CONSOLE}/${service}/quotas): request an increase of "${name}"`;

/** See the file comment for where the error shapes come from. */
const MEDIALIVE_LIMIT = (what: string) => ({
  code: 'TooManyRequestsException', status: 429,
  // AWS publishes no text for it: this one names the quota so a human can act on it.
  message: (value: number) => `LimitExceeded: you have reached this account's quota of ${value} ${what} in this Region`,
});
const fixed = (code: string, message: string) => ({ code, status: 400, message: () => message });
const MEDIAPACKAGE_V2_QUOTA = { code: 'ServiceQuotaExceededException', status: 402, message: () => 'The request would cause a service quota to be exceeded.' };

export const ACCOUNT_QUOTAS: Readonly<Record<QuotaId, AccountQuota>> = {
  // MediaLive UG "Quotas" (limits.html; table as archived in awsdocs/aws-elemental-medialive-user-guide
  // doc_source/limits.md): per account per Region.
  'medialive.channels': {
    id: 'medialive.channels', service: 'medialive', name: 'Channels', per: 'MediaLive channels per account per Region',
    defaultValue: 5, page: MEDIALIVE_PAGE, raise: raiseIn('medialive', 'Channels'), error: MEDIALIVE_LIMIT('channels'),
  },
  // 5, not 20: the quota table says "Inputs of type push (not including VPC push inputs) 5"; the "20"
  // some pages show is the feature limit "You can attach up to 20 inputs to a channel"
  // (https://docs.aws.amazon.com/medialive/latest/ug/eml-limitations-and-rules.html), not an
  // account quota. The lower figure also fails first, as a fresh account would.
  'medialive.pushInputs': {
    id: 'medialive.pushInputs', service: 'medialive', name: 'Inputs of type push (not including VPC push inputs)', per: 'push inputs (RTMP/RTP/UDP push) per account per Region',
    defaultValue: 5, page: MEDIALIVE_PAGE, raise: raiseIn('medialive', 'Inputs of type push'), error: MEDIALIVE_LIMIT('push inputs'),
  },
  // One group may serve any number of inputs (https://docs.aws.amazon.com/medialive/latest/ug/working-with-input-security-groups.html),
  // which is why OnAir reuses a group with the same CIDRs (medialive/operations.ts).
  'medialive.inputSecurityGroups': {
    id: 'medialive.inputSecurityGroups', service: 'medialive', name: 'Input security groups', per: 'input security groups per account per Region',
    defaultValue: 5, page: MEDIALIVE_PAGE, raise: raiseIn('medialive', 'Input security groups'), error: MEDIALIVE_LIMIT('input security groups'),
  },
  // MediaPackage v2 UG "Quotas in AWS Elemental MediaPackage", soft quotas.
  'mediapackagev2.channelGroups': {
    id: 'mediapackagev2.channelGroups', service: 'mediapackagev2', name: 'Maximum channel groups', per: 'channel groups per account',
    defaultValue: 3, page: MEDIAPACKAGE_V2_PAGE, raise: raiseIn('mediapackage', 'Maximum channel groups'), error: MEDIAPACKAGE_V2_QUOTA,
  },
  'mediapackagev2.channelsPerGroup': {
    id: 'mediapackagev2.channelsPerGroup', service: 'mediapackagev2', name: 'Maximum channels', per: 'channels per channel group',
    defaultValue: 10, page: MEDIAPACKAGE_V2_PAGE, raise: raiseIn('mediapackage', 'Maximum channels'), error: MEDIAPACKAGE_V2_QUOTA,
  },
  'mediapackagev2.endpointsPerChannel': {
    id: 'mediapackagev2.endpointsPerChannel', service: 'mediapackagev2', name: 'Maximum endpoints per channel', per: 'origin endpoints per channel',
    defaultValue: 10, page: MEDIAPACKAGE_V2_PAGE, raise: raiseIn('mediapackage', 'Maximum endpoints per channel'), error: MEDIAPACKAGE_V2_QUOTA,
  },
  // CloudFront DG "Quotas" (general quotas, distributions, policies). The page's figures have
  // changed over time (200 → 500 distributions, 25 → 75 behaviours); these are the current ones.
  'cloudfront.distributions': {
    id: 'cloudfront.distributions', service: 'cloudfront', name: 'Distributions per AWS account', per: 'web distributions per account',
    defaultValue: 500, page: CLOUDFRONT_PAGE, raise: raiseIn('cloudfront', 'Web distributions per AWS account'),
    error: fixed('TooManyDistributions', 'Processing your request would cause you to exceed the maximum number of distributions allowed.'),
  },
  'cloudfront.originAccessControls': {
    id: 'cloudfront.originAccessControls', service: 'cloudfront', name: 'Origin access controls per AWS account', per: 'origin access controls per account',
    defaultValue: 100, page: CLOUDFRONT_PAGE, raise: raiseIn('cloudfront', 'Origin access controls per AWS account'),
    error: fixed('TooManyOriginAccessControls', 'The number of origin access controls in your Amazon Web Services account exceeds the maximum allowed.'),
  },
  'cloudfront.distributionsPerCachePolicy': {
    id: 'cloudfront.distributionsPerCachePolicy', service: 'cloudfront', name: 'Distributions associated with the same cache policy', per: 'distributions using one cache policy',
    defaultValue: 100, page: CLOUDFRONT_PAGE, raise: raiseIn('cloudfront', 'Distributions associated with the same cache policy'),
    error: fixed('TooManyDistributionsAssociatedToCachePolicy', 'The maximum number of distributions have been associated with the specified cache policy.'),
  },
  'cloudfront.cacheBehaviorsPerDistribution': {
    id: 'cloudfront.cacheBehaviorsPerDistribution', service: 'cloudfront', name: 'Cache behaviors per distribution', per: 'cache behaviours per distribution (besides the default one)',
    defaultValue: 75, page: CLOUDFRONT_PAGE, raise: raiseIn('cloudfront', 'Cache behaviors per distribution'),
    error: fixed('TooManyCacheBehaviors', 'You cannot create more cache behaviors for the distribution.'),
  },
};

/** The quota values in force: the table's defaults with a stage's (or the twin's) overrides. */
export type QuotaValues = Readonly<Record<QuotaId, number>>;

export function defaultQuotaValues(): QuotaValues {
  return Object.fromEntries(QUOTA_IDS.map((id) => [id, ACCOUNT_QUOTAS[id].defaultValue])) as Record<QuotaId, number>;
}

export class QuotaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaConfigError';
  }
}

/**
 * Parses `ONAIR_ACCOUNT_QUOTAS`: empty or `default` = the table's defaults; otherwise comma-separated
 * `<quota id>=<value>` (e.g. `medialive.channels=20,medialive.pushInputs=20`) and/or `x<N>` to
 * multiply every default (`x100`: the local cloud's raised quotas for scale runs).
 */
export function parseQuotaOverrides(raw: string | undefined): QuotaValues {
  const values: Record<QuotaId, number> = { ...defaultQuotaValues() };
  const text = (raw ?? '').trim();
  if (text === '' || text === 'default') return values;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const mult = /^x(\d+)$/.exec(part);
    if (mult) {
      for (const id of QUOTA_IDS) values[id] = ACCOUNT_QUOTAS[id].defaultValue * Number(mult[1]);
      continue;
    }
    const m = /^([a-z0-9]+\.[A-Za-z]+)=(\d+)$/.exec(part);
    if (!m || !(QUOTA_IDS as readonly string[]).includes(m[1]!)) {
      throw new QuotaConfigError(`ONAIR_ACCOUNT_QUOTAS: '${part}' is not <quota>=<number> or x<multiplier>; quotas: ${QUOTA_IDS.join(', ')}`);
    }
    values[m[1] as QuotaId] = Number(m[2]);
  }
  return values;
}

/** `ONAIR_ACCOUNT_QUOTAS` text for these values (the local cloud hands its own to OnAir). */
export function formatQuotaValues(values: QuotaValues): string {
  const changed = QUOTA_IDS.filter((id) => values[id] !== ACCOUNT_QUOTAS[id].defaultValue);
  return changed.length ? changed.map((id) => `${id}=${values[id]}`).join(',') : 'default';
}

/**
 * API request rates AWS enforces per account and Region (token buckets: `tps` refilled per second,
 * at most `burst` saved up). The local cloud throttles with them (local/core/latency.ts RATE_LIMITS)
 * and OnAir's functions queue their MediaLive requests to stay within them
 * (functions/lib/admission.ts), so a 100-channel event spends its budget on requests that succeed.
 */
export interface ApiRateLimit { tps: number; burst: number; page: string }

export const API_RATE_LIMITS = {
  // MediaLive UG "Quotas", "Limits for API requests": 5 TPS steady, burst 30, across all MediaLive
  // APIs, and it cannot be raised (aws-facts.md).
  medialive: { tps: 5, burst: 30, page: MEDIALIVE_PAGE },
} as const satisfies Readonly<Record<string, ApiRateLimit>>;
