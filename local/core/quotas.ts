/**
 * The twin enforces AWS's default account quotas, from OnAir's one quota table
 * (lib/aws-quotas.ts: values, AWS pages, and the error each service answers).
 *
 * The switch for scale runs, read here only: the twin option `quotas` (a multiplier of every
 * default, or 'raised' = ×RAISED_MULTIPLIER), else the environment variable ONAIR_TWIN_QUOTAS
 * (`raised`, `x<N>`, `default`). bench/scale.ts and the suites that run more channels than a
 * fresh account allows set it; everything else runs on AWS's defaults, as a new account would.
 */
import { ACCOUNT_QUOTAS, parseQuotaOverrides, type QuotaId, type QuotaValues } from '../../lib/aws-quotas';
import { AwsError } from './types';

/** 'raised': every default ×100 (500 MediaLive channels, 300 MediaPackage v2 groups …). */
export const RAISED_MULTIPLIER = 100;

export type TwinQuotaOption = 'default' | 'raised' | number;

/** The option wins over the environment; undefined = ONAIR_TWIN_QUOTAS, else AWS's defaults. */
export function resolveTwinQuotas(option: TwinQuotaOption | undefined, env: NodeJS.ProcessEnv = process.env): QuotaValues {
  const raw = option ?? env.ONAIR_TWIN_QUOTAS ?? 'default';
  if (raw === 'raised') return parseQuotaOverrides(`x${RAISED_MULTIPLIER}`);
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1) throw new Error(`twin quotas: the multiplier must be a whole number ≥ 1, got ${raw}`);
    return parseQuotaOverrides(`x${raw}`);
  }
  return parseQuotaOverrides(raw);
}

/**
 * Throws the service's quota error when the request would leave `wouldHave` of the counted thing
 * (live resources + the one being created, or a distribution's behaviours) above the quota.
 * Count what AWS counts: live resources, never DELETED ones.
 */
export function enforceQuota(values: QuotaValues | undefined, id: QuotaId, wouldHave: number): void {
  const quota = ACCOUNT_QUOTAS[id];
  const limit = values?.[id] ?? quota.defaultValue;
  if (wouldHave > limit) throw new AwsError(quota.error.code, quota.error.message(limit), quota.error.status);
}
