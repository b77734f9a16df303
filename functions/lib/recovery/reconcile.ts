/**
 * The reconciler: one pass over the registry. It costs 2 MediaLive calls per ON_AIR channel per
 * run (DescribeChannel + ListAlerts), out of an account-wide 5 TPS: `maxChannels` caps a pass
 * (60 channels ≈ 2 TPS over a minute) and rotates through the rest on later ticks.
 */
import { classifyAwsError, AwsThrottledError } from '../errors';
import { everyChannel } from '../channel/registry';
import { observeChannel, observeForReconcile } from './actions';
import { overdueTimers, processEvent, type RecoveryDeps } from './service';

export interface ReconcileSummary { channels: number; observed: number; timersFired: number; actions: number; errors: number }

export async function reconcileAll(deps: RecoveryDeps, options: { maxChannels?: number } = {}): Promise<ReconcileSummary> {
  const maxChannels = options.maxChannels ?? 60;
  const now = deps.now();
  const onAir = (await everyChannel(deps.registry)).filter((r) => r.status === 'ON_AIR' && r.desiredState === 'ON_AIR');
  onAir.sort((a, b) => a.channelId.localeCompare(b.channelId));
  const offset = onAir.length > maxChannels ? (Math.floor(now.getTime() / 60_000) * maxChannels) % onAir.length : 0;
  const batch = onAir.length > maxChannels ? [...onAir.slice(offset), ...onAir.slice(0, offset)].slice(0, maxChannels) : onAir;

  const summary: ReconcileSummary = { channels: onAir.length, observed: 0, timersFired: 0, actions: 0, errors: 0 };
  for (const record of batch) {
    try {
      for (const t of overdueTimers(record, now)) {
        const observation = t.key.startsWith('verify:') ? await observeChannel(deps, record) : undefined;
        const out = await processEvent(deps, record.channelId, {
          kind: 'timer', eventId: `timer-${t.key}-${t.dueAt}`, at: now.toISOString(), key: t.key, dueAt: t.dueAt, ...(observation ? { observation } : {}),
        });
        summary.timersFired += 1;
        summary.actions += out.actions.length;
      }
      const observed = await observeForReconcile(deps, record, now);
      const out = await processEvent(deps, record.channelId, observed);
      summary.observed += 1;
      summary.actions += out.actions.length;
    } catch (error) {
      // One channel's trouble must not starve the others; throttling ends the pass (next tick resumes).
      summary.errors += 1;
      if (classifyAwsError(error) instanceof AwsThrottledError) break;
    }
  }
  return summary;
}
