/** Every channel at a glance, live: polled every 3 s, filtered by status, a card list at phone width. */
import { useState } from 'preact/hooks';
import { usePoll } from './hooks';
import { loadFleet } from './store';
import { alarmCount, IN_PROGRESS, nextBroadcast, pipelines, recoveryState, statusSince } from './derive';
import { clock, relative } from './format';

export const STATUSES = ['PLANNED', 'PROVISIONING', 'STARTING', 'ON_AIR', 'STOPPING', 'IDLE', 'TEARING_DOWN', 'FAILED', 'DELETED'];

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge s-${status.toLowerCase()}`}>{IN_PROGRESS.includes(status) ? '◌ ' : status === 'ON_AIR' ? '● ' : ''}{status.replace('_', ' ')}</span>;
}

export function ChannelsView() {
  const [filter, setFilter] = useState('');
  const { data, error } = usePoll(() => loadFleet(filter && filter !== 'LIVE' ? filter : undefined), 3000, [filter]);
  const rows = (data?.channels ?? []).filter((c) => (filter === '' ? c.status !== 'DELETED' : filter === 'LIVE' ? true : c.status === filter));
  return (
    <section aria-labelledby="channels-h">
      <div class="bar">
        <h2 id="channels-h">Channels</h2>
        <label class="inline">Status
          <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value)}>
            <option value="">all but deleted</option>
            <option value="LIVE">all, deleted too</option>
            {STATUSES.map((s) => <option value={s}>{s}</option>)}
          </select>
        </label>
        <a class="button" href="#/new">New channel</a>
      </div>
      {error && <p role="alert" class="error">Cannot load the channels: {error}</p>}
      {!data && !error && <p aria-busy="true">Loading…</p>}
      {data && rows.length === 0 && <p>No channels{filter ? ` in ${filter}` : ''}. <a href="#/new">Create one</a>.</p>}
      {rows.length > 0 && (
        <table class="channels">
          <caption class="sr-only">Channels, refreshed every 3 seconds</caption>
          <thead><tr><th scope="col">Channel</th><th scope="col">Status</th><th scope="col">Profile</th><th scope="col">Pipelines</th><th scope="col">Alarms in ALARM</th><th scope="col">Recovery</th><th scope="col">Cost guard stop</th><th scope="col">Next broadcast</th></tr></thead>
          <tbody>
            {rows.map((c) => {
              const d = data!.details.get(c.channelId);
              const since = statusSince(d ?? c);
              const rec = d ? recoveryState(d.recoveryActions) : undefined;
              const next = d ? nextBroadcast(d.broadcasts) : undefined;
              return (
                <tr data-channel={c.channelId}>
                  <th scope="row" data-label="Channel"><a href={`#/channel/${encodeURIComponent(c.channelId)}`}>{c.channelId}</a></th>
                  <td data-label="Status"><StatusBadge status={c.status} /> <span class="dim" title={clock(since)}>since {relative(since)}</span>
                    {d?.execution?.status === 'RUNNING' && d.execution.currentStep && <div class="dim">at {d.execution.currentStep}</div>}</td>
                  <td data-label="Profile">{c.profileName}</td>
                  <td data-label="Pipelines">{d ? pipelines(d) : '—'}</td>
                  <td data-label="Alarms in ALARM">{c.alarmsInAlarm === undefined ? (d && alarmCount(d) > 0 ? <span class="dim" title="CloudWatch could not be read">unknown</span> : '—')
                    : c.alarmsInAlarm > 0 ? <span class="tone-bad">{c.alarmsInAlarm} in ALARM</span>
                      : <span class="dim">{d && alarmCount(d) === 0 ? 'no alarms' : `none${d ? ` of ${alarmCount(d)}` : ''}`}</span>}</td>
                  <td data-label="Recovery">{rec ? <span class={`tone-${rec.tone}`}>{rec.label}</span> : '—'}</td>
                  <td data-label="Cost guard stop">{d?.costGuard.stopScheduledAt ? <span title={clock(d.costGuard.stopScheduledAt)}>{relative(d.costGuard.stopScheduledAt)}</span> : d?.costGuard.maxOnAirMinutes ? `after ${d.costGuard.maxOnAirMinutes} min on air` : 'off'}</td>
                  <td data-label="Next broadcast">{next ? <span title={clock(next.startAt)}>{clock(next.startAt)} ({relative(next.startAt)})</span> : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
