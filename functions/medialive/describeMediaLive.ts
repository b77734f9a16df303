/**
 * One poll of a MediaLive wait, shared by provisioning (channel created; RUNNING on every pipeline) and
 * teardown (channel stopped). Returns the poll result
 * the state machine's Choice and Wait read; gives up at the wait's bound (functions/lib/workflow.ts).
 */
import * as z from 'zod/mini';
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { ResourceFailedError } from '../lib/errors';
import { stepHandler } from '../lib/handler';
import { describeChannel } from '../lib/medialive/operations';
import { nextPoll, pollInput, previousOf, type PollResult } from '../lib/workflow';

const input = z.extend(pollInput, { poll: z.enum(['channelCreated', 'channelRunning', 'channelStopped']) });

/** States a starting channel cannot come back from by itself. */
const START_FAILED = new Set(['CREATE_FAILED', 'UPDATE_FAILED', 'DELETING', 'DELETED', 'STOPPING']);

export const handler = stepHandler('describeMediaLive', input, async (req): Promise<PollResult> => {
  const { channelId, poll } = req;
  const previous = previousOf(req);
  const deps = { medialive, registry, config };
  const record = await registry.get(channelId);
  switch (poll) {
    case 'channelCreated': {
      const s = await describeChannel(deps, record);
      if (!s.exists || s.state === 'CREATE_FAILED') throw new ResourceFailedError(`MediaLive channel ${record.resources.medialiveChannelId ?? '(none)'} is ${s.exists ? s.state : 'gone'} while being created`);
      return nextPoll(poll, previous, s.state !== 'CREATING', s.state);
    }
    case 'channelRunning': {
      const s = await describeChannel(deps, record);
      if (!s.exists || START_FAILED.has(s.state ?? '')) {
        throw new ResourceFailedError(`MediaLive channel ${record.resources.medialiveChannelId ?? '(none)'} is ${s.exists ? s.state : 'gone'} while starting`);
      }
      // MediaLive answers STARTING from StartChannel at once: IDLE well after the start was accepted
      // (10 s; or two looks, for a poll that carries no `since`) means the start failed.
      const sinceStart = previous.since ? Date.now() - Date.parse(previous.since) : 0;
      if (s.state === 'IDLE' && (previous.attempt >= 2 || sinceStart >= 10_000)) throw new ResourceFailedError(`MediaLive channel ${record.resources.medialiveChannelId} fell back to IDLE: the start failed`);
      const ready = s.state === 'RUNNING' && s.pipelinesRunning >= s.pipelinesTotal;
      return nextPoll(poll, previous, ready, `${s.state ?? 'unknown'} ${s.pipelinesRunning}/${s.pipelinesTotal} pipelines`);
    }
    case 'channelStopped': {
      const s = await describeChannel(deps, record);
      const ready = !s.exists || s.state === 'IDLE' || s.state === 'CREATE_FAILED' || s.state === 'UPDATE_FAILED';
      return nextPoll(poll, previous, ready, s.exists ? s.state : 'DELETED');
    }
  }
});
