/**
 * Turns a checked-in ASL definition into the one aws-local-stepfunctions runs in the twin.
 *
 * Why a rewritten copy: the engine sleeps on the real clock, the twin runs on a scaled one.
 *  - Every Wait state becomes a Task on the internal resource `arn:aws:states:::twin:wait`, which
 *    sleeps on the twin clock. Engine `waitTimeOverrides` are per state name and fixed, so they
 *    cannot serve `SecondsPath`/`TimestampPath`, and a Timestamp must be compared with twin time,
 *    not Date.now(). History still says WaitStateEntered (the original type is kept in `types`).
 *  - Retry IntervalSeconds / MaxDelaySeconds are divided by the clock scale, keeping AWS's backoff
 *    and FULL jitter (engine `retryIntervalOverrides` would replace them with a fixed interval).
 *  - TimeoutSeconds of tasks that wait on twin time (`.sync`, `.waitForTaskToken`, waits) and of the
 *    execution are divided by the scale. A Lambda task's TimeoutSeconds is not: the handler runs
 *    on real CPU time, which no clock scale shortens.
 *  - The engine defaults a Task without TimeoutSeconds to 60 s where AWS uses 99,999,999 s;
 *    the copy sets AWS's value, capped below setTimeout's 2^31 ms limit.
 */
export type AslState = Record<string, unknown> & { Type: string };
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [k: string]: unknown;
}

export const WAIT_RESOURCE = 'arn:aws:states:::twin:wait';
/** setTimeout cannot wait longer than 2^31 − 1 ms; a longer delay fires at once. */
const MAX_ENGINE_SECONDS = 2_000_000;

export interface PreparedDefinition {
  engine: AslDefinition;
  /** State name → original ASL type (Wait states are Tasks in the engine copy). */
  types: Map<string, string>;
  /** State name → original state, for Task resources, Wait fields and timeouts. */
  states: Map<string, AslState>;
}

export function isCallbackOrSync(resource: string): boolean {
  return resource.endsWith('.waitForTaskToken') || /\.sync(:2)?$/.test(resource);
}

export function prepareDefinition(definition: AslDefinition, scale: number): PreparedDefinition {
  const types = new Map<string, string>();
  const states = new Map<string, AslState>();
  // JSON round trip, not structuredClone: the engine tests `Object.getPrototypeOf(x) === Object.prototype`,
  // which fails for objects cloned in another realm (jest's vm sandbox).
  const engine = JSON.parse(JSON.stringify(definition)) as AslDefinition;
  const floor = (seconds: number): number => Math.min(MAX_ENGINE_SECONDS, Math.max(0.001, seconds / scale));
  if (engine.TimeoutSeconds !== undefined) {
    // Handlers' real compute is not scaled: never give an execution less real time than 30 s (or its own budget).
    engine.TimeoutSeconds = Math.min(MAX_ENGINE_SECONDS, Math.max(engine.TimeoutSeconds / scale, Math.min(engine.TimeoutSeconds, 30)));
  }
  const walk = (machine: { States: Record<string, AslState> }, original: { States: Record<string, AslState> }): void => {
    for (const [name, state] of Object.entries(machine.States)) {
      const orig = original.States[name] as AslState;
      if (types.has(name)) throw new Error(`State name "${name}" is used twice: Step Functions requires unique state names`);
      types.set(name, orig.Type);
      states.set(name, orig);
      if (state.Type === 'Wait') {
        const task: AslState = { Type: 'Task', Resource: WAIT_RESOURCE, TimeoutSeconds: MAX_ENGINE_SECONDS };
        for (const k of ['InputPath', 'OutputPath', 'Next', 'End', 'Comment']) if (k in state) task[k] = state[k];
        machine.States[name] = task;
        continue;
      }
      if (state.Type === 'Task') {
        const resource = String(state.Resource);
        const timeout = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
        if (isCallbackOrSync(resource)) {
          state.TimeoutSeconds = timeout === undefined ? MAX_ENGINE_SECONDS : floor(timeout);
        } else {
          state.TimeoutSeconds = Math.min(timeout ?? MAX_ENGINE_SECONDS, MAX_ENGINE_SECONDS);
        }
        delete state.HeartbeatSeconds;
      }
      if (Array.isArray(state.Retry)) {
        state.Retry = (state.Retry as Record<string, unknown>[]).map((r) => ({
          ...r,
          IntervalSeconds: ((r.IntervalSeconds as number | undefined) ?? 1) / scale,
          ...(typeof r.MaxDelaySeconds === 'number' ? { MaxDelaySeconds: r.MaxDelaySeconds / scale } : {}),
        }));
      }
      if (state.Type === 'Parallel') {
        const branches = state.Branches as { States: Record<string, AslState> }[];
        const origBranches = orig.Branches as { States: Record<string, AslState> }[];
        branches.forEach((b, i) => walk(b, origBranches[i] as { States: Record<string, AslState> }));
      }
      if (state.Type === 'Map') {
        for (const key of ['ItemProcessor', 'Iterator']) {
          if (state[key]) walk(state[key] as { States: Record<string, AslState> }, orig[key] as { States: Record<string, AslState> });
        }
      }
    }
  };
  walk(engine, definition);
  return { engine, types, states };
}

/**
 * Resolves the small JSONPath subset Wait states use (`$`, `$.a.b`, `$.a[0]`, `$['a']`);
 * anything richer is refused with a clear error rather than guessed.
 */
export function readPath(path: string, input: unknown): unknown {
  if (!path.startsWith('$')) throw new Error(`Unsupported path ${path}`);
  const tokens = path.slice(1).match(/\.[A-Za-z_$][\w$-]*|\[\d+\]|\['[^']*'\]|\["[^"]*"\]/g) ?? [];
  if (tokens.join('') !== path.slice(1)) throw new Error(`The twin's Wait states support simple paths only, not ${path}`);
  let v: unknown = input;
  for (const t of tokens) {
    const key = t.startsWith('.') ? t.slice(1) : t.startsWith('[') && /\d/.test(t[1] as string) ? Number(t.slice(1, -1)) : t.slice(2, -2);
    v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[key] : undefined;
  }
  return v;
}

/** Twin milliseconds a Wait state pauses for this input, per the ASL spec's four forms. */
export function waitMillis(state: AslState, input: unknown, nowMs: number): number {
  if (typeof state.Seconds === 'number') return state.Seconds * 1000;
  if (typeof state.SecondsPath === 'string') {
    const s = readPath(state.SecondsPath, input);
    if (typeof s !== 'number' || s < 0) throw Object.assign(new Error(`SecondsPath ${state.SecondsPath} is not a non-negative number`), { name: 'States.Runtime' });
    return s * 1000;
  }
  const ts = typeof state.Timestamp === 'string' ? state.Timestamp
    : typeof state.TimestampPath === 'string' ? readPath(state.TimestampPath, input) : undefined;
  if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts))) {
    throw Object.assign(new Error(`Wait state has no valid Seconds, SecondsPath, Timestamp or TimestampPath`), { name: 'States.Runtime' });
  }
  return Math.max(0, Date.parse(ts) - nowMs);
}
