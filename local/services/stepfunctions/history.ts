/**
 * An execution's history, in AWS's event names (ExecutionStarted, TaskStateEntered,
 * LambdaFunctionScheduled …): appended as the engine reports its progress, and read back by
 * GetExecutionHistory. Each entered state and each retry counts as a state transition, as AWS bills them.
 */
import type { ModelValue } from '../../core/types';
import type { ExecutionRecord, HistoryEvent } from './model';
import type { PreparedDefinition } from './definition';

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** Appends one event to an execution's history, at `now` (twin time). */
export function record(rec: ExecutionRecord, now: number, type: string, details?: Record<string, unknown>): void {
  const last = rec.history[rec.history.length - 1];
  // A task still in flight when the execution was stopped finishes unseen, as on AWS.
  if (last && TERMINAL.has(last.type)) return;
  rec.history.push({ id: rec.history.length + 1, previousEventId: last?.id ?? 0, timestamp: now, type, ...(details ? { details } : {}) });
}

/** An event of aws-local-stepfunctions' event log, as far as the history reads it. */
export interface EngineEvent {
  type: string;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  index?: number;
  parentState?: { name: string };
  state: { name: string; type: string; input?: unknown; output?: unknown };
}

/** Records what the engine reports, under the names and with the details AWS's history uses. */
export function recordEngineEvent(rec: ExecutionRecord, now: number, prepared: PreparedDefinition, ev: EngineEvent, roleArn: string): void {
  const typeOf = (name: string): string => prepared.types.get(name) ?? 'Task';
  const add = (type: string, details?: Record<string, unknown>): void => record(rec, now, type, details);
  switch (ev.type) {
    case 'ExecutionStarted':
      add('ExecutionStarted', { input: JSON.stringify(ev.input ?? null), inputDetails: { truncated: false }, roleArn });
      return;
    case 'ExecutionSucceeded':
      add('ExecutionSucceeded', { output: JSON.stringify(ev.output ?? null), outputDetails: { truncated: false } });
      return;
    case 'ExecutionFailed':
      add('ExecutionFailed', { error: ev.Error, cause: typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause) });
      return;
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
      return; // recorded by StopExecution / the timeout handler with AWS's details
    case 'StateEntered': {
      const t = typeOf(ev.state.name);
      rec.stateTransitions += 1;
      add(`${t}StateEntered`, { name: ev.state.name, input: JSON.stringify(ev.state.input ?? null), inputDetails: { truncated: false } });
      if (t === 'Parallel' || t === 'Map') add(`${t}StateStarted`, t === 'Map' ? { length: Array.isArray(ev.state.input) ? ev.state.input.length : 0 } : undefined);
      return;
    }
    case 'StateExited': {
      const t = typeOf(ev.state.name);
      if (t === 'Parallel' || t === 'Map') add(`${t}StateSucceeded`);
      add(`${t}StateExited`, { name: ev.state.name, output: JSON.stringify(ev.state.output ?? null), outputDetails: { truncated: false } });
      return;
    }
    case 'StateFailed': {
      const t = typeOf(ev.state.name);
      if (t === 'Parallel' || t === 'Map') add(`${t}StateFailed`);
      return;
    }
    case 'StateRetried':
      rec.stateTransitions += 1; // AWS bills each retry as a state transition
      return;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      add(ev.type, { name: ev.parentState?.name, index: ev.index });
      return;
    default:
      return;
  }
}

/** One event as GetExecutionHistory returns it (data left out when `includeExecutionData` is false). */
export function historyOutput(h: HistoryEvent, includeData: boolean): ModelValue {
  const out: ModelValue = { timestamp: new Date(h.timestamp), type: h.type, id: h.id, previousEventId: h.previousEventId };
  if (h.details) {
    const details = includeData ? h.details : Object.fromEntries(Object.entries(h.details).filter(([k]) => !['input', 'output'].includes(k)));
    // AWS shares one details member for every *StateEntered / *StateExited type.
    const member = h.type.endsWith('StateEntered') ? 'stateEnteredEventDetails'
      : h.type.endsWith('StateExited') ? 'stateExitedEventDetails'
        : `${h.type.charAt(0).toLowerCase()}${h.type.slice(1)}EventDetails`;
    out[member] = details;
  }
  return out;
}
