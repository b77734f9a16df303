/**
 * Event-driven waits on MediaLive (functions/lib/waits.ts): the verdict on the events seen, the
 * park/wake race on a real DynamoDB (dynalite), and the state machines' parked tasks kept in step
 * with POLLS (functions/lib/workflow.ts).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { ChannelRegistry } from '../../../functions/lib/channel/registry';
import { resolveProfile } from '../../../functions/lib/profile';
import { verdict, WAKING_STATES, wakeIfDue, WOKEN_TO_CHECK } from '../../../functions/lib/waits';
import { EVENT_WAITS, POLLS } from '../../../functions/lib/workflow';
import { onStateChange } from '../../../functions/medialive/onStateChange';
import { loadWorkflows } from '../../../local/onair/workflows';
import type { AslState } from '../../../local/services/stepfunctions/definition';
import { fixture } from '../recovery/fixtures';

const seen = (state: string, at: string) => ({ state, at });

describe('verdict', () => {
  it('channelRunning is met only when every pipeline reported RUNNING since the start', () => {
    const w = { name: 'channelRunning' as const };
    expect(verdict(w, { 0: seen('RUNNING', '2026-11-24T19:58:00.000Z') }, 2).outcome).toBe('pending');
    expect(verdict(w, { 0: seen('RUNNING', '2026-11-24T19:58:00.000Z'), 1: seen('RUNNING', '2026-11-24T19:58:05.000Z') }, 2))
      .toEqual({ outcome: 'met', detail: 'RUNNING 2/2 pipelines (events)' });
    expect(verdict(w, { 0: seen('RUNNING', '2026-11-24T19:58:00.000Z') }, 1).outcome).toBe('met');
  });

  it('a STOPPED or DELETED while starting contradicts the goal: wake to look, never decide on an event', () => {
    const w = { name: 'channelRunning' as const };
    expect(verdict(w, { channel: seen('STOPPED', '2026-11-24T19:58:00.000Z') }, 2).outcome).toBe('contradicted');
    expect(verdict(w, { 1: seen('STOPPED', '2026-11-24T19:58:00.000Z'), 0: seen('RUNNING', '2026-11-24T19:58:00.000Z') }, 2).outcome).toBe('contradicted');
  });

  it('channelStopped is met by the channel-level STOPPED (or DELETED) event, not by a pipeline stopping', () => {
    const w = { name: 'channelStopped' as const };
    expect(verdict(w, { 0: seen('STOPPED', '2026-11-24T19:58:00.000Z') }, 2).outcome).toBe('pending');
    expect(verdict(w, { channel: seen('STOPPED', '2026-11-24T19:58:00.000Z') }, 2).outcome).toBe('met');
    expect(verdict(w, { channel: seen('DELETED', '2026-11-24T19:58:00.000Z') }, 2).outcome).toBe('met');
  });
});

describe('park and wake on the registry (either order wakes the task once)', () => {
  const sfn = mockClient(SFNClient);
  let server: Server;
  let registry: ChannelRegistry;
  let n = 0;
  let channelId = '';
  const mlId = () => `90${n}`;
  const event = (file: string, time: string) => fixture(`medialive/${file}`, {
    time,
    detail: { channel_arn: `arn:aws:medialive:us-east-1:111122223333:channel:${mlId()}` },
  });
  const deps = () => ({ sfn: new SFNClient({}), registry });

  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
    const dynalite = require('dynalite') as (o: object) => Server;
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
    await client.send(new CreateTableCommand({ TableName: 'waits-test', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'channelId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'channelId', AttributeType: 'S' }] }));
    registry = new ChannelRegistry({ ddb: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName: 'waits-test' });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  beforeEach(async () => {
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    n += 1;
    channelId = `wait-${n}`;
    await registry.create({ channelId, generation: `g${n}`, profile: resolveProfile('default', { input: { allowedCidrs: ['127.0.0.1/32'] } }), desiredState: 'ON_AIR' });
    await registry.recordResource(channelId, ['medialiveChannelId'], mlId());
  });

  it('token first: the second pipeline\'s RUNNING event wakes it, with success, once', async () => {
    await registry.parkWait(channelId, { name: 'channelRunning', token: 'tok-1' });
    expect(await onStateChange(event('state-running-pipeline-0.json', '2026-11-24T19:58:00Z'), deps())).toEqual({ channelId, outcome: 'pending' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await onStateChange(event('state-running-pipeline-1.json', '2026-11-24T19:58:05Z'), deps())).toEqual({ channelId, outcome: 'woken' });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'tok-1', output: JSON.stringify({ ready: true, via: 'event', state: 'RUNNING 2/2 pipelines (events)' }) },
    ]);
    expect((await registry.get(channelId)).wait).toBeUndefined();
    // A repeated delivery (EventBridge is at least once) changes nothing and wakes nothing.
    expect(await onStateChange(event('state-running-pipeline-1.json', '2026-11-24T19:58:05Z'), deps())).toEqual({ channelId, outcome: 'none' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('events first: the park finds the goal already met and wakes its own task', async () => {
    await onStateChange(event('state-running-pipeline-0.json', '2026-11-24T19:58:00Z'), deps());
    await onStateChange(event('state-running-pipeline-1.json', '2026-11-24T19:58:05Z'), deps());
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const record = await registry.parkWait(channelId, { name: 'channelRunning', token: 'tok-2' });
    expect(await wakeIfDue(deps(), record)).toBe('woken');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe('tok-2');
  });

  it('an older event arriving late never overwrites a newer one', async () => {
    await onStateChange(event('state-running-pipeline-0.json', '2026-11-24T19:58:00Z'), deps());
    const late = await onStateChange(event('state-running-pipeline-0.json', '2026-11-24T19:40:00Z'), deps());
    expect(late).toEqual({ ignored: 'stale: a newer state is already recorded' });
    expect((await registry.get(channelId)).medialiveStates?.['0']?.at).toBe('2026-11-24T19:58:00.000Z');
  });

  it('a STOPPED while starting wakes the task to look (SendTaskFailure), not to give up', async () => {
    await registry.parkWait(channelId, { name: 'channelRunning', token: 'tok-3' });
    expect(await onStateChange(event('state-stopped.json', '2026-11-24T19:58:00Z'), deps())).toEqual({ channelId, outcome: 'woken-to-check' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ taskToken: 'tok-3', error: WOKEN_TO_CHECK });
  });

  it("the DELETED event clears the channel's MediaLive id (teardown goes straight on to the input), only for that channel", async () => {
    await registry.parkWait(channelId, { name: 'channelDeleted', token: 'tok-5' });
    expect(await onStateChange(event('state-deleted.json', '2026-11-24T20:08:00Z'), deps())).toEqual({ channelId, outcome: 'woken' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toMatchObject({ taskToken: 'tok-5' });
    expect((await registry.get(channelId)).resources.medialiveChannelId).toBeUndefined();
    // A channel that meanwhile holds another MediaLive id keeps it: the condition is on the id.
    await registry.recordResource(channelId, ['medialiveChannelId'], 'newer');
    await registry.forgetDeletedMediaLiveChannel(channelId, mlId());
    expect((await registry.get(channelId)).resources.medialiveChannelId).toBe('newer');
  });

  it('a token that already moved on (timed out, woken) is forgotten quietly', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ $metadata: {}, message: 'Task Timed Out' }));
    await registry.parkWait(channelId, { name: 'channelStopped', token: 'tok-4' });
    expect(await onStateChange(event('state-stopped.json', '2026-11-24T19:58:00Z'), deps())).toEqual({ channelId, outcome: 'woken' });
    expect((await registry.get(channelId)).wait).toBeUndefined();
  });

  it('drops what is not an OnAir channel\'s state change', async () => {
    const foreign = fixture('medialive/state-stopped.json', { detail: { channel_arn: 'arn:aws:medialive:us-east-1:111122223333:channel:1' } });
    expect(await onStateChange(foreign, deps())).toEqual({ ignored: 'not an OnAir channel' });
    expect(await onStateChange({ nonsense: true }, deps())).toMatchObject({ ignored: expect.stringContaining('event') });
  });
});

describe('the state machines park as POLLS says', () => {
  const workflows = loadWorkflows();
  const parked: { machine: string; name: string; state: AslState; states: Record<string, AslState> }[] = [];
  const walk = (machine: string, states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task' && String(state.Resource).endsWith('.waitForTaskToken')) parked.push({ machine, name, state, states });
      for (const b of (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []) walk(machine, b.States);
    }
  };
  for (const [key, spec] of Object.entries(workflows.stateMachines)) walk(key, spec.definition.States);

  it('the wakeWaits rule delivers exactly the states the verdicts turn on', () => {
    const rules = workflows.rules.filter((r) => r.target.key === 'wakeWaits');
    expect(rules.map((r) => r.pattern)).toEqual([{ source: ['aws.medialive'], 'detail-type': ['MediaLive Channel State Change'], detail: { state: [...WAKING_STATES] } }]);
    // Every waking state settles or contradicts some wait; any other state changes nothing.
    for (const state of WAKING_STATES) {
      const seen = { channel: { state, at: '2026-12-04T12:00:00.000Z' }, 0: { state, at: '2026-12-04T12:00:00.000Z' } };
      expect(EVENT_WAITS.map((name) => verdict({ name }, seen, 1).outcome)).not.toEqual(EVENT_WAITS.map(() => 'pending'));
    }
    const starting = { channel: { state: 'STARTING', at: '2026-12-04T12:00:00.000Z' }, 0: { state: 'STARTING', at: '2026-12-04T12:00:00.000Z' } };
    expect(EVENT_WAITS.map((name) => verdict({ name }, starting, 1).outcome)).toEqual(EVENT_WAITS.map(() => 'pending'));
  });

  it('provision waits for CREATED, provision and start for RUNNING, stop and teardown for STOPPED, teardown for DELETED, each through the park function', () => {
    expect(parked.map((p) => `${p.machine}.${p.name}`).sort()).toEqual(['provision.WaitForCreated', 'provision.WaitForRunning', 'start.WaitForRunning', 'stop.WaitForIdle', 'teardown.WaitForChannelDeleted', 'teardown.WaitForChannelStopped']);
    for (const p of parked) expect(workflows.functionByArn(String((p.state.Parameters as Record<string, unknown>).FunctionName))?.key).toBe('parkWait');
  });

  it.each(['provision.WaitForCreated', 'provision.WaitForRunning', 'start.WaitForRunning', 'stop.WaitForIdle', 'teardown.WaitForChannelStopped', 'teardown.WaitForChannelDeleted'])('%s: timeout = the poll interval, a timeout looks instead of re-parking', (id) => {
    const p = parked.find((x) => `${x.machine}.${x.name}` === id)!;
    const payload = (p.state.Parameters as { Payload: Record<string, string> }).Payload;
    const wait = payload.wait as (typeof EVENT_WAITS)[number];
    expect(EVENT_WAITS).toContain(wait);
    expect(payload['taskToken.$']).toBe('$$.Task.Token');
    expect(p.state.TimeoutSeconds).toBe(POLLS[wait].intervalSeconds);
    const retried = ((p.state.Retry as { ErrorEquals: string[] }[]) ?? []).flatMap((r) => r.ErrorEquals);
    expect(retried).not.toContain('States.Timeout');
    expect(retried).not.toContain('States.ALL');
    const catches = p.state.Catch as { ErrorEquals: string[]; Next: string }[];
    const look = catches.find((c) => c.ErrorEquals.includes('States.Timeout'));
    expect(look?.ErrorEquals).toContain(WOKEN_TO_CHECK);
    // The look is the same bounded poll as before (a describe, or DeleteChannel confirming), and it loops back here.
    const describe = p.states[look!.Next]!;
    expect(describe.Parameters).toMatchObject({ 'previous.$': `$.polls.${wait}` });
    expect(describe.Parameters).toMatchObject(wait === 'channelDeleted' ? { resource: 'channel' } : { poll: wait });
    const choice = p.states[String(describe.Next)]!;
    expect(choice.Default).toBe(p.name);
  });
});
