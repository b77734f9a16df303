/**
 * Step Functions twin: runs the checked-in ASL with aws-local-stepfunctions.
 *
 * One file per resource: state-machines.ts (registered from the checked-in ASL, prepared for the twin
 * clock by definition.ts), executions.ts (start, stop, describe, list, persistence), tasks.ts (how
 * each Task and Wait state is dispatched), task-tokens.ts (`.waitForTaskToken` and SendTask*),
 * history.ts (AWS's history events and state-transition count); model.ts holds the records. This
 * file wires them into the service, the in-process API the local stack uses, and the control route.
 *
 * Not served: JSONata, HeartbeatSeconds enforcement, Express workflows, redrive, $$.State/$$.Task
 * context fields other than Task.Token.
 */
import type { InventoryItem, ModelValue, ServiceBehaviour, TwinEnv, TwinRoute } from '../../core/types';
import { Executions, type ExecutionsSnapshot } from './executions';
import type { ExecutionRecord, StateMachineSpec } from './model';
import { StateMachines } from './state-machines';
import type { TaskTokens } from './task-tokens';

export type { AslDefinition } from './definition';
export type { ExecutionRecord, ExecutionStatus, HistoryEvent, StateMachineSpec } from './model';

export class StepFunctionsService implements ServiceBehaviour {
  readonly signingName = 'states';
  /** In model member names (Step Functions' are lowerCamel). */
  readonly operations: Executions['operations'] & StateMachines['operations'] & TaskTokens['operations'];
  private readonly machines: StateMachines;
  private readonly executions: Executions;

  constructor(env: TwinEnv) {
    this.machines = new StateMachines(env);
    this.executions = new Executions(env, this.machines);
    this.operations = { ...this.executions.operations, ...this.machines.operations, ...this.executions.tokens.operations };
  }

  // ---- registration (app.ts) -------------------------------------------------------------------

  stateMachineArn(name: string): string {
    return this.machines.arn(name);
  }

  register(spec: StateMachineSpec): string {
    return this.machines.register(spec);
  }

  // ---- in-process API (npm start, tests, benchmarks) -------------------------------------------

  getExecution(arn: string): ExecutionRecord | undefined {
    return this.executions.get(arn);
  }

  listExecutionRecords(): ExecutionRecord[] {
    return this.executions.list();
  }

  /** Resolves when the execution has finished (immediately if it already has). */
  waitFor(executionArn: string): Promise<ExecutionRecord> {
    return this.executions.waitFor(executionArn);
  }

  /** Resolves when no execution is running (used at shutdown and by tests). */
  idle(): Promise<void> {
    return this.executions.idle();
  }

  startExecution(stateMachineArn: string, input: string | undefined, name?: string, parentExecutionArn?: string): ExecutionRecord {
    return this.executions.start(stateMachineArn, input, name, parentExecutionArn);
  }

  stopExecution(executionArn: string, error?: string, cause?: string): ExecutionRecord {
    return this.executions.stop(executionArn, error, cause);
  }

  describeOutput(rec: ExecutionRecord): ModelValue {
    return this.executions.describeOutput(rec);
  }

  /** Control route: every execution with its state-transition count (benchmarks read it). */
  readonly routes: TwinRoute[] = [{
    method: 'GET',
    prefix: '/_twin/executions',
    handle: () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        executions: this.listExecutionRecords().map((e) => ({
          executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status,
          startDate: new Date(e.startDate).toISOString(), stopDate: e.stopDate === undefined ? null : new Date(e.stopDate).toISOString(),
          stateTransitions: e.stateTransitions, historyEvents: e.history.length, error: e.error ?? null, cause: e.cause ?? null,
          parentExecutionArn: e.parentExecutionArn ?? null,
        })),
      }),
    }),
  }];

  inventory(): InventoryItem[] {
    return [];
  }

  /** The live records (plain data): the caller serialises them at once, a copy would double the work. */
  snapshot(): ExecutionsSnapshot {
    return this.executions.snapshot();
  }

  restore(state: unknown): void {
    this.executions.restore(state);
  }

  /** Twin shutdown: running executions stop here; restore() reports them as aborted. */
  stop(): void {
    this.executions.close();
  }
}

/** One line in local/services/index.ts: `states: createStepFunctions`. */
export function createStepFunctions(env: TwinEnv): StepFunctionsService {
  return new StepFunctionsService(env);
}
