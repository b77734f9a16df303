/**
 * AWS Elemental MediaLive, as behaviour: input security groups, inputs, channels with their pipelines,
 * the schedule (input switches), alerts, tags — in the model's member names (the SDK v3 Command shapes).
 *
 * States and transitions follow AWS (aws-facts.md): channel CREATING → IDLE → STARTING → RUNNING →
 * STOPPING → IDLE → DELETING → DELETED (+ RECOVERING, UPDATING); input CREATING → DETACHED ⇄ ATTACHED →
 * DELETING → DELETED; security group IDLE ⇄ IN_USE (+ UPDATING, DELETED). Every duration is a named
 * figure of the latency profile; events go to the twin's EventBus as EventBridge would deliver them.
 *
 * One file per resource, over one store (store.ts) of the twin's MediaLive resources:
 * input-security-groups.ts, inputs.ts, channels.ts (with pipelines.ts), schedule.ts, alerts.ts, tags.ts;
 * model.ts holds the records, validation.ts the checks the service model cannot express. This file
 * wires them into the service and serves the control API for tests.
 */
import type { InventoryItem, OperationHandler, ServiceBehaviour, TwinEnv, TwinRoute } from '../../core/types';
import { control, parseJsonBody, str } from '../media-util';
import { registerMedia, type MediaLiveChannelView } from '../media-registry';
import { alertOperations, clearAlert, raiseAlert } from './alerts';
import { channelOperations, channelViews } from './channels';
import { inputOperations } from './inputs';
import { securityGroupOperations } from './input-security-groups';
import { SERVICE, badRequest, notFound } from './model';
import { failPipeline, stopPipeline } from './pipelines';
import { scheduleOperations } from './schedule';
import { MediaLiveStore } from './store';
import { tagOperations } from './tags';

export { MEDIALIVE_DURATIONS, type AlertRec } from './model';

export class MediaLiveService implements ServiceBehaviour {
  readonly signingName = SERVICE;
  readonly operations: Readonly<Record<string, OperationHandler>>;
  readonly routes: TwinRoute[];
  private readonly store: MediaLiveStore;

  // MediaLive's API rate limit (5 TPS, burst 30, every operation, per account) is applied by the
  // twin's server in front of these operations (local/core/latency.ts RATE_LIMITS).
  constructor(env: TwinEnv) {
    const store = new MediaLiveStore(env);
    this.store = store;
    this.operations = {
      ...securityGroupOperations(store),
      ...inputOperations(store),
      ...channelOperations(store),
      ...scheduleOperations(store),
      ...alertOperations(store),
      ...tagOperations(store),
    };
    this.routes = [{ prefix: '/_twin/medialive/', handle: (req) => this.controlRoute(req.method, req.path, req.body) }];
    registerMedia(env, { medialive: this });
  }

  /**
   * Control API for tests, under /_twin/medialive/channels/{id}/…:
   *   POST   alerts                      {pipeline?, alertType, message?} → {alarmId}
   *   DELETE alerts/{alarmId}                                             → {cleared}
   *   POST   alerts/clear                {alertType, pipeline?}          → {cleared}
   *   POST   pipelines/{n}/fail   (RECOVERING, MediaLive restarts it)     → {}
   *   POST   pipelines/{n}/stop   (stays down until RestartChannelPipelines) → {}
   */
  private controlRoute(method: string, path: string, body: Buffer) {
    return control(() => {
      const m = /^\/_twin\/medialive\/channels\/([^/]+)\/(alerts(?:\/clear|\/[^/]+)?|pipelines\/(\d)\/(fail|stop))$/.exec(path);
      if (!m) throw notFound(`no MediaLive control route ${method} ${path}`);
      const channelId = decodeURIComponent(m[1]!);
      const what = m[2]!;
      const b = parseJsonBody(body);
      if (what === 'alerts' && method === 'POST') {
        const alertType = str(b.alertType);
        if (!alertType) throw badRequest('alertType is required');
        return { alarmId: this.raiseAlert(channelId, { alertType, pipeline: str(b.pipeline), message: str(b.message) }) };
      }
      if (what === 'alerts/clear' && method === 'POST') {
        return { cleared: this.clearAlert(channelId, { alertType: str(b.alertType), pipeline: str(b.pipeline), alarmId: str(b.alarmId) }) };
      }
      if (what.startsWith('alerts/') && method === 'DELETE') {
        return { cleared: this.clearAlert(channelId, { alarmId: decodeURIComponent(what.slice('alerts/'.length)) }) };
      }
      if (m[3] !== undefined && method === 'POST') {
        if (m[4] === 'fail') this.failPipeline(channelId, m[3]);
        else this.stopPipeline(channelId, m[3]);
        return {};
      }
      throw notFound(`no MediaLive control route ${method} ${path}`);
    });
  }

  /** Raises an alert on a running channel's pipeline; returns its alarm id. */
  raiseAlert(channelId: string, alert: { pipeline?: string; alertType: string; message?: string }): string {
    return raiseAlert(this.store, channelId, alert);
  }

  /** Clears an alert by alarm id, or every SET alert of a type on a pipeline. Returns the cleared ids. */
  clearAlert(channelId: string, which: { alarmId?: string; alertType?: string; pipeline?: string }): string[] {
    return clearAlert(this.store, channelId, which);
  }

  /** A pipeline fails: the channel goes RECOVERING and MediaLive restarts the pipeline by itself. */
  failPipeline(channelId: string, pipeline = '0'): void {
    failPipeline(this.store, channelId, pipeline);
  }

  /** A pipeline stops and stays stopped until RestartChannelPipelines or a stop/start. */
  stopPipeline(channelId: string, pipeline = '0'): void {
    stopPipeline(this.store, channelId, pipeline);
  }

  /** Read-only view of channels for playback. */
  channelViews(): MediaLiveChannelView[] {
    return channelViews(this.store);
  }

  inventory(): InventoryItem[] {
    return this.store.inventory();
  }

  snapshot(): unknown {
    return this.store.snapshot();
  }

  restore(state: unknown): void {
    this.store.restore(state);
  }
}

export function createMediaLive(env: TwinEnv): MediaLiveService {
  return new MediaLiveService(env);
}
