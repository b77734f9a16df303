/**
 * MediaLive alerts on a channel's pipelines (ListAlerts), raised and cleared by the twin's control
 * API as MediaLive would on a real fault; each one goes to EventBridge as "MediaLive Channel Alert".
 */
import type { ModelValue, OperationHandler } from '../../core/types';
import { duration, paginate, randomHex, str } from '../media-util';
import { MEDIALIVE_DURATIONS, badRequest, conflict, notFound, type AlertRec, type ChannelRec } from './model';
import type { MediaLiveStore } from './store';

export function alertOperations(s: MediaLiveStore): Record<string, OperationHandler> {
  return {
    ListAlerts: (i) => listAlerts(s, i),
  };
}

function listAlerts(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  expireAlerts(s, ch);
  const filter = str(input.StateFilter);
  const alerts = ch.alerts.filter((a) => !filter || a.State === filter);
  const { page, next } = paginate(alerts, input.MaxResults, input.NextToken, 100, badRequest);
  return { Alerts: page.map((a) => ({ ...a })), NextToken: next };
}

/** Cleared alerts stay listed for a while (about 5 minutes on AWS), then drop out. */
function expireAlerts(s: MediaLiveStore, ch: ChannelRec): void {
  const keep = duration(s.env, MEDIALIVE_DURATIONS.clearedAlertRetention);
  const now = s.env.clock.now();
  ch.alerts = ch.alerts.filter((a) => !a.ClearedTimestamp || now - a.ClearedTimestamp.getTime() < keep);
}

/** Raises an alert on a running channel's pipeline; returns its alarm id. */
export function raiseAlert(s: MediaLiveStore, channelId: string, alert: { pipeline?: string; alertType: string; message?: string }): string {
  const ch = s.liveChannel(channelId);
  const pipeline = alert.pipeline ?? '0';
  if (!ch.pipelines.some((p) => p.PipelineId === pipeline)) throw badRequest(`Channel ${ch.Id} has no pipeline ${pipeline}`);
  if (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') throw conflict(`Channel ${ch.Id} is ${ch.State}: alerts are raised on running channels`);
  const existing = ch.alerts.find((a) => a.State === 'SET' && a.AlertType === alert.alertType && a.PipelineId === pipeline);
  if (existing) return existing.Id;
  const rec: AlertRec = {
    Id: randomHex(40),
    AlertType: alert.alertType,
    Message: alert.message ?? `${alert.alertType} on pipeline ${pipeline}`,
    PipelineId: pipeline,
    SetTimestamp: new Date(s.env.clock.now()),
    State: 'SET',
  };
  ch.alerts.push(rec);
  alertEvent(s, ch, rec);
  return rec.Id;
}

/** Clears an alert by alarm id, or every SET alert of a type on a pipeline. Returns the cleared ids. */
export function clearAlert(s: MediaLiveStore, channelId: string, which: { alarmId?: string; alertType?: string; pipeline?: string }): string[] {
  const ch = s.liveChannel(channelId);
  const cleared: string[] = [];
  for (const a of ch.alerts) {
    if (a.State !== 'SET') continue;
    const match = which.alarmId ? a.Id === which.alarmId : a.AlertType === which.alertType && (which.pipeline === undefined || a.PipelineId === which.pipeline);
    if (!match) continue;
    a.State = 'CLEARED';
    a.ClearedTimestamp = new Date(s.env.clock.now());
    alertEvent(s, ch, a);
    cleared.push(a.Id);
  }
  if (cleared.length === 0) throw notFound(`No SET alert matches on channel ${ch.Id}`);
  return cleared;
}

function alertEvent(s: MediaLiveStore, ch: ChannelRec, a: AlertRec): void {
  s.emit(ch, 'MediaLive Channel Alert', {
    alarm_state: a.State,
    alarm_id: a.Id,
    alert_type: a.AlertType,
    pipeline: a.PipelineId,
    channel_arn: ch.Arn,
    message: a.Message,
  });
}
