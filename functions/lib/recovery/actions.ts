/**
 * Running what the decision asked for, against AWS, from the deciders (recoveryEvents,
 * recoveryTimer, recoveryReconcile): SNS and Step Functions only. NOTIFY, PAGE and STOP run here,
 * inline; SWITCH_INPUT and RESTART run in a `recover` execution (mode `act`,
 * statemachines/recover.asl.yml) whose Act task is recoveryMediaLive (functions/lib/recovery/medialive.ts)
 * and whose Report task hands the result back to recoveryTimer — so no decider bundles the
 * MediaLive client (~70 KB of schemas: every recovery bundle stays ≤ 400 KB, docs/BENCHMARKS.md).
 * Each action is idempotent when retried with the same action id (execution names derive from it)
 * and returns {ok, detail} instead of throwing for what AWS refuses: a refusal is a failed attempt
 * that counts toward the circuit breaker, not a Lambda error to retry forever.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { classifyAwsError } from '../errors';
import { publishNotice, subjectLine } from '../notify';
import type { ChannelRecord, ChannelRegistry } from '../channel/registry';
import { refusal, type ActionResult } from './results';
import type { ActionSpec, MediaLiveActionSpec, PlannedAction, Timer } from './types';

export type { ActionResult } from './results';

export interface RecoveryDeps {
  sns: SNSClient;
  sfn: SFNClient;
  registry: ChannelRegistry;
  topicArn: string;
  stage: string;
  /**
   * statemachines/recover.asl.yml: waits until a timer's due time, then calls recoveryTimer; or
   * (mode `act`) runs a MediaLive action with recoveryMediaLive and reports its result.
   */
  recoverStateMachineArn: string;
  /** statemachines/observe.asl.yml (EXPRESS): the reconciler's look at one channel, then its decision. */
  observeStateMachineArn: string;
  stopStateMachineArn: string;
  now: () => Date;
}

/** An action's outcome; `started`: a recover execution runs it and will report the result itself. */
export interface ActionOutcome extends ActionResult { started?: boolean }

/** The actions recoveryMediaLive runs, in a recover execution. */
export function isMediaLiveAction(spec: ActionSpec): spec is MediaLiveActionSpec {
  return spec.type === 'SWITCH_INPUT' || spec.type === 'RESTART';
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

/**
 * Execution names allow 1–80 of [A-Za-z0-9-_] (StartExecution `name`). The generation keeps a
 * channel id created again (its action ids restart at r1) from meeting the old channel's names,
 * which Standard workflows keep for 90 days.
 */
export function actExecutionName(record: Pick<ChannelRecord, 'channelId' | 'generation'>, actionId: string): string {
  return `${record.channelId}-${record.generation}-${actionId}`.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 80);
}

/**
 * SWITCH_INPUT / RESTART: starts the recover execution that runs it (recoveryMediaLive) and reports
 * the result to recoveryTimer, which feeds it back as the inline actions' results are. Starting
 * twice (same name and input) is one execution (Step Functions, StartExecution: idempotent for
 * Standard workflows with the same name and input).
 */
async function startMediaLiveAction(deps: RecoveryDeps, record: ChannelRecord, action: PlannedAction, spec: MediaLiveActionSpec): Promise<ActionOutcome> {
  const medialiveChannelId = record.resources.medialiveChannelId;
  if (!medialiveChannelId) return { ok: false, detail: 'the channel has no MediaLive channel' };
  const name = actExecutionName(record, action.actionId);
  try {
    await deps.sfn.send(new StartExecutionCommand({
      stateMachineArn: deps.recoverStateMachineArn,
      name,
      input: JSON.stringify({ mode: 'act', channelId: record.channelId, medialiveChannelId, actionId: action.actionId, spec }),
    }));
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw classifyAwsError(error);
  }
  return { ok: true, detail: `started (recover execution ${name})`, started: true };
}

export async function executeAction(deps: RecoveryDeps, record: ChannelRecord, action: PlannedAction): Promise<ActionOutcome> {
  const spec = action.spec;
  switch (spec.type) {
    case 'SWITCH_INPUT':
    case 'RESTART': return startMediaLiveAction(deps, record, action, spec);
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
 * derived from (channel, key, due time), so arming twice starts one execution. A verify timer
 * carries the MediaLive channel id: its execution observes the channel (recoveryMediaLive) first.
 */
export async function armTimer(deps: RecoveryDeps, channelId: string, timer: Timer, medialiveChannelId?: string): Promise<void> {
  await startTimer(deps, channelId, timer, timerExecutionName(channelId, timer), medialiveChannelId);
}

/**
 * A timer whose execution was lost (the reconciler): a verify timer runs in a recover execution
 * that waits 0 s (it needs the Observe task); one per reconciler minute, so a failed one is retried.
 */
export async function fireLateTimer(deps: RecoveryDeps, channelId: string, timer: Timer, medialiveChannelId: string): Promise<void> {
  const minute = Math.floor(deps.now().getTime() / 60_000) % 1e8;
  await startTimer(deps, channelId, timer, `${timerExecutionName(channelId, timer).slice(0, 66)}-late-${minute}`, medialiveChannelId);
}

async function startTimer(deps: RecoveryDeps, channelId: string, timer: Timer, name: string, medialiveChannelId?: string): Promise<void> {
  const observe = timer.key.startsWith('verify:') && medialiveChannelId ? { medialiveChannelId } : {};
  try {
    await deps.sfn.send(new StartExecutionCommand({
      stateMachineArn: deps.recoverStateMachineArn,
      name,
      // Relative seconds, not the timestamp: the Wait then runs on the state machine's own clock
      // (identical on AWS; on the local cloud, the twin's scaled clock).
      input: JSON.stringify({ channelId, key: timer.key, dueAt: timer.dueAt, waitSeconds: Math.max(0, Math.ceil((Date.parse(timer.dueAt) - deps.now().getTime()) / 1000)), ...observe }),
    }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    throw classifyAwsError(error);
  }
}

/**
 * The reconciler hands one channel to statemachines/observe.asl.yml (EXPRESS): Observe
 * (recoveryMediaLive: DescribeChannel + ListAlerts SET) → Decide (recoveryTimer). Express
 * executions are at-least-once and their names are not idempotent (Step Functions DG, "Execution
 * guarantees", https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html):
 * the decision's event id (`reconcile-<channel>-<minute>`) is what makes a repeat change nothing.
 */
export async function startObserve(deps: RecoveryDeps, record: ChannelRecord, medialiveChannelId: string, now: Date): Promise<void> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  try {
    await deps.sfn.send(new StartExecutionCommand({
      stateMachineArn: deps.observeStateMachineArn,
      name: `${record.channelId}-${Math.floor(minute.getTime() / 60_000)}`,
      input: JSON.stringify({ channelId: record.channelId, medialiveChannelId, minute: minute.toISOString() }),
    }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    throw classifyAwsError(error);
  }
}

/** The decision's event id for the reconciler's look at a channel: one per channel per minute. */
export function observedEventId(channelId: string, minute: string): string {
  return `reconcile-${channelId}-${minute}`;
}
