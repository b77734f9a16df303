/**
 * The day view: every channel's broadcasts from 12 hours ago to 24 hours ahead (the API's clock) on
 * one timeline, with how each went (on air on time, late by N s, failed and why), and the same as a table.
 */
import { apiNow } from './api';
import { usePoll } from './hooks';
import { loadFleet } from './store';
import { broadcastOutcome } from './derive';
import { clock, zoneLabel } from './format';

const BEFORE = 12 * 3600_000;
const AFTER = 24 * 3600_000;

export function DayView() {
  const { data, error } = usePoll(() => loadFleet(), 5000);
  const now = apiNow();
  const from = now - BEFORE;
  const to = now + AFTER;
  const rows = [...(data?.details.values() ?? [])].flatMap((c) => c.broadcasts.map((b) => ({ c, b })))
    .filter(({ b }) => Date.parse(b.endAt) >= from && Date.parse(b.startAt) - b.leadSeconds * 1000 <= to)
    .sort((x, y) => Date.parse(x.b.startAt) - Date.parse(y.b.startAt));
  const W = 1000;
  const xOf = (t: number) => Math.min(W, Math.max(0, ((t - from) / (to - from)) * W));
  const hours = Array.from({ length: 13 }, (_, i) => from + i * 3 * 3600_000);
  return (
    <section aria-labelledby="day-h">
      <h2 id="day-h">Day view</h2>
      <p class="dim">From 12 h ago to 24 h ahead on the API's clock ({clock(now)}), times in {zoneLabel()}.</p>
      {error && <p role="alert" class="error">Cannot load the broadcasts: {error}</p>}
      {data && rows.length === 0 && <p>No broadcast in this window. Plan one from a channel's page.</p>}
      {rows.length > 0 && (
        <>
          <svg class="day" viewBox={`0 0 ${W} ${30 + rows.length * 26}`} role="img" aria-label={`${rows.length} broadcasts on a timeline; the table below lists them`}>
            {hours.map((h) => <g><line x1={xOf(h)} x2={xOf(h)} y1="18" y2={30 + rows.length * 26} class="tick" /><text x={xOf(h) + 2} y="12" class="tick-label">{new Date(h).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}</text></g>)}
            <line x1={xOf(now)} x2={xOf(now)} y1="14" y2={30 + rows.length * 26} class="now" />
            {rows.map(({ c, b }, i) => {
              const o = broadcastOutcome(b, c, now);
              const prep = Date.parse(b.startAt) - b.leadSeconds * 1000;
              const y = 26 + i * 26;
              return (
                <g class={`o-${o.tone}`}>
                  <rect class="lead" x={xOf(prep)} y={y} width={Math.max(1, xOf(Date.parse(b.startAt)) - xOf(prep))} height="18" />
                  <rect class="window" x={xOf(Date.parse(b.startAt))} y={y} width={Math.max(2, xOf(Date.parse(b.endAt)) - xOf(Date.parse(b.startAt)))} height="18" />
                  <text x={Math.min(xOf(Date.parse(b.startAt)) + 4, W - 200)} y={y + 13} class="bar-label">{c.channelId} · {o.label}</text>
                </g>
              );
            })}
          </svg>
          <table class="day-table">
            <thead><tr><th scope="col">Channel</th><th scope="col">Broadcast</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Outcome</th></tr></thead>
            <tbody>{rows.map(({ c, b }) => {
              const o = broadcastOutcome(b, c, now);
              return (
                <tr>
                  <th scope="row" data-label="Channel"><a href={`#/channel/${encodeURIComponent(c.channelId)}`}>{c.channelId}</a></th>
                  <td data-label="Broadcast"><code>{b.broadcastId}</code></td>
                  <td data-label="Start">{clock(b.startAt)}</td>
                  <td data-label="End">{clock(b.endAt)}</td>
                  <td data-label="Outcome" class={`tone-${o.tone}`}>{o.label}</td>
                </tr>
              );
            })}</tbody>
          </table>
        </>
      )}
    </section>
  );
}
