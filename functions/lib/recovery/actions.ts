/**
 * Running what the decision asked for, against AWS. Each action is idempotent when retried with
 * the same action id (schedule action names and execution names derive from it), and returns
 * {ok, detail} instead of throwing for what AWS refuses: a refusal is a failed attempt that counts
 * toward the circuit breaker, not a Lambda error to retry forever.
 */
import {
  BatchUpdateScheduleCommand, DescribeChannelCommand, ListAlertsCommand, RestartChannelPipelinesCommand, StartChannelCommand,
  type MediaLiveClient, type PipelineId,
} from '@aws-sdk/client-medialive';
import type { SNSClient } from '@aws-sdk/client-sns';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { classifyAwsError, AwsThrottledError, AwsTransientError } from '../errors';
import { publishNotice, subjectLine } from '../notify';
import type { ChannelRecord, ChannelRegistry } from '../channel/registry';
import type { ActionSpec, ChannelObservation, ObservedEvent, PlannedAction, Timer } from './types';

export interface RecoveryDeps {
  medialive: MediaLiveClient;
  sns: SNSClient;
  sfn: SFNClient;
  registry: ChannelRegistry;
  topicArn: string;
  stage: string;
  /** statemachines/recover.asl.yml: waits until a timer's due time, then calls recoveryTimer. */
  recoverStateMachineArn: string;
  stopStateMachineArn: string;
  now: () => Date;
}

export interface ActionResult { ok: boolean; detail: string }

/** Throttling and transient AWS errors propagate (the invocation is retried); the rest are results. */
function refusal(error: unknown): ActionResult {
  const c = classifyAwsError(error);
  if (c instanceof AwsThrottledError || c instanceof AwsTransientError) throw c;
  const e = error as { name?: string; message?: string };
  return { ok: false, detail: `${e.name ?? 'Error'}: ${e.message ?? String(error)}`.slice(0, 300) };
}

export const SCHEDULE_ACTION_PREFIX = 'onair-rcv-';

/** MediaLive answers a duplicate schedule action name with a 422 whose details say "already exists". */
function alreadyExists(error: unknown): boolean {
  const e = error as { message?: string; ValidationErrors?: unknown };
  return /already exists/i.test(`${e.message ?? ''} ${JSON.stringify(e.ValidationErrors ?? [])}`);
}

async function publish(deps: RecoveryDeps, record: ChannelRecord, kind: string, text: string, lines: string[]): Promise<ActionResult> {
  const tag = deps.stage === 'prod' ? '' : ` [${deps.stage}]`;
  try {
    const { messageId } = await publishNotice(deps, kind, record.channelId, { subject: subjectLine(`OnAir${tag}: ${text}`), message: lines.join('\n') });
    return { ok: true, detail: `published ${messageId ?? ''}`.trim() };
  } catch (error) {
    return refusal(error);
  }
}

/** Which attachment an input switch goes to: the first is the primary (provisioning attaches it). */
export function pickAttachment(attachments: string[], to: 'primary' | 'backup' | 'slate'): string | undefined {
  if (to === 'primary') return attachments[0];
  if (to === 'slate') return attachments.find((n) => n.endsWith('-slate'));
  return attachments.slice(1).find((n) => !n.endsWith('-slate')) ?? attachments.slice(1)[0];
}

async function switchInput(deps: RecoveryDeps, record: ChannelRecord, action: PlannedAction, to: 'primary' | 'backup' | 'slate'): Promise<ActionResult> {
  const id = record.resources.medialiveChannelId;
  if (!id) return { ok: false, detail: 'the channel has no MediaLive channel' };
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
    const actionName = `${SCHEDULE_ACTION_PREFIX}${action.actionId}-${to}`;
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

async function restart(deps: RecoveryDeps, record: ChannelRecord, pipelines: string[]): Promise<ActionResult> {
  const id = record.resources.medialiveChannelId;
  if (!id) return { ok: false, detail: 'the channel has no MediaLive channel' };
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

async function stop(deps: RecoveryDeps, record: ChannelRecord, action: PlannedAction, spec: Extract<ActionSpec, { type: 'STOP' }>): Promise<ActionResult> {
  const announced = await publish(deps, record, 'RECOVERY_STOPPING', spec.subject, spec.lines);
  try {
    const out = await deps.sfn.send(new StartExecutionCommand({
      stateMachineArn: deps.stopStateMachineArn,
      name: `recovery-${record.channelId}-${action.actionId}`.slice(0, 80),
      input: JSON.stringify({ channelId: record.channelId, reason: 'recovery' }),
    }));
    return { ok: true, detail: `stop workflow started (${out.executionArn ?? ''})${announced.ok ? '' : `; announcement failed: ${announced.detail}`}` };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return { ok: true, detail: 'stop workflow already started' };
    return refusal(error);
  }
}

export async function executeAction(deps: RecoveryDeps, record: ChannelRecord, action: PlannedAction): Promise<ActionResult> {
  const spec = action.spec;
  switch (spec.type) {
    case 'SWITCH_INPUT': return switchInput(deps, record, action, spec.to);
    case 'RESTART': return restart(deps, record, spec.pipelines);
    case 'NOTIFY': return publish(deps, record, 'RECOVERY_NOTICE', spec.subject, spec.lines);
    case 'PAGE': return publish(deps, record, 'RECOVERY_PAGE', spec.subject, spec.lines);
    case 'STOP': return stop(deps, record, action, spec);
  }
}

/** Execution names allow 1–80 of [A-Za-z0-9-_]. */
export function timerExecutionName(channelId: string, timer: Timer): string {
  const due = Math.floor(Date.parse(timer.dueAt) / 1000);
  return `${channelId}-${timer.key.replace(/[^A-Za-z0-9-_]/g, '-')}-${due}`.slice(0, 80);
}

/**
 * Arms a timer: a recover execution that waits until dueAt, then calls recoveryTimer. The name is
 * derived from (channel, key, due time), so arming twice starts one execution.
 */
export async function armTimer(deps: RecoveryDeps, channelId: string, timer: Timer): Promise<void> {
  try {
    await deps.sfn.send(new StartExecutionCommand({
      stateMachineArn: deps.recoverStateMachineArn,
      name: timerExecutionName(channelId, timer),
      // Relative seconds, not the timestamp: the Wait then runs on the state machine's own clock
      // (identical on AWS; on the local cloud, the twin's scaled clock).
      input: JSON.stringify({ channelId, key: timer.key, dueAt: timer.dueAt, waitSeconds: Math.max(0, Math.ceil((Date.parse(timer.dueAt) - deps.now().getTime()) / 1000)) }),
    }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    throw classifyAwsError(error);
  }
}

/** DescribeChannel in the decision's terms (IDLE for a deleted/missing channel). */
export async function observeChannel(deps: Pick<RecoveryDeps, 'medialive'>, record: ChannelRecord): Promise<ChannelObservation> {
  const id = record.resources.medialiveChannelId;
  if (!id) return { channelState: 'IDLE', pipelinesRunning: 0 };
  const ch = await deps.medialive.send(new DescribeChannelCommand({ ChannelId: id }));
  return { channelState: ch.State ?? 'UNKNOWN', pipelinesRunning: ch.PipelinesRunningCount ?? 0 };
}

/** The reconciler's look at one channel: DescribeChannel + ListAlerts (SET). */
export async function observeForReconcile(deps: Pick<RecoveryDeps, 'medialive'>, record: ChannelRecord, now: Date): Promise<ObservedEvent> {
  const observation = await observeChannel(deps, record);
  const setAlerts: ObservedEvent['setAlerts'] = [];
  const id = record.resources.medialiveChannelId;
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
  // One id per channel per minute: a tick redelivered within the minute changes nothing twice.
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  return { kind: 'observed', eventId: `reconcile-${record.channelId}-${minute}`, at: now.toISOString(), observation, setAlerts };
}
