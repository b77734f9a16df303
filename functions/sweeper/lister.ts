/**
 * One lister of the `sweep` state machine (statemachines/sweep.asl.yml): lists one service's
 * OnAir-tagged resources, reads the registry (one Scan), and returns only what the decider needs,
 * within Step Functions' payload limit (functions/lib/sweeper/tagged.ts forDecider says why and how).
 */
import * as z from 'zod/mini';
import { ddb } from '../lib/clients/dynamodb';
import { everyChannel, listChannels } from '../lib/channel/registry';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { logger } from '../lib/logger';
import { forDecider, type ListedResources, type ListerConfig, type TaggedResource } from '../lib/sweeper/tagged';

/** The execution's input (dryRun, graceSeconds) reaches every lister; they need none of it. */
const input = z.object({});

export function listerHandler(name: string, list: (config: ListerConfig) => Promise<TaggedResource[]>) {
  return stepHandler(name, input, async (): Promise<ListedResources> => {
    const [found, records] = await Promise.all([list({ stage: config.stage, region: config.region }), everyChannel({ list: (o) => listChannels({ ddb, tableName: config.channelsTable }, o) })]);
    const listed = forDecider(name, found, records);
    logger.info('listed', { found: listed.found, forDecider: listed.tagged.length, truncated: listed.truncated });
    return listed;
  });
}
