/**
 * One channel: status and actions, the running/last workflow as a Gantt, ingest and playback URLs,
 * the preview player, planned broadcasts (plan, reschedule, cancel), alarms with their states, the
 * recovery audit and the notices sent.
 * Polled every 2 s.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { mountPlayer } from 'onair-player';
import { apiNow, call } from './api';
import { usePoll } from './hooks';
import { IN_PROGRESS, ganttBars, pipelines, previewUrl, recoveryState, resourceList, statusSince } from './derive';
import { clock, relative } from './format';
import { StatusBadge } from './channels';
import { CopyRow, Gantt } from './widgets';
import { BroadcastsSection } from './broadcasts';
import type { AlarmState, ChannelDetail, ChannelEvents, ErrorBody, Notice, RecoveryAction } from './types';

declare const __PLAYER_BUILT_IN__: boolean;

async function loadChannel(id: string): Promise<{ channel?: ChannelDetail; events?: ChannelEvents; missing?: boolean }> {
  const [c, e] = await Promise.all([
    call<ChannelDetail>('GET', `/channels/${encodeURIComponent(id)}`),
    call<ChannelEvents>('GET', `/channels/${encodeURIComponent(id)}/events`),
  ]);
  if (c.status === 404) return { missing: true };
  if (!c.ok) throw new Error(`${c.error!.error}: ${c.error!.message}`);
  return { channel: c.body, ...(e.ok ? { events: e.body } : {}) };
}

function Preview({ src }: { src: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [stats, setStats] = useState<{ state: string; rendition: string; bandwidth: string; latency: string; error: string }>();
  useEffect(() => {
    if (!ref.current) return;
    const player = mountPlayer(ref.current, { src });
    const off = player.subscribe((s) => setStats({
      state: s.state,
      rendition: s.current?.label ?? '—',
      bandwidth: s.bandwidthEstimate ? `${(s.bandwidthEstimate / 1e6).toFixed(1)} Mb/s` : '—',
      latency: s.latency !== null && s.latency !== undefined ? `${s.latency.toFixed(1)} s` : '—',
      error: s.fatalError ?? '',
    }));
    return () => { off(); player.destroy(); };
  }, [src]);
  return (
    <div class="preview">
      <div ref={ref} class="stage" aria-label="Stream preview" />
      {stats && (
        <dl class="stats" aria-live="off">
          <dt>State</dt><dd data-stat="state">{stats.state}</dd>
          <dt>Rendition</dt><dd data-stat="rendition">{stats.rendition}</dd>
          <dt>Bandwidth</dt><dd>{stats.bandwidth}</dd>
          <dt>Latency</dt><dd>{stats.latency}</dd>
          {stats.error && <><dt>Error</dt><dd class="error">{stats.error}</dd></>}
        </dl>
      )}
    </div>
  );
}

function RecoveryTimeline({ actions }: { actions: RecoveryAction[] }) {
  if (actions.length === 0) return <p>No automatic recovery action so far.</p>;
  return (
    <ol class="timeline">
      {[...actions].reverse().map((a) => (
        <li class={`r-${a.result.toLowerCase()}`}>
          <time dateTime={a.at}>{clock(a.at)}</time>
          <div><span class="k">after</span> {a.trigger.summary}</div>
          <div><span class="k">decided</span> {a.decision}{a.rule ? <span class="dim"> (rule {a.rule})</span> : null}</div>
          {a.action && <div><span class="k">action</span> {a.action} → <strong>{a.result}</strong>{a.detail ? `: ${a.detail}` : ''}</div>}
        </li>
      ))}
    </ol>
  );
}

const STATE_ORDER: Record<string, number> = { ALARM: 0, UNKNOWN: 1, INSUFFICIENT_DATA: 2, OK: 3 };

/** Each alarm with its CloudWatch state, those in ALARM first; only the names when the API gave no states. */
function Alarms({ channel }: { channel: ChannelDetail }) {
  const states: AlarmState[] = channel.alarmStates
    ?? Object.entries(channel.alarms).flatMap(([region, names]) => names.map((name) => ({ name, region, state: 'UNKNOWN' as const, reason: 'the API gave no state' })));
  if (states.length === 0) return <p>No alarms.</p>;
  const sorted = [...states].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.name.localeCompare(b.name));
  return (
    <table class="alarms">
      <thead><tr><th scope="col">State</th><th scope="col">Alarm</th><th scope="col">Since</th><th scope="col">Reason</th></tr></thead>
      <tbody>{sorted.map((a) => (
        <tr data-alarm={a.name}>
          <td data-label="State"><span class={`badge a-${a.state.toLowerCase()}`}>{a.state.replace('_', ' ')}</span></td>
          <th scope="row" data-label="Alarm"><code>{a.name}</code> <span class="dim">{a.region}</span></th>
          <td data-label="Since">{a.since ? <time dateTime={a.since} title={clock(a.since)}>{relative(a.since)}</time> : '—'}</td>
          <td data-label="Reason" class="small">{a.reason ?? ''}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}

function Notices({ notices }: { notices: Notice[] }) {
  if (notices.length === 0) return <p>No notice sent so far.</p>;
  return (
    <ol class="notices">
      {notices.map((n) => (
        <li><time dateTime={n.at}>{clock(n.at)}</time> <span class="badge n-event">{n.event}</span> {n.subject}</li>
      ))}
    </ol>
  );
}

function DeleteDialog({ channel, onClose, onDone }: { channel: ChannelDetail; onClose: () => void; onDone: (msg: string) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody>();
  useEffect(() => { ref.current?.showModal(); }, []);
  const what = resourceList(channel.resources);
  const confirm = async () => {
    setBusy(true);
    const r = await call<{ operation?: string }>('DELETE', `/channels/${encodeURIComponent(channel.channelId)}`);
    setBusy(false);
    if (!r.ok) { setError(r.error); return; }
    ref.current?.close();
    onDone(r.status === 202 ? `Teardown of ${channel.channelId} started` : `${channel.channelId} deleted`);
  };
  return (
    <dialog ref={ref} aria-labelledby="del-h" onClose={onClose} onCancel={onClose}>
      <h2 id="del-h">Delete channel “{channel.channelId}”?</h2>
      <p>Its planned broadcasts are cancelled and the teardown workflow removes every AWS resource OnAir created for it{what.length ? ':' : '.'}</p>
      {what.length > 0 && <ul class="resources">{what.map((k) => <li>{k}</li>)}</ul>}
      <p>Viewers lose the stream; the channel id can be used again afterwards.</p>
      {error && <p role="alert" class="error">{error.message}</p>}
      <div class="actions">
        <button type="button" onClick={() => { ref.current?.close(); onClose(); }} autoFocus>Keep it</button>
        <button type="button" class="danger" disabled={busy} onClick={() => { void confirm(); }}>Delete {channel.channelId}</button>
      </div>
    </dialog>
  );
}

export function ChannelView({ id }: { id: string }) {
  const { data, error, refresh } = usePoll(() => loadChannel(id), 2000, [id]);
  const [notice, setNotice] = useState<{ text: string; bad?: boolean }>();
  const [deleting, setDeleting] = useState(false);
  const [showPreview, setShowPreview] = useState(false);
  const c = data?.channel;
  const act = async (op: 'start' | 'stop') => {
    const r = await call<{ status?: string }>('POST', `/channels/${encodeURIComponent(id)}/${op}`);
    setNotice(r.ok ? { text: r.status === 202 ? `${op} workflow started` : `Nothing to do: already ${r.body.status ?? ''}` } : { text: r.error!.message, bad: true });
    refresh();
  };
  if (error) return <p role="alert" class="error">Cannot load {id}: {error}</p>;
  if (data?.missing) return <p>No channel “{id}”. <a href="#/">Back to the channels</a>.</p>;
  if (!c) return <p aria-busy="true">Loading {id}…</p>;
  const busy = IN_PROGRESS.includes(c.status);
  const g = data.events ? ganttBars(data.events, c.execution?.status, apiNow()) : undefined;
  const rec = recoveryState(c.recoveryActions);
  const src = previewUrl(c.playback.hls ?? Object.values(c.playback)[0]);
  return (
    <article aria-labelledby="ch-h" class="channel">
      <div class="bar">
        <h2 id="ch-h">{c.channelId}</h2>
        <p class="status" aria-live="polite"><StatusBadge status={c.status} /> <span class="dim">since {relative(statusSince(c))}</span></p>
        <div class="actions">
          <button type="button" disabled={busy || c.status !== 'IDLE'} onClick={() => { void act('start'); }}>Start</button>
          <button type="button" disabled={busy || c.status !== 'ON_AIR'} onClick={() => { void act('stop'); }}>Stop</button>
          <button type="button" class="danger" disabled={busy || c.status === 'DELETED'} onClick={() => setDeleting(true)}>Delete…</button>
        </div>
      </div>
      {notice && <p role="status" class={notice.bad ? 'error' : 'ok'}>{notice.text}</p>}
      {deleting && <DeleteDialog channel={c} onClose={() => setDeleting(false)} onDone={(text) => { setDeleting(false); setNotice({ text }); refresh(); }} />}
      <dl class="facts">
        <dt>Profile</dt><dd>{c.profileName} · {pipelines(c)} pipeline{pipelines(c) > 1 ? 's' : ''} · {c.profile.input.type}</dd>
        <dt>Desired</dt><dd>{c.desiredState}</dd>
        <dt>Cost guard</dt><dd>{c.costGuard.stopScheduledAt ? `stops ${relative(c.costGuard.stopScheduledAt)} (${clock(c.costGuard.stopScheduledAt)})` : c.costGuard.maxOnAirMinutes ? `stop after ${c.costGuard.maxOnAirMinutes} min on air` : 'off'}{c.costGuard.inputLossAutoStopMinutes ? `; after ${c.costGuard.inputLossAutoStopMinutes} min of input loss` : ''}</dd>
        <dt>Recovery</dt><dd class={`tone-${rec.tone}`}>{rec.label}</dd>
        {c.failure && <><dt>Failure</dt><dd class="error">{c.failure.step}: {c.failure.error} — {c.failure.cause} ({clock(c.failure.at)})</dd></>}
      </dl>

      <section aria-labelledby="wf-h">
        <h3 id="wf-h">Workflow</h3>
        {c.execution ? <p>{c.execution.workflow} · {c.execution.status}{c.execution.currentStep && c.execution.status === 'RUNNING' ? ` at ${c.execution.currentStep}` : ''} · started {clock(c.execution.startedAt)}{c.execution.cause ? ` — ${c.execution.cause}` : ''}</p> : <p>No workflow has run yet.</p>}
        {g && g.bars.length > 0 && <Gantt bars={g.bars} totalMs={g.totalMs} title={`${data.events?.execution?.workflow ?? 'workflow'} steps`} />}
      </section>

      <section aria-labelledby="urls-h">
        <h3 id="urls-h">Ingest and playback</h3>
        {c.ingestUrls.length === 0 && Object.keys(c.playback).length === 0 ? <p>No URLs yet (they appear once the input and packager exist).</p> : (
          <ul class="urls">
            {c.ingestUrls.map((u, i) => <CopyRow label={`Ingest ${i + 1}`} value={u} />)}
            {Object.entries(c.playback).map(([k, u]) => <CopyRow label={k.toUpperCase()} value={u} />)}
          </ul>
        )}
      </section>

      <section aria-labelledby="pv-h">
        <h3 id="pv-h">Preview</h3>
        {!__PLAYER_BUILT_IN__ && <p class="dim">The viewer player component is not in this build: the slot below names the stream.</p>}
        {src && c.status === 'ON_AIR'
          ? (showPreview ? <Preview src={src} /> : <button type="button" onClick={() => setShowPreview(true)}>Play preview (muted)</button>)
          : <p>The preview plays while the channel is ON_AIR.</p>}
      </section>

      <BroadcastsSection channel={c} onChange={refresh} />

      <section aria-labelledby="al-h">
        <h3 id="al-h">Alarms</h3>
        <Alarms channel={c} />
      </section>

      <section aria-labelledby="rc-h">
        <h3 id="rc-h">Recovery audit</h3>
        <RecoveryTimeline actions={c.recoveryActions} />
      </section>

      <section aria-labelledby="nt-h">
        <h3 id="nt-h">Notices sent</h3>
        <Notices notices={c.notices} />
      </section>
    </article>
  );
}
