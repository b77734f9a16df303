/** Loads events/ fixtures (AWS's documented shapes), cloned per call so tests cannot share mutations. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', 'events');
const cache = new Map<string, unknown>();

export type EventJson = { id: string; time: string; detail: Record<string, unknown>; [k: string]: unknown };

export function fixture(path: string, patch: { id?: string; time?: string; detail?: Record<string, unknown> } = {}): EventJson {
  if (!cache.has(path)) cache.set(path, JSON.parse(readFileSync(join(ROOT, path), 'utf8')));
  const e = structuredClone(cache.get(path)) as EventJson;
  if (patch.id) e.id = patch.id;
  if (patch.time) e.time = patch.time;
  if (patch.detail) e.detail = { ...e.detail, ...patch.detail };
  return e;
}
