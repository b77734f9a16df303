/**
 * The decider of the `sweep` state machine (statemachines/sweep.asl.yml, every 15 minutes): given
 * what the listers returned, decides which channels are orphaned, stuck or abandoned and hands each
 * to the teardown workflow (functions/lib/sweeper). `{"dryRun": true}` as the execution input, or
 * ONAIR_SWEEPER_DRY_RUN=true, only reports; `graceSeconds` overrides the 600 s grace.
 */
import * as z from 'zod/mini';
import { ddb, registry } from '../lib/clients/dynamodb';
import { sfn } from '../lib/clients/sfn';
import { sns } from '../lib/clients/sns';
import { everyChannel } from '../lib/channel/registry';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { logger } from '../lib/logger';
import { recordMetric } from '../lib/metrics';
import { SWEEP_FINDING_KINDS, decide } from '../lib/sweeper/decide';

const tagged = z.object({
  channelId: z.string(),
  profile: z.optional(z.string()),
  service: z.enum(['medialive', 'mediapackagev2', 'mediapackage', 'cloudfront', 'cloudwatch', 'secretsmanager']),
  type: z.string(),
  id: z.string(),
  arn: z.optional(z.string()),
  path: z.array(z.string()),
  value: z.unknown(),
  region: z.optional(z.string()),
});

/** A lister's result, or (its Catch in the state machine) the error it failed with. */
const listed = z.object({
  lister: z.string(),
  tagged: z.optional(z.array(tagged)),
  found: z.optional(z.number()),
  truncated: z.optional(z.boolean()),
  failed: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

const input = z.object({
  dryRun: z.optional(z.boolean()),
  graceSeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(86_400))),
  listed: z.array(listed),
});

export const handler = stepHandler('sweepDecide', input, async ({ dryRun, graceSeconds, listed: results }) => {
  const failed = results.filter((r) => r.failed);
  for (const f of failed) logger.error('a lister failed: this sweep decides without its resources', { lister: f.lister, error: f.failed?.Error, cause: f.failed?.Cause });
  const report = await decide({
    sfn, sns, ddb, registry,
    config: {
      stage: config.stage,
      region: config.region,
      channelsTable: config.channelsTable,
      notificationsTopicArn: config.notificationsTopicArn,
      teardownStateMachineArn: config.teardownStateMachineArn,
    },
    now: () => new Date(),
  }, await everyChannel(registry), {
    tagged: results.flatMap((r) => r.tagged ?? []),
    found: results.reduce((n, r) => n + (r.found ?? 0), 0),
    truncated: results.filter((r) => r.truncated).map((r) => r.lister),
    listersFailed: failed.map((r) => r.lister),
  }, { dryRun: dryRun ?? config.sweeperDryRun, ...(graceSeconds !== undefined ? { graceSeconds } : {}) });
  // Every kind every sweep, 0 included: an alarm on orphans then has data, not INSUFFICIENT_DATA.
  for (const kind of SWEEP_FINDING_KINDS) {
    recordMetric('SweeperFindings', report.findings.filter((f) => f.kind === kind).length, { kind }, { stageRollup: true });
  }
  logger.info('sweep finished', {
    dryRun: report.dryRun, channelsScanned: report.channelsScanned, taggedResources: report.taggedResources, findings: report.findings,
    truncated: report.truncated, listersFailed: report.listersFailed,
  });
  return {
    dryRun: report.dryRun,
    findings: report.findings.length,
    teardownsStarted: report.findings.filter((f) => f.action === 'teardown-started').length,
    truncated: report.truncated,
    listersFailed: report.listersFailed,
  };
});
