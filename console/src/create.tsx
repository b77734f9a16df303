/**
 * Create a channel from a profile. The fields come from the API's schema (docs/openapi.yaml,
 * compiled in by console/build.ts); the API validates, and each of its field errors is shown beside
 * the field it names (nothing is created on a 4xx). A 202 opens the channel's page.
 */
import { useState } from 'preact/hooks';
import { call } from './api';
import { fieldFor } from './derive';
import { FieldError } from './widgets';
import type { ErrorBody, FieldSpec, FormSpec } from './types';

declare const __FORM_SPEC__: FormSpec;
const SPEC: FormSpec = __FORM_SPEC__;
const idOf = (path: string) => `f-${path.replace(/\./g, '-')}`;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
}

export function requestBody(values: Record<string, string | boolean>, fields: FieldSpec[] = SPEC.fields): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.path];
    if (f.kind === 'boolean') { setPath(body, f.path, Boolean(v)); continue; }
    if (typeof v !== 'string' || v.trim() === '') continue;
    setPath(body, f.path, f.kind === 'list' ? v.split(/[\s,]+/).filter(Boolean) : v.trim());
  }
  return body;
}

function Field({ f, value, set, errors }: { f: FieldSpec; value: string | boolean; set: (v: string | boolean) => void; errors: string[] | undefined }) {
  const id = idOf(f.path);
  const describedBy = [f.description ? `${id}-help` : '', errors ? `${id}-err` : ''].filter(Boolean).join(' ');
  const common = { id, name: f.path, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(errors ? { 'aria-invalid': true } : {}) };
  if (f.kind === 'boolean') {
    return (
      <div class="field check">
        <input type="checkbox" {...common} checked={Boolean(value)} onChange={(e) => set((e.target as HTMLInputElement).checked)} />
        <label for={id}>{f.label}</label>
        {f.description && <p id={`${id}-help`} class="help">{f.description}</p>}
        <FieldError id={`${id}-err`} messages={errors} />
      </div>
    );
  }
  return (
    <div class="field">
      <label for={id}>{f.label}</label>
      {f.kind === 'choice' ? (
        <select {...common} value={String(value)} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
          {f.default === undefined && <option value="">(the profile's)</option>}
          {f.choices!.map((c) => <option value={c}>{c}</option>)}
        </select>
      ) : f.kind === 'list' ? (
        <textarea {...common} rows={2} value={String(value)} onInput={(e) => set((e.target as HTMLTextAreaElement).value)} />
      ) : (
        <input type="text" {...common} value={String(value)} autoComplete="off" spellcheck={false} onInput={(e) => set((e.target as HTMLInputElement).value)} />
      )}
      {f.description && <p id={`${id}-help`} class="help">{f.description}</p>}
      <FieldError id={`${id}-err`} messages={errors} />
    </div>
  );
}

export function CreateView() {
  const [values, setValues] = useState<Record<string, string | boolean>>(() => Object.fromEntries(SPEC.fields.map((f) => [f.path, f.default ?? (f.kind === 'boolean' ? false : '')])));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<ErrorBody>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await call<{ channelId: string }>('POST', '/channels', requestBody(values));
    setBusy(false);
    if (r.ok) { location.hash = `#/channel/${encodeURIComponent(r.body.channelId)}`; return; }
    const byField: Record<string, string[]> = {};
    const rest: ErrorBody['details'] = [];
    for (const d of r.error!.details) {
      const f = fieldFor(d.field, SPEC.fields.map((x) => x.path)) ?? (d.field.startsWith('body.overrides.input') ? 'overrides.input.allowedCidrs' : undefined);
      if (f && SPEC.fields.some((x) => x.path === f)) (byField[f] ??= []).push(`${d.message} (${d.field})`); else rest.push(d);
    }
    setErrors(byField);
    setGeneral({ ...r.error!, details: rest });
    const first = SPEC.fields.find((f) => byField[f.path]);
    if (first) document.getElementById(idOf(first.path))?.focus();
  };
  return (
    <section aria-labelledby="new-h">
      <h2 id="new-h">New channel</h2>
      <form onSubmit={(e) => { void submit(e); }} noValidate class="create">
        {general && (
          <div role="alert" class="error">
            <p>{general.error}: {general.message}</p>
            {general.details.length > 0 && <ul>{general.details.map((d) => <li><code>{d.field}</code>: {d.message}</li>)}</ul>}
          </div>
        )}
        {SPEC.fields.map((f) => <Field f={f} value={values[f.path] ?? ''} errors={errors[f.path]} set={(v) => setValues({ ...values, [f.path]: v })} />)}
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create channel'}</button>
      </form>
    </section>
  );
}
