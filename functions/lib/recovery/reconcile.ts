/**
 * The reconciler: one pass over the registry. For each ON_AIR channel it fires the timers whose
 * execution was lost and starts an `observe` execution (statemachines/observe.asl.yml, EXPRESS):
 * recoveryMediaLive looks (DescribeChannel + ListAlerts SET), recoveryTimer decides — so this
 * function calls DynamoDB and Step Functions only (no MediaLive client in its bundle). That is 2
 * MediaLive calls per ON_AIR channel per run, out of an account-wide 5 TPS: `maxChannels` caps a
 * pass (60 channels ≈ 2 TPS over a minute; the MediaLive client queues its calls on the account's
 * budget, functions/lib/admission.ts, and the Observe task retries throttling) and rotates through
 * the rest on later ticks.
 */
import { classifyAwsError, AwsThrottledError } from '../errors';
import { everyChannel } from '../channel/registry';
import { fireLateTimer, observedEventId, startObserve } from './actions';
import { overdueTimers, processEvent, type RecoveryDeps } from './service';
import type { ChannelObservation } from './types';

export interface ReconcileSummary { channels: number; observed: number; timersFired: number; actions: number; errors: number }

/** What DescribeChannel would say of a channel that has no MediaLive channel (nothing to ask). */
const NO_CHANNEL: ChannelObservation = { channelState: 'IDLE', pipelinesRunning: 0 };

export async function reconcileAll(deps: RecoveryDeps, options: { maxChannels?: number } = {}): Promise<ReconcileSummary> {
  const maxChannels = options.maxChannels ?? 60;
  const now = deps.now();
  const onAir = (await everyChannel(deps.registry)).filter((r) => r.status === 'ON_AIR' && r.desiredState === 'ON_AIR');
  onAir.sort((a, b) => a.channelId.localeCompare(b.channelId));
  const offset = onAir.length > maxChannels ? (Math.floor(now.getTime() / 60_000) * maxChannels) % onAir.length : 0;
  const batch = onAir.length > maxChannels ? [...onAir.slice(offset), ...onAir.slice(0, offset)].slice(0, maxChannels) : onAir;

  const summary: ReconcileSummary = { channels: onAir.length, observed: 0, timersFired: 0, actions: 0, errors: 0 };
  for (const record of batch) {
    const medialiveChannelId = record.resources.medialiveChannelId;
    try {
      for (const t of overdueTimers(record, now)) {
        if (t.key.startsWith('verify:') && medialiveChannelId) {
          // A verify timer needs the channel's state: its recover execution observes it first.
          await fireLateTimer(deps, record.channelId, t, medialiveChannelId);
        } else {
          const out = await processEvent(deps, record.channelId, {
            kind: 'timer', eventId: `timer-${t.key}-${t.dueAt}`, at: now.toISOString(), key: t.key, dueAt: t.dueAt,
            ...(t.key.startsWith('verify:') ? { observation: NO_CHANNEL } : {}),
          });
          summary.actions += out.actions.length;
        }
        summary.timersFired += 1;
      }
      if (medialiveChannelId) {
        await startObserve(deps, record, medialiveChannelId, now);
      } else {
        const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
        const out = await processEvent(deps, record.channelId, {
          kind: 'observed', eventId: observedEventId(record.channelId, minute), at: now.toISOString(), observation: NO_CHANNEL, setAlerts: [],
        });
        summary.actions += out.actions.length;
      }
      summary.observed += 1;
    } catch (error) {
      // One channel's trouble must not starve the others; throttling ends the pass (next tick resumes).
      summary.errors += 1;
      if (classifyAwsError(error) instanceof AwsThrottledError) break;
    }
  }
  return summary;
}
