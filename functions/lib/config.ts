/**
 * Configuration is read once, from the environment serverless.yml (or the local cloud) sets.
 * Domain code receives a Config object; nothing deeper reads process.env.
 */
import { parseQuotaOverrides, type QuotaValues } from '../../lib/aws-quotas';
import { MissingConfigError } from './errors';

export function getEnvOrThrow(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new MissingConfigError(name);
  return value;
}

export interface Config {
  stage: string;
  region: string;
  /** DynamoDB table holding one item per channel (the registry). */
  channelsTable: string;
  /** SNS topic for human-readable notifications and alarm actions. */
  notificationsTopicArn: string;
  /** MediaLive service role (trusted by medialive.amazonaws.com) passed to CreateChannel. */
  medialiveRoleArn: string;
  /** Role MediaPackage v1 assumes to read the CDN-identifier secret. */
  mediapackageSecretsRoleArn: string;
  /**
   * The CDN's endpoint override, like AWS_ENDPOINT_URL for SDK clients: `{domain}` is replaced by
   * the distribution's domain. Unset on AWS (playback is `https://<domain>`); the local cloud sets it.
   */
  cdnUrlTemplate: string | undefined;
  /** The stage's shared CloudFront distribution (serverless.yml DeliveryDistribution; lib/delivery.ts). */
  deliveryDistributionArn: string;
  /** Its domain: every shared-delivery channel's playback host. */
  deliveryDomain: string;
  /** The stage's manifest cache policy (DeliveryManifestCachePolicy), used by dedicated distributions too. */
  manifestCachePolicyId: string;
  /** The account quotas in force (lib/aws-quotas.ts defaults + serverless.yml `custom.accountQuotas`). */
  accountQuotas: QuotaValues;
  /** The teardown state machine (the sweeper starts it for what it finds). */
  teardownStateMachineArn: string;
  /** The sweeper reports what it would do and does nothing (ONAIR_SWEEPER_DRY_RUN=true). */
  sweeperDryRun: boolean;
  /** DynamoDB table holding the stage's request budgets (functions/lib/admission.ts). */
  admissionTable: string;
  /**
   * How many times faster than real time the cloud this runs in keeps time: 1 on AWS (unset); the
   * local cloud runs AWS's minutes as seconds and says by how much (ONAIR_CLOCK_SCALE), so a rate
   * AWS counts per second is that many times higher per second of this process's clock.
   */
  clockScale: number;
}

/** Each field is read lazily so a function only needs the variables it uses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    get stage() { return env.ONAIR_STAGE ?? 'dev'; },
    get region() { return env.AWS_REGION ?? 'us-east-1'; },
    get channelsTable() { return getEnvOrThrow('CHANNELS_TABLE', env); },
    get notificationsTopicArn() { return getEnvOrThrow('NOTIFICATIONS_TOPIC_ARN', env); },
    get medialiveRoleArn() { return getEnvOrThrow('MEDIALIVE_ROLE_ARN', env); },
    get mediapackageSecretsRoleArn() { return getEnvOrThrow('MEDIAPACKAGE_SECRETS_ROLE_ARN', env); },
    get cdnUrlTemplate() { return env.ONAIR_CDN_URL_TEMPLATE || undefined; },
    get deliveryDistributionArn() { return getEnvOrThrow('DELIVERY_DISTRIBUTION_ARN', env); },
    get deliveryDomain() { return getEnvOrThrow('DELIVERY_DOMAIN', env); },
    get manifestCachePolicyId() { return getEnvOrThrow('MANIFEST_CACHE_POLICY_ID', env); },
    get accountQuotas() { return parseQuotaOverrides(env.ONAIR_ACCOUNT_QUOTAS); },
    get teardownStateMachineArn() { return getEnvOrThrow('TEARDOWN_STATE_MACHINE_ARN', env); },
    get sweeperDryRun() { return env.ONAIR_SWEEPER_DRY_RUN === 'true'; },
    get admissionTable() { return getEnvOrThrow('ADMISSION_TABLE', env); },
    get clockScale() {
      const scale = Number(env.ONAIR_CLOCK_SCALE || '1');
      if (!(scale > 0)) throw new MissingConfigError('ONAIR_CLOCK_SCALE (a positive number)');
      return scale;
    },
  };
}

export const config: Config = loadConfig();

/** Base URL viewers use for a distribution: `https://<domain>`, or the configured override. */
export function cdnBaseUrl(domain: string, cfg: Pick<Config, 'cdnUrlTemplate'> = config): string {
  return cfg.cdnUrlTemplate ? cfg.cdnUrlTemplate.replace('{domain}', domain) : `https://${domain}`;
}

/** OnAir's tag keys: ownership is always recoverable from the resource itself. */
export const TAG_CHANNEL = 'onair:channel';
export const TAG_PROFILE = 'onair:profile';
export const TAG_STAGE = 'onair:stage';
