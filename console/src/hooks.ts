/** Polling without reload: calls `load` now and every `ms`, keeps the last answer and error. */
import { useEffect, useRef, useState } from 'preact/hooks';

export function usePoll<T>(load: () => Promise<T>, ms: number, deps: unknown[] = []): { data: T | undefined; error: string | undefined; refresh: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      try {
        const next = await loadRef.current();
        if (alive) { setData(next); setError(undefined); }
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
      if (alive) timer = setTimeout(() => { void run(); }, ms);
    };
    void run();
    return () => { alive = false; if (timer) clearTimeout(timer); };
  }, [ms, tick, ...deps]);
  return { data, error, refresh: () => setTick((t) => t + 1) };
}
