import { join } from 'node:path';
import { FaultRegistry } from '../../../local/core/faults';
import { AwsError } from '../../../local/core/types';
import { LambdaService } from '../../../local/services/lambda';
import { StepFunctionsService, type AslDefinition } from '../../../local/services/stepfunctions';
import { testEnv } from './twin-env';

const fixtures = join(__dirname, 'fixtures', 'handlers');
const ARN = (name: string): string => `arn:aws:lambda:us-east-1:111122223333:function:${name}`;

/** `faults`: a real fault registry instead of the test env's no-op one. */
function setup(faults?: FaultRegistry): { sfn: StepFunctionsService; lambda: LambdaService; env: ReturnType<typeof testEnv> } {
  const env = faults ? { ...testEnv(1000), faults } : testEnv(1000);
  const lambda = new LambdaService({ region: env.region, accountId: env.accountId });
  for (const [name, exportName, timeout] of [['echo', 'echo', 5], ['flaky', 'flaky', 5], ['boom', 'boom', 5], ['slow', 'slow', 0.05]] as const) {
    lambda.register({ key: name, name, modulePath: fixtures, exportName, environment: {}, timeoutSeconds: timeout, memorySizeMb: 128 });
  }
  const sfn = new StepFunctionsService(env);
  env.services.set('lambda', lambda);
  env.services.set('states', sfn);
  return { sfn, lambda, env };
}

const main: AslDefinition = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel', Next: 'Pause', ResultPath: '$.both',
      Branches: [
        { StartAt: 'EchoA', States: { EchoA: { Type: 'Task', Resource: ARN('echo'), Parameters: { 'side': 'a' }, TimeoutSeconds: 5, End: true } } },
        { StartAt: 'Flaky', States: { Flaky: { Type: 'Task', Resource: ARN('flaky'), Parameters: { 'key.$': '$$.Execution.Name', failures: 2 }, TimeoutSeconds: 5,
          Retry: [{ ErrorEquals: ['AwsTransientError'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'FULL' }], End: true } } },
      ],
    },
    Pause: { Type: 'Wait', SecondsPath: '$.pause', Next: 'Boom' },
    Boom: { Type: 'Task', Resource: ARN('boom'), TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['ChannelNotIdleError'], ResultPath: '$.caught', Next: 'Done' }], End: true },
    Done: { Type: 'Succeed' },
  },
};

describe('Step Functions twin', () => {
  it('runs Parallel, Retry (scaled), Wait (twin clock) and Catch by error name, with AWS history names', async () => {
    const { sfn } = setup();
    const arn = sfn.register({ name: 'main', definition: main });
    const out = sfn.operations.StartExecution({ stateMachineArn: arn, name: 'run-1', input: JSON.stringify({ pause: 30 }) });
    const rec = await sfn.waitFor(String(out.executionArn));
    expect(rec.status).toBe('SUCCEEDED');
    const output = JSON.parse(rec.output ?? '{}');
    expect(output.both[0]).toMatchObject({ side: 'a', fn: 'echo', remaining: true });
    expect(output.both[1]).toEqual({ attempts: 3 });
    expect(output.caught.Error).toBe('ChannelNotIdleError');
    expect(JSON.parse(output.caught.Cause)).toMatchObject({ errorType: 'ChannelNotIdleError', errorMessage: 'channel is not idle' });
    const types = rec.history.map((h) => h.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types).toEqual(expect.arrayContaining(['ParallelStateEntered', 'ParallelStateStarted', 'TaskStateEntered', 'LambdaFunctionScheduled',
      'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'LambdaFunctionFailed', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered']));
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.indexOf('WaitStateEntered')).toBeLessThan(types.indexOf('WaitStateExited'));
    // Each Lambda event follows its own TaskStateEntered.
    const boomEntered = rec.history.findIndex((h) => h.type === 'TaskStateEntered' && h.details?.name === 'Boom');
    const boomFailed = rec.history.findIndex((h) => h.type === 'LambdaFunctionFailed' && String(h.details?.error) === 'ChannelNotIdleError');
    expect(boomEntered).toBeGreaterThan(-1);
    expect(boomFailed).toBeGreaterThan(boomEntered);
    // Both, EchoA, Flaky (+2 retries), Pause, Boom, Done
    expect(rec.stateTransitions).toBe(8);
    const hist = sfn.operations.GetExecutionHistory({ executionArn: rec.executionArn, maxResults: 3 });
    expect((hist.events as unknown[]).length).toBe(3);
    expect(hist.nextToken).toBeDefined();
    expect((hist.events as Record<string, unknown>[])[0]).toHaveProperty('executionStartedEventDetails');
  });

  it('is idempotent on name + input while running, and refuses a reused name otherwise', async () => {
    const { sfn } = setup();
    const arn = sfn.register({ name: 'waits', definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } } });
    const a = sfn.operations.StartExecution({ stateMachineArn: arn, name: 'same', input: '{"a":1}' });
    const b = sfn.operations.StartExecution({ stateMachineArn: arn, name: 'same', input: '{"a":1}' });
    expect(b.executionArn).toBe(a.executionArn);
    expect(() => sfn.operations.StartExecution({ stateMachineArn: arn, name: 'same', input: '{"a":2}' })).toThrow(expect.objectContaining({ code: 'ExecutionAlreadyExists' }));
    await sfn.waitFor(String(a.executionArn));
    expect(() => sfn.operations.StartExecution({ stateMachineArn: arn, name: 'same', input: '{"a":1}' })).toThrow(AwsError);
    expect(() => sfn.operations.StartExecution({ stateMachineArn: arn, input: 'nope' })).toThrow(expect.objectContaining({ code: 'InvalidExecutionInput' }));
    expect(() => sfn.operations.StartExecution({ stateMachineArn: `${arn}x` })).toThrow(expect.objectContaining({ code: 'StateMachineDoesNotExist' }));
  });

  it('wakes a .waitForTaskToken task with SendTaskSuccess and fails it with SendTaskFailure', async () => {
    const { sfn } = setup();
    const def: AslDefinition = {
      StartAt: 'Ask',
      States: {
        Ask: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 600,
          Parameters: { FunctionName: 'echo', Payload: { 'token.$': '$$.Task.Token' } }, End: true },
      },
    };
    const arn = sfn.register({ name: 'callback', definition: def });
    const tokenOf = async (execArn: string): Promise<string> => {
      for (;;) {
        const sent = sfn.getExecution(execArn)?.history.find((h) => h.type === 'TaskScheduled');
        if (sent) return JSON.parse(String(sent.details?.parameters)).Payload.token as string;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const ok = String(sfn.operations.StartExecution({ stateMachineArn: arn }).executionArn);
    sfn.operations.SendTaskSuccess({ taskToken: await tokenOf(ok), output: '{"state":"RUNNING"}' });
    const okRec = await sfn.waitFor(ok);
    expect(JSON.parse(okRec.output ?? '')).toEqual({ state: 'RUNNING' });
    // The invoke only submits a callback task; it succeeds when the token comes back.
    expect(okRec.history.map((h) => h.type).filter((t) => t.startsWith('Task') && !t.includes('State'))).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);

    const bad = String(sfn.operations.StartExecution({ stateMachineArn: arn }).executionArn);
    const token = await tokenOf(bad);
    sfn.operations.SendTaskFailure({ taskToken: token, error: 'PipelineFailed', cause: 'pipeline 1' });
    const failed = await sfn.waitFor(bad);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'PipelineFailed', cause: 'pipeline 1' });
    expect(() => sfn.operations.SendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(expect.objectContaining({ code: 'TaskDoesNotExist' }));
    expect(() => sfn.operations.SendTaskSuccess({ taskToken: 'garbage', output: '{}' })).toThrow(expect.objectContaining({ code: 'InvalidToken' }));
  });

  it('runs a child with startExecution.sync:2 and surfaces its failure as States.TaskFailed', async () => {
    const { sfn } = setup();
    const child = sfn.register({ name: 'child', definition: { StartAt: 'E', States: { E: { Type: 'Task', Resource: ARN('echo'), TimeoutSeconds: 5, End: true } } } });
    const failing = sfn.register({ name: 'failing', definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'because' } } } });
    const parent = sfn.register({ name: 'parent', definition: {
      StartAt: 'Run', States: {
        Run: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', TimeoutSeconds: 600,
          Parameters: { 'StateMachineArn.$': '$.machine', Input: { x: 1 } }, OutputPath: '$.Output', End: true },
      } } });
    const ok = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: parent, input: JSON.stringify({ machine: child }) }).executionArn));
    expect(ok.status).toBe('SUCCEEDED');
    expect(JSON.parse(ok.output ?? '')).toMatchObject({ x: 1, fn: 'echo' });
    const ko = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: parent, input: JSON.stringify({ machine: failing }) }).executionArn));
    expect(ko).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(JSON.parse(ko.cause ?? '')).toMatchObject({ Status: 'FAILED', Error: 'Nope' });
  });

  it('times a Lambda out as Sandbox.Timedout, and StopExecution aborts', async () => {
    const { sfn } = setup();
    const arn = sfn.register({ name: 'slow', definition: { StartAt: 'S', States: { S: { Type: 'Task', Resource: ARN('slow'), TimeoutSeconds: 5, End: true } } } });
    const rec = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: arn }).executionArn));
    expect(rec).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    const waits = sfn.register({ name: 'long', definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100000, End: true } } } });
    const exec = String(sfn.operations.StartExecution({ stateMachineArn: waits }).executionArn);
    sfn.operations.StopExecution({ executionArn: exec, error: 'Stopped', cause: 'test' });
    const stopped = await sfn.waitFor(exec);
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Stopped' });
    expect(stopped.history.at(-1)?.type).toBe('ExecutionAborted');
  });

  it('fails a Task whose function timed out (injected fault) with Sandbox.Timedout: retried by name, caught by States.ALL', async () => {
    const faults = new FaultRegistry(testEnv(1000).clock, { statusOf: () => 400, throttleError: () => ({ code: 'TooManyRequestsException', status: 429 }) });
    const { sfn } = setup(faults);
    // The first echo invocation times out; the retry succeeds.
    faults.inject({ service: 'lambda', operation: 'Invoke', timeout: true, match: { FunctionName: ARN('echo') } });
    const retried = sfn.register({ name: 'retried', definition: { StartAt: 'E', States: { E: { Type: 'Task', Resource: ARN('echo'), Parameters: { x: 1 }, TimeoutSeconds: 5,
      Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 2 }], End: true } } } });
    const ok = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: retried }).executionArn));
    expect(ok.status).toBe('SUCCEEDED');
    expect(JSON.parse(ok.output ?? '')).toMatchObject({ x: 1, fn: 'echo' });
    expect(ok.history.filter((h) => h.type === 'LambdaFunctionFailed').map((h) => String(h.details?.error))).toEqual(['Sandbox.Timedout']);

    // Every flaky invocation times out: uncaught, the execution fails with Sandbox.Timedout; States.ALL catches it.
    faults.inject({ service: 'lambda', timeout: true, always: true, match: { FunctionName: ARN('flaky') } });
    const task = { Type: 'Task', Resource: ARN('flaky'), Parameters: { 'key.$': '$$.Execution.Name', failures: 0 }, TimeoutSeconds: 5 } as const;
    const bare = sfn.register({ name: 'bare', definition: { StartAt: 'F', States: { F: { ...task, End: true } } } });
    expect(await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: bare }).executionArn))).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    const caught = sfn.register({ name: 'caught', definition: { StartAt: 'F', States: {
      F: { ...task, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Done' }], End: true },
      Done: { Type: 'Succeed' },
    } } });
    const rec = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: caught }).executionArn));
    expect(rec.status).toBe('SUCCEEDED');
    const out = JSON.parse(rec.output ?? '{}') as { caught: { Error: string; Cause: string } };
    expect(out.caught.Error).toBe('Sandbox.Timedout');
    expect(JSON.parse(out.caught.Cause)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 5.00 seconds' });
  });

  it('calls aws-sdk and sns:publish integrations through the twin, naming AWS errors <Service>.<Code>', async () => {
    const { sfn, env } = setup();
    const calls: string[] = [];
    env.services.set('medialive', {
      signingName: 'medialive', inventory: () => [],
      operations: {
        DescribeChannel: (input) => {
          calls.push(`DescribeChannel ${String(input.ChannelId)}`);
          if (input.ChannelId === 'missing') throw new AwsError('NotFoundException', 'Channel not found', 404);
          return { Id: input.ChannelId, State: 'RUNNING', CreatedAt: new Date(0) };
        },
      },
    });
    env.services.set('sns', { signingName: 'sns', inventory: () => [], operations: { Publish: (input) => { calls.push(`Publish ${String(input.Message)}`); return { MessageId: 'm-1' }; } } });
    const arn = sfn.register({ name: 'sdk', definition: {
      StartAt: 'Describe', States: {
        Describe: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:medialive:describeChannel', Parameters: { 'ChannelId.$': '$.id' }, TimeoutSeconds: 10,
          Catch: [{ ErrorEquals: ['MediaLive.NotFoundException'], ResultPath: '$.error', Next: 'Gone' }], ResultPath: '$.channel', Next: 'Tell' },
        Tell: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', 'Message.$': '$.channel.State' }, TimeoutSeconds: 10, End: true },
        Gone: { Type: 'Pass', End: true },
      } } });
    const ok = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: arn, input: '{"id":"1"}' }).executionArn));
    expect(ok.status).toBe('SUCCEEDED');
    expect(JSON.parse(ok.output ?? '')).toEqual({ MessageId: 'm-1' });
    expect(ok.history.map((h) => h.type)).toEqual(expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSucceeded']));
    const gone = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: arn, input: '{"id":"missing"}' }).executionArn));
    expect(JSON.parse(gone.output ?? '')).toMatchObject({ error: { Error: 'MediaLive.NotFoundException', Cause: 'Channel not found' } });
    expect(calls).toEqual(['DescribeChannel 1', 'Publish RUNNING', 'DescribeChannel missing']);
  });

  it('runs Map states over Lambda tasks, with iteration events', async () => {
    const { sfn } = setup();
    const arn = sfn.register({ name: 'map', definition: {
      StartAt: 'Each', States: {
        Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, End: true,
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: ARN('echo'), TimeoutSeconds: 5, End: true } } } },
      } } });
    const rec = await sfn.waitFor(String(sfn.operations.StartExecution({ stateMachineArn: arn, input: JSON.stringify({ items: [{ n: 1 }, { n: 2 }, { n: 3 }] }) }).executionArn));
    expect(rec.status).toBe('SUCCEEDED');
    expect((JSON.parse(rec.output ?? '[]') as { n: number }[]).map((o) => o.n)).toEqual([1, 2, 3]);
    const types = rec.history.map((h) => h.type);
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(['MapStateEntered', 'MapStateStarted', 'MapIterationSucceeded', 'MapStateSucceeded', 'MapStateExited']));
    expect(rec.stateTransitions).toBe(4);
  });

  it('keeps finished executions in the snapshot and reports running ones as aborted after a restart', async () => {
    const { sfn, env } = setup();
    const arn = sfn.register({ name: 'long', definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100000, End: true } } } });
    const exec = String(sfn.operations.StartExecution({ stateMachineArn: arn, name: 'r' }).executionArn);
    const snap = JSON.parse(JSON.stringify(sfn.snapshot()));
    sfn.stop();
    const again = new StepFunctionsService(env);
    again.register({ name: 'long', definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } } });
    again.restore(snap);
    expect(again.operations.DescribeExecution({ executionArn: exec })).toMatchObject({ status: 'ABORTED', error: 'States.Runtime' });
  });
});
