/**
 * A MediaLive channel's schedule: actions that run at a fixed time or immediately. The twin acts on
 * input switches (InputSwitchSettings), sending "MediaLive Channel Input Change" for each running
 * pipeline; other actions are kept and listed.
 */
import type { ModelValue, OperationHandler } from '../../core/types';
import { arr, clone, obj, paginate, str } from '../media-util';
import { badRequest, type ChannelRec, type ScheduleActionRec } from './model';
import type { MediaLiveStore } from './store';
import { unprocessable, type ValidationIssue } from './validation';

export function scheduleOperations(s: MediaLiveStore): Record<string, OperationHandler> {
  return {
    BatchUpdateSchedule: (i) => batchUpdateSchedule(s, i),
    DescribeSchedule: (i) => describeSchedule(s, i),
    DeleteSchedule: (i) => deleteSchedule(s, i),
  };
}

function batchUpdateSchedule(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  const creates = arr(obj(input.Creates)?.ScheduleActions);
  const deletes = arr<string>(obj(input.Deletes)?.ActionNames);
  const issues: ValidationIssue[] = [];
  const names = new Set(ch.schedule.map((a) => a.ActionName));
  const attachments = new Set(arr(ch.spec.InputAttachments).map((a) => str(a.InputAttachmentName)).filter(Boolean));
  deletes.forEach((n, i) => {
    if (!names.has(n)) issues.push({ ElementPath: `deletes.actionNames[${i}]`, ErrorMessage: `Schedule action '${n}' does not exist` });
    names.delete(n);
  });
  creates.forEach((a, i) => {
    const name = str(a.ActionName) ?? '';
    if (names.has(name)) issues.push({ ElementPath: `creates.scheduleActions[${i}].actionName`, ErrorMessage: `Schedule action '${name}' already exists` });
    names.add(name);
    const sw = obj(obj(a.ScheduleActionSettings)?.InputSwitchSettings);
    if (sw) {
      const ref = str(sw.InputAttachmentNameReference);
      if (!ref || !attachments.has(ref)) issues.push({ ElementPath: `creates.scheduleActions[${i}].scheduleActionSettings.inputSwitchSettings.inputAttachmentNameReference`, ErrorMessage: `Input attachment '${ref ?? ''}' is not attached to channel ${ch.Id}` });
    }
    const start = obj(a.ScheduleActionStartSettings) ?? {};
    if (start.ImmediateModeScheduleActionStartSettings !== undefined && ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') {
      issues.push({ ElementPath: `creates.scheduleActions[${i}].scheduleActionStartSettings`, ErrorMessage: 'Immediate mode actions can only be created while the channel is running' });
    }
    const fixed = obj(start.FixedModeScheduleActionStartSettings);
    if (fixed && Number.isNaN(Date.parse(String(fixed.Time)))) {
      issues.push({ ElementPath: `creates.scheduleActions[${i}].scheduleActionStartSettings.fixedModeScheduleActionStartSettings.time`, ErrorMessage: `'${String(fixed.Time)}' is not an ISO 8601 time` });
    }
  });
  if (issues.length) throw unprocessable(issues, 'Invalid schedule update');

  const deleted = ch.schedule.filter((a) => deletes.includes(a.ActionName));
  ch.schedule = ch.schedule.filter((a) => !deletes.includes(a.ActionName));
  const created: ScheduleActionRec[] = creates.map((a) => ({
    ActionName: String(a.ActionName),
    ScheduleActionSettings: clone(obj(a.ScheduleActionSettings) ?? {}),
    ScheduleActionStartSettings: clone(obj(a.ScheduleActionStartSettings) ?? {}),
    done: false,
  }));
  ch.schedule.push(...created);
  for (const action of created) arm(s, ch, action);
  return {
    Creates: { ScheduleActions: created.map(actionOut) },
    Deletes: { ScheduleActions: deleted.map(actionOut) },
  };
}

function arm(s: MediaLiveStore, ch: ChannelRec, action: ScheduleActionRec): void {
  const start = action.ScheduleActionStartSettings;
  const fixed = obj(start.FixedModeScheduleActionStartSettings);
  const run = (): void => {
    if (action.done || !ch.schedule.includes(action)) return;
    action.done = true;
    execute(s, ch, action);
    s.env.changed();
  };
  if (fixed) {
    const at = Date.parse(String(fixed.Time));
    s.env.clock.setTimer(Math.max(0, at - s.env.clock.now()), run);
  } else if (start.ImmediateModeScheduleActionStartSettings !== undefined) {
    run();
  }
  // Follow-mode actions run when the action they follow ends; inputs here never end, so they wait.
}

function execute(s: MediaLiveStore, ch: ChannelRec, action: ScheduleActionRec): void {
  const sw = obj(action.ScheduleActionSettings.InputSwitchSettings);
  if (!sw || (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING')) return;
  const name = String(sw.InputAttachmentNameReference);
  ch.activeAttachment = name;
  ch.activeSwitchAction = action.ActionName;
  for (const p of ch.pipelines.filter((x) => x.running)) {
    s.emit(ch, 'MediaLive Channel Input Change', {
      channel_arn: ch.Arn,
      pipeline: p.PipelineId,
      message: `Input switch action ${action.ActionName} activated input attachment ${name}`,
      active_input_attachment_name: name,
      active_input_switch_action_name: action.ActionName,
    });
  }
}

function describeSchedule(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  const { page, next } = paginate(ch.schedule, input.MaxResults, input.NextToken, 100, badRequest);
  return { ScheduleActions: page.map(actionOut), NextToken: next };
}

function deleteSchedule(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  ch.schedule = [];
  return {};
}

function actionOut(a: ScheduleActionRec): ModelValue {
  return { ActionName: a.ActionName, ScheduleActionSettings: clone(a.ScheduleActionSettings), ScheduleActionStartSettings: clone(a.ScheduleActionStartSettings) };
}
