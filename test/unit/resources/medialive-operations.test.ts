import { mockClient } from 'aws-sdk-client-mock';
import {
  ConflictException, CreateChannelCommand, CreateInputCommand, CreateInputSecurityGroupCommand, DeleteChannelCommand,
  DeleteInputCommand, DeleteInputSecurityGroupCommand, DescribeChannelCommand, DescribeInputCommand,
  DescribeInputSecurityGroupCommand, ListInputSecurityGroupsCommand, MediaLiveClient, NotFoundException,
  StartChannelCommand, StopChannelCommand, TooManyRequestsException,
} from '@aws-sdk/client-medialive';
import {
  deleteChannel, deleteInput, describeChannel, describeInput, releaseInput, ensureChannel, ensureInput, startChannel, stopChannel, type MediaLiveDeps,
} from '../../../functions/lib/medialive/operations';
import { deleteInputSecurityGroup, describeInputSecurityGroup, ensureInputSecurityGroup, ensureSharedInputSecurityGroup } from '../../../functions/lib/medialive/input-security-groups';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { CONFIG, inputFor, makeRecord, MemoryRegistry, STAGE } from './helpers/fixtures';
import { ChannelNotReadyError, MissingResourceError } from '../../../functions/lib/errors';

const ml = mockClient(MediaLiveClient);
const medialive = new MediaLiveClient({ region: 'us-east-1' });
const notFound = () => new NotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'not found' });
const conflict = (message = 'conflict') => new ConflictException({ $metadata: { httpStatusCode: 409 }, message });
const TAGS = { 'onair:channel': 'demo-1', 'onair:profile': 'default', 'onair:stage': STAGE };

let registry: MemoryRegistry;
function setup(record: ChannelRecord = makeRecord()): { deps: MediaLiveDeps; registry: MemoryRegistry } {
  registry = new MemoryRegistry(record);
  return { deps: { medialive, registry, config: CONFIG }, registry };
}

beforeEach(() => ml.reset());

describe('ensureInputSecurityGroup', () => {
  it('creates the group from the allowed CIDRs and records its id at once', async () => {
    const { deps } = setup();
    ml.on(ListInputSecurityGroupsCommand).resolves({ InputSecurityGroups: [] });
    ml.on(CreateInputSecurityGroupCommand).resolves({ SecurityGroup: { Id: '111', State: 'IDLE' } });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '111' });
    expect(ml).toHaveReceivedCommandWith(CreateInputSecurityGroupCommand, { WhitelistRules: [{ Cidr: '203.0.113.10/32' }], Tags: TAGS });
    expect(registry.record.resources.inputSecurityGroupId).toBe('111');
  });

  it('a retry after a lost registry write finds the group by its tags and rules instead of creating another', async () => {
    const { deps } = setup();
    ml.on(ListInputSecurityGroupsCommand).resolves({
      InputSecurityGroups: [{ Id: '111', State: 'IDLE', Tags: TAGS, WhitelistRules: [{ Cidr: '203.0.113.10/32' }], Inputs: [] }],
    });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '111' });
    expect(ml).not.toHaveReceivedCommand(CreateInputSecurityGroupCommand);
    expect(registry.record.resources.inputSecurityGroupId).toBe('111');
  });

  it("reuses this stage's group with exactly the same CIDR set, even one another channel's input uses (5 groups per Region)", async () => {
    const { deps } = setup(makeRecord('default', { input: { ...inputFor('RTMP_PUSH', 'STANDARD'), allowedCidrs: ['198.51.100.0/24', '203.0.113.10/32'] } }));
    ml.on(ListInputSecurityGroupsCommand).resolvesOnce({
      InputSecurityGroups: [
        // Same CIDRs, another stage: never touched.
        { Id: '1', State: 'IDLE', Tags: { ...TAGS, 'onair:stage': 'prod' }, WhitelistRules: [{ Cidr: '203.0.113.10/32' }, { Cidr: '198.51.100.0/24' }] },
        // This stage, a subset of the CIDRs: a different whitelist.
        { Id: '2', State: 'IN_USE', Tags: { ...TAGS, 'onair:channel': 'other' }, WhitelistRules: [{ Cidr: '203.0.113.10/32' }], Inputs: ['9'] },
        // Not OnAir's.
        { Id: '3', State: 'IDLE', Tags: {}, WhitelistRules: [{ Cidr: '203.0.113.10/32' }, { Cidr: '198.51.100.0/24' }] },
      ],
      NextToken: 'p2',
    }).resolvesOnce({
      InputSecurityGroups: [
        { Id: '4', State: 'DELETED', Tags: { ...TAGS, 'onair:channel': 'other' }, WhitelistRules: [{ Cidr: '203.0.113.10/32' }, { Cidr: '198.51.100.0/24' }] },
        { Id: '5', State: 'IN_USE', Tags: { ...TAGS, 'onair:channel': 'other' }, WhitelistRules: [{ Cidr: '203.0.113.10/32' }, { Cidr: '198.51.100.0/24' }], Inputs: ['9'] },
      ],
    });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '5' });
    expect(ml).not.toHaveReceivedCommand(CreateInputSecurityGroupCommand);
    expect(ml).toHaveReceivedCommandWith(ListInputSecurityGroupsCommand, { NextToken: 'p2' });
    expect(registry.record.resources.inputSecurityGroupId).toBe('5');
  });

  it('two provisions that created a group each at once settle on the lower id: the other deletes its own', async () => {
    const { deps } = setup();
    const group = (id: string) => ({ Id: id, State: 'IDLE' as const, Tags: TAGS, WhitelistRules: [{ Cidr: '203.0.113.10/32' }], Inputs: [] });
    // Nothing to reuse yet; once created, the other provision's group (111) shows up beside ours (222).
    ml.on(ListInputSecurityGroupsCommand).resolvesOnce({ InputSecurityGroups: [] }).resolves({ InputSecurityGroups: [group('222'), group('111')] });
    ml.on(CreateInputSecurityGroupCommand).resolves({ SecurityGroup: { Id: '222', State: 'IDLE' } });
    ml.on(DeleteInputSecurityGroupCommand).resolves({});
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '111' });
    expect(ml).toHaveReceivedCommandWith(DeleteInputSecurityGroupCommand, { InputSecurityGroupId: '222' });
    expect(registry.record.resources.inputSecurityGroupId).toBe('111');
  });

  it('a look after the create that fails (throttled) leaves the created group recorded: the retry keeps it and creates no other', async () => {
    const { deps } = setup();
    ml.on(ListInputSecurityGroupsCommand).resolvesOnce({ InputSecurityGroups: [] })
      .rejectsOnce(new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: 'slow down' }));
    ml.on(CreateInputSecurityGroupCommand).resolves({ SecurityGroup: { Id: '222', State: 'IDLE' } });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).rejects.toThrow('slow down');
    expect(registry.record.resources.inputSecurityGroupId).toBe('222');
    // The state machine's retry.
    ml.on(DescribeInputSecurityGroupCommand).resolves({ Id: '222', State: 'IDLE' });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '222' });
    expect(ml).toHaveReceivedCommandTimes(CreateInputSecurityGroupCommand, 1);
  });

  it('the winner of that race keeps its group (ids compare as numbers: 99 < 111)', async () => {
    const { deps } = setup();
    const group = (id: string) => ({ Id: id, State: 'IDLE' as const, Tags: TAGS, WhitelistRules: [{ Cidr: '203.0.113.10/32' }], Inputs: [] });
    ml.on(ListInputSecurityGroupsCommand).resolvesOnce({ InputSecurityGroups: [] }).resolves({ InputSecurityGroups: [group('111'), group('99')] });
    ml.on(CreateInputSecurityGroupCommand).resolves({ SecurityGroup: { Id: '99', State: 'IDLE' } });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '99' });
    expect(ml).not.toHaveReceivedCommand(DeleteInputSecurityGroupCommand);
  });

  it('returns the recorded group when it still exists, without listing', async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '111';
    ml.on(DescribeInputSecurityGroupCommand).resolves({ Id: '111', State: 'IDLE' });
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '111' });
    expect(ml).not.toHaveReceivedCommand(ListInputSecurityGroupsCommand);
    expect(ml).not.toHaveReceivedCommand(CreateInputSecurityGroupCommand);
  });

  it("takes the group another live channel with the same CIDRs records, with no MediaLive call", async () => {
    const { deps } = setup();
    const other = (id: string, group: string, cidrs: string[], status: ChannelRecord['status'] = 'ON_AIR') => {
      const r = makeRecord('default', { input: { allowedCidrs: cidrs } }, id);
      r.status = status;
      r.resources.inputSecurityGroupId = group;
      return r;
    };
    registry.others = [other('b', '900', ['198.51.100.0/24']), other('c', '700', ['203.0.113.10/32'], 'DELETED'), other('d', '500', ['203.0.113.10/32']), other('e', '40', ['203.0.113.10/32'])];
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '40' });
    expect(ml.calls()).toHaveLength(0);
    expect(registry.record.resources.inputSecurityGroupId).toBe('40');
  });

  it('provisions starting together: a waiter takes the group the claim holder settled on, with no MediaLive call', async () => {
    const { deps } = setup();
    const claims = { claim: jest.fn().mockResolvedValue({ mine: false, id: '77' }), settle: jest.fn() };
    await expect(ensureSharedInputSecurityGroup({ ...deps, claims }, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '77' });
    expect(ml.calls()).toHaveLength(0);
    expect(registry.record.resources.inputSecurityGroupId).toBe('77');
    expect(claims.claim).toHaveBeenCalledWith(`inputSecurityGroup#${STAGE}#203.0.113.10/32`, registry.record.channelId);
  });

  it('the claim holder looks, creates and settles on what it made; a waiter whose holder said nothing looks for itself', async () => {
    const { deps } = setup();
    ml.on(ListInputSecurityGroupsCommand).resolves({ InputSecurityGroups: [] });
    ml.on(CreateInputSecurityGroupCommand).resolves({ SecurityGroup: { Id: '111', State: 'IDLE' } });
    const claims = { claim: jest.fn().mockResolvedValue({ mine: true }), settle: jest.fn() };
    await expect(ensureSharedInputSecurityGroup({ ...deps, claims }, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '111' });
    expect(claims.settle).toHaveBeenCalledWith(`inputSecurityGroup#${STAGE}#203.0.113.10/32`, registry.record.channelId, '111');
    const late = setup();
    const silent = { claim: jest.fn().mockResolvedValue({ mine: false }), settle: jest.fn() };
    await expect(ensureSharedInputSecurityGroup({ ...late.deps, claims: silent }, registry.reload())).resolves.toEqual({ inputSecurityGroupId: '111' });
    expect(silent.settle).not.toHaveBeenCalled();
  });

  it('is null for pull inputs and calls nothing', async () => {
    const { deps } = setup(makeRecord('default', { input: inputFor('URL_PULL', 'STANDARD') }));
    await expect(ensureInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ inputSecurityGroupId: null });
    expect(ml.calls()).toHaveLength(0);
  });
});

describe('ensureInput', () => {
  it('creates the input with its RequestId, records the id before anything else, and stores the ingest URLs', async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '111';
    ml.on(CreateInputCommand).resolves({ Input: { Id: '222', Arn: 'arn:aws:medialive:us-east-1:111122223333:input:222', State: 'CREATING', Destinations: [{ Url: 'rtmp://1.2.3.4:1935/demo-1/primary' }, { Url: 'rtmp://5.6.7.8:1935/demo-1/backup' }] } });
    const out = await ensureInput(deps, registry.reload());
    expect(out).toEqual({ inputId: '222', ingestUrls: ['rtmp://1.2.3.4:1935/demo-1/primary', 'rtmp://5.6.7.8:1935/demo-1/backup'] });
    expect(ml).toHaveReceivedCommandWith(CreateInputCommand, { RequestId: 'onair-demo-1-gen0001-input', Type: 'RTMP_PUSH', InputSecurityGroups: ['111'] });
    expect(registry.writes[0]).toEqual({ op: 'record', path: ['inputId'], value: '222' });
    expect(registry.record.ingestUrls).toEqual(out.ingestUrls);
    expect(registry.record.resources.inputArn).toContain(':input:222');
  });

  it("a group deleted since it was found in the registry: finds or creates one with MediaLive, then creates the input with it", async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '40';
    const missing = Object.assign(new Error('Invalid input'), { name: 'UnprocessableEntityException', ValidationErrors: [{ ElementPath: 'inputSecurityGroups[0]', ErrorMessage: "Input security group '40' does not exist" }] });
    ml.on(CreateInputCommand).rejectsOnce(missing).resolves({ Input: { Id: '222', State: 'CREATING', Destinations: [] } });
    ml.on(ListInputSecurityGroupsCommand).resolves({ InputSecurityGroups: [] });
    ml.on(CreateInputSecurityGroupCommand).resolves({ SecurityGroup: { Id: '41' } });
    await expect(ensureInput(deps, registry.reload())).resolves.toMatchObject({ inputId: '222' });
    expect(ml.commandCalls(CreateInputCommand).map((c) => c.args[0].input.InputSecurityGroups)).toEqual([['40'], ['41']]);
    expect(registry.record.resources.inputSecurityGroupId).toBe('41');
    expect(registry.record.resources.inputId).toBe('222');
  });

  it('a retry finds the recorded input and creates nothing', async () => {
    const { deps } = setup();
    registry.record.resources.inputId = '222';
    registry.record.ingestUrls = ['rtmp://1.2.3.4:1935/demo-1/primary'];
    ml.on(DescribeInputCommand).resolves({ Id: '222', State: 'DETACHED', Destinations: [{ Url: 'rtmp://1.2.3.4:1935/demo-1/primary' }] });
    await expect(ensureInput(deps, registry.reload())).resolves.toEqual({ inputId: '222', ingestUrls: ['rtmp://1.2.3.4:1935/demo-1/primary'] });
    expect(ml).not.toHaveReceivedCommand(CreateInputCommand);
    expect(registry.writes).toEqual([]);
  });

  it('re-creates when the recorded input was deleted behind OnAir\'s back (404)', async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '111';
    registry.record.resources.inputId = 'gone';
    ml.on(DescribeInputCommand).rejects(notFound());
    ml.on(CreateInputCommand).resolves({ Input: { Id: '333', Destinations: [] } });
    await expect(ensureInput(deps, registry.reload())).resolves.toMatchObject({ inputId: '333' });
  });

  it('refuses to create a push input before its security group exists', async () => {
    const { deps } = setup();
    await expect(ensureInput(deps, registry.reload())).rejects.toBeInstanceOf(MissingResourceError);
    expect(ml).not.toHaveReceivedCommand(CreateInputCommand);
  });

  it('passes the MediaLive role for MEDIACONNECT inputs', async () => {
    const { deps } = setup(makeRecord('default', { input: inputFor('MEDIACONNECT', 'STANDARD') }));
    ml.on(CreateInputCommand).resolves({ Input: { Id: '444' } });
    await ensureInput(deps, registry.reload());
    expect(ml).toHaveReceivedCommandWith(CreateInputCommand, { RoleArn: CONFIG.medialiveRoleArn, Type: 'MEDIACONNECT' });
  });
});

describe('ensureChannel', () => {
  it('creates the channel wired to the packager and records the id', async () => {
    const { deps } = setup();
    registry.record.resources.inputId = '222';
    ml.on(CreateChannelCommand).resolves({ Channel: { Id: '999', Arn: 'arn:aws:medialive:us-east-1:111122223333:channel:999', State: 'CREATING' } });
    await expect(ensureChannel(deps, registry.reload())).resolves.toEqual({ medialiveChannelId: '999', state: 'CREATING' });
    expect(ml).toHaveReceivedCommandWith(CreateChannelCommand, {
      RequestId: 'onair-demo-1-gen0001-channel', RoleArn: CONFIG.medialiveRoleArn, ChannelClass: 'STANDARD',
      InputAttachments: [expect.objectContaining({ InputId: '222' })],
      Destinations: [{ Id: 'packager', MediaPackageSettings: [{ ChannelGroup: 'onair-test', ChannelName: 'onair-demo-1-gen0001' }] }],
    });
    // Event states recorded before the request are forgotten first (functions/lib/waits.ts).
    expect(registry.writes.slice(0, 2)).toEqual([{ op: 'forgetMediaLiveStates' }, { op: 'record', path: ['medialiveChannelId'], value: '999' }]);
  });

  it('a retry with the channel recorded describes it and creates nothing', async () => {
    const { deps } = setup();
    registry.record.resources.inputId = '222';
    registry.record.resources.medialiveChannelId = '999';
    ml.on(DescribeChannelCommand).resolves({ Id: '999', State: 'IDLE' });
    await expect(ensureChannel(deps, registry.reload())).resolves.toEqual({ medialiveChannelId: '999', state: 'IDLE' });
    expect(ml).not.toHaveReceivedCommand(CreateChannelCommand);
  });

  it('needs the input first', async () => {
    const { deps } = setup();
    await expect(ensureChannel(deps, registry.reload())).rejects.toThrow(/resources.inputId/);
  });
});

describe('startChannel', () => {
  const started = () => { const s = setup(); s.registry.record.resources.medialiveChannelId = '999'; return s; };
  const now = () => new Date('2026-12-04T12:00:00.000Z');

  it('starts an IDLE channel with one call, forgetting earlier event states first', async () => {
    const { deps } = started();
    ml.on(StartChannelCommand).resolves({ State: 'STARTING' });
    await expect(startChannel(deps, registry.reload(), now)).resolves.toEqual({ state: 'STARTING', requestedAt: '2026-12-04T12:00:00.000Z' });
    expect(ml).toHaveReceivedCommandWith(StartChannelCommand, { ChannelId: '999' });
    expect(ml).not.toHaveReceivedCommand(DescribeChannelCommand);
    expect(registry.writes[0]).toEqual({ op: 'forgetMediaLiveStates' });
  });

  it.each(['STARTING', 'RUNNING'])('is a no-op when already %s (MediaLive\'s 409, then DescribeChannel says why)', async (state) => {
    const { deps } = started();
    ml.on(StartChannelCommand).rejects(conflict('Channel is not IDLE'));
    ml.on(DescribeChannelCommand).resolves({ State: state as 'RUNNING' });
    await expect(startChannel(deps, registry.reload(), now)).resolves.toEqual({ state, requestedAt: '2026-12-04T12:00:00.000Z' });
  });

  it('turns the 409 of a just-created channel into the retryable ChannelNotReadyError', async () => {
    const { deps } = started();
    ml.on(StartChannelCommand).rejects(conflict('Channel is not ready'));
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    const error = await startChannel(deps, registry.reload()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelNotReadyError);
    expect((error as Error).name).toBe('ChannelNotReadyError');
    expect((error as Error).cause).toBeInstanceOf(ConflictException);
  });

  it.each(['CREATING', 'STOPPING'])('is not ready while %s', async (state) => {
    const { deps } = started();
    ml.on(StartChannelCommand).rejects(conflict(`Channel is ${state}`));
    ml.on(DescribeChannelCommand).resolves({ State: state as 'CREATING' });
    await expect(startChannel(deps, registry.reload())).rejects.toBeInstanceOf(ChannelNotReadyError);
  });

  it.each(['CREATE_FAILED', 'DELETING'])('refuses for good from %s', async (state) => {
    const { deps } = started();
    ml.on(StartChannelCommand).rejects(conflict(`Channel is ${state}`));
    ml.on(DescribeChannelCommand).resolves({ State: state as 'DELETING' });
    await expect(startChannel(deps, registry.reload())).rejects.toThrow(`cannot start from ${state}`);
  });
});

describe('describeChannel', () => {
  it('reports running pipelines against the class total', async () => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', PipelinesRunningCount: 1, ChannelClass: 'STANDARD' });
    await expect(describeChannel(deps, registry.reload())).resolves.toEqual({ exists: true, state: 'RUNNING', pipelinesRunning: 1, pipelinesTotal: 2 });
  });

  it('NotFound and no id are "does not exist"', async () => {
    const { deps } = setup(makeRecord('single-pipeline'));
    await expect(describeChannel(deps, registry.reload())).resolves.toEqual({ exists: false, pipelinesRunning: 0, pipelinesTotal: 1 });
    registry.record.resources.medialiveChannelId = '999';
    ml.on(DescribeChannelCommand).rejects(notFound());
    await expect(describeChannel(deps, registry.reload())).resolves.toEqual({ exists: false, pipelinesRunning: 0, pipelinesTotal: 1 });
  });
});

describe('stopChannel', () => {
  const now = () => new Date('2026-12-04T12:00:00.000Z');
  const requestedAt = '2026-12-04T12:00:00.000Z';

  it('stops a running channel with one call, forgetting earlier event states first', async () => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
    await expect(stopChannel(deps, registry.reload(), now)).resolves.toEqual({ state: 'STOPPING', requestedAt });
    expect(ml).not.toHaveReceivedCommand(DescribeChannelCommand);
    expect(registry.writes[0]).toEqual({ op: 'forgetMediaLiveStates' });
  });

  it.each(['IDLE', 'STOPPING'])('is a no-op when %s (MediaLive\'s 409, then DescribeChannel says why)', async (state) => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    ml.on(StopChannelCommand).rejects(conflict(`Channel is ${state}`));
    ml.on(DescribeChannelCommand).resolves({ State: state as 'IDLE' });
    await expect(stopChannel(deps, registry.reload(), now)).resolves.toEqual({ state, requestedAt });
  });

  it('keeps the 409 of a channel that cannot stop yet (STARTING), for the state machine to retry', async () => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    ml.on(StopChannelCommand).rejects(conflict('Channel is STARTING'));
    ml.on(DescribeChannelCommand).resolves({ State: 'STARTING' });
    await expect(stopChannel(deps, registry.reload(), now)).rejects.toBeInstanceOf(ConflictException);
  });

  it('treats NotFound as done', async () => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    ml.on(StopChannelCommand).rejects(notFound());
    await expect(stopChannel(deps, registry.reload(), now)).resolves.toEqual({ state: 'DELETED', requestedAt });
  });
});

describe('deleteChannel', () => {
  it('deletes an IDLE channel, then confirms on the next call and clears the id', async () => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    registry.record.resources.medialiveChannelArn = 'arn:ch';
    ml.on(DescribeChannelCommand).resolvesOnce({ State: 'IDLE' }).resolvesOnce({ State: 'DELETING' }).rejects(notFound());
    ml.on(DeleteChannelCommand).resolves({ State: 'DELETING' });
    await expect(deleteChannel(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'DELETING' });
    expect(registry.record.resources.medialiveChannelId).toBe('999');
    await expect(deleteChannel(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'DELETING' });
    expect(ml).toHaveReceivedCommandTimes(DeleteChannelCommand, 1);
    await expect(deleteChannel(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(registry.record.resources.medialiveChannelId).toBeUndefined();
    expect(registry.record.resources.medialiveChannelArn).toBeUndefined();
    // A rerun is a no-op: no AWS call at all.
    ml.resetHistory();
    await expect(deleteChannel(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(ml.calls()).toHaveLength(0);
  });

  it('lets the ConflictException of a running channel propagate', async () => {
    const { deps } = setup();
    registry.record.resources.medialiveChannelId = '999';
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(DeleteChannelCommand).rejects(conflict('Cannot delete a channel that has not been stopped yet'));
    await expect(deleteChannel(deps, registry.reload())).rejects.toBeInstanceOf(ConflictException);
    expect(registry.record.resources.medialiveChannelId).toBe('999');
  });
});

describe('deleteInput / deleteInputSecurityGroup', () => {
  it('input: ATTACHED is waited on without a doomed DeleteInput; a race 409 propagates; DELETED confirms and clears', async () => {
    const { deps } = setup();
    registry.record.resources.inputId = '222';
    ml.on(DescribeInputCommand).resolvesOnce({ State: 'ATTACHED' }).resolvesOnce({ State: 'DETACHED' }).resolvesOnce({ State: 'DETACHED' }).resolves({ State: 'DELETED' });
    ml.on(DeleteInputCommand).rejectsOnce(conflict('Input is attached')).resolves({});
    await expect(deleteInput(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'ATTACHED' });
    expect(ml).not.toHaveReceivedCommand(DeleteInputCommand);
    await expect(deleteInput(deps, registry.reload())).rejects.toBeInstanceOf(ConflictException);
    await expect(deleteInput(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'DELETING' });
    await expect(deleteInput(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(registry.record.resources.inputId).toBeUndefined();
  });

  it('input: NotFound on delete is done', async () => {
    const { deps } = setup();
    registry.record.resources.inputId = '222';
    ml.on(DescribeInputCommand).resolves({ State: 'DETACHED' });
    ml.on(DeleteInputCommand).rejects(notFound());
    await expect(deleteInput(deps, registry.reload())).resolves.toEqual({ deleted: true });
  });

  it('security group: IN_USE waits without a request, a race 409 propagates, a successful delete clears the id, a rerun is a no-op', async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '111';
    ml.on(DescribeInputSecurityGroupCommand).resolvesOnce({ State: 'IN_USE' }).resolves({ State: 'IDLE' });
    ml.on(DeleteInputSecurityGroupCommand).rejectsOnce(conflict('in use')).resolves({});
    await expect(deleteInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'IN_USE' });
    expect(ml).not.toHaveReceivedCommand(DeleteInputSecurityGroupCommand);
    await expect(deleteInputSecurityGroup(deps, registry.reload())).rejects.toBeInstanceOf(ConflictException);
    expect(registry.record.resources.inputSecurityGroupId).toBe('111');
    await expect(deleteInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(registry.record.resources.inputSecurityGroupId).toBeUndefined();
    ml.resetHistory();
    await expect(deleteInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(ml.calls()).toHaveLength(0);
  });

  it("security group still used by another channel's input: left in place, cleared from this record, never deleted", async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '111';
    ml.on(DescribeInputSecurityGroupCommand).resolves({ Id: '111', State: 'IN_USE', Inputs: ['999'] });
    await expect(describeInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ exists: true, state: 'IN_USE', sharedWith: 1 });
    await expect(deleteInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(ml).not.toHaveReceivedCommand(DeleteInputSecurityGroupCommand);
    expect(registry.record.resources.inputSecurityGroupId).toBeUndefined();
  });

  it('security group whose only input was this channel (lingering IN_USE, no inputs listed): deleted once released', async () => {
    const { deps } = setup();
    registry.record.resources.inputSecurityGroupId = '111';
    registry.record.resources.inputId = '222';
    // The channel's own input may still be listed while AWS releases it: it is not another user.
    ml.on(DescribeInputSecurityGroupCommand).resolvesOnce({ Id: '111', State: 'IN_USE', Inputs: ['222'] })
      .resolvesOnce({ Id: '111', State: 'IN_USE', Inputs: ['222'] }).resolves({ Id: '111', State: 'IDLE', Inputs: [] });
    ml.on(DeleteInputSecurityGroupCommand).resolves({});
    await expect(describeInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ exists: true, state: 'IN_USE', sharedWith: 0 });
    await expect(deleteInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'IN_USE' });
    await expect(deleteInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(ml).toHaveReceivedCommandTimes(DeleteInputSecurityGroupCommand, 1);
  });

  it('releaseInput: one look at a time, inputs before their group, and nothing sent that MediaLive would refuse', async () => {
    const { deps } = setup();
    registry.record.resources.inputId = '222';
    registry.record.resources.inputSecurityGroupId = '111';
    ml.on(DescribeInputCommand).resolvesOnce({ State: 'ATTACHED' }).resolvesOnce({ State: 'DETACHED' }).resolves({ State: 'DELETED' });
    ml.on(DeleteInputCommand).resolves({});
    ml.on(DescribeInputSecurityGroupCommand).resolvesOnce({ Id: '111', State: 'IN_USE', Inputs: [] }).resolves({ Id: '111', State: 'IDLE', Inputs: [] });
    ml.on(DeleteInputSecurityGroupCommand).resolves({});
    await expect(releaseInput(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'input ATTACHED' });
    await expect(releaseInput(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'input DELETING' });
    expect(ml).not.toHaveReceivedCommand(DescribeInputSecurityGroupCommand);
    await expect(releaseInput(deps, registry.reload())).resolves.toEqual({ deleted: false, state: 'input security group IN_USE' });
    expect(registry.record.resources.inputId).toBeUndefined();
    await expect(releaseInput(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(registry.record.resources.inputSecurityGroupId).toBeUndefined();
    expect(ml).toHaveReceivedCommandTimes(DeleteInputCommand, 1);
    expect(ml).toHaveReceivedCommandTimes(DeleteInputSecurityGroupCommand, 1);
  });

  it('describe helpers report existence and state', async () => {
    const { deps } = setup();
    await expect(describeInput(deps, registry.reload())).resolves.toEqual({ exists: false });
    registry.record.resources.inputId = '222';
    registry.record.resources.inputSecurityGroupId = '111';
    ml.on(DescribeInputCommand).resolves({ State: 'DETACHED' });
    ml.on(DescribeInputSecurityGroupCommand).rejects(notFound());
    await expect(describeInput(deps, registry.reload())).resolves.toEqual({ exists: true, state: 'DETACHED' });
    await expect(describeInputSecurityGroup(deps, registry.reload())).resolves.toEqual({ exists: false, sharedWith: 0 });
  });
});
