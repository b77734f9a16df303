/** Small shared pieces: copy buttons, the workflow Gantt, field errors. */
import { useState } from 'preact/hooks';
import { duration } from './format';
import type { GanttBar } from './derive';

export function CopyRow({ label, value }: { label: string; value: string }) {
  const [done, setDone] = useState('');
  const copy = async () => {
    try { await navigator.clipboard.writeText(value); setDone('Copied'); } catch { setDone('Copy failed: select the text'); }
    setTimeout(() => setDone(''), 2000);
  };
  return (
    <li class="copy">
      <span class="k">{label}</span>
      <code>{value}</code>
      <button type="button" onClick={() => { void copy(); }} aria-label={`Copy ${label}`}>Copy</button>
      <span role="status" class="dim">{done}</span>
    </li>
  );
}

/** The workflow's steps on a time axis: one row per step, the bar from its start for its duration. */
export function Gantt({ bars, totalMs, title }: { bars: GanttBar[]; totalMs: number; title: string }) {
  const W = 1000;
  return (
    <figure class="gantt">
      <figcaption>{title} — {duration(totalMs)} in all</figcaption>
      <ol>
        {bars.map((b) => {
          const x = (b.startMs / totalMs) * W;
          const w = Math.max(b.kind === 'task' ? 3 : 2, (b.durationMs / totalMs) * W);
          return (
            <li class={`g-${b.kind}${b.running ? ' running' : ''}`}>
              <span class="g-name">{b.name}{b.repeats && b.repeats > 1 ? ` ×${b.repeats}` : ''}</span>
              <svg viewBox={`0 0 ${W} 10`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <rect x={Math.min(x, W - w)} y="1" width={w} height="8" rx="1" />
              </svg>
              <span class="g-dur">{b.kind === 'task' ? `${duration(b.durationMs)}${b.running ? ' so far' : ''}` : `at +${duration(b.startMs)}`}</span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}

export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return <p id={id} class="field-error">{messages.join('; ')}</p>;
}
