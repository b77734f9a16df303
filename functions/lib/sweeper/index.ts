/**
 * The orphan sweeper: what a crash, a killed workflow or a lost registry write leaves behind.
 *
 * One run (the `sweep` state machine, statemachines/sweep.asl.yml, every 15 minutes):
 *  1. reads every channel in the registry;
 *  2. lists every resource carrying this stage's OnAir tags (onair:stage, onair:channel) through
 *     each service's own list (+ tags) APIs — MediaLive channels/inputs/security groups,
 *     MediaPackage v2 groups/channels/endpoints, MediaPackage v1 channels/endpoints, CloudFront
 *     distributions (and OACs, which cannot be tagged, by their deterministic name), CloudWatch
 *     alarms in the channel region and us-east-1, Secrets Manager secrets;
 *  3. decides, per channel id:
 *     - orphaned: resources exist but the channel is missing from the registry or DELETED;
 *     - stuck: a transitional status (PROVISIONING, STARTING, STOPPING, TEARING_DOWN) whose
 *       workflow is no longer running (aborted, crashed, timed out) after a short grace, or that
 *       has outlived its deadline (its execution is then stopped);
 *     - abandoned: FAILED with resources left (a rollback that could not finish) past its grace;
 *  4. acts (unless dry-run): records every tagged resource the registry does not hold yet onto
 *     the channel ("adoption"), marks the channel FAILED with the sweeper as the cause (a
 *     conditional write: only if nothing else moved it meanwhile), and starts the teardown state
 *     machine for it. Deletion itself is the teardown workflow's — the one implementation of
 *     AWS's order and waits (stop → IDLE → delete → input DETACHED → …) — never re-implemented
 *     here; a Lambda must not sleep through AWS's minutes-long transitions.
 *  5. publishes one human-readable summary when it found anything.
 *
 * Deployed as a Step Functions Standard state machine rather than one Lambda, so no bundle carries
 * all nine AWS clients (one Lambda: 570 KB, over the 400 KB budget; docs/BENCHMARKS.md): a Parallel
 * of per-service listers (functions/sweeper/sweep*.ts over list/*.ts: MediaLive; MediaPackage v2 +
 * v1 with Secrets Manager; CloudFront; CloudWatch alarms), each reading the registry itself and
 * returning only what the decider needs (tagged.ts `forDecider`, which says why: Step Functions'
 * 256 KiB payload limit, and what happens past it), then the decider (functions/sweeper/decide.ts
 * over decide.ts: steps 3–5, the SweeperFindings metric). `sweep()` below is the same composition
 * in one process (tests, tools): list each service, reduce as the listers do, decide.
 *
 * Idempotent: a second run while a sweep-started teardown is running finds that channel
 * TEARING_DOWN with a RUNNING execution and leaves it alone.
 */
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MediaLiveClient } from '@aws-sdk/client-medialive';
import type { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import type { MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { everyChannel } from '../channel/registry';
import { decide, type DeciderDeps, type SweepOptions, type SweepReport } from './decide';
import { listCloudFront } from './list/cloudfront';
import { listAlarms } from './list/cloudwatch';
import { listMediaLive } from './list/medialive';
import { listMediaPackage } from './list/mediapackage';
import { listSecrets } from './list/secrets';
import { forDecider, type TaggedResource } from './tagged';

export {
  DEFAULT_DEADLINES, SWEEP_FINDING_KINDS, SWEEPER_EVENTS, TRANSITIONAL,
  type SweepFinding, type SweepOptions, type SweepReport, type TransitionalStatus,
} from './decide';
export { forDecider, LISTER_RESULT_BYTES, withoutSharedGroups, type ListedResources, type TaggedResource } from './tagged';

export interface SweeperDeps extends DeciderDeps {
  medialive: MediaLiveClient;
  mediapackagev2: MediaPackageV2Client;
  mediapackage: MediaPackageClient;
  cloudfront: CloudFrontClient;
  cloudwatch: CloudWatchClient;
  /** CloudFront alarms live in us-east-1. */
  cloudwatchUsEast1: CloudWatchClient;
  secretsmanager: SecretsManagerClient;
}

/** The listers, by the name of the function that runs each in the `sweep` state machine. */
export const LISTERS = {
  sweepMediaLive: listMediaLive,
  sweepMediaPackage: async (deps: SweeperDeps) => [...await listMediaPackage(deps), ...await listSecrets(deps)],
  sweepCloudFront: listCloudFront,
  sweepAlarms: listAlarms,
} as const satisfies Record<string, (deps: SweeperDeps) => Promise<TaggedResource[]>>;

/** Every resource carrying this stage's OnAir tags, with where the registry would record it. */
export async function findTaggedResources(deps: SweeperDeps): Promise<TaggedResource[]> {
  return (await Promise.all(Object.values(LISTERS).map((list) => list(deps)))).flat();
}

/** One sweep in one process: what the state machine does, lister by lister, then the decider. */
export async function sweep(deps: SweeperDeps, options: SweepOptions): Promise<SweepReport> {
  const records = await everyChannel(deps.registry);
  const listed = await Promise.all(Object.entries(LISTERS).map(async ([name, list]) => forDecider(name, await list(deps), records)));
  return decide(deps, records, {
    tagged: listed.flatMap((l) => l.tagged),
    found: listed.reduce((n, l) => n + l.found, 0),
    truncated: listed.filter((l) => l.truncated).map((l) => l.lister),
  }, options);
}
