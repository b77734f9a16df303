import { createMediaLive, MEDIALIVE_DURATIONS as D, type MediaLiveService } from '../../../../local/services/medialive';
import { AwsError, type ModelValue } from '../../../../local/core/types';
import { awsError, caller, testEnv, type TestEnv } from './twin-test-env';
import { channelRequest } from './media-fixtures';

let env: TestEnv;
let ml: MediaLiveService;
let call: ReturnType<typeof caller>;
const ms = (name: string): number => env.latency[name] as number;

beforeEach(() => {
  env = testEnv();
  ml = createMediaLive(env);
  call = caller(env, ml);
});

async function securityGroup(): Promise<string> {
  const out = await call('CreateInputSecurityGroup', { WhitelistRules: [{ Cidr: '203.0.113.0/24' }] });
  return (out.SecurityGroup as ModelValue).Id as string;
}

async function rtmpInput(groupId?: string, extra: ModelValue = {}): Promise<ModelValue> {
  const sg = groupId ?? (await securityGroup());
  const out = await call('CreateInput', {
    Name: 'in', Type: 'RTMP_PUSH', InputSecurityGroups: [sg],
    Destinations: [{ StreamName: 'live/a' }, { StreamName: 'live/b' }], ...extra,
  });
  return out.Input as ModelValue;
}

async function idleChannel(): Promise<{ channelId: string; inputId: string; groupId: string }> {
  const groupId = await securityGroup();
  const input = await rtmpInput(groupId);
  env.clock.advance(ms(D.inputCreate));
  const ch = (await call('CreateChannel', channelRequest(input.Id as string))).Channel as ModelValue;
  env.clock.advance(ms(D.channelCreate) + ms(D.channelStartLockout));
  return { channelId: ch.Id as string, inputId: input.Id as string, groupId };
}

async function runningChannel(): Promise<{ channelId: string; inputId: string; groupId: string }> {
  const ids = await idleChannel();
  await call('StartChannel', { ChannelId: ids.channelId });
  env.clock.advance(ms(D.channelStart) + ms(D.pipelineStagger));
  return ids;
}

const state = async (id: string): Promise<unknown> => (await call('DescribeChannel', { ChannelId: id })).State;

describe('input security groups', () => {
  it('is IDLE, IN_USE while an input uses it, lingers after the input is deleted, then IDLE', async () => {
    const sg = await securityGroup();
    expect((await call('DescribeInputSecurityGroup', { InputSecurityGroupId: sg })).State).toBe('IDLE');
    const input = await rtmpInput(sg);
    const described = await call('DescribeInputSecurityGroup', { InputSecurityGroupId: sg });
    expect(described).toMatchObject({ State: 'IN_USE', Inputs: [input.Id] });
    env.clock.advance(ms(D.inputCreate));
    await call('DeleteInput', { InputId: input.Id });
    env.clock.advance(ms(D.inputDelete));
    expect((await call('DescribeInputSecurityGroup', { InputSecurityGroupId: sg })).State).toBe('IN_USE');
    const err = await awsError(call('DeleteInputSecurityGroup', { InputSecurityGroupId: sg }));
    expect([err.code, err.status]).toEqual(['ConflictException', 409]);
    env.clock.advance(ms(D.securityGroupRelease));
    expect((await call('DescribeInputSecurityGroup', { InputSecurityGroupId: sg })).State).toBe('IDLE');
    await call('DeleteInputSecurityGroup', { InputSecurityGroupId: sg });
    expect((await call('DescribeInputSecurityGroup', { InputSecurityGroupId: sg })).State).toBe('DELETED');
    expect(ml.inventory().filter((i) => i.type === 'inputSecurityGroup')).toEqual([]);
  });

  it('refuses invalid CIDRs and more than 10 rules with 422 naming the rule', async () => {
    const err = await awsError(call('CreateInputSecurityGroup', { WhitelistRules: [{ Cidr: '10.0.0.0/8' }, { Cidr: '300.1.1.1/32' }] }));
    expect(err.status).toBe(422);
    expect(err.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'whitelistRules[1].cidr' })]);
    const many = Array.from({ length: 11 }, (_, i) => ({ Cidr: `10.0.${i}.0/24` }));
    expect((await awsError(call('CreateInputSecurityGroup', { WhitelistRules: many }))).status).toBe(422);
  });

  it('goes UPDATING on update and back', async () => {
    const sg = await securityGroup();
    const out = await call('UpdateInputSecurityGroup', { InputSecurityGroupId: sg, WhitelistRules: [{ Cidr: '198.51.100.0/24' }] });
    expect(out.SecurityGroup).toMatchObject({ State: 'UPDATING', WhitelistRules: [{ Cidr: '198.51.100.0/24' }] });
    env.clock.advance(ms(D.securityGroupUpdate));
    expect((await call('DescribeInputSecurityGroup', { InputSecurityGroupId: sg })).State).toBe('IDLE');
  });
});

describe('inputs', () => {
  it('creates a STANDARD RTMP_PUSH input with two rtmp URLs, CREATING then DETACHED', async () => {
    const input = await rtmpInput();
    expect(input).toMatchObject({ State: 'CREATING', InputClass: 'STANDARD', Type: 'RTMP_PUSH' });
    const dests = input.Destinations as ModelValue[];
    expect(dests).toHaveLength(2);
    expect(dests[0]!.Url).toMatch(/^rtmp:\/\/\d+\.\d+\.\d+\.\d+:1935\/live\/a$/);
    expect(dests[1]!.Url).toMatch(/^rtmp:\/\/\d+\.\d+\.\d+\.\d+:1935\/live\/b$/);
    env.clock.advance(ms(D.inputCreate));
    expect((await call('DescribeInput', { InputId: input.Id })).State).toBe('DETACHED');
  });

  it('requires a security group for push inputs and stream names app/instance', async () => {
    let err = await awsError(call('CreateInput', { Type: 'RTMP_PUSH', Destinations: [{ StreamName: 'a/b' }] }));
    expect(err.status).toBe(422);
    expect(err.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'inputSecurityGroups' })]);
    const sg = await securityGroup();
    err = await awsError(call('CreateInput', { Type: 'RTMP_PUSH', InputSecurityGroups: [sg], Destinations: [{ StreamName: 'nostream' }, {}] }));
    expect((err.fields.ValidationErrors as ModelValue[]).map((v) => v.ElementPath)).toEqual(['destinations[0].streamName', 'destinations[1].streamName']);
    err = await awsError(call('CreateInput', { Type: 'RTMP_PUSH', InputSecurityGroups: ['999999'], Destinations: [{ StreamName: 'a/b' }] }));
    expect(err.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'inputSecurityGroups[0]' })]);
    expect(ml.inventory().filter((i) => i.type === 'input')).toEqual([]);
  });

  it('supports URL_PULL sources, SRT_CALLER, MEDIACONNECT and RTP_PUSH', async () => {
    const pull = (await call('CreateInput', { Type: 'URL_PULL', Sources: [{ Url: 'https://example.com/a.m3u8' }] })).Input as ModelValue;
    expect(pull).toMatchObject({ InputClass: 'SINGLE_INPUT', Sources: [{ Url: 'https://example.com/a.m3u8' }] });
    expect((await awsError(call('CreateInput', { Type: 'URL_PULL', Sources: [{}] }))).status).toBe(422);
    const srt = (await call('CreateInput', { Type: 'SRT_CALLER', SrtSettings: { SrtCallerSources: [{ SrtListenerAddress: '203.0.113.5', SrtListenerPort: '5000', StreamId: 's' }] } })).Input as ModelValue;
    expect(srt.SrtSettings).toEqual({ SrtCallerSources: [expect.objectContaining({ SrtListenerPort: '5000' })] });
    const mcErr = await awsError(call('CreateInput', { Type: 'MEDIACONNECT', MediaConnectFlows: [{ FlowArn: 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1:a' }] }));
    expect(mcErr.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'roleArn' })]);
    const mc = (await call('CreateInput', { Type: 'MEDIACONNECT', RoleArn: 'arn:aws:iam::111122223333:role/x', MediaConnectFlows: [{ FlowArn: 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1:a' }, { FlowArn: 'arn:aws:mediaconnect:us-east-1:111122223333:flow:2:b' }] })).Input as ModelValue;
    expect(mc.InputClass).toBe('STANDARD');
    const rtp = (await call('CreateInput', { Type: 'RTP_PUSH', InputSecurityGroups: [await securityGroup()] })).Input as ModelValue;
    expect((rtp.Destinations as ModelValue[]).map((d) => String(d.Url).split(':')[0])).toEqual(['rtp', 'rtp']);
    expect((await awsError(call('CreateInput', { Type: 'URL_PULL', InputSecurityGroups: ['1'], Sources: [{ Url: 'https://x/y' }] }))).status).toBe(422);
  });

  it('is ATTACHED while a channel uses it, 409 on delete, DETACHED after the channel is deleted', async () => {
    const { channelId, inputId } = await idleChannel();
    expect((await call('DescribeInput', { InputId: inputId })).AttachedChannels).toEqual([channelId]);
    expect((await call('DescribeInput', { InputId: inputId })).State).toBe('ATTACHED');
    expect((await awsError(call('DeleteInput', { InputId: inputId }))).status).toBe(409);
    await call('DeleteChannel', { ChannelId: channelId });
    expect((await awsError(call('DeleteChannel', { ChannelId: channelId }))).status).toBe(409);
    env.clock.advance(ms(D.channelDelete));
    expect((await awsError(call('DeleteChannel', { ChannelId: channelId }))).status).toBe(404);
    expect((await call('DescribeInput', { InputId: inputId })).State).toBe('ATTACHED');
    env.clock.advance(ms(D.inputDetach));
    expect(await call('DescribeInput', { InputId: inputId })).toMatchObject({ State: 'DETACHED', AttachedChannels: [] });
    await call('DeleteInput', { InputId: inputId });
    expect((await call('DescribeInput', { InputId: inputId })).State).toBe('DELETING');
    expect((await awsError(call('DeleteInput', { InputId: inputId }))).status).toBe(409);
    env.clock.advance(ms(D.inputDelete));
    expect((await call('DescribeInput', { InputId: inputId })).State).toBe('DELETED');
    env.clock.advance(ms(D.deletedRetention));
    expect((await awsError(call('DescribeInput', { InputId: inputId }))).code).toBe('NotFoundException');
  });
});

describe('channels', () => {
  it('walks CREATING → IDLE → STARTING → RUNNING (per pipeline) → STOPPING → IDLE → DELETING → DELETED', async () => {
    const sg = await securityGroup();
    const input = await rtmpInput(sg);
    env.clock.advance(ms(D.inputCreate));
    const created = (await call('CreateChannel', channelRequest(input.Id as string))).Channel as ModelValue;
    expect(created).toMatchObject({ State: 'CREATING', ChannelClass: 'STANDARD', PipelinesRunningCount: 0, Name: 'onair-demo' });
    expect(created.Arn).toBe(`arn:aws:medialive:us-east-1:111122223333:channel:${created.Id}`);
    const id = created.Id as string;
    env.clock.advance(ms(D.channelCreate));
    expect(await state(id)).toBe('IDLE');
    env.clock.advance(ms(D.channelStartLockout));
    expect((await call('StartChannel', { ChannelId: id })).State).toBe('STARTING');
    env.clock.advance(ms(D.channelStart));
    let d = await call('DescribeChannel', { ChannelId: id });
    expect(d).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: 1, PipelineDetails: [{ PipelineId: '0', ActiveInputAttachmentName: 'primary' }] });
    env.clock.advance(ms(D.pipelineStagger));
    d = await call('DescribeChannel', { ChannelId: id });
    expect(d.PipelinesRunningCount).toBe(2);
    expect((await call('StopChannel', { ChannelId: id })).State).toBe('STOPPING');
    env.clock.advance(ms(D.channelStop));
    expect(await call('DescribeChannel', { ChannelId: id })).toMatchObject({ State: 'IDLE', PipelinesRunningCount: 0, PipelineDetails: [] });
    expect((await call('DeleteChannel', { ChannelId: id })).State).toBe('DELETING');
    env.clock.advance(ms(D.channelDelete));
    expect(await state(id)).toBe('DELETED');
    expect(ml.inventory().filter((i) => i.type === 'channel')).toEqual([]);

    const states = env.events.ofType('MediaLive Channel State Change').map((e) => [e.detail.state, e.detail.pipelines_running_count, e.detail.pipeline]);
    expect(states).toEqual([
      ['CREATED', 0, undefined], ['STARTING', 0, undefined], ['RUNNING', 1, '0'], ['RUNNING', 2, '1'],
      ['STOPPING', 2, undefined], ['STOPPED', 0, undefined], ['DELETED', 0, undefined],
    ]);
    const e = env.events.events[0]!;
    expect(e).toMatchObject({ source: 'aws.medialive', resources: [created.Arn], account: '111122223333', region: 'us-east-1' });
    expect(e.detail).toMatchObject({ channel_arn: created.Arn, message: expect.any(String) });
  });

  it('refuses to start while CREATING and for a few seconds after creation (409)', async () => {
    const sg = await securityGroup();
    const input = await rtmpInput(sg);
    env.clock.advance(ms(D.inputCreate));
    const id = ((await call('CreateChannel', channelRequest(input.Id as string))).Channel as ModelValue).Id;
    expect((await awsError(call('StartChannel', { ChannelId: id }))).status).toBe(409);
    env.clock.advance(ms(D.channelCreate));
    expect(await state(id as string)).toBe('IDLE');
    expect((await awsError(call('StartChannel', { ChannelId: id }))).code).toBe('ConflictException');
    env.clock.advance(ms(D.channelStartLockout));
    await expect(call('StartChannel', { ChannelId: id })).resolves.toMatchObject({ State: 'STARTING' });
    expect((await awsError(call('StartChannel', { ChannelId: id }))).status).toBe(409);
  });

  it('refuses to delete a running channel with AWS\'s message, and to stop an idle one', async () => {
    const { channelId } = await runningChannel();
    const err = await awsError(call('DeleteChannel', { ChannelId: channelId }));
    expect([err.code, err.status, err.message]).toEqual(['ConflictException', 409, 'Cannot delete a channel that has not been stopped yet']);
    await call('StopChannel', { ChannelId: channelId });
    expect((await awsError(call('DeleteChannel', { ChannelId: channelId }))).status).toBe(409);
    env.clock.advance(ms(D.channelStop));
    expect((await awsError(call('StopChannel', { ChannelId: channelId }))).status).toBe(409);
  });

  it('SINGLE_PIPELINE runs one pipeline', async () => {
    const input = (await call('CreateInput', { Type: 'URL_PULL', Sources: [{ Url: 'https://example.com/a.m3u8' }] })).Input as ModelValue;
    env.clock.advance(ms(D.inputCreate));
    const id = ((await call('CreateChannel', channelRequest(input.Id as string, { ChannelClass: 'SINGLE_PIPELINE' }))).Channel as ModelValue).Id as string;
    env.clock.advance(ms(D.channelCreate) + ms(D.channelStartLockout));
    await call('StartChannel', { ChannelId: id });
    env.clock.advance(ms(D.channelStart) + ms(D.pipelineStagger) * 3);
    expect(await call('DescribeChannel', { ChannelId: id })).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: 1 });
    expect(env.events.ofType('MediaLive Channel State Change').filter((e) => e.detail.state === 'RUNNING')).toHaveLength(1);
  });

  it('a held channel stays in its transitional state until released', async () => {
    const { channelId } = await idleChannel();
    env.faults.held.add(`medialive:${channelId}`);
    await call('StartChannel', { ChannelId: channelId });
    env.clock.advance(ms(D.channelStart) * 5);
    expect(await state(channelId)).toBe('STARTING');
    env.faults.held.clear();
    env.clock.advance(ms(D.pipelineStagger) + 1000);
    expect(await state(channelId)).toBe('RUNNING');
  });

  it('is idempotent on RequestId and refuses a reused token with another request', async () => {
    const sg = await securityGroup();
    const input = await rtmpInput(sg);
    env.clock.advance(ms(D.inputCreate));
    const req = { ...channelRequest(input.Id as string), RequestId: 'tok-1' };
    const a = (await call('CreateChannel', req)).Channel as ModelValue;
    const b = (await call('CreateChannel', req)).Channel as ModelValue;
    expect(b.Id).toBe(a.Id);
    expect(ml.inventory().filter((i) => i.type === 'channel')).toHaveLength(1);
    const err = await awsError(call('CreateChannel', { ...req, Name: 'other' }));
    expect(err.status).toBe(409);
    const inReq = { Type: 'URL_PULL', Sources: [{ Url: 'https://x/y.m3u8' }], RequestId: 'tok-in' };
    const i1 = (await call('CreateInput', inReq)).Input as ModelValue;
    const i2 = (await call('CreateInput', inReq)).Input as ModelValue;
    expect(i2.Id).toBe(i1.Id);
    expect((await awsError(call('CreateInput', { ...inReq, Name: 'x' }))).status).toBe(409);
  });

  it('answers semantic mistakes with 422 ValidationErrors naming each element', async () => {
    const sg = await securityGroup();
    const input = await rtmpInput(sg);
    env.clock.advance(ms(D.inputCreate));
    const req = channelRequest(input.Id as string, { RoleArn: 'not-a-role' });
    const enc = req.EncoderSettings as ModelValue;
    const og = (enc.OutputGroups as ModelValue[])[0]!;
    ((og.Outputs as ModelValue[])[1]!).VideoDescriptionName = 'missing';
    (((og.OutputGroupSettings as ModelValue).MediaPackageGroupSettings as ModelValue).Destination as ModelValue).DestinationRefId = 'nope';
    const err = await awsError(call('CreateChannel', req));
    expect(err).toBeInstanceOf(AwsError);
    expect([err.code, err.status]).toEqual(['UnprocessableEntityException', 422]);
    expect((err.fields.ValidationErrors as ModelValue[]).map((v) => v.ElementPath)).toEqual([
      'roleArn',
      'encoderSettings.outputGroups[0].outputGroupSettings.mediaPackageGroupSettings.destination.destinationRefId',
      'encoderSettings.outputGroups[0].outputs[1].videoDescriptionName',
      'encoderSettings.videoDescriptions[1].name',
    ]);
    expect(ml.inventory().filter((i) => i.type === 'channel')).toEqual([]);
  });

  it('422 for a missing input, an input already attached, GOP longer than the segment, missing audio selector', async () => {
    let err = await awsError(call('CreateChannel', channelRequest('4242424')));
    expect(err.fields.ValidationErrors).toEqual([{ ElementPath: 'inputAttachments[0].inputId', ErrorMessage: "Input '4242424' does not exist" }]);
    const { inputId } = await idleChannel();
    err = await awsError(call('CreateChannel', channelRequest(inputId)));
    expect(err.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'inputAttachments[0].inputId', ErrorMessage: expect.stringContaining('already attached') })]);
    const other = await rtmpInput();
    const req = channelRequest(other.Id as string, { EncoderSettings: (await import('./media-fixtures')).encoderSettings({ gopSeconds: 8, segmentSeconds: 6 }) });
    err = await awsError(call('CreateChannel', req));
    expect((err.fields.ValidationErrors as ModelValue[])[0]).toMatchObject({ ElementPath: 'encoderSettings.videoDescriptions[0].codecSettings.h264Settings.gopSize' });
    const noSel = channelRequest(other.Id as string, { InputAttachments: [{ InputId: other.Id, InputAttachmentName: 'primary' }] });
    err = await awsError(call('CreateChannel', noSel));
    expect(err.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'inputAttachments[0].inputSettings.audioSelectors' })]);
  });

  // MediaLive UG "Plan the audio selectors" (https://docs.aws.amazon.com/medialive/latest/ug/ips-plan-audio-sels.html):
  // every attached input defines the selectors, under the same names, that the audio descriptions use.
  it('422 when any attached input lacks an audio selector the audio descriptions use, on create and on update', async () => {
    const primary = await rtmpInput();
    const slate = (await call('CreateInput', { Type: 'URL_PULL', Sources: [{ Url: 'https://x/slate.m3u8' }, { Url: 'https://y/slate.m3u8' }] })).Input as ModelValue;
    env.clock.advance(ms(D.inputCreate));
    const req = channelRequest(primary.Id as string);
    req.InputAttachments = [...(req.InputAttachments as ModelValue[]), { InputId: slate.Id, InputAttachmentName: 'slate', InputSettings: { SourceEndBehavior: 'LOOP' } }];
    let err = await awsError(call('CreateChannel', req));
    expect([err.code, err.status]).toEqual(['UnprocessableEntityException', 422]);
    expect(err.fields.ValidationErrors).toEqual([{ ElementPath: 'inputAttachments[1].inputSettings.audioSelectors', ErrorMessage: expect.stringContaining("Audio selector 'default' used by audio description 'audio_aac' is not defined in input attachment 'slate'") }]);
    expect(ml.inventory().filter((i) => i.type === 'channel')).toEqual([]);
    // A selector of another name does not count: names must match.
    (req.InputAttachments as ModelValue[])[1]!.InputSettings = { SourceEndBehavior: 'LOOP', AudioSelectors: [{ Name: 'other' }] };
    expect((await awsError(call('CreateChannel', req))).status).toBe(422);
    // With the selector on both inputs the channel is created; an update that drops it is refused.
    (req.InputAttachments as ModelValue[])[1]!.InputSettings = { SourceEndBehavior: 'LOOP', AudioSelectors: [{ Name: 'default' }] };
    const id = ((await call('CreateChannel', req)).Channel as ModelValue).Id as string;
    env.clock.advance(ms(D.channelCreate));
    const dropped = [(req.InputAttachments as ModelValue[])[0], { InputId: slate.Id, InputAttachmentName: 'slate' }];
    err = await awsError(call('UpdateChannel', { ChannelId: id, InputAttachments: dropped }));
    expect([err.status, (err.fields.ValidationErrors as ModelValue[]).map((v) => v.ElementPath)]).toEqual([422, ['inputAttachments[1].inputSettings.audioSelectors']]);
  });

  it('a STANDARD channel refuses a SINGLE_INPUT input; STANDARD URL destinations need two settings', async () => {
    const single = (await call('CreateInput', { Type: 'URL_PULL', Sources: [{ Url: 'https://x/y.m3u8' }] })).Input as ModelValue;
    let err = await awsError(call('CreateChannel', channelRequest(single.Id as string)));
    expect((err.fields.ValidationErrors as ModelValue[])[0]!.ErrorMessage).toMatch(/SINGLE_INPUT/);
    const std = await rtmpInput();
    err = await awsError(call('CreateChannel', channelRequest(std.Id as string, { Destinations: [{ Id: 'mp', Settings: [{ Url: 'https://a/b' }] }] })));
    expect(err.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'destinations[0].settings' })]);
  });

  it('updates only when IDLE, re-validating', async () => {
    const { channelId } = await runningChannel();
    expect((await awsError(call('UpdateChannel', { ChannelId: channelId, Name: 'x' }))).status).toBe(409);
    await call('StopChannel', { ChannelId: channelId });
    env.clock.advance(ms(D.channelStop));
    const out = await call('UpdateChannel', { ChannelId: channelId, Name: 'renamed' });
    expect(out.Channel).toMatchObject({ Name: 'renamed', State: 'UPDATING' });
    env.clock.advance(ms(D.channelUpdate));
    expect(await state(channelId)).toBe('IDLE');
    expect((await awsError(call('UpdateChannel', { ChannelId: channelId, RoleArn: 'bad' }))).status).toBe(422);
  });

  it('lists channels, inputs and groups with pagination, and NotFound for unknown ids', async () => {
    await idleChannel();
    await idleChannel();
    const first = await call('ListChannels', { MaxResults: 1 });
    expect(first.Channels).toHaveLength(1);
    const second = await call('ListChannels', { MaxResults: 1, NextToken: first.NextToken });
    expect(second.Channels).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect(((await call('ListInputs')).Inputs as unknown[]).length).toBe(2);
    expect(((await call('ListInputSecurityGroups')).InputSecurityGroups as unknown[]).length).toBe(2);
    expect((await awsError(call('DescribeChannel', { ChannelId: '1' }))).code).toBe('NotFoundException');
  });
});

describe('pipelines, alerts and schedule', () => {
  it('raises and clears alerts as EventBridge events and in ListAlerts', async () => {
    const { channelId } = await runningChannel();
    const arn = (await call('DescribeChannel', { ChannelId: channelId })).Arn;
    const alarmId = ml.raiseAlert(channelId, { pipeline: '1', alertType: 'Video Not Detected' });
    expect(ml.raiseAlert(channelId, { pipeline: '1', alertType: 'Video Not Detected' })).toBe(alarmId);
    let alerts = (await call('ListAlerts', { ChannelId: channelId })).Alerts as ModelValue[];
    expect(alerts).toEqual([expect.objectContaining({ Id: alarmId, AlertType: 'Video Not Detected', PipelineId: '1', State: 'SET', SetTimestamp: expect.any(Date) })]);
    ml.clearAlert(channelId, { alarmId });
    alerts = (await call('ListAlerts', { ChannelId: channelId, StateFilter: 'CLEARED' })).Alerts as ModelValue[];
    expect(alerts).toHaveLength(1);
    expect((await call('ListAlerts', { ChannelId: channelId, StateFilter: 'SET' })).Alerts).toEqual([]);
    env.clock.advance(ms(D.clearedAlertRetention));
    expect((await call('ListAlerts', { ChannelId: channelId })).Alerts).toEqual([]);
    expect(env.events.ofType('MediaLive Channel Alert').map((e) => e.detail)).toEqual([
      { alarm_state: 'SET', alarm_id: alarmId, alert_type: 'Video Not Detected', pipeline: '1', channel_arn: arn, message: expect.any(String) },
      { alarm_state: 'CLEARED', alarm_id: alarmId, alert_type: 'Video Not Detected', pipeline: '1', channel_arn: arn, message: expect.any(String) },
    ]);
  });

  it('a failed pipeline goes RECOVERING and comes back RUNNING; a stopped one waits for RestartChannelPipelines', async () => {
    const { channelId } = await runningChannel();
    ml.failPipeline(channelId, '0');
    expect(await call('DescribeChannel', { ChannelId: channelId })).toMatchObject({ State: 'RECOVERING', PipelinesRunningCount: 1 });
    env.clock.advance(ms(D.channelRecover));
    expect(await call('DescribeChannel', { ChannelId: channelId })).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: 2 });
    env.events.events.length = 0;
    ml.stopPipeline(channelId, '1');
    expect(await call('DescribeChannel', { ChannelId: channelId })).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: 1 });
    env.clock.advance(ms(D.channelRecover) * 3);
    expect((await call('DescribeChannel', { ChannelId: channelId })).PipelinesRunningCount).toBe(1);
    await call('RestartChannelPipelines', { ChannelId: channelId, PipelineIds: ['PIPELINE_1'] });
    env.clock.advance(ms(D.channelRecover));
    expect(await call('DescribeChannel', { ChannelId: channelId })).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: 2 });
    expect(env.events.ofType('MediaLive Channel State Change').map((e) => [e.detail.state, e.detail.pipeline, e.detail.pipelines_running_count])).toEqual([
      ['STOPPED', '1', 1], ['RUNNING', '1', 2],
    ]);
  });

  it('switches the active input with BatchUpdateSchedule and emits Input Change per pipeline', async () => {
    const groupId = await securityGroup();
    const a = await rtmpInput(groupId);
    const slate = (await call('CreateInput', { Type: 'URL_PULL', Sources: [{ Url: 'https://x/slate.m3u8' }, { Url: 'https://y/slate.m3u8' }] })).Input as ModelValue;
    env.clock.advance(ms(D.inputCreate));
    const req = channelRequest(a.Id as string);
    req.InputAttachments = [
      ...(req.InputAttachments as ModelValue[]),
      { InputId: slate.Id, InputAttachmentName: 'slate', InputSettings: { AudioSelectors: [{ Name: 'default' }] } },
    ];
    const id = ((await call('CreateChannel', req)).Channel as ModelValue).Id as string;
    env.clock.advance(ms(D.channelCreate) + ms(D.channelStartLockout));
    const immediate = { ActionName: 'to-slate', ScheduleActionSettings: { InputSwitchSettings: { InputAttachmentNameReference: 'slate' } }, ScheduleActionStartSettings: { ImmediateModeScheduleActionStartSettings: {} } };
    expect((await awsError(call('BatchUpdateSchedule', { ChannelId: id, Creates: { ScheduleActions: [immediate] } }))).status).toBe(422);
    await call('StartChannel', { ChannelId: id });
    env.clock.advance(ms(D.channelStart) + ms(D.pipelineStagger));
    const bad = { ...immediate, ActionName: 'bad', ScheduleActionSettings: { InputSwitchSettings: { InputAttachmentNameReference: 'nope' } } };
    expect((await awsError(call('BatchUpdateSchedule', { ChannelId: id, Creates: { ScheduleActions: [bad] } }))).fields.ValidationErrors).toHaveLength(1);
    const out = await call('BatchUpdateSchedule', { ChannelId: id, Creates: { ScheduleActions: [immediate] } });
    expect(out.Creates).toEqual({ ScheduleActions: [immediate] });
    expect((await call('DescribeChannel', { ChannelId: id })).PipelineDetails).toEqual([
      { PipelineId: '0', ActiveInputAttachmentName: 'slate', ActiveInputSwitchActionName: 'to-slate' },
      { PipelineId: '1', ActiveInputAttachmentName: 'slate', ActiveInputSwitchActionName: 'to-slate' },
    ]);
    expect(env.events.ofType('MediaLive Channel Input Change').map((e) => [e.detail.pipeline, e.detail.active_input_attachment_name])).toEqual([['0', 'slate'], ['1', 'slate']]);
    const back = { ActionName: 'back', ScheduleActionSettings: { InputSwitchSettings: { InputAttachmentNameReference: 'primary' } }, ScheduleActionStartSettings: { FixedModeScheduleActionStartSettings: { Time: new Date(env.clock.now() + 5000).toISOString() } } };
    await call('BatchUpdateSchedule', { ChannelId: id, Creates: { ScheduleActions: [back] } });
    expect(((await call('DescribeChannel', { ChannelId: id })).PipelineDetails as ModelValue[])[0]!.ActiveInputAttachmentName).toBe('slate');
    env.clock.advance(5000);
    expect(((await call('DescribeChannel', { ChannelId: id })).PipelineDetails as ModelValue[])[0]!.ActiveInputAttachmentName).toBe('primary');
    expect(((await call('DescribeSchedule', { ChannelId: id })).ScheduleActions as unknown[]).length).toBe(2);
    await call('BatchUpdateSchedule', { ChannelId: id, Deletes: { ActionNames: ['to-slate'] } });
    expect(((await call('DescribeSchedule', { ChannelId: id })).ScheduleActions as unknown[]).length).toBe(1);
  });
});

describe('tags, rate limit, inventory, snapshot', () => {
  it('tags any resource by ARN', async () => {
    const { channelId } = await idleChannel();
    const arn = (await call('DescribeChannel', { ChannelId: channelId })).Arn;
    await call('CreateTags', { ResourceArn: arn, Tags: { team: 'live' } });
    await call('DeleteTags', { ResourceArn: arn, TagKeys: ['onair:channel'] });
    expect((await call('ListTagsForResource', { ResourceArn: arn })).Tags).toEqual({ team: 'live' });
    expect((await awsError(call('ListTagsForResource', { ResourceArn: 'arn:aws:medialive:us-east-1:111122223333:channel:0' }))).status).toBe(404);
  });

  it('serves the control API under /_twin/medialive/', async () => {
    const { channelId } = await runningChannel();
    const route = ml.routes[0]!;
    const req = (method: string, path: string, body?: unknown) =>
      route.handle({ method, path, url: path, headers: {}, query: new URLSearchParams(), body: Buffer.from(body === undefined ? '' : JSON.stringify(body)) });
    const raised = await req('POST', `/_twin/medialive/channels/${channelId}/alerts`, { alertType: 'RTMP Stream Not Found', pipeline: '0' });
    expect(raised.status).toBe(200);
    const { alarmId } = JSON.parse(String(raised.body)) as { alarmId: string };
    expect((await call('ListAlerts', { ChannelId: channelId, StateFilter: 'SET' })).Alerts).toEqual([expect.objectContaining({ Id: alarmId })]);
    expect((await req('DELETE', `/_twin/medialive/channels/${channelId}/alerts/${alarmId}`)).status).toBe(200);
    expect((await req('DELETE', `/_twin/medialive/channels/${channelId}/alerts/${alarmId}`)).status).toBe(404);
    expect((await req('POST', `/_twin/medialive/channels/${channelId}/alerts`, {})).status).toBe(400);
    expect((await req('POST', `/_twin/medialive/channels/${channelId}/pipelines/1/fail`)).status).toBe(200);
    expect(await state(channelId)).toBe('RECOVERING');
    expect((await req('POST', `/_twin/medialive/channels/9/pipelines/0/stop`)).status).toBe(404);
  });

  it('restores a snapshot with transitional states settled', async () => {
    const { channelId } = await idleChannel();
    await call('StartChannel', { ChannelId: channelId });
    const snap = JSON.parse(JSON.stringify(ml.snapshot()));
    const again = createMediaLive(env);
    again.restore(snap);
    expect(again.inventory().map((i) => [i.type, i.state]).sort()).toEqual([['channel', 'RUNNING'], ['input', 'ATTACHED'], ['inputSecurityGroup', 'IN_USE']]);
  });
});
