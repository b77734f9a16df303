/**
 * Recovery's MediaLive calls, run by recoveryMediaLive (functions/recovery/medialive.ts) only: the
 * MediaLive client's schemas reach the whole EncoderSettings tree (DescribeChannel's response),
 * ~70 KB of a bundle, so the deciders (DynamoDB, SNS, Step Functions) never import this module and
 * stay under the 400 KB bundle budget (docs/BENCHMARKS.md). Registry-free: every call is given the
 * MediaLive channel id. Each action is idempotent when retried with the same action id (the
 * schedule action's name derives from it) and returns {ok, detail} for what AWS refuses
 * (results.ts); throttling and transient faults are thrown, so the state machine retries the task.
 */
import {
  BatchUpdateScheduleCommand, DescribeChannelCommand, ListAlertsCommand, RestartChannelPipelinesCommand, StartChannelCommand,
  type MediaLiveClient, type PipelineId,
} from '@aws-sdk/client-medialive';
import { refusal, type ActionResult } from './results';
import type { ChannelObservation, MediaLiveActionSpec, ObservedEvent } from './types';

export interface MediaLiveDeps { medialive: MediaLiveClient }

export const SCHEDULE_ACTION_PREFIX = 'onair-rcv-';

/** MediaLive answers a duplicate schedule action name with a 422 whose details say "already exists". */
function alreadyExists(error: unknown): boolean {
  const e = error as { message?: string; ValidationErrors?: unknown };
  return /already exists/i.test(`${e.message ?? ''} ${JSON.stringify(e.ValidationErrors ?? [])}`);
}

/** Which attachment an input switch goes to: the first is the primary (provisioning attaches it). */
export function pickAttachment(attachments: string[], to: 'primary' | 'backup' | 'slate'): string | undefined {
  if (to === 'primary') return attachments[0];
  if (to === 'slate') return attachments.find((n) => n.endsWith('-slate'));
  return attachments.slice(1).find((n) => !n.endsWith('-slate')) ?? attachments.slice(1)[0];
}

async function switchInput(deps: MediaLiveDeps, id: string, actionId: string, to: 'primary' | 'backup' | 'slate'): Promise<ActionResult> {
  try {
    const ch = await deps.medialive.send(new DescribeChannelCommand({ ChannelId: id }));
    const names = (ch.InputAttachments ?? []).map((a) => a.InputAttachmentName).filter((n): n is string => Boolean(n));
    const target = pickAttachment(names, to);
    if (!target) {
      return {
        ok: false,
        detail: to === 'slate'
          ? `MediaLive channel ${id} has no slate input attached (no attachment named *-slate); OnAir's provisioning does not create slate inputs yet: attach one, or use target "backup"`
          : `MediaLive channel ${id} has no backup input attached (only ${names.join(', ') || 'none'}): attach a second input to switch to`,
      };
    }
    if (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') return { ok: false, detail: `MediaLive channel ${id} is ${ch.State ?? 'unknown'}: inputs switch only while running` };
    const actionName = `${SCHEDULE_ACTION_PREFIX}${actionId}-${to}`;
    try {
      await deps.medialive.send(new BatchUpdateScheduleCommand({
        ChannelId: id,
        Creates: {
          ScheduleActions: [{
            ActionName: actionName,
            ScheduleActionSettings: { InputSwitchSettings: { InputAttachmentNameReference: target } },
            ScheduleActionStartSettings: { ImmediateModeScheduleActionStartSettings: {} },
          }],
        },
      }));
    } catch (error) {
      // A retried invocation finds the action it created the first time: done, not a failure.
      if (alreadyExists(error)) return { ok: true, detail: `switched to ${target} (schedule action ${actionName})` };
      throw error;
    }
    return { ok: true, detail: `switched to ${target} (schedule action ${actionName})` };
  } catch (error) {
    return refusal(error);
  }
}

async function restart(deps: MediaLiveDeps, id: string, pipelines: string[]): Promise<ActionResult> {
  try {
    const ch = await deps.medialive.send(new DescribeChannelCommand({ ChannelId: id }));
    switch (ch.State) {
      case 'IDLE':
        await deps.medialive.send(new StartChannelCommand({ ChannelId: id }));
        return { ok: true, detail: `StartChannel ${id}` };
      case 'RUNNING':
      case 'RECOVERING': {
        const ids = pipelines.map((p) => `PIPELINE_${p}` as PipelineId);
        await deps.medialive.send(new RestartChannelPipelinesCommand({ ChannelId: id, ...(ids.length ? { PipelineIds: ids } : {}) }));
        return { ok: true, detail: `RestartChannelPipelines ${id} ${ids.length ? ids.join(', ') : '(all pipelines)'}` };
      }
      case 'STARTING':
        return { ok: true, detail: `MediaLive channel ${id} is already STARTING` };
      default:
        return { ok: false, detail: `MediaLive channel ${id} is ${ch.State ?? 'unknown'}: cannot restart it` };
    }
  } catch (error) {
    return refusal(error);
  }
}

/** Runs a SWITCH_INPUT or RESTART the decision committed (action id `actionId`) on MediaLive channel `id`. */
export async function runMediaLiveAction(deps: MediaLiveDeps, id: string, actionId: string, spec: MediaLiveActionSpec): Promise<ActionResult> {
  return spec.type === 'SWITCH_INPUT' ? switchInput(deps, id, actionId, spec.to) : restart(deps, id, spec.pipelines);
}

/** DescribeChannel in the decision's terms (IDLE for a channel without a MediaLive channel). */
export async function observeChannel(deps: MediaLiveDeps, id: string | undefined): Promise<ChannelObservation> {
  if (!id) return { channelState: 'IDLE', pipelinesRunning: 0 };
  const ch = await deps.medialive.send(new DescribeChannelCommand({ ChannelId: id }));
  return { channelState: ch.State ?? 'UNKNOWN', pipelinesRunning: ch.PipelinesRunningCount ?? 0 };
}

/** The reconciler's look at one channel: DescribeChannel + ListAlerts (SET) while it runs. */
export async function observeWithAlerts(deps: MediaLiveDeps, id: string | undefined, now: Date): Promise<Pick<ObservedEvent, 'observation' | 'setAlerts'>> {
  const observation = await observeChannel(deps, id);
  const setAlerts: ObservedEvent['setAlerts'] = [];
  if (id && (observation.channelState === 'RUNNING' || observation.channelState === 'RECOVERING')) {
    let token: string | undefined;
    do {
      const out = await deps.medialive.send(new ListAlertsCommand({ ChannelId: id, StateFilter: 'SET', MaxResults: 100, NextToken: token }));
      for (const a of out.Alerts ?? []) {
        if (!a.Id || !a.AlertType) continue;
        setAlerts.push({ alarmId: a.Id, alertType: a.AlertType, pipeline: a.PipelineId ?? '0', setAt: (a.SetTimestamp ?? now).toISOString(), message: a.Message ?? '' });
      }
      token = out.NextToken;
    } while (token);
  }
  return { observation, setAlerts };
}
