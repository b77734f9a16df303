/**
 * The MediaLive step handlers as Step Functions calls them: the commands they send, the poll
 * results the state machine's Choice/Wait read, and the errors its Retry/Catch match — with the
 * SDK's own exception classes.
 */
import { join } from 'node:path';
import { loadWorkflows } from '../../../local/onair/workflows';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConflictException, DeleteChannelCommand, DescribeChannelCommand, MediaLiveClient, NotFoundException, StartChannelCommand,
  StopChannelCommand, TooManyRequestsException,
} from '@aws-sdk/client-medialive';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler as describeMediaLive } from '../../../functions/medialive/describeMediaLive';
import { handler as startChannel } from '../../../functions/medialive/startChannel';
import { handler as stopChannel } from '../../../functions/medialive/stopChannel';
import { handler as deleteMediaLive } from '../../../functions/medialive/deleteMediaLive';
import { channelRecord, lambdaContext } from './record';

process.env.CHANNELS_TABLE = 'onair-test-channels';
const ml = mockClient(MediaLiveClient);
const ddb = mockClient(DynamoDBDocumentClient);
const meta = { $metadata: {} };

beforeEach(() => {
  ml.reset();
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: channelRecord() });
  ddb.on(UpdateCommand).resolves({});
});

const describe_ = (poll: string, attempt = 0, waited = attempt * 5) => describeMediaLive({ channelId: 'show-1', poll, previous: { attempt, waited } }, lambdaContext as never);

describe('describeMediaLive: channel RUNNING on every pipeline', () => {
  it('is not ready while STARTING or with one of two pipelines running; polls again after the interval', async () => {
    ml.on(DescribeChannelCommand).resolvesOnce({ State: 'STARTING', ChannelClass: 'STANDARD', PipelinesRunningCount: 0 })
      .resolvesOnce({ State: 'RUNNING', ChannelClass: 'STANDARD', PipelinesRunningCount: 1 });
    await expect(describe_('channelRunning', 0)).resolves.toEqual({ ready: false, attempt: 1, waited: 120, waitSeconds: 120, state: 'STARTING 0/2 pipelines' });
    await expect(describe_('channelRunning', 1, 120)).resolves.toEqual({ ready: false, attempt: 2, waited: 240, waitSeconds: 120, state: 'RUNNING 1/2 pipelines' });
    expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '1234567' });
  });

  it('is ready when RUNNING on both pipelines', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', ChannelClass: 'STANDARD', PipelinesRunningCount: 2 });
    await expect(describe_('channelRunning', 7)).resolves.toEqual({ ready: true, attempt: 8, waited: 35, waitSeconds: 0, state: 'RUNNING 2/2 pipelines' });
  });

  it('gives up at the 10-minute bound of AWS start waiter with WaitTimeoutError', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'STARTING', ChannelClass: 'STANDARD', PipelinesRunningCount: 0 });
    await expect(describe_('channelRunning', 3, 360)).resolves.toMatchObject({ ready: false, attempt: 4, waited: 480 });
    await expect(describe_('channelRunning', 5, 600)).rejects.toMatchObject({ name: 'WaitTimeoutError', message: expect.stringContaining('600 s') });
  });

  it('fails fast when the channel cannot come back by itself', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'CREATE_FAILED', ChannelClass: 'STANDARD' });
    await expect(describe_('channelRunning')).rejects.toMatchObject({ name: 'ResourceFailedError' });
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE', ChannelClass: 'STANDARD' });
    await expect(describe_('channelRunning', 0)).resolves.toMatchObject({ ready: false });
    await expect(describe_('channelRunning', 2)).rejects.toMatchObject({ name: 'ResourceFailedError', message: expect.stringContaining('fell back to IDLE') });
  });

  it('turns MediaLive throttling into AwsThrottledError, the name the state machine retries', async () => {
    ml.on(DescribeChannelCommand).rejects(new TooManyRequestsException({ ...meta, message: 'Too many requests' }));
    await expect(describe_('channelRunning')).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });
});

describe('describeMediaLive: teardown waits', () => {
  it('a channel that is gone counts as stopped', async () => {
    ml.on(DescribeChannelCommand).rejects(new NotFoundException({ ...meta, message: 'not found' }));
    await expect(describe_('channelStopped')).resolves.toEqual({ ready: true, attempt: 1, waited: 0, waitSeconds: 0, state: 'DELETED' });
  });

  it('waits while STOPPING', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'STOPPING', ChannelClass: 'STANDARD' });
    await expect(describe_('channelStopped', 3, 0)).resolves.toEqual({ ready: false, attempt: 4, waited: 60, waitSeconds: 60, state: 'STOPPING' });
  });

  it('takes poll state only as `previous`, which every poll Task of every state machine passes', () => {
    const workflows = loadWorkflows({ root: join(__dirname, '..', '..', '..') });
    const POLLERS = new Set(['describeMediaLive', 'deleteMediaLive', 'checkPlayback', 'deleteDistribution']);
    const seen: string[] = [];
    const visit = (states: Record<string, Record<string, unknown>>, machine: string): void => {
      for (const [name, st] of Object.entries(states)) {
        for (const b of (st.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? []) visit(b.States, machine);
        const fn = workflows.stateMachines[machine]?.taskFunctions[name];
        if (!fn || !POLLERS.has(fn)) continue;
        const params = st.Parameters as Record<string, unknown>;
        // deleteMediaLive/deleteDistribution's one-shot actions (disable, delete OAC …) carry no poll.
        if (fn === 'deleteDistribution' && params.action !== 'describe') continue;
        seen.push(`${machine}.${name}`);
        expect({ state: `${machine}.${name}`, previous: typeof params['previous.$'], attempt: params['attempt.$'] }).toEqual({ state: `${machine}.${name}`, previous: 'string', attempt: undefined });
      }
    };
    for (const [key, sm] of Object.entries(workflows.stateMachines)) visit(sm.definition.States as Record<string, Record<string, unknown>>, key);
    expect(seen).toEqual(expect.arrayContaining(['start.CheckPlayback', 'provision.CheckPlayback', 'teardown.ReleaseInput']));
  });

  it('refuses an input without a channelId', async () => {
    await expect(describeMediaLive({ poll: 'channelStopped' }, lambdaContext as never)).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('channelId') });
  });
});

describe('startChannel', () => {
  it('starts an IDLE channel and hands the RUNNING wait its first poll, with when the start was asked for', async () => {
    ml.on(StartChannelCommand).resolves({ State: 'STARTING' });
    await expect(startChannel({ channelId: 'show-1' }, lambdaContext as never)).resolves.toEqual({
      ready: false, attempt: 0, waited: 0, waitSeconds: 120, since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), startState: 'STARTING',
    });
    expect(ml).toHaveReceivedCommandWith(StartChannelCommand, { ChannelId: '1234567' });
  });

  it('answers ChannelNotReadyError (retried by the state machine) to MediaLive\'s just-created 409', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).rejects(new ConflictException({ ...meta, message: 'Channel is not ready' }));
    await expect(startChannel({ channelId: 'show-1' }, lambdaContext as never)).rejects.toMatchObject({ name: 'ChannelNotReadyError' });
  });
});

describe('stopChannel and deleteMediaLive answer as polls', () => {
  it('stopChannel on a RUNNING channel sends StopChannel and is not ready yet', async () => {
    ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
    await expect(stopChannel({ channelId: 'show-1' }, lambdaContext as never)).resolves.toEqual({ ready: false, attempt: 1, waited: 60, waitSeconds: 60, state: 'STOPPING', since: expect.any(String) });
    expect(ml).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: '1234567' });
  });

  it('stopChannel on an IDLE channel is ready at once (MediaLive\'s 409, then DescribeChannel says IDLE)', async () => {
    ml.on(StopChannelCommand).rejects(new ConflictException({ ...meta, message: 'Channel is IDLE' }));
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    await expect(stopChannel({ channelId: 'show-1' }, lambdaContext as never)).resolves.toMatchObject({ ready: true, state: 'IDLE' });
  });

  it('deleteMediaLive keeps polling while DELETING, and clears the id once the channel is gone', async () => {
    ml.on(DescribeChannelCommand).resolvesOnce({ State: 'IDLE' }).resolvesOnce({ State: 'DELETING' })
      .rejectsOnce(new NotFoundException({ ...meta, message: 'gone' }));
    ml.on(DeleteChannelCommand).resolves({ State: 'DELETING' });
    const call = (attempt: number) => deleteMediaLive({ channelId: 'show-1', resource: 'channel', previous: { attempt, waited: attempt * 5 } }, lambdaContext as never);
    await expect(call(0)).resolves.toEqual({ ready: false, attempt: 1, waited: 30, waitSeconds: 30, state: 'DELETING' });
    await expect(call(1)).resolves.toEqual({ ready: false, attempt: 2, waited: 35, waitSeconds: 30, state: 'DELETING' });
    // Only the event states were forgotten before DeleteChannel (functions/lib/waits.ts); the id stays until AWS confirms.
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression)).toEqual(['REMOVE #m, #w']);
    await expect(call(2)).resolves.toEqual({ ready: true, attempt: 3, waited: 10, waitSeconds: 0, state: 'DELETED' });
    expect(ml).toHaveReceivedCommandTimes(DeleteChannelCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: expect.stringContaining('REMOVE #r.#p0'), ExpressionAttributeNames: expect.objectContaining({ '#p0': 'medialiveChannelId' }) });
  });

  it('a running channel is a ConflictException for the state machine to retry', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(DeleteChannelCommand).rejects(new ConflictException({ ...meta, message: 'Cannot delete a channel that has not been stopped yet' }));
    await expect(deleteMediaLive({ channelId: 'show-1', resource: 'channel' }, lambdaContext as never)).rejects.toMatchObject({ name: 'ConflictException' });
  });
});
