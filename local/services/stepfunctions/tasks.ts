/**
 * Task and Wait states, as Step Functions dispatches them:
 *  - `arn:aws:lambda:…:function:NAME` and `arn:aws:states:::lambda:invoke` → the twin's Lambda (the
 *    real handler), errors named by the function's errorType so Retry/Catch match;
 *  - `arn:aws:states:::states:startExecution[.sync[:2]]` → a child execution in this twin;
 *  - `arn:aws:states:::sns:publish` and `arn:aws:states:::aws-sdk:SERVICE:ACTION` → the twin's
 *    services through `env.invoke` (same validation, faults and rate limits as an HTTP call);
 *    AWS errors become `<Service>.<ErrorCode>` as Step Functions names them;
 *  - `.waitForTaskToken` on any of them → a task token (task-tokens.ts);
 *  - Wait states sleep on the twin clock (see definition.ts).
 * Each task writes its history events (TaskScheduled, TaskStarted, TaskSucceeded … or the
 * LambdaFunction* ones of a direct Lambda resource).
 */
import { AwsError, type ModelValue, type TwinEnv } from '../../core/types';
import { WAIT_RESOURCE, waitMillis, type AslState } from './definition';
import { record } from './history';
import { TaskError, type ExecutionRecord } from './model';
import { withToken, type TaskTokens } from './task-tokens';

/** Step Functions' error prefix for service integrations (`MediaLive.ConflictException`). */
const SERVICE_ERROR_PREFIX: Record<string, string> = {
  medialive: 'MediaLive', mediapackage: 'MediaPackage', mediapackagev2: 'MediaPackageV2', cloudfront: 'CloudFront',
  cloudwatch: 'CloudWatch', sns: 'SNS', secretsmanager: 'SecretsManager', scheduler: 'Scheduler', sfn: 'Sfn',
  lambda: 'Lambda', eventbridge: 'EventBridge', dynamodb: 'DynamoDb', sts: 'Sts',
};
/** aws-sdk integration service names → the twin's signing names. */
const SIGNING_NAME: Record<string, string> = { cloudwatch: 'monitoring', sfn: 'states', eventbridge: 'events' };

/** What a task needs from the executions it runs in. */
export interface TaskHost {
  /** False once the execution was stopped or the twin is shutting down: no new task starts. */
  accepts(rec: ExecutionRecord): boolean;
  /** The cancellers of a running execution's twin-clock waits (an abort calls them). */
  timers(executionArn: string): Set<() => void> | undefined;
  /** Starts a child execution of `parent` (a `.sync` child is stopped with its parent). */
  startChild(parent: ExecutionRecord, stateMachineArn: string, input: string, name?: string): ExecutionRecord;
  /** Resolves when the execution has finished. */
  waitFor(executionArn: string): Promise<ExecutionRecord>;
}

export class Tasks {
  constructor(private readonly env: TwinEnv, private readonly tokens: TaskTokens, private readonly host: TaskHost) {}

  private record(rec: ExecutionRecord, type: string, details?: Record<string, unknown>): void {
    record(rec, this.env.clock.now(), type, details);
  }

  async run(rec: ExecutionRecord, stateName: string, state: AslState, rawInput: unknown): Promise<unknown> {
    // Let the engine's queued StateEntered reach the history before this task's own events.
    await new Promise((r) => setImmediate(r));
    // A stopped execution starts nothing new (the engine may still retry the interrupted state).
    if (!this.host.accepts(rec)) throw new TaskError('States.Aborted', 'execution stopped');
    if (state.Type === 'Wait') {
      await this.wait(rec, waitMillis(state, rawInput, this.env.clock.now()));
      return rawInput;
    }
    let resource = String(state.Resource);
    if (resource === WAIT_RESOURCE) throw new TaskError('States.Runtime', 'internal wait resource used in a Task');
    const callback = resource.endsWith('.waitForTaskToken');
    let input = rawInput;
    let token: string | undefined;
    let tokenResult: Promise<unknown> | undefined;
    if (callback) {
      resource = resource.slice(0, -'.waitForTaskToken'.length);
      const issued = this.tokens.issue(rec.executionArn, stateName, typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined);
      token = issued.token;
      tokenResult = issued.result;
      input = withToken(rawInput, token);
    }
    try {
      const direct = /^arn:aws:lambda:[^:]+:\d+:function:/.test(resource);
      let result: unknown;
      if (direct || resource === 'arn:aws:states:::lambda:invoke') {
        result = await this.lambdaTask(rec, resource, direct, input, state, callback);
      } else {
        result = await this.serviceTask(rec, resource, input, stateName, callback);
      }
      if (tokenResult) {
        const output = await tokenResult;
        this.record(rec, 'TaskSucceeded', { resourceType: resourceType(resource), resource: resourceName(resource), output: JSON.stringify(output) });
        return output;
      }
      return result;
    } catch (error) {
      if (token) this.tokens.drop(token);
      throw error;
    }
  }

  /** A Wait state: sleeps on the twin clock; an abort settles it at once. */
  private wait(rec: ExecutionRecord, ms: number): Promise<void> {
    const timers = this.host.timers(rec.executionArn);
    return new Promise<void>((resolve, reject) => {
      const stopTimer = this.env.clock.setTimer(ms, () => {
        timers?.delete(cancel);
        resolve();
      });
      // Settling on abort matters: the engine keeps a (long) real timer per Task until it settles.
      const cancel = (): void => {
        stopTimer();
        reject(new TaskError('States.Aborted', 'execution stopped'));
      };
      timers?.add(cancel);
    });
  }

  private async lambdaTask(rec: ExecutionRecord, resource: string, direct: boolean, input: unknown, state: AslState, callback = false): Promise<unknown> {
    const params = (input ?? {}) as Record<string, unknown>;
    const functionName = direct ? resource : String(params.FunctionName ?? '');
    const payload = direct ? input : params.Payload ?? {};
    if (direct) {
      this.record(rec, 'LambdaFunctionScheduled', { resource, input: JSON.stringify(payload ?? null), inputDetails: { truncated: false }, ...(typeof state.TimeoutSeconds === 'number' ? { timeoutInSeconds: state.TimeoutSeconds } : {}) });
      this.record(rec, 'LambdaFunctionStarted');
    } else {
      this.record(rec, 'TaskScheduled', { resourceType: 'lambda', resource: 'invoke', region: this.env.region, parameters: JSON.stringify(params) });
      this.record(rec, 'TaskStarted', { resourceType: 'lambda', resource: 'invoke' });
    }
    let out: ModelValue;
    try {
      out = await this.env.invoke('lambda', 'Invoke', { FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload ?? null)) });
    } catch (error) {
      // Lambda's own errors (throttling, service faults) reach Retry as Lambda.<Code>.
      const name = error instanceof AwsError ? `Lambda.${error.code}` : 'Lambda.SdkClientException';
      const cause = (error as Error).message;
      this.record(rec, direct ? 'LambdaFunctionFailed' : 'TaskFailed', { ...(direct ? {} : { resourceType: 'lambda', resource: 'invoke' }), error: name, cause });
      throw new TaskError(name, cause);
    }
    const text = out.Payload ? Buffer.from(out.Payload as Uint8Array).toString('utf8') : 'null';
    const body = JSON.parse(text) as unknown;
    if (out.FunctionError) {
      const p = body as { errorType?: string; errorMessage?: string };
      const name = p.errorType ?? 'Lambda.Unknown';
      this.record(rec, direct ? 'LambdaFunctionFailed' : 'TaskFailed', { ...(direct ? {} : { resourceType: 'lambda', resource: 'invoke' }), error: name, cause: text });
      throw new TaskError(name, text);
    }
    if (direct) {
      this.record(rec, 'LambdaFunctionSucceeded', { output: text, outputDetails: { truncated: false } });
      return body;
    }
    const result = { ExecutedVersion: '$LATEST', Payload: body, StatusCode: 200 };
    this.record(rec, callback ? 'TaskSubmitted' : 'TaskSucceeded', { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify(result) });
    return result;
  }

  private async serviceTask(rec: ExecutionRecord, resource: string, input: unknown, stateName: string, callback = false): Promise<unknown> {
    // A callback task's call only submits it: TaskSucceeded comes with SendTaskSuccess.
    const done = callback ? 'TaskSubmitted' : 'TaskSucceeded';
    const params = (input ?? {}) as Record<string, unknown>;
    const rType = resourceType(resource);
    const rName = resourceName(resource);
    this.record(rec, 'TaskScheduled', { resourceType: rType, resource: rName, region: this.env.region, parameters: JSON.stringify(params) });
    this.record(rec, 'TaskStarted', { resourceType: rType, resource: rName });
    const fail = (error: string, cause: string): never => {
      this.record(rec, 'TaskFailed', { resourceType: rType, resource: rName, error, cause });
      throw new TaskError(error, cause);
    };
    let m: RegExpExecArray | null;
    if ((m = /^arn:aws:states:::states:startExecution(\.sync(:2)?)?$/.exec(resource))) {
      const childInput = typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input ?? {});
      let child: ExecutionRecord;
      try {
        child = this.host.startChild(rec, String(params.StateMachineArn ?? ''), childInput, typeof params.Name === 'string' ? params.Name : undefined);
      } catch (error) {
        return fail(`StepFunctions.${(error as AwsError).code ?? 'SdkClientException'}`, (error as Error).message);
      }
      if (!m[1]) {
        const out = { ExecutionArn: child.executionArn, StartDate: new Date(child.startDate).toISOString() };
        this.record(rec, 'TaskSucceeded', { resourceType: rType, resource: rName, output: JSON.stringify(out) });
        return out;
      }
      this.record(rec, 'TaskSubmitted', { resourceType: rType, resource: rName, output: JSON.stringify({ ExecutionArn: child.executionArn }) });
      const finished = await this.host.waitFor(child.executionArn);
      const describe = {
        ExecutionArn: finished.executionArn, StateMachineArn: finished.stateMachineArn, Name: finished.name, Status: finished.status,
        StartDate: finished.startDate, StopDate: finished.stopDate, Input: m[2] ? JSON.parse(finished.input) : finished.input,
        Output: finished.output === undefined ? null : m[2] ? JSON.parse(finished.output) : finished.output,
        ...(finished.error ? { Error: finished.error } : {}), ...(finished.cause ? { Cause: finished.cause } : {}),
      };
      if (finished.status !== 'SUCCEEDED') return fail(finished.status === 'TIMED_OUT' ? 'States.Timeout' : 'States.TaskFailed', JSON.stringify(describe));
      this.record(rec, 'TaskSucceeded', { resourceType: rType, resource: rName, output: JSON.stringify(describe) });
      return describe;
    }
    let service: string;
    let action: string;
    if (resource === 'arn:aws:states:::sns:publish') {
      service = 'sns';
      action = 'publish';
    } else if ((m = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(resource))) {
      service = m[1] as string;
      action = m[2] as string;
    } else {
      return fail('States.Runtime', `The local cloud does not implement the task resource ${resource} (state ${stateName})`);
    }
    const operation = action.charAt(0).toUpperCase() + action.slice(1);
    let out: ModelValue;
    try {
      out = await this.env.invoke(SIGNING_NAME[service] ?? service, operation, params);
    } catch (error) {
      const prefix = SERVICE_ERROR_PREFIX[service] ?? service;
      if (error instanceof AwsError) return fail(`${prefix}.${error.code}`, error.message);
      return fail(`${prefix}.SdkClientException`, (error as Error).message);
    }
    const result = JSON.parse(JSON.stringify(out)) as unknown; // Dates → ISO strings, as Step Functions returns them
    this.record(rec, done, { resourceType: rType, resource: rName, output: JSON.stringify(result) });
    return result;
  }
}

function resourceType(resource: string): string {
  const m = /^arn:aws:states:::(?:aws-sdk:)?([a-z0-9]+)/.exec(resource);
  return m?.[1] ?? 'lambda';
}

function resourceName(resource: string): string {
  const m = /^arn:aws:states:::(?:aws-sdk:[a-z0-9]+:|[a-z0-9]+:)(.+)$/.exec(resource);
  return m?.[1] ?? resource;
}
