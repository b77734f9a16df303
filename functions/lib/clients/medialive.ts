import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { API_RATE_LIMITS } from '../../../lib/aws-quotas';
import { CreationClaims, RequestBudget } from '../admission';
import { config } from '../config';
import { logger } from '../logger';
import { ddb } from './dynamodb';

/**
 * The most a MediaLive request waits for its turn inside a function, in AWS seconds: a third of the
 * functions' 30 s timeout; beyond it the state machine's throttled retry waits instead.
 */
const MAX_QUEUE_SECONDS = 10;

let budget: RequestBudget | undefined;
function medialiveBudget(): RequestBudget {
  budget ??= new RequestBudget('medialive', {
    ddb,
    tableName: config.admissionTable,
    rate: { tps: API_RATE_LIMITS.medialive.tps * config.clockScale, burst: API_RATE_LIMITS.medialive.burst },
    maxQueueMs: (MAX_QUEUE_SECONDS * 1000) / config.clockScale,
    onUnavailable: (error) => logger.warn('MediaLive request budget unavailable; request sent unqueued', { error: error as Error }),
  });
  return budget;
}

/**
 * Every attempt (the SDK's retries included: this sits inside its retry middleware, in the same
 * step at a lower priority) waits for its turn of the account's MediaLive budget (functions/lib/admission.ts).
 */
function withAdmission(client: MediaLiveClient): MediaLiveClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      await medialiveBudget().admit();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'onairMediaLiveAdmission' },
  );
  return client;
}

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const medialive = withAdmission(new MediaLiveClient({}));

let claims: CreationClaims | null | undefined;
/**
 * Claims on creating what concurrent provisions share (functions/lib/admission.ts CreationClaims):
 * a claim holds others back up to 30 AWS seconds (a create and two looks, queued), and they look for
 * its result every 2 s. None under a clock where no real time passes (the local cloud's manual clock).
 */
export function creationClaims(): CreationClaims | undefined {
  if (claims === undefined) {
    const scale = config.clockScale;
    claims = Number.isFinite(scale)
      ? new CreationClaims({
        ddb, tableName: config.admissionTable, holdMs: 30_000 / scale, pollMs: 2000 / scale,
        onUnavailable: (error) => logger.warn('creation claims unavailable; provisioning looks for itself', { error: error as Error }),
      })
      : null;
  }
  return claims ?? undefined;
}
