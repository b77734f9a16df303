/**
 * The viewer page: /player/?src=<HLS or DASH URL>[&kind=hls|dash]. Mounts the player component and
 * shows what it reports: the rendition on screen, the bandwidth estimate, the live latency, the
 * buffer and every rendition of the ladder. Without ?src it shows a form to paste a URL.
 * Written with textContent only (no HTML from the URL reaches the page).
 */
import { formatBitrate, kindOf, mountPlayer, type PlayerHandle, type PlayerStats, type StreamKind } from './player';

declare global {
  interface Window {
    /** The mounted player, for the browser tests and the devtools console. */
    onairPlayer?: PlayerHandle;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
}

const seconds = (s: number | null): string => (s === null ? '—' : `${s.toFixed(1)} s`);

function render(s: PlayerStats): void {
  byId('state').textContent = s.fatalError ? `error — ${s.fatalError}` : s.state;
  byId('state').dataset.state = s.state;
  byId('rendition').textContent = s.current ? s.current.label : '—';
  byId('bandwidth').textContent = s.bandwidthEstimate === null ? '—' : formatBitrate(s.bandwidthEstimate);
  byId('latency').textContent = seconds(s.latency);
  byId('buffer').textContent = seconds(s.buffer);
  byId('engine').textContent = `${s.engine} ${s.engineVersion} · ${s.kind.toUpperCase()}`;
  byId('switches').textContent = String(s.switches);
  const list = byId('renditions');
  // Top rung first, as a ladder reads.
  const items = [...s.renditions].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate).map((r) => {
    const li = el('li');
    li.dataset.index = String(r.index);
    li.dataset.height = String(r.height);
    li.dataset.bitrate = String(r.bitrate);
    if (s.current?.index === r.index) li.className = 'current';
    li.append(el('span', `${r.height}p`, 'res'), el('span', `${r.width}×${r.height}`, 'dim'), el('span', formatBitrate(r.bitrate), 'rate'));
    return li;
  });
  list.replaceChildren(...items);
}

function showForm(): void {
  byId('stage').replaceChildren();
  byId('empty').hidden = false;
}

function start(): void {
  const params = new URLSearchParams(location.search);
  const src = params.get('src');
  if (!src) {
    showForm();
    return;
  }
  const kindParam = params.get('kind');
  const kind: StreamKind | undefined = kindParam === 'hls' || kindParam === 'dash' ? kindParam : kindOf(src);
  byId('source').textContent = src;
  const player = mountPlayer(byId('stage'), { src, ...(kind ? { kind } : {}) });
  player.subscribe(render);
  window.onairPlayer = player;
}

start();
