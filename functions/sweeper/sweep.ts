/**
 * Scheduled orphan sweeper (serverless.yml `sweeper`, every 15 minutes): finds OnAir-tagged
 * resources no live channel owns and channels stuck in a transitional status, and hands each to
 * the teardown workflow (functions/lib/sweeper). `{"dryRun": true}` as the event, or
 * ONAIR_SWEEPER_DRY_RUN=true, only reports.
 */
import * as z from 'zod/mini';
import { cloudfront } from '../lib/clients/cloudfront';
import { cloudwatch, cloudwatchUsEast1 } from '../lib/clients/cloudwatch';
import { ddb, registry } from '../lib/clients/dynamodb';
import { medialive } from '../lib/clients/medialive';
import { mediapackage } from '../lib/clients/mediapackage';
import { mediapackagev2 } from '../lib/clients/mediapackagev2';
import { secretsmanager } from '../lib/clients/secretsmanager';
import { sfn } from '../lib/clients/sfn';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { logger } from '../lib/logger';
import { recordMetric } from '../lib/metrics';
import { SWEEP_FINDING_KINDS, sweep } from '../lib/sweeper';

const input = z.object({ dryRun: z.optional(z.boolean()), graceSeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(86_400))) });

export const handler = stepHandler('sweep', input, async ({ dryRun, graceSeconds }) => {
  const report = await sweep({
    medialive, mediapackagev2, mediapackage, cloudfront, cloudwatch, cloudwatchUsEast1, secretsmanager, sfn, sns, ddb, registry,
    config: {
      stage: config.stage,
      region: config.region,
      channelsTable: config.channelsTable,
      notificationsTopicArn: config.notificationsTopicArn,
      teardownStateMachineArn: config.teardownStateMachineArn,
    },
    now: () => new Date(),
  }, { dryRun: dryRun ?? config.sweeperDryRun, ...(graceSeconds !== undefined ? { graceSeconds } : {}) });
  // Every kind every sweep, 0 included: an alarm on orphans then has data, not INSUFFICIENT_DATA.
  for (const kind of SWEEP_FINDING_KINDS) {
    recordMetric('SweeperFindings', report.findings.filter((f) => f.kind === kind).length, { kind }, { stageRollup: true });
  }
  logger.info('sweep finished', { dryRun: report.dryRun, channelsScanned: report.channelsScanned, taggedResources: report.taggedResources, findings: report.findings });
  return { dryRun: report.dryRun, findings: report.findings.length, teardownsStarted: report.findings.filter((f) => f.action === 'teardown-started').length };
});
