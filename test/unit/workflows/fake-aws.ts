/**
 * An in-memory fake of the AWS APIs the workflow handlers reach through their SDK clients,
 * installed with aws-sdk-client-mock. Only what state matters for: resources with AWS's states,
 * the transitions the workflows wait for (advanced by describe calls, so no test depends on
 * time), the conflicts AWS raises when the order is wrong (deleting a running channel, an
 * attached input, an in-use security group, an enabled distribution, a stale ETag), and the
 * SDK's real exception classes. The twin in local/ is the full-fidelity version over HTTP.
 *
 * `inventory()` lists every live resource, the way an orphan check would see the account.
 */
import { stageChannelGroupName } from '../../../functions/lib/delivery';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import * as ML from '@aws-sdk/client-medialive';
import * as MP2 from '@aws-sdk/client-mediapackagev2';
import * as MP1 from '@aws-sdk/client-mediapackage';
import * as SM from '@aws-sdk/client-secrets-manager';
import * as CF from '@aws-sdk/client-cloudfront';
import * as CW from '@aws-sdk/client-cloudwatch';
import * as SNS from '@aws-sdk/client-sns';
import * as SFN from '@aws-sdk/client-sfn';
import * as SCH from '@aws-sdk/client-scheduler';

const meta = { $metadata: {} };
type AnyInput = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- SDK inputs vary per command; each fake reads its own fields

interface Channel { Id: string; Arn: string; State: string; ChannelClass: string; inputIds: string[]; describes: number; pipelines: number; requestId?: string }
interface Input { Id: string; Arn: string; State: string; sgIds: string[]; Destinations: { Url: string }[]; describes: number; requestId?: string }
interface Sg { Id: string; Arn: string; State: string; WhitelistRules: { Cidr: string }[]; Tags: Record<string, string> }
interface Distribution { Id: string; ARN: string; DomainName: string; Status: string; ETag: string; config: AnyInput; tags: { Key?: string; Value?: string }[]; gets: number }

export interface CallRecord { service: string; command: string; input: AnyInput; /** The function (serverless.yml key) whose invocation sent it. */ fn?: string }

/** Which function's invocation is running: set by the harness around every handler call. */
export const currentFunction = new AsyncLocalStorage<string>();

export class FakeAws {
  private n = 0;
  readonly calls: CallRecord[] = [];
  readonly sgs = new Map<string, Sg>();
  readonly inputs = new Map<string, Input>();
  readonly channels = new Map<string, Channel>();
  readonly groups = new Map<string, { name: string; egress: string; tags: Record<string, string>; Arn: string }>();
  readonly mpChannels = new Map<string, { group: string; name: string; Arn: string; tags: Record<string, string>; policy?: string }>();
  readonly endpoints = new Map<string, { group: string; channel: string; name: string; Arn: string; req: AnyInput; policy?: string }>();
  readonly v1Channels = new Map<string, { Id: string; Arn: string; Tags: Record<string, string> }>();
  readonly v1Endpoints = new Map<string, { Id: string; Arn: string; ChannelId: string; Tags: Record<string, string>; req: AnyInput }>();
  readonly secrets = new Map<string, { ARN: string; Name: string; SecretString: string; Tags: { Key?: string; Value?: string }[] }>();
  readonly oacs = new Map<string, { Id: string; Name: string; ETag: string }>();
  readonly cachePolicies = new Map<string, { Id: string; Name: string }>();
  readonly distributions = new Map<string, Distribution>();
  readonly alarms = new Map<string, AnyInput>();
  readonly published: AnyInput[] = [];
  /** EventBridge Scheduler schedules by `<group>/<name>`. */
  readonly schedules = new Set<string>();
  /** Task tokens redeemed with SendTaskSuccess / SendTaskFailure (callback tasks, harness.ts). */
  readonly taskResults = new Map<string, { ok: true; output: unknown } | { ok: false; error: string; cause: string }>();
  private readonly stubs: AwsStub<any, any, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- one list for stubs of different clients

  private id(prefix: string): string {
    this.n += 1;
    return `${prefix}${String(this.n).padStart(6, '0')}`;
  }

  private log(service: string, command: string, input: AnyInput): void {
    const fn = currentFunction.getStore();
    this.calls.push({ service, command, input, ...(fn ? { fn } : {}) });
  }

  count(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }

  /** The stage's shared delivery, as `osls deploy` leaves it (serverless.yml Delivery*): not a channel's. */
  stage?: { group: string; distributionArn: string; domain: string };

  /** What the stack creates once per stage: the channel group (tagged for the stage) and its Deployed distribution. */
  deployStack(env: NodeJS.ProcessEnv): void {
    const group = stageChannelGroupName(String(env.ONAIR_STAGE));
    this.groups.set(group, { name: group, egress: 'stage.egress.mediapackagev2.us-east-1.amazonaws.com', tags: { 'onair:stage': String(env.ONAIR_STAGE) }, Arn: `arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/${group}` });
    this.stage = { group, distributionArn: String(env.DELIVERY_DISTRIBUTION_ARN), domain: String(env.DELIVERY_DOMAIN) };
  }

  /** Every live (billable or owned) resource of channels; the stage's shared resources are kept by design. */
  inventory(): string[] {
    return [
      ...[...this.sgs.values()].filter((s) => s.State !== 'DELETED').map((s) => `medialive:inputSecurityGroup:${s.Id}`),
      ...[...this.inputs.values()].filter((i) => i.State !== 'DELETED').map((i) => `medialive:input:${i.Id}`),
      ...[...this.channels.values()].filter((c) => c.State !== 'DELETED').map((c) => `medialive:channel:${c.Id}`),
      ...[...this.groups.keys()].filter((g) => g !== this.stage?.group).map((g) => `mediapackagev2:channelGroup:${g}`),
      ...[...this.mpChannels.keys()].map((c) => `mediapackagev2:channel:${c}`),
      ...[...this.endpoints.keys()].map((e) => `mediapackagev2:originEndpoint:${e}`),
      ...[...this.v1Channels.keys()].map((c) => `mediapackage:channel:${c}`),
      ...[...this.v1Endpoints.keys()].map((e) => `mediapackage:originEndpoint:${e}`),
      ...[...this.secrets.values()].map((x) => `secretsmanager:secret:${x.Name}`),
      ...[...this.oacs.keys()].map((o) => `cloudfront:originAccessControl:${o}`),
      ...[...this.distributions.keys()].map((d) => `cloudfront:distribution:${d}`),
      ...[...this.alarms.keys()].map((a) => `cloudwatch:alarm:${a}`),
      ...[...this.schedules].map((s) => `scheduler:schedule:${s}`),
    ].sort();
  }

  install(): this {
    this.installMediaLive();
    this.installMediaPackageV2();
    this.installMediaPackageV1();
    this.installCloudFront();
    this.installCloudWatch();
    const sns = mockClient(SNS.SNSClient);
    sns.on(SNS.PublishCommand).callsFake((input: AnyInput) => {
      this.log('sns', 'Publish', input);
      this.published.push(input);
      return { MessageId: this.id('msg-') };
    });
    this.stubs.push(sns);
    const sfn = mockClient(SFN.SFNClient);
    sfn.on(SFN.SendTaskSuccessCommand).callsFake((input: AnyInput) => {
      this.log('states', 'SendTaskSuccess', input);
      if (this.taskResults.has(input.taskToken)) throw new SFN.TaskTimedOut({ $metadata: {}, message: 'Task Timed Out' });
      this.taskResults.set(input.taskToken, { ok: true, output: JSON.parse(input.output) });
      return {};
    });
    sfn.on(SFN.SendTaskFailureCommand).callsFake((input: AnyInput) => {
      this.log('states', 'SendTaskFailure', input);
      if (this.taskResults.has(input.taskToken)) throw new SFN.TaskTimedOut({ $metadata: {}, message: 'Task Timed Out' });
      this.taskResults.set(input.taskToken, { ok: false, error: input.error ?? 'States.TaskFailed', cause: input.cause ?? '' });
      return {};
    });
    this.stubs.push(sfn);
    const scheduler = mockClient(SCH.SchedulerClient);
    scheduler.on(SCH.CreateScheduleCommand).callsFake((input: AnyInput) => {
      this.log('scheduler', 'CreateSchedule', input);
      this.schedules.add(`${input.GroupName ?? 'default'}/${input.Name}`);
      return { ScheduleArn: `arn:aws:scheduler:us-east-1:111122223333:schedule/${input.GroupName ?? 'default'}/${input.Name}` };
    });
    scheduler.on(SCH.DeleteScheduleCommand).callsFake((input: AnyInput) => {
      this.log('scheduler', 'DeleteSchedule', input);
      // Scheduler's DeleteSchedule on an unknown schedule: ResourceNotFoundException (API reference).
      if (!this.schedules.delete(`${input.GroupName ?? 'default'}/${input.Name}`)) throw new SCH.ResourceNotFoundException({ ...meta, message: `Schedule ${input.Name} does not exist.`, Message: `Schedule ${input.Name} does not exist.` });
      return {};
    });
    this.stubs.push(scheduler);
    return this;
  }

  restore(): void {
    for (const s of this.stubs) s.restore();
  }

  // ---------------- MediaLive ----------------
  private installMediaLive(): void {
    const ml = mockClient(ML.MediaLiveClient);
    this.stubs.push(ml);
    const nf = (what: string) => new ML.NotFoundException({ ...meta, message: `${what} not found` });
    const conflict = (message: string) => new ML.ConflictException({ ...meta, message });
    const on = <C>(cmd: C, command: string, fn: (input: AnyInput) => unknown) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- aws-sdk-client-mock's on() is generic per command class
      ml.on(cmd as any).callsFake(async (input: AnyInput) => { this.log('medialive', command, input); return fn(input); });
    };
    const sgView = (s: Sg) => ({ Id: s.Id, Arn: s.Arn, State: s.State, WhitelistRules: s.WhitelistRules, Tags: s.Tags, Inputs: this.sgInputs(s.Id) });
    on(ML.CreateInputSecurityGroupCommand, 'CreateInputSecurityGroup', (i) => {
      const id = this.id('');
      const sg: Sg = { Id: id, Arn: `arn:aws:medialive:us-east-1:111122223333:inputSecurityGroup:${id}`, State: 'IDLE', WhitelistRules: i.WhitelistRules ?? [], Tags: i.Tags ?? {} };
      this.sgs.set(id, sg);
      return { SecurityGroup: sgView(sg) };
    });
    on(ML.ListInputSecurityGroupsCommand, 'ListInputSecurityGroups', () => ({ InputSecurityGroups: [...this.sgs.values()].filter((s) => s.State !== 'DELETED').map(sgView) }));
    on(ML.DescribeInputSecurityGroupCommand, 'DescribeInputSecurityGroup', (i) => {
      const sg = this.sgs.get(i.InputSecurityGroupId);
      if (!sg || sg.State === 'DELETED') throw nf('input security group');
      this.refreshSg(sg);
      return sgView(sg);
    });
    on(ML.DeleteInputSecurityGroupCommand, 'DeleteInputSecurityGroup', (i) => {
      const sg = this.sgs.get(i.InputSecurityGroupId);
      if (!sg || sg.State === 'DELETED') throw nf('input security group');
      this.refreshSg(sg);
      if (sg.State === 'IN_USE') throw conflict('Input security group is in use');
      sg.State = 'DELETED';
      return {};
    });
    on(ML.CreateInputCommand, 'CreateInput', (i) => {
      const again = [...this.inputs.values()].find((x) => x.requestId && x.requestId === i.RequestId);
      if (again) return { Input: this.inputView(again) };
      for (const sgId of i.InputSecurityGroups ?? []) if (!this.sgs.has(sgId)) throw new ML.BadRequestException({ ...meta, message: `unknown security group ${sgId}` });
      const id = this.id('');
      const input: Input = {
        Id: id, Arn: `arn:aws:medialive:us-east-1:111122223333:input:${id}`, State: 'DETACHED', sgIds: i.InputSecurityGroups ?? [],
        Destinations: (i.Destinations ?? []).map((d: AnyInput, k: number) => ({ Url: `rtmp://198.51.100.${k + 1}:1935/${d.StreamName}` })),
        describes: 0, requestId: i.RequestId,
      };
      this.inputs.set(id, input);
      for (const sgId of input.sgIds) this.refreshSg(this.sgs.get(sgId) as Sg);
      return { Input: this.inputView(input) };
    });
    on(ML.DescribeInputCommand, 'DescribeInput', (i) => {
      const input = this.inputs.get(i.InputId);
      if (!input || input.State === 'DELETED') throw nf('input');
      if (input.State === 'DELETING' && ++input.describes >= 1) { input.State = 'DELETED'; this.refreshSgs(); throw nf('input'); }
      return this.inputView(input);
    });
    on(ML.DeleteInputCommand, 'DeleteInput', (i) => {
      const input = this.inputs.get(i.InputId);
      if (!input || input.State === 'DELETED') throw nf('input');
      if (input.State === 'ATTACHED') throw conflict('Input is attached to a channel');
      input.State = 'DELETING';
      input.describes = 0;
      return {};
    });
    on(ML.CreateChannelCommand, 'CreateChannel', (i) => {
      const again = [...this.channels.values()].find((c) => c.requestId && c.requestId === i.RequestId);
      if (again) return { Channel: { Id: again.Id, Arn: again.Arn, State: again.State } };
      const inputIds: string[] = (i.InputAttachments ?? []).map((a: AnyInput) => a.InputId);
      for (const inputId of inputIds) {
        const input = this.inputs.get(inputId);
        if (!input || input.State === 'DELETED') throw new ML.BadRequestException({ ...meta, message: `unknown input ${inputId}` });
      }
      const id = this.id('');
      const ch: Channel = {
        Id: id, Arn: `arn:aws:medialive:us-east-1:111122223333:channel:${id}`, State: 'CREATING', ChannelClass: i.ChannelClass ?? 'STANDARD',
        inputIds, describes: 0, pipelines: i.ChannelClass === 'SINGLE_PIPELINE' ? 1 : 2, requestId: i.RequestId,
      };
      this.channels.set(id, ch);
      for (const inputId of inputIds) (this.inputs.get(inputId) as Input).State = 'ATTACHED';
      return { Channel: { Id: ch.Id, Arn: ch.Arn, State: ch.State } };
    });
    on(ML.DescribeChannelCommand, 'DescribeChannel', (i) => {
      const ch = this.channels.get(i.ChannelId);
      if (!ch || ch.State === 'DELETED') throw nf('channel');
      ch.describes += 1;
      // CREATING and STARTING settle on the second look, STOPPING/DELETING on the first.
      if (ch.State === 'CREATING' && ch.describes >= 2) ch.State = 'IDLE';
      else if (ch.State === 'STOPPING') ch.State = 'IDLE';
      else if (ch.State === 'STARTING' && ch.describes >= 2) ch.State = 'RUNNING';
      else if (ch.State === 'DELETING') { this.deleteChannelNow(ch); throw nf('channel'); }
      return { Id: ch.Id, Arn: ch.Arn, State: ch.State, ChannelClass: ch.ChannelClass, PipelinesRunningCount: ch.State === 'RUNNING' ? ch.pipelines : 0 };
    });
    on(ML.StartChannelCommand, 'StartChannel', (i) => {
      const ch = this.channels.get(i.ChannelId);
      if (!ch || ch.State === 'DELETED') throw nf('channel');
      if (ch.State !== 'IDLE') throw conflict(`Channel is ${ch.State}`);
      ch.State = 'STARTING';
      ch.describes = 0;
      return { State: 'STARTING' };
    });
    on(ML.StopChannelCommand, 'StopChannel', (i) => {
      const ch = this.channels.get(i.ChannelId);
      if (!ch || ch.State === 'DELETED') throw nf('channel');
      if (!['RUNNING', 'STARTING', 'RECOVERING'].includes(ch.State)) throw conflict(`Channel is ${ch.State}`);
      ch.State = 'STOPPING';
      return { State: 'STOPPING' };
    });
    on(ML.DeleteChannelCommand, 'DeleteChannel', (i) => {
      const ch = this.channels.get(i.ChannelId);
      if (!ch || ch.State === 'DELETED') throw nf('channel');
      if (ch.State !== 'IDLE' && ch.State !== 'CREATE_FAILED') throw conflict('Cannot delete a channel that has not been stopped yet');
      ch.State = 'DELETING';
      return { Id: ch.Id, State: 'DELETING' };
    });
  }

  private inputView(input: Input): AnyInput {
    return { Id: input.Id, Arn: input.Arn, State: input.State, Destinations: input.Destinations, SecurityGroups: input.sgIds };
  }

  private sgInputs(sgId: string): string[] {
    return [...this.inputs.values()].filter((i) => i.State !== 'DELETED' && i.sgIds.includes(sgId)).map((i) => i.Id);
  }

  private refreshSg(sg: Sg): void {
    if (sg.State === 'DELETED') return;
    sg.State = this.sgInputs(sg.Id).length > 0 ? 'IN_USE' : 'IDLE';
  }

  private refreshSgs(): void {
    for (const sg of this.sgs.values()) this.refreshSg(sg);
  }

  private deleteChannelNow(ch: Channel): void {
    ch.State = 'DELETED';
    for (const id of ch.inputIds) {
      const input = this.inputs.get(id);
      if (input && input.State === 'ATTACHED') input.State = 'DETACHED';
    }
  }

  /** A running channel whose endpoints and distribution serve: what a viewer would get. */
  isServing(url: string): boolean {
    const u = new URL(url);
    if (this.stage && u.host === this.stage.domain) {
      // The stage's distribution (OAC): the endpoint policy must name it.
      const ep = [...this.endpoints.values()].find((e) => u.pathname.startsWith(`/out/v1/${e.group}/${e.channel}/${e.name}/`));
      if (!ep?.policy?.includes(this.stage.distributionArn)) return false;
      return [...this.channels.values()].some((c) => c.State === 'RUNNING');
    }
    const dist = [...this.distributions.values()].find((d) => d.DomainName === u.host);
    if (!dist || dist.Status !== 'Deployed' || !dist.config.Enabled) return false;
    const origin = (dist.config.Origins?.Items ?? [])[0] as AnyInput | undefined;
    if (origin?.DomainName === FakeAws.V1_HOST) {
      // v1: the origin answers only requests carrying the CDN identifier its secret holds.
      const v1 = [...this.v1Endpoints.values()].find((e) => u.pathname.startsWith(`/out/v1/${e.Id}/`));
      const sent = (origin.CustomHeaders?.Items ?? []).find((hd: AnyInput) => hd.HeaderName === 'X-MediaPackage-CDNIdentifier')?.HeaderValue;
      const expected = v1 && [...this.secrets.values()].find((x) => x.ARN === v1.req.Authorization?.CdnIdentifierSecret);
      if (!v1 || !expected || JSON.parse(expected.SecretString).MediaPackageCDNIdentifier !== sent) return false;
      return [...this.channels.values()].some((c) => c.State === 'RUNNING');
    }
    const ep = [...this.endpoints.values()].find((e) => u.pathname.startsWith(`/out/v1/${e.group}/${e.channel}/${e.name}/`));
    if (!ep || !ep.policy) return false; // OAC: the origin answers 403 until its policy names the distribution
    return [...this.channels.values()].some((c) => c.State === 'RUNNING');
  }

  // ---------------- MediaPackage v2 ----------------
  private installMediaPackageV2(): void {
    // client-mediapackagev2 is pinned to an older SDK release whose smithy types differ from the mock's.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
    const mp: AwsStub<any, any, any> = mockClient(MP2.MediaPackageV2Client as never);
    this.stubs.push(mp);
    const nf = (what: string) => new MP2.ResourceNotFoundException({ ...meta, message: `${what} not found` });
    const conflict = (message: string) => new MP2.ConflictException({ ...meta, message });
    const on = <C>(cmd: C, command: string, fn: (input: AnyInput) => unknown) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generic per command class
      mp.on(cmd as any).callsFake(async (input: AnyInput) => { this.log('mediapackagev2', command, input); return fn(input); });
    };
    const chKey = (i: AnyInput) => `${i.ChannelGroupName}/${i.ChannelName}`;
    const epKey = (i: AnyInput) => `${i.ChannelGroupName}/${i.ChannelName}/${i.OriginEndpointName}`;
    const epView = (e: { group: string; channel: string; name: string; Arn: string; req: AnyInput }) => {
      const g = this.groups.get(e.group) as { egress: string };
      const url = (m: AnyInput, ext: string) => ({ ManifestName: m.ManifestName, Url: `https://${g.egress}/out/v1/${e.group}/${e.channel}/${e.name}/${m.ManifestName}.${ext}` });
      return {
        Arn: e.Arn, OriginEndpointName: e.name, Tags: e.req.Tags ?? {},
        HlsManifests: (e.req.HlsManifests ?? []).map((m: AnyInput) => url(m, 'm3u8')),
        LowLatencyHlsManifests: (e.req.LowLatencyHlsManifests ?? []).map((m: AnyInput) => url(m, 'm3u8')),
        DashManifests: (e.req.DashManifests ?? []).map((m: AnyInput) => url(m, 'mpd')),
      };
    };
    on(MP2.GetChannelGroupCommand, 'GetChannelGroup', (i) => {
      const g = this.groups.get(i.ChannelGroupName);
      if (!g) throw nf('channel group');
      return { ChannelGroupName: g.name, Arn: g.Arn, EgressDomain: g.egress, Tags: g.tags };
    });
    on(MP2.CreateChannelGroupCommand, 'CreateChannelGroup', (i) => {
      if (this.groups.has(i.ChannelGroupName)) throw conflict('channel group exists');
      const g = { name: i.ChannelGroupName, egress: `${this.id('eg')}.egress.mediapackagev2.us-east-1.amazonaws.com`, tags: i.Tags ?? {}, Arn: `arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/${i.ChannelGroupName}` };
      this.groups.set(g.name, g);
      return { ChannelGroupName: g.name, Arn: g.Arn, EgressDomain: g.egress };
    });
    const channelView = (c: { group: string; name: string; Arn: string; tags: Record<string, string> }) => ({
      Arn: c.Arn, ChannelName: c.name, ChannelGroupName: c.group, Tags: c.tags,
      IngestEndpoints: [{ Id: '1', Url: `https://in1.${c.group}/in/v1/${c.name}/1/index` }, { Id: '2', Url: `https://in2.${c.group}/in/v1/${c.name}/2/index` }],
    });
    on(MP2.GetChannelCommand, 'GetChannel', (i) => {
      const c = this.mpChannels.get(chKey(i));
      if (!c) throw nf('channel');
      return channelView(c);
    });
    on(MP2.CreateChannelCommand, 'CreateChannel', (i) => {
      if (!this.groups.has(i.ChannelGroupName)) throw nf('channel group');
      if (this.mpChannels.has(chKey(i))) throw conflict('channel exists');
      const c = { group: i.ChannelGroupName, name: i.ChannelName, tags: i.Tags ?? {}, Arn: `arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/${i.ChannelGroupName}/channel/${i.ChannelName}` };
      this.mpChannels.set(chKey(i), c);
      return channelView(c);
    });
    on(MP2.PutChannelPolicyCommand, 'PutChannelPolicy', (i) => {
      const c = this.mpChannels.get(chKey(i));
      if (!c) throw nf('channel');
      c.policy = i.Policy;
      return {};
    });
    on(MP2.GetOriginEndpointCommand, 'GetOriginEndpoint', (i) => {
      const e = this.endpoints.get(epKey(i));
      if (!e) throw nf('origin endpoint');
      return epView(e);
    });
    on(MP2.CreateOriginEndpointCommand, 'CreateOriginEndpoint', (i) => {
      if (!this.mpChannels.has(chKey(i))) throw nf('channel');
      if (this.endpoints.has(epKey(i))) throw conflict('origin endpoint exists');
      const e = { group: i.ChannelGroupName, channel: i.ChannelName, name: i.OriginEndpointName, req: i, Arn: `arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/${i.ChannelGroupName}/channel/${i.ChannelName}/originEndpoint/${i.OriginEndpointName}` };
      this.endpoints.set(epKey(i), e);
      return epView(e);
    });
    on(MP2.PutOriginEndpointPolicyCommand, 'PutOriginEndpointPolicy', (i) => {
      const e = this.endpoints.get(epKey(i));
      if (!e) throw nf('origin endpoint');
      e.policy = i.Policy;
      return {};
    });
    on(MP2.DeleteOriginEndpointCommand, 'DeleteOriginEndpoint', (i) => {
      // MediaPackage v2 deletes are idempotent: a missing endpoint is a 200.
      this.endpoints.delete(epKey(i));
      return {};
    });
    on(MP2.DeleteChannelCommand, 'DeleteChannel', (i) => {
      const prefix = `${chKey(i)}/`;
      if ([...this.endpoints.keys()].some((k) => k.startsWith(prefix))) throw conflict('channel has origin endpoints');
      this.mpChannels.delete(chKey(i));
      return {};
    });
    on(MP2.ListChannelsCommand, 'ListChannels', (i) => {
      if (!this.groups.has(i.ChannelGroupName)) throw nf('channel group');
      return { Items: [...this.mpChannels.values()].filter((c) => c.group === i.ChannelGroupName).map((c) => ({ ChannelName: c.name, Arn: c.Arn })) };
    });
    on(MP2.DeleteChannelGroupCommand, 'DeleteChannelGroup', (i) => {
      if ([...this.mpChannels.values()].some((c) => c.group === i.ChannelGroupName)) throw conflict('channel group has channels');
      this.groups.delete(i.ChannelGroupName);
      return {};
    });
  }

  // ---------------- MediaPackage v1 + Secrets Manager (CDN authorization) ----------------
  static readonly V1_HOST = 'abc123.mediapackage.us-east-1.amazonaws.com';

  private installMediaPackageV1(): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- client pinned to another SDK release than the mock's types
    const mp: AwsStub<any, any, any> = mockClient(MP1.MediaPackageClient as never);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generic per command class
    const sm: AwsStub<any, any, any> = mockClient(SM.SecretsManagerClient as never);
    this.stubs.push(mp, sm);
    const nf = () => new MP1.NotFoundException({ ...meta, message: 'not found' });
    const on = <C>(stub: typeof mp, service: string, cmd: C, command: string, fn: (input: AnyInput) => unknown) => {
      stub.on(cmd as never).callsFake(async (input: AnyInput) => { this.log(service, command, input); return fn(input); });
    };
    const chView = (c: { Id: string; Arn: string; Tags: Record<string, string> }) => ({
      Id: c.Id, Arn: c.Arn, Tags: c.Tags,
      HlsIngest: { IngestEndpoints: [1, 2].map((k) => ({ Id: `${k}`, Url: `https://in${k}.mediapackage.us-east-1.amazonaws.com/in/v2/${c.Id}/${k}/channel`, Username: `u${k}` })) },
    });
    const epView = (e: { Id: string; Arn: string; ChannelId: string; Tags: Record<string, string>; req: AnyInput }) => {
      const ext = e.req.DashPackage ? 'mpd' : 'm3u8';
      const url = `https://${FakeAws.V1_HOST}/out/v1/${e.Id}/index.${ext}`;
      return { Id: e.Id, Arn: e.Arn, ChannelId: e.ChannelId, Tags: e.Tags, Url: url, ...(e.req.CmafPackage ? { CmafPackage: { HlsManifests: [{ Id: 'h', Url: url }] } } : {}) };
    };
    on(mp, 'mediapackage', MP1.DescribeChannelCommand, 'DescribeChannel', (i) => {
      const c = this.v1Channels.get(i.Id);
      if (!c) throw nf();
      return chView(c);
    });
    on(mp, 'mediapackage', MP1.CreateChannelCommand, 'CreateChannel', (i) => {
      if (this.v1Channels.has(i.Id)) throw new MP1.UnprocessableEntityException({ ...meta, message: 'channel exists' });
      const c = { Id: i.Id, Arn: `arn:aws:mediapackage:us-east-1:111122223333:channels/${this.id('c')}`, Tags: i.Tags ?? {} };
      this.v1Channels.set(c.Id, c);
      return chView(c);
    });
    on(mp, 'mediapackage', MP1.DescribeOriginEndpointCommand, 'DescribeOriginEndpoint', (i) => {
      const e = this.v1Endpoints.get(i.Id);
      if (!e) throw nf();
      return epView(e);
    });
    on(mp, 'mediapackage', MP1.CreateOriginEndpointCommand, 'CreateOriginEndpoint', (i) => {
      if (!this.v1Channels.has(i.ChannelId)) throw nf();
      if (this.v1Endpoints.has(i.Id)) throw new MP1.UnprocessableEntityException({ ...meta, message: 'endpoint exists' });
      const e = { Id: i.Id, Arn: `arn:aws:mediapackage:us-east-1:111122223333:origin_endpoints/${this.id('e')}`, ChannelId: i.ChannelId, Tags: i.Tags ?? {}, req: i };
      this.v1Endpoints.set(e.Id, e);
      return epView(e);
    });
    on(mp, 'mediapackage', MP1.DeleteOriginEndpointCommand, 'DeleteOriginEndpoint', (i) => {
      if (!this.v1Endpoints.delete(i.Id)) throw nf();
      return {};
    });
    on(mp, 'mediapackage', MP1.DeleteChannelCommand, 'DeleteChannel', (i) => {
      if ([...this.v1Endpoints.values()].some((e) => e.ChannelId === i.Id)) throw new MP1.UnprocessableEntityException({ ...meta, message: 'channel has endpoints' });
      if (!this.v1Channels.delete(i.Id)) throw nf();
      return {};
    });
    const secret = (id: string) => [...this.secrets.values()].find((x) => x.ARN === id || x.Name === id);
    const noSecret = () => new SM.ResourceNotFoundException({ ...meta, message: 'Secrets Manager can\'t find the specified secret.' });
    on(sm, 'secretsmanager', SM.DescribeSecretCommand, 'DescribeSecret', (i) => {
      const x = secret(i.SecretId);
      if (!x) throw noSecret();
      return { ARN: x.ARN, Name: x.Name, Tags: x.Tags };
    });
    on(sm, 'secretsmanager', SM.CreateSecretCommand, 'CreateSecret', (i) => {
      if (secret(i.Name)) throw new SM.ResourceExistsException({ ...meta, message: 'exists' });
      const x = { ARN: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${i.Name}-${this.id('')}`, Name: i.Name, SecretString: i.SecretString, Tags: i.Tags ?? [] };
      this.secrets.set(x.ARN, x);
      return { ARN: x.ARN, Name: x.Name };
    });
    on(sm, 'secretsmanager', SM.GetSecretValueCommand, 'GetSecretValue', (i) => {
      const x = secret(i.SecretId);
      if (!x) throw noSecret();
      return { ARN: x.ARN, SecretString: x.SecretString };
    });
    on(sm, 'secretsmanager', SM.DeleteSecretCommand, 'DeleteSecret', (i) => {
      const x = secret(i.SecretId);
      if (!x) throw noSecret();
      this.secrets.delete(x.ARN);
      return { ARN: x.ARN };
    });
  }

  // ---------------- CloudFront ----------------
  private installCloudFront(): void {
    const cf = mockClient(CF.CloudFrontClient);
    this.stubs.push(cf);
    const on = <C>(cmd: C, command: string, fn: (input: AnyInput) => unknown) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generic per command class
      cf.on(cmd as any).callsFake(async (input: AnyInput) => { this.log('cloudfront', command, input); return fn(input); });
    };
    const noDist = () => new CF.NoSuchDistribution({ ...meta, message: 'The specified distribution does not exist.' });
    const noOac = () => new CF.NoSuchOriginAccessControl({ ...meta, message: 'The specified origin access control does not exist.' });
    const view = (d: Distribution) => ({ Id: d.Id, ARN: d.ARN, DomainName: d.DomainName, Status: d.Status, DistributionConfig: d.config });
    const get = (id: string): Distribution => {
      const d = this.distributions.get(id);
      if (!d) throw noDist();
      return d;
    };
    on(CF.ListOriginAccessControlsCommand, 'ListOriginAccessControls', () => ({
      OriginAccessControlList: { Items: [...this.oacs.values()].map((o) => ({ Id: o.Id, Name: o.Name })), IsTruncated: false, Quantity: this.oacs.size, MaxItems: 100, Marker: '' },
    }));
    on(CF.CreateOriginAccessControlCommand, 'CreateOriginAccessControl', (i) => {
      const name = i.OriginAccessControlConfig.Name;
      if ([...this.oacs.values()].some((o) => o.Name === name)) throw new CF.OriginAccessControlAlreadyExists({ ...meta, message: 'exists' });
      const o = { Id: this.id('E'), Name: name, ETag: this.id('etag') };
      this.oacs.set(o.Id, o);
      return { OriginAccessControl: { Id: o.Id, OriginAccessControlConfig: i.OriginAccessControlConfig }, ETag: o.ETag };
    });
    on(CF.GetOriginAccessControlCommand, 'GetOriginAccessControl', (i) => {
      const o = this.oacs.get(i.Id);
      if (!o) throw noOac();
      return { OriginAccessControl: { Id: o.Id, OriginAccessControlConfig: { Name: o.Name } }, ETag: o.ETag };
    });
    on(CF.DeleteOriginAccessControlCommand, 'DeleteOriginAccessControl', (i) => {
      const o = this.oacs.get(i.Id);
      if (!o) throw noOac();
      if (i.IfMatch !== o.ETag) throw new CF.PreconditionFailed({ ...meta, message: 'stale ETag' });
      const used = [...this.distributions.values()].some((d) => (d.config.Origins?.Items ?? []).some((x: AnyInput) => x.OriginAccessControlId === o.Id));
      if (used) throw new CF.OriginAccessControlInUse({ ...meta, message: 'in use' });
      this.oacs.delete(o.Id);
      return {};
    });
    on(CF.ListCachePoliciesCommand, 'ListCachePolicies', () => ({
      CachePolicyList: { Items: [...this.cachePolicies.values()].map((p) => ({ Type: 'custom', CachePolicy: { Id: p.Id, CachePolicyConfig: { Name: p.Name } } })), MaxItems: 100, Quantity: this.cachePolicies.size },
    }));
    on(CF.CreateCachePolicyCommand, 'CreateCachePolicy', (i) => {
      const p = { Id: this.id('cp-'), Name: i.CachePolicyConfig.Name };
      this.cachePolicies.set(p.Id, p);
      return { CachePolicy: { Id: p.Id, CachePolicyConfig: i.CachePolicyConfig } };
    });
    on(CF.CreateDistributionWithTagsCommand, 'CreateDistributionWithTags', (i) => {
      const config = i.DistributionConfigWithTags.DistributionConfig;
      const same = [...this.distributions.values()].find((d) => d.config.CallerReference === config.CallerReference);
      if (same) {
        if (JSON.stringify(same.config) === JSON.stringify(config)) return { Distribution: view(same), ETag: same.ETag };
        throw new CF.DistributionAlreadyExists({ ...meta, message: 'CallerReference reused' });
      }
      const id = this.id('E');
      const d: Distribution = {
        Id: id, ARN: `arn:aws:cloudfront::111122223333:distribution/${id}`, DomainName: `${id.toLowerCase()}.cloudfront.net`,
        Status: 'InProgress', ETag: this.id('etag'), config, tags: i.DistributionConfigWithTags.Tags?.Items ?? [], gets: 0,
      };
      this.distributions.set(id, d);
      return { Distribution: view(d), ETag: d.ETag };
    });
    on(CF.GetDistributionCommand, 'GetDistribution', (i) => {
      const d = get(i.Id);
      // A change deploys to the edge after two looks.
      if (d.Status === 'InProgress' && ++d.gets >= 2) d.Status = 'Deployed';
      return { Distribution: view(d), ETag: d.ETag };
    });
    on(CF.GetDistributionConfigCommand, 'GetDistributionConfig', (i) => {
      const d = get(i.Id);
      return { DistributionConfig: d.config, ETag: d.ETag };
    });
    on(CF.UpdateDistributionCommand, 'UpdateDistribution', (i) => {
      const d = get(i.Id);
      if (i.IfMatch !== d.ETag) throw new CF.PreconditionFailed({ ...meta, message: 'stale ETag' });
      d.config = i.DistributionConfig;
      d.Status = 'InProgress';
      d.gets = 0;
      d.ETag = this.id('etag');
      return { Distribution: view(d), ETag: d.ETag };
    });
    on(CF.DeleteDistributionCommand, 'DeleteDistribution', (i) => {
      const d = get(i.Id);
      if (i.IfMatch !== d.ETag) throw new CF.PreconditionFailed({ ...meta, message: 'stale ETag' });
      if (d.config.Enabled || d.Status !== 'Deployed') throw new CF.DistributionNotDisabled({ ...meta, message: 'not disabled' });
      this.distributions.delete(d.Id);
      return {};
    });
    on(CF.ListDistributionsCommand, 'ListDistributions', () => ({
      DistributionList: { Items: [...this.distributions.values()].map((d) => ({ Id: d.Id, ARN: d.ARN, DomainName: d.DomainName, Comment: d.config.Comment })), IsTruncated: false },
    }));
    on(CF.ListTagsForResourceCommand, 'ListTagsForResource', (i) => {
      const d = [...this.distributions.values()].find((x) => x.ARN === i.Resource);
      if (!d) throw noDist();
      return { Tags: { Items: d.tags } };
    });
  }

  // ---------------- CloudWatch (both regions share one fake: alarm names are unique) ----------------
  private installCloudWatch(): void {
    const cw = mockClient(CW.CloudWatchClient);
    this.stubs.push(cw);
    cw.on(CW.PutMetricAlarmCommand).callsFake(async (i: AnyInput) => {
      this.log('cloudwatch', 'PutMetricAlarm', i);
      this.alarms.set(i.AlarmName, i);
      return {};
    });
    cw.on(CW.DescribeAlarmsCommand).callsFake(async (i: AnyInput) => {
      this.log('cloudwatch', 'DescribeAlarms', i);
      return { MetricAlarms: (i.AlarmNames ?? []).filter((n: string) => this.alarms.has(n)).map((n: string) => ({ AlarmName: n })) };
    });
    cw.on(CW.DeleteAlarmsCommand).callsFake(async (i: AnyInput) => {
      this.log('cloudwatch', 'DeleteAlarms', i);
      const unknown = (i.AlarmNames ?? []).filter((n: string) => !this.alarms.has(n));
      if (unknown.length) throw new CW.ResourceNotFound({ ...meta, message: `unknown alarms ${unknown.join(',')}` });
      for (const n of i.AlarmNames) this.alarms.delete(n);
      return {};
    });
  }

  /** What a viewer's GET gets: live HLS/DASH while the channel runs behind a deployed distribution. */
  async fetch(url: string): Promise<{ ok: boolean; status: number; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer>; headers: { get(name: string): string | null } }> {
    this.log('cdn', 'GET', { url });
    const answer = (status: number, body: string | Uint8Array, type: string) => ({
      ok: status < 400, status,
      text: async () => (typeof body === 'string' ? body : Buffer.from(body).toString('latin1')),
      arrayBuffer: async () => { const b = typeof body === 'string' ? Buffer.from(body) : body; return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer; },
      headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? type : null) },
    });
    if (!this.isServing(url)) return answer(403, 'Forbidden', 'text/plain');
    // A segment: 8 MPEG-TS packets (sync byte 0x47 every 188 bytes), as a real one starts.
    if (url.endsWith('.ts')) {
      const ts = Buffer.alloc(188 * 8, 0xff);
      for (let i = 0; i < 8; i++) ts[i * 188] = 0x47;
      return answer(200, ts, 'video/MP2T');
    }
    const body = url.endsWith('.mpd')
      ? '<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic"></MPD>'
      : /\/index_\d+\.m3u8$/.test(url)
        ? '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:6.0,\nsegment_1.ts\n'
        : `#EXTM3U\n${[1, 2, 3].map((k) => `#EXT-X-STREAM-INF:BANDWIDTH=${k * 1000000}\nindex_${k}.m3u8`).join('\n')}\n`;
    return answer(200, body, url.endsWith('.mpd') ? 'application/dash+xml' : 'application/vnd.apple.mpegurl');
  }
}
