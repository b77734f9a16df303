/**
 * The MediaLive resources of one twin, and what every resource's behaviour shares: lookups, ids,
 * RequestId idempotency, retention of deleted resources, the events MediaLive sends to EventBridge,
 * the inventory and the snapshot that survives a restart.
 */
import type { InventoryItem, ModelValue, TwinEnv } from '../../core/types';
import { duration, fingerprint, randomDigits, str, Transitions } from '../media-util';
import {
  MEDIALIVE_DURATIONS, SERVICE, conflict, groupState, notFound,
  type ChannelRec, type ChannelState, type InputRec, type SecurityGroupRec, type TokenRec,
} from './model';

export class MediaLiveStore {
  readonly groups = new Map<string, SecurityGroupRec>();
  readonly inputs = new Map<string, InputRec>();
  readonly channels = new Map<string, ChannelRec>();
  /** When each running channel first had a pipeline up (playback reads it). */
  readonly startedAt = new Map<string, number>();
  readonly transitions: Transitions;
  private readonly tokens = new Map<string, TokenRec>();

  constructor(readonly env: TwinEnv) {
    this.transitions = new Transitions(env, SERVICE);
  }

  // ───────────────────────────── lookups ─────────────────────────────

  group(id: unknown): SecurityGroupRec {
    const g = typeof id === 'string' ? this.groups.get(id) : undefined;
    if (!g || g.deleted) throw notFound(`Input security group ${String(id)} not found`);
    return g;
  }

  channel(id: unknown): ChannelRec {
    const ch = typeof id === 'string' ? this.channels.get(id) : undefined;
    if (!ch) throw notFound(`Channel ${String(id)} not found`);
    return ch;
  }

  liveChannel(id: unknown): ChannelRec {
    const ch = this.channel(id);
    if (ch.State === 'DELETED') throw notFound(`Channel ${String(id)} not found`);
    return ch;
  }

  // ───────────────────────────── ids and retention ─────────────────────────────

  newId<T>(store: Map<string, T>, digits: number): string {
    let id = randomDigits(digits);
    while (store.has(id)) id = randomDigits(digits);
    return id;
  }

  /** Deleted resources stay describable (State DELETED) for a while, then are NotFound. */
  purgeLater<T>(store: Map<string, T>, id: string): void {
    this.env.clock.setTimer(duration(this.env, MEDIALIVE_DURATIONS.deletedRetention), () => {
      store.delete(id);
      this.env.changed();
    });
  }

  // ───────────────────────────── idempotency ─────────────────────────────

  /**
   * RequestId: the same token with the same request returns what the first call created; the same
   * token with a different request is refused (AWS does not document the shape; 409 ConflictException
   * is what the twin answers, and callers treat it as a bug in their token derivation).
   */
  idempotent<T extends { Id: string }>(op: string, input: ModelValue, store: Map<string, T>): T | undefined {
    const token = str(input.RequestId);
    if (!token) return undefined;
    const seen = this.tokens.get(`${op}:${token}`);
    if (!seen) return undefined;
    if (seen.fingerprint !== fingerprint(input)) {
      throw conflict(`RequestId '${token}' was already used for a different ${op} request`);
    }
    const rec = store.get(seen.resourceId);
    return rec;
  }

  rememberToken(op: string, input: ModelValue, id: string): void {
    const token = str(input.RequestId);
    if (token) this.tokens.set(`${op}:${token}`, { fingerprint: fingerprint(input), resourceId: id });
  }

  // ───────────────────────────── events (EventBridge) ─────────────────────────────

  emit(ch: ChannelRec, detailType: string, detail: Record<string, unknown>): void {
    this.env.events.emit({
      source: 'aws.medialive',
      'detail-type': detailType,
      detail,
      resources: [ch.Arn],
      region: ch.region,
      account: ch.accountId,
      time: new Date(this.env.clock.now()).toISOString(),
    });
  }

  stateEvent(ch: ChannelRec, state: string, message: string, pipeline?: string): void {
    const detail: Record<string, unknown> = {
      channel_arn: ch.Arn,
      state,
      message,
      pipelines_running_count: ch.pipelines.filter((p) => p.running).length,
    };
    if (pipeline !== undefined) detail.pipeline = pipeline;
    this.emit(ch, 'MediaLive Channel State Change', detail);
  }

  // ───────────────────────────── inventory and persistence ─────────────────────────────

  inventory(): InventoryItem[] {
    const items: InventoryItem[] = [];
    for (const g of this.groups.values()) if (!g.deleted) items.push({ service: SERVICE, type: 'inputSecurityGroup', id: g.Id, state: groupState(g), tags: { ...g.Tags } });
    for (const i of this.inputs.values()) if (i.State !== 'DELETED') items.push({ service: SERVICE, type: 'input', id: i.Id, state: i.State, tags: { ...i.Tags } });
    for (const c of this.channels.values()) if (c.State !== 'DELETED') items.push({ service: SERVICE, type: 'channel', id: c.Id, state: c.State, tags: { ...c.Tags } });
    return items;
  }

  snapshot(): unknown {
    return {
      groups: [...this.groups.values()].filter((g) => !g.deleted).map((g) => ({ ...g, inputs: [...g.inputs], lingering: [], updating: false })),
      inputs: [...this.inputs.values()].filter((i) => i.State !== 'DELETED'),
      channels: [...this.channels.values()].filter((c) => c.State !== 'DELETED'),
      tokens: [...this.tokens.entries()],
    };
  }

  /**
   * Restores a snapshot. Timers do not survive a restart, so transitional states are settled the way
   * they were heading (a channel that was STARTING comes back RUNNING, DELETING ones are gone).
   */
  restore(state: unknown): void {
    const s = state as { groups?: (Omit<SecurityGroupRec, 'inputs' | 'lingering'> & { inputs: string[] })[]; inputs?: InputRec[]; channels?: (ChannelRec & { createdAt: number })[]; tokens?: [string, TokenRec][] };
    this.transitions.cancel();
    this.groups.clear();
    this.inputs.clear();
    this.channels.clear();
    this.tokens.clear();
    for (const g of s.groups ?? []) this.groups.set(g.Id, { ...g, inputs: new Set(g.inputs), lingering: new Set(), updating: false });
    for (const i of s.inputs ?? []) {
      if (i.State === 'DELETING') {
        for (const g of this.groups.values()) g.inputs.delete(i.Id);
        continue;
      }
      if (i.State === 'CREATING') i.State = i.attachedTo ? 'ATTACHED' : 'DETACHED';
      this.inputs.set(i.Id, i);
    }
    for (const c of s.channels ?? []) {
      if (c.State === 'DELETING') {
        for (const i of this.inputs.values()) if (i.attachedTo === c.Id) { i.attachedTo = undefined; i.State = 'DETACHED'; }
        continue;
      }
      const settled: Partial<Record<ChannelState, ChannelState>> = { CREATING: 'IDLE', STARTING: 'RUNNING', RECOVERING: 'RUNNING', STOPPING: 'IDLE', UPDATING: 'IDLE' };
      c.State = settled[c.State] ?? c.State;
      for (const p of c.pipelines) p.running = c.State === 'RUNNING' && !p.stopped;
      c.alerts = (c.alerts ?? []).map((a) => ({ ...a, SetTimestamp: new Date(a.SetTimestamp), ClearedTimestamp: a.ClearedTimestamp ? new Date(a.ClearedTimestamp) : undefined }));
      c.startableAt = 0;
      if (c.State === 'RUNNING') this.startedAt.set(c.Id, this.env.clock.now());
      this.channels.set(c.Id, c);
    }
    for (const [k, v] of s.tokens ?? []) this.tokens.set(k, v);
  }
}
