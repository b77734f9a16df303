/** A channel's planned broadcasts: plan, reschedule (PUT) and cancel, with the API's errors beside the fields. */
import { useState } from 'preact/hooks';
import { apiNow, call } from './api';
import { clock, localInputToIso, relative, toLocalInput, zoneLabel } from './format';
import { fieldFor } from './derive';
import { FieldError } from './widgets';
import type { Broadcast, ChannelDetail, ErrorBody } from './types';

const FIELDS = ['startAt', 'endAt', 'leadSeconds', 'teardownAfter'];

function BroadcastForm({ channel, editing, onDone }: { channel: ChannelDetail; editing?: Broadcast; onDone: (msg: string) => void }) {
  const now = apiNow();
  const [start, setStart] = useState(toLocalInput(editing ? Date.parse(editing.startAt) : now + 30 * 60_000));
  const [end, setEnd] = useState(toLocalInput(editing ? Date.parse(editing.endAt) : now + 90 * 60_000));
  const [lead, setLead] = useState(editing ? String(editing.leadSeconds) : '');
  const [teardown, setTeardown] = useState(editing?.teardownAfter ?? false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<ErrorBody>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = { startAt: localInputToIso(start), endAt: localInputToIso(end), ...(lead !== '' ? { leadSeconds: Number(lead) } : {}), teardownAfter: teardown };
    const base = `/channels/${encodeURIComponent(channel.channelId)}/broadcasts`;
    const r = editing ? await call<Broadcast>('PUT', `${base}/${editing.broadcastId}`, body) : await call<Broadcast>('POST', base, body);
    setBusy(false);
    if (r.ok) { onDone(`${editing ? 'Rescheduled' : 'Planned'} ${r.body.broadcastId}: ${clock(r.body.startAt)} → ${clock(r.body.endAt)}`); return; }
    const byField: Record<string, string[]> = {};
    const rest: ErrorBody['details'] = [];
    for (const d of r.error!.details) {
      const f = fieldFor(d.field, FIELDS);
      if (f) (byField[f] ??= []).push(d.message); else rest.push(d);
    }
    setErrors(byField);
    setGeneral({ ...r.error!, details: rest });
    const first = Object.keys(byField)[0];
    if (first) document.getElementById(`b-${first}`)?.focus();
  };
  const inv = (f: string) => (errors[f] ? { 'aria-invalid': true, 'aria-describedby': `b-${f}-err` } : {});
  return (
    <form class="broadcast-form" onSubmit={(e) => { void submit(e); }} noValidate>
      <fieldset>
        <legend>{editing ? `Reschedule ${editing.broadcastId}` : 'Plan a broadcast'}</legend>
        <p class="dim">Times in {zoneLabel()}. The API's clock reads {clock(apiNow())}{Math.abs(apiNow() - Date.now()) > 60_000 ? ' (the local cloud runs faster than the wall clock)' : ''}.</p>
        {general && <p role="alert" class="error">{general.message}{general.details.map((d) => ` — ${d.field}: ${d.message}`).join('')}</p>}
        <div class="field"><label for="b-startAt">Start (on air at)</label><input id="b-startAt" type="datetime-local" step="1" required value={start} onInput={(e) => setStart((e.target as HTMLInputElement).value)} {...inv('startAt')} /><FieldError id="b-startAt-err" messages={errors.startAt} /></div>
        <div class="field"><label for="b-endAt">End</label><input id="b-endAt" type="datetime-local" step="1" required value={end} onInput={(e) => setEnd((e.target as HTMLInputElement).value)} {...inv('endAt')} /><FieldError id="b-endAt-err" messages={errors.endAt} /></div>
        <div class="field"><label for="b-leadSeconds">Lead time, seconds</label><input id="b-leadSeconds" type="number" min="0" max="86400" placeholder="API default (900)" value={lead} onInput={(e) => setLead((e.target as HTMLInputElement).value)} {...inv('leadSeconds')} /><FieldError id="b-leadSeconds-err" messages={errors.leadSeconds} /></div>
        <div class="field check"><input id="b-teardownAfter" type="checkbox" checked={teardown} onChange={(e) => setTeardown((e.target as HTMLInputElement).checked)} /><label for="b-teardownAfter">Tear the channel down at the end (default: stop it)</label></div>
        <button type="submit" disabled={busy}>{editing ? 'Reschedule' : 'Plan broadcast'}</button>
      </fieldset>
    </form>
  );
}

export function BroadcastsSection({ channel, onChange }: { channel: ChannelDetail; onChange: () => void }) {
  const [editing, setEditing] = useState<Broadcast | 'new'>();
  const [notice, setNotice] = useState<{ text: string; bad?: boolean }>();
  const cancel = async (b: Broadcast) => {
    if (!confirm(`Cancel broadcast ${b.broadcastId} on ${channel.channelId} (${clock(b.startAt)} → ${clock(b.endAt)})? Its schedules are deleted.`)) return;
    const r = await call('DELETE', `/channels/${encodeURIComponent(channel.channelId)}/broadcasts/${b.broadcastId}`);
    setNotice(r.ok ? { text: `Cancelled ${b.broadcastId}` } : { text: r.error!.message, bad: true });
    onChange();
  };
  const list = [...channel.broadcasts].sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
  return (
    <section aria-labelledby="bc-h">
      <h3 id="bc-h">Planned broadcasts</h3>
      {notice && <p role="status" class={notice.bad ? 'error' : 'ok'}>{notice.text}</p>}
      {list.length === 0 ? <p>None planned.</p> : (
        <table class="broadcasts">
          <thead><tr><th scope="col">Broadcast</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Lead</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{list.map((b) => (
            <tr>
              <td data-label="Broadcast"><code>{b.broadcastId}</code>{b.teardownAfter ? <span class="dim"> · teardown after</span> : null}</td>
              <td data-label="Start">{clock(b.startAt)} <span class="dim">{relative(b.startAt)}</span></td>
              <td data-label="End">{clock(b.endAt)}</td>
              <td data-label="Lead">{b.leadSeconds} s</td>
              <td data-label="Status">{b.status}</td>
              <td>{b.status === 'SCHEDULED' && <>
                <button type="button" onClick={() => setEditing(b)} aria-label={`Reschedule ${b.broadcastId}`}>Reschedule</button>{' '}
                <button type="button" class="danger" onClick={() => { void cancel(b); }} aria-label={`Cancel ${b.broadcastId}`}>Cancel</button>
              </>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {editing ? <BroadcastForm key={editing === 'new' ? 'new' : editing.broadcastId} channel={channel} {...(editing !== 'new' ? { editing } : {})} onDone={(text) => { setEditing(undefined); setNotice({ text }); onChange(); }} />
        : channel.status !== 'DELETED' && <button type="button" onClick={() => setEditing('new')}>Plan a broadcast…</button>}
      <p class="dim small">Times are shown in {zoneLabel()}.</p>
    </section>
  );
}
