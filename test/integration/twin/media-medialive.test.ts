/**
 * MediaLive through the twin with the real SDK client over HTTP: typed exceptions, states, events,
 * idempotency and the rate limit as the SDK sees them.
 */
import {
  ConflictException, CreateChannelCommand, CreateInputCommand, CreateInputSecurityGroupCommand, DeleteChannelCommand, DeleteInputCommand,
  DeleteInputSecurityGroupCommand, DescribeChannelCommand, DescribeInputCommand, DescribeInputSecurityGroupCommand, ListAlertsCommand, ListChannelsCommand,
  type CreateChannelCommandInput, MediaLiveClient, NotFoundException, RestartChannelPipelinesCommand, StartChannelCommand, StopChannelCommand, TooManyRequestsException, UnprocessableEntityException, BatchUpdateScheduleCommand,
} from '@aws-sdk/client-medialive';
import type { Twin } from '../../../local/server';
import { clientConfig } from './helpers';
import { mediaTwin, until } from './media-helpers';
import { channelRequest } from '../../unit/local/services/media-fixtures';

describe('MediaLive twin over HTTP', () => {
  let twin: Twin;
  let ml: MediaLiveClient;
  beforeAll(async () => {
    twin = await mediaTwin();
    ml = new MediaLiveClient(clientConfig(twin));
  });
  afterAll(async () => {
    ml.destroy();
    await twin.stop();
  });

  const events: unknown[] = [];
  beforeAll(() => {
    twin.events.subscribe((e) => events.push(e));
  });

  async function newInput(): Promise<{ inputId: string; groupId: string }> {
    const sg = await ml.send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: '203.0.113.0/24' }], Tags: { 'onair:channel': 'it' } }));
    const input = await ml.send(new CreateInputCommand({ Name: 'it', Type: 'RTMP_PUSH', InputSecurityGroups: [sg.SecurityGroup!.Id!], Destinations: [{ StreamName: 'live/a' }, { StreamName: 'live/b' }], RequestId: `in-${Math.random()}` }));
    expect(input.Input!.Destinations!.map((d) => d.Url)).toEqual([expect.stringMatching(/^rtmp:\/\/[\d.]+:1935\/live\/a$/), expect.stringMatching(/^rtmp:\/\/[\d.]+:1935\/live\/b$/)]);
    await until('input DETACHED', async () => ((await ml.send(new DescribeInputCommand({ InputId: input.Input!.Id }))).State === 'DETACHED' ? true : undefined));
    return { inputId: input.Input!.Id!, groupId: sg.SecurityGroup!.Id! };
  }

  it('runs the whole lifecycle with typed conflicts, per-pipeline RUNNING events and STOPPED', async () => {
    const { inputId, groupId } = await newInput();
    const req = { ...channelRequest(inputId), RequestId: 'it-channel-1' } as CreateChannelCommandInput;
    const created = await ml.send(new CreateChannelCommand(req));
    expect(created.Channel).toMatchObject({ State: 'CREATING', ChannelClass: 'STANDARD', Name: 'onair-demo' });
    const again = await ml.send(new CreateChannelCommand(req));
    expect(again.Channel!.Id).toBe(created.Channel!.Id);
    const id = created.Channel!.Id!;
    await until('channel startable', async () => {
      try {
        return await ml.send(new StartChannelCommand({ ChannelId: id }));
      } catch (e) {
        if (e instanceof ConflictException) return undefined;
        throw e;
      }
    });
    const running = await until('2 pipelines running', async () => {
      const d = await ml.send(new DescribeChannelCommand({ ChannelId: id }));
      return d.PipelinesRunningCount === 2 ? d : undefined;
    });
    expect(running.State).toBe('RUNNING');
    expect(running.PipelineDetails).toHaveLength(2);
    await expect(ml.send(new DeleteChannelCommand({ ChannelId: id }))).rejects.toThrow('Cannot delete a channel that has not been stopped yet');
    await expect(ml.send(new DeleteInputCommand({ InputId: inputId }))).rejects.toBeInstanceOf(ConflictException);
    await expect(ml.send(new DeleteInputSecurityGroupCommand({ InputSecurityGroupId: groupId }))).rejects.toBeInstanceOf(ConflictException);

    await ml.send(new StopChannelCommand({ ChannelId: id }));
    await until('IDLE', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).State === 'IDLE' ? true : undefined));
    await ml.send(new DeleteChannelCommand({ ChannelId: id }));
    await until('DELETED', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).State === 'DELETED' ? true : undefined));
    await until('input DETACHED', async () => ((await ml.send(new DescribeInputCommand({ InputId: inputId }))).State === 'DETACHED' ? true : undefined));
    await ml.send(new DeleteInputCommand({ InputId: inputId }));
    await until('group IDLE', async () => ((await ml.send(new DescribeInputSecurityGroupCommand({ InputSecurityGroupId: groupId }))).State === 'IDLE' ? true : undefined));
    await ml.send(new DeleteInputSecurityGroupCommand({ InputSecurityGroupId: groupId }));
    expect(twin.inventory().filter((i) => i.service === 'medialive')).toEqual([]);

    const arn = created.Channel!.Arn;
    const states = (events as { 'detail-type': string; detail: Record<string, unknown> }[])
      .filter((e) => e['detail-type'] === 'MediaLive Channel State Change' && e.detail.channel_arn === arn)
      .map((e) => `${String(e.detail.state)}:${String(e.detail.pipelines_running_count)}`);
    expect(states).toEqual(['CREATED:0', 'STARTING:0', 'RUNNING:1', 'RUNNING:2', 'STOPPING:2', 'STOPPED:0', 'DELETED:0']);
  });

  it('refuses to start a channel that is still being created (AWS pace clock)', async () => {
    const slow = await mediaTwin(1);
    const client = new MediaLiveClient(clientConfig(slow));
    try {
      const input = await client.send(new CreateInputCommand({ Type: 'URL_PULL', Sources: [{ Url: 'https://src.example.com/a.m3u8' }, { Url: 'https://src.example.com/b.m3u8' }] }));
      const created = await client.send(new CreateChannelCommand(channelRequest(input.Input!.Id!) as CreateChannelCommandInput));
      // Held in CREATING by the fault injector as well, so the answer cannot depend on timing.
      slow.faults.hold('medialive', created.Channel!.Id!);
      const err = await client.send(new StartChannelCommand({ ChannelId: created.Channel!.Id })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictException);
      expect((await client.send(new DescribeChannelCommand({ ChannelId: created.Channel!.Id }))).State).toBe('CREATING');
    } finally {
      client.destroy();
      await slow.stop();
    }
  });

  it('answers semantic errors with UnprocessableEntityException and ValidationErrors, and NotFound', async () => {
    const { inputId } = await newInput();
    const req = channelRequest(inputId, { RoleArn: 'nope' }) as CreateChannelCommandInput;
    const err = await ml.send(new CreateChannelCommand(req)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableEntityException);
    expect((err as UnprocessableEntityException).ValidationErrors).toEqual([expect.objectContaining({ ElementPath: 'roleArn' })]);
    await expect(ml.send(new DescribeChannelCommand({ ChannelId: '1234' }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it('lists alerts raised through the control API and switches input on the schedule', async () => {
    const { inputId } = await newInput();
    const id = (await ml.send(new CreateChannelCommand(channelRequest(inputId) as CreateChannelCommandInput))).Channel!.Id!;
    await until('startable', async () => ml.send(new StartChannelCommand({ ChannelId: id })).then(() => true, (e: unknown) => (e instanceof ConflictException ? undefined : Promise.reject(e))));
    await until('running', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).PipelinesRunningCount === 2 ? true : undefined));
    const res = await fetch(`${twin.url}/_twin/medialive/channels/${id}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alertType: 'Video Not Detected', pipeline: '1' }) });
    expect(res.status).toBe(200);
    const alerts = await ml.send(new ListAlertsCommand({ ChannelId: id }));
    expect(alerts.Alerts).toEqual([expect.objectContaining({ AlertType: 'Video Not Detected', PipelineId: '1', State: 'SET', SetTimestamp: expect.any(Date) })]);
    const out = await ml.send(new BatchUpdateScheduleCommand({ ChannelId: id, Creates: { ScheduleActions: [{ ActionName: 'again', ScheduleActionSettings: { InputSwitchSettings: { InputAttachmentNameReference: 'primary' } }, ScheduleActionStartSettings: { ImmediateModeScheduleActionStartSettings: {} } }] } }));
    expect(out.Creates!.ScheduleActions).toHaveLength(1);
    expect((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).PipelineDetails![0]!.ActiveInputSwitchActionName).toBe('again');
  });

  it('restarts a pipeline stopped through the control API (RECOVERING → RUNNING)', async () => {
    const { inputId } = await newInput();
    const id = (await ml.send(new CreateChannelCommand(channelRequest(inputId) as CreateChannelCommandInput))).Channel!.Id!;
    await until('startable', async () => ml.send(new StartChannelCommand({ ChannelId: id })).then(() => true, (e: unknown) => (e instanceof ConflictException ? undefined : Promise.reject(e))));
    await until('running', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).PipelinesRunningCount === 2 ? true : undefined));
    expect((await fetch(`${twin.url}/_twin/medialive/channels/${id}/pipelines/1/stop`, { method: 'POST' })).status).toBe(200);
    expect((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).PipelinesRunningCount).toBe(1);
    const restarted = await ml.send(new RestartChannelPipelinesCommand({ ChannelId: id, PipelineIds: ['PIPELINE_1'] }));
    expect(restarted.State).toBe('RECOVERING');
    await until('both pipelines back', async () => {
      const d = await ml.send(new DescribeChannelCommand({ ChannelId: id }));
      return d.State === 'RUNNING' && d.PipelinesRunningCount === 2 ? true : undefined;
    });
  });

  it('throttles a burst beyond 30 requests with TooManyRequestsException (AWS pace clock)', async () => {
    const slow = await mediaTwin(1);
    const client = new MediaLiveClient(clientConfig(slow));
    try {
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => client.send(new ListChannelsCommand({}))));
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const throttled = results.filter((r) => r.status === 'rejected' && r.reason instanceof TooManyRequestsException).length;
      expect(ok + throttled).toBe(40);
      expect(ok).toBeGreaterThanOrEqual(30);
      expect(throttled).toBeGreaterThan(0);
    } finally {
      client.destroy();
      await slow.stop();
    }
  });
});
