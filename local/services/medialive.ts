/**
 * AWS Elemental MediaLive, as behaviour: input security groups, inputs, channels with their pipelines,
 * the schedule (input switches), alerts, tags — in the model's member names (the SDK v3 Command shapes).
 *
 * States and transitions follow AWS (aws-facts.md): channel CREATING → IDLE → STARTING → RUNNING →
 * STOPPING → IDLE → DELETING → DELETED (+ RECOVERING, UPDATING); input CREATING → DETACHED ⇄ ATTACHED →
 * DELETING → DELETED; security group IDLE ⇄ IN_USE (+ UPDATING, DELETED). Every duration is a named
 * figure of the latency profile; events go to the twin's EventBus as EventBridge would deliver them.
 */
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type OperationHandler, type ServiceBehaviour, type TwinEnv, type TwinRoute } from '../core/types';
import { arr, clone, control, duration, fingerprint, obj, paginate, parseJsonBody, randomDigits, randomHex, str, tagsOf, Transitions } from './media-util';
import { registerMedia, type MediaLiveChannelView } from './media-registry';
import { enforceQuota } from '../core/quotas';
import { channelIssues, roleArnIssues, unprocessable, type ValidationIssue } from './medialive-validation';

const SERVICE = 'medialive';

/** Names of the latency-profile durations this service reads. */
export const MEDIALIVE_DURATIONS = {
  inputCreate: 'medialive.input.create',
  inputDelete: 'medialive.input.delete',
  inputDetach: 'medialive.input.detach',
  securityGroupUpdate: 'medialive.inputSecurityGroup.update',
  securityGroupRelease: 'medialive.inputSecurityGroup.inUseLinger',
  channelCreate: 'medialive.channel.create',
  channelStartLockout: 'medialive.channel.startLockout',
  channelStart: 'medialive.channel.start',
  pipelineStagger: 'medialive.channel.start.pipelineSkew',
  channelStop: 'medialive.channel.stop',
  channelDelete: 'medialive.channel.delete',
  channelUpdate: 'medialive.channel.update',
  channelRecover: 'medialive.channel.recover',
  deletedRetention: 'medialive.deletedRetention',
  clearedAlertRetention: 'medialive.alert.clearedRetention',
} as const;

type ChannelState = 'CREATING' | 'CREATE_FAILED' | 'IDLE' | 'STARTING' | 'RUNNING' | 'RECOVERING' | 'STOPPING' | 'DELETING' | 'DELETED' | 'UPDATING' | 'UPDATE_FAILED';
type InputState = 'CREATING' | 'DETACHED' | 'ATTACHED' | 'DELETING' | 'DELETED';
type SecurityGroupState = 'IDLE' | 'IN_USE' | 'UPDATING' | 'DELETED';

interface Owner { region: string; accountId: string }

interface SecurityGroupRec extends Owner {
  Id: string;
  Arn: string;
  WhitelistRules: { Cidr: string }[];
  Tags: Record<string, string>;
  updating: boolean;
  deleted: boolean;
  /** Inputs using the group, and inputs deleted a moment ago that still hold it (AWS lingers). */
  inputs: Set<string>;
  lingering: Set<string>;
}

interface InputRec extends Owner {
  Id: string;
  Arn: string;
  Name?: string;
  Type: string;
  InputClass: 'STANDARD' | 'SINGLE_INPUT';
  InputSourceType: 'STATIC' | 'DYNAMIC';
  Destinations: ModelValue[];
  Sources: ModelValue[];
  MediaConnectFlows: ModelValue[];
  SrtSettings?: ModelValue;
  SecurityGroups: string[];
  RoleArn?: string;
  Tags: Record<string, string>;
  State: InputState;
  /** The channel using the input (set even while CREATING: the input becomes ATTACHED when created). */
  attachedTo?: string;
  deletedAt?: number;
}

interface PipelineRec {
  PipelineId: string;
  running: boolean;
  /** Stopped on purpose by a test (control API): MediaLive does not restart it by itself. */
  stopped: boolean;
}

export interface AlertRec {
  Id: string;
  AlertType: string;
  Message: string;
  PipelineId: string;
  SetTimestamp: Date;
  ClearedTimestamp?: Date;
  State: 'SET' | 'CLEARED';
}

interface ScheduleActionRec {
  ActionName: string;
  ScheduleActionSettings: ModelValue;
  ScheduleActionStartSettings: ModelValue;
  done: boolean;
}

interface ChannelRec extends Owner {
  Id: string;
  Arn: string;
  State: ChannelState;
  /** The request's members as sent (EncoderSettings, Destinations, InputAttachments, …). */
  spec: ModelValue;
  Tags: Record<string, string>;
  createdAt: number;
  startableAt: number;
  pipelines: PipelineRec[];
  activeAttachment?: string;
  activeSwitchAction?: string;
  schedule: ScheduleActionRec[];
  alerts: AlertRec[];
  deletedAt?: number;
}

interface TokenRec { fingerprint: string; resourceId: string }

export class MediaLiveService implements ServiceBehaviour {
  readonly signingName = SERVICE;
  readonly operations: Readonly<Record<string, OperationHandler>>;

  private readonly groups = new Map<string, SecurityGroupRec>();
  private readonly inputs = new Map<string, InputRec>();
  private readonly channels = new Map<string, ChannelRec>();
  private readonly tokens = new Map<string, TokenRec>();
  private readonly startedAt = new Map<string, number>();
  private readonly transitions: Transitions;

  readonly routes: TwinRoute[];

  // MediaLive's API rate limit (5 TPS, burst 30, every operation, per account) is applied by the
  // twin's server in front of these operations (local/core/latency.ts RATE_LIMITS).
  constructor(private readonly env: TwinEnv) {
    this.transitions = new Transitions(env, SERVICE);
    const ops: Record<string, OperationHandler> = {
      CreateInputSecurityGroup: (i, c) => this.createInputSecurityGroup(i, c),
      DescribeInputSecurityGroup: (i) => this.describeInputSecurityGroup(i),
      UpdateInputSecurityGroup: (i) => this.updateInputSecurityGroup(i),
      DeleteInputSecurityGroup: (i) => this.deleteInputSecurityGroup(i),
      ListInputSecurityGroups: (i) => this.listInputSecurityGroups(i),
      CreateInput: (i, c) => this.createInput(i, c),
      DescribeInput: (i) => this.describeInput(i),
      DeleteInput: (i) => this.deleteInput(i),
      ListInputs: (i) => this.listInputs(i),
      CreateChannel: (i, c) => this.createChannel(i, c),
      DescribeChannel: (i) => this.describeChannel(i),
      UpdateChannel: (i) => this.updateChannel(i),
      StartChannel: (i) => this.startChannel(i),
      StopChannel: (i) => this.stopChannel(i),
      DeleteChannel: (i) => this.deleteChannel(i),
      ListChannels: (i) => this.listChannels(i),
      RestartChannelPipelines: (i) => this.restartChannelPipelines(i),
      BatchUpdateSchedule: (i) => this.batchUpdateSchedule(i),
      DescribeSchedule: (i) => this.describeSchedule(i),
      DeleteSchedule: (i) => this.deleteSchedule(i),
      ListAlerts: (i) => this.listAlerts(i),
      CreateTags: (i) => this.createTags(i),
      DeleteTags: (i) => this.deleteTags(i),
      ListTagsForResource: (i) => this.listTagsForResource(i),
    };
    this.operations = ops;
    this.routes = [{ prefix: '/_twin/medialive/', handle: (req) => this.controlRoute(req.method, req.path, req.body) }];
    registerMedia(env, { medialive: this });
  }

  /**
   * Control API for tests, under /_twin/medialive/channels/{id}/…:
   *   POST   alerts                      {pipeline?, alertType, message?} → {alarmId}
   *   DELETE alerts/{alarmId}                                             → {cleared}
   *   POST   alerts/clear                {alertType, pipeline?}          → {cleared}
   *   POST   pipelines/{n}/fail   (RECOVERING, MediaLive restarts it)     → {}
   *   POST   pipelines/{n}/stop   (stays down until RestartChannelPipelines) → {}
   */
  private controlRoute(method: string, path: string, body: Buffer) {
    return control(() => {
      const m = /^\/_twin\/medialive\/channels\/([^/]+)\/(alerts(?:\/clear|\/[^/]+)?|pipelines\/(\d)\/(fail|stop))$/.exec(path);
      if (!m) throw notFound(`no MediaLive control route ${method} ${path}`);
      const channelId = decodeURIComponent(m[1]!);
      const what = m[2]!;
      const b = parseJsonBody(body);
      if (what === 'alerts' && method === 'POST') {
        const alertType = str(b.alertType);
        if (!alertType) throw badRequest('alertType is required');
        return { alarmId: this.raiseAlert(channelId, { alertType, pipeline: str(b.pipeline), message: str(b.message) }) };
      }
      if (what === 'alerts/clear' && method === 'POST') {
        return { cleared: this.clearAlert(channelId, { alertType: str(b.alertType), pipeline: str(b.pipeline), alarmId: str(b.alarmId) }) };
      }
      if (what.startsWith('alerts/') && method === 'DELETE') {
        return { cleared: this.clearAlert(channelId, { alarmId: decodeURIComponent(what.slice('alerts/'.length)) }) };
      }
      if (m[3] !== undefined && method === 'POST') {
        if (m[4] === 'fail') this.failPipeline(channelId, m[3]);
        else this.stopPipeline(channelId, m[3]);
        return {};
      }
      throw notFound(`no MediaLive control route ${method} ${path}`);
    });
  }

  // ───────────────────────────── input security groups ─────────────────────────────

  private createInputSecurityGroup(input: ModelValue, ctx: OpContext): ModelValue {
    const rules = arr(input.WhitelistRules);
    const issues: ValidationIssue[] = [];
    if (rules.length > 10) issues.push({ ElementPath: 'whitelistRules', ErrorMessage: `An input security group allows at most 10 CIDRs; got ${rules.length}` });
    rules.forEach((r, i) => {
      if (!isCidr(str(r.Cidr))) issues.push({ ElementPath: `whitelistRules[${i}].cidr`, ErrorMessage: `'${String(r.Cidr)}' is not a valid IPv4 CIDR block` });
    });
    if (issues.length) throw unprocessable(issues, 'Invalid input security group');
    // Account quota, per Region (functions/lib/quotas.ts medialive.inputSecurityGroups).
    enforceQuota(this.env.quotas, 'medialive.inputSecurityGroups', [...this.groups.values()].filter((g) => !g.deleted && g.region === ctx.region).length + 1);
    const id = this.newId(this.groups, 6);
    const rec: SecurityGroupRec = {
      Id: id,
      Arn: `arn:aws:medialive:${ctx.region}:${ctx.accountId}:inputSecurityGroup:${id}`,
      WhitelistRules: rules.map((r) => ({ Cidr: String(r.Cidr) })),
      Tags: tagsOf(input.Tags),
      updating: false,
      deleted: false,
      inputs: new Set(),
      lingering: new Set(),
      region: ctx.region,
      accountId: ctx.accountId,
    };
    this.groups.set(id, rec);
    return { SecurityGroup: this.groupOut(rec) };
  }

  private groupState(g: SecurityGroupRec): SecurityGroupState {
    if (g.deleted) return 'DELETED';
    if (g.updating) return 'UPDATING';
    return g.inputs.size + g.lingering.size > 0 ? 'IN_USE' : 'IDLE';
  }

  private groupOut(g: SecurityGroupRec): ModelValue {
    return { Arn: g.Arn, Id: g.Id, Inputs: [...g.inputs], State: this.groupState(g), Tags: { ...g.Tags }, WhitelistRules: clone(g.WhitelistRules) };
  }

  private group(id: unknown): SecurityGroupRec {
    const g = typeof id === 'string' ? this.groups.get(id) : undefined;
    if (!g || g.deleted) throw notFound(`Input security group ${String(id)} not found`);
    return g;
  }

  private describeInputSecurityGroup(input: ModelValue): ModelValue {
    const g = typeof input.InputSecurityGroupId === 'string' ? this.groups.get(input.InputSecurityGroupId) : undefined;
    if (!g) throw notFound(`Input security group ${String(input.InputSecurityGroupId)} not found`);
    return this.groupOut(g);
  }

  private updateInputSecurityGroup(input: ModelValue): ModelValue {
    const g = this.group(input.InputSecurityGroupId);
    if (g.updating) throw conflict(`Input security group ${g.Id} is being updated`);
    if (input.WhitelistRules !== undefined) {
      const rules = arr(input.WhitelistRules);
      const issues: ValidationIssue[] = [];
      if (rules.length > 10) issues.push({ ElementPath: 'whitelistRules', ErrorMessage: `An input security group allows at most 10 CIDRs; got ${rules.length}` });
      rules.forEach((r, i) => {
        if (!isCidr(str(r.Cidr))) issues.push({ ElementPath: `whitelistRules[${i}].cidr`, ErrorMessage: `'${String(r.Cidr)}' is not a valid IPv4 CIDR block` });
      });
      if (issues.length) throw unprocessable(issues, 'Invalid input security group');
      g.WhitelistRules = rules.map((r) => ({ Cidr: String(r.Cidr) }));
    }
    if (input.Tags !== undefined) g.Tags = tagsOf(input.Tags);
    g.updating = true;
    this.transitions.after(g.Id, duration(this.env, MEDIALIVE_DURATIONS.securityGroupUpdate), () => {
      g.updating = false;
    });
    return { SecurityGroup: this.groupOut(g) };
  }

  private deleteInputSecurityGroup(input: ModelValue): ModelValue {
    const g = this.group(input.InputSecurityGroupId);
    const state = this.groupState(g);
    if (state !== 'IDLE') throw conflict(`Input security group ${g.Id} is ${state}: it can only be deleted when IDLE (not used by any input)`);
    g.deleted = true;
    this.transitions.cancel(g.Id);
    this.purgeLater(this.groups, g.Id);
    return {};
  }

  private listInputSecurityGroups(input: ModelValue): ModelValue {
    const live = [...this.groups.values()].filter((g) => !g.deleted);
    const { page, next } = paginate(live, input.MaxResults, input.NextToken, 1000, badRequest);
    return { InputSecurityGroups: page.map((g) => this.groupOut(g)), NextToken: next };
  }

  // ───────────────────────────── inputs ─────────────────────────────

  private createInput(input: ModelValue, ctx: OpContext): ModelValue {
    const existing = this.idempotent('CreateInput', input, this.inputs);
    if (existing) return { Input: this.inputOut(existing) };

    const type = str(input.Type) ?? '';
    const issues: ValidationIssue[] = [];
    const groupIds = arr<string>(input.InputSecurityGroups);
    const push = isPushType(type);
    if (push) {
      if (groupIds.length !== 1) issues.push({ ElementPath: 'inputSecurityGroups', ErrorMessage: `A ${type} input requires exactly one input security group` });
      groupIds.forEach((gid, i) => {
        const g = this.groups.get(String(gid));
        if (!g || g.deleted) issues.push({ ElementPath: `inputSecurityGroups[${i}]`, ErrorMessage: `Input security group '${gid}' does not exist` });
      });
    } else if (groupIds.length > 0) {
      issues.push({ ElementPath: 'inputSecurityGroups', ErrorMessage: `Input security groups apply only to push inputs, not ${type}` });
    }

    let destinations: ModelValue[] = [];
    let sources: ModelValue[] = [];
    let flows: ModelValue[] = [];
    let srt: ModelValue | undefined;
    let count = 0;
    const reqDest = arr(input.Destinations);
    switch (type) {
      case 'RTMP_PUSH': {
        count = reqDest.length;
        if (count < 1 || count > 2) issues.push({ ElementPath: 'destinations', ErrorMessage: `An RTMP_PUSH input needs one destination per pipeline (1 or 2); got ${count}` });
        reqDest.forEach((d, i) => {
          const stream = str(d.StreamName);
          if (!stream || !/^[^/\s]+\/[^/\s]+$/.test(stream)) {
            issues.push({ ElementPath: `destinations[${i}].streamName`, ErrorMessage: `Stream name must have the form 'appName/instanceName'; got '${stream ?? ''}'` });
          }
        });
        destinations = reqDest.map((d, i) => {
          const ip = ingestIp(i);
          return { Ip: ip, Port: '1935', Url: `rtmp://${ip}:1935/${String(d.StreamName)}` };
        });
        break;
      }
      case 'RTP_PUSH':
      case 'UDP_PUSH': {
        // RTP push inputs are always redundant: AWS returns two destinations without being asked.
        if (reqDest.length) issues.push({ ElementPath: 'destinations', ErrorMessage: `${type} inputs do not take destinations` });
        count = 2;
        const scheme = type === 'RTP_PUSH' ? 'rtp' : 'udp';
        destinations = [0, 1].map((i) => ({ Ip: ingestIp(i), Port: '5000', Url: `${scheme}://${ingestIp(i)}:5000` }));
        break;
      }
      case 'URL_PULL':
      case 'RTMP_PULL':
      case 'MP4_FILE':
      case 'TS_FILE': {
        const reqSources = arr(input.Sources);
        count = reqSources.length;
        if (count < 1 || count > 2) issues.push({ ElementPath: 'sources', ErrorMessage: `A ${type} input needs one source per pipeline (1 or 2); got ${count}` });
        reqSources.forEach((s, i) => {
          if (!str(s.Url)) issues.push({ ElementPath: `sources[${i}].url`, ErrorMessage: 'Source URL is required' });
        });
        sources = reqSources.map((s) => ({ Url: s.Url, Username: s.Username, PasswordParam: s.PasswordParam }));
        break;
      }
      case 'SRT_CALLER': {
        const callers = arr(obj(input.SrtSettings)?.SrtCallerSources);
        count = callers.length;
        if (count < 1 || count > 2) issues.push({ ElementPath: 'srtSettings.srtCallerSources', ErrorMessage: `An SRT_CALLER input needs one caller source per pipeline (1 or 2); got ${count}` });
        callers.forEach((s, i) => {
          if (!str(s.SrtListenerAddress)) issues.push({ ElementPath: `srtSettings.srtCallerSources[${i}].srtListenerAddress`, ErrorMessage: 'SRT listener address is required' });
          if (!str(s.SrtListenerPort)) issues.push({ ElementPath: `srtSettings.srtCallerSources[${i}].srtListenerPort`, ErrorMessage: 'SRT listener port is required' });
        });
        srt = { SrtCallerSources: clone(callers) };
        break;
      }
      case 'MEDIACONNECT': {
        const reqFlows = arr(input.MediaConnectFlows);
        count = reqFlows.length;
        if (count < 1 || count > 2) issues.push({ ElementPath: 'mediaConnectFlows', ErrorMessage: `A MEDIACONNECT input needs one flow per pipeline (1 or 2); got ${count}` });
        reqFlows.forEach((f, i) => {
          if (!str(f.FlowArn)?.startsWith('arn:')) issues.push({ ElementPath: `mediaConnectFlows[${i}].flowArn`, ErrorMessage: 'Flow ARN is required' });
        });
        if (input.RoleArn === undefined) issues.push({ ElementPath: 'roleArn', ErrorMessage: 'A MEDIACONNECT input requires a role ARN' });
        flows = reqFlows.map((f) => ({ FlowArn: f.FlowArn }));
        break;
      }
      default:
        issues.push({ ElementPath: 'type', ErrorMessage: `Input type '${type}' is not supported by the local cloud` });
    }
    issues.push(...roleArnIssues(input.RoleArn, 'roleArn'));
    if (issues.length) throw unprocessable(issues, 'Invalid input');
    // Account quota on push inputs, per Region (functions/lib/quotas.ts medialive.pushInputs).
    if (push) enforceQuota(this.env.quotas, 'medialive.pushInputs', [...this.inputs.values()].filter((i) => i.State !== 'DELETED' && i.region === ctx.region && isPushType(i.Type)).length + 1);

    const id = this.newId(this.inputs, 7);
    const rec: InputRec = {
      Id: id,
      Arn: `arn:aws:medialive:${ctx.region}:${ctx.accountId}:input:${id}`,
      Name: str(input.Name),
      Type: type,
      InputClass: count === 2 ? 'STANDARD' : 'SINGLE_INPUT',
      InputSourceType: 'STATIC',
      Destinations: destinations,
      Sources: sources,
      MediaConnectFlows: flows,
      SrtSettings: srt,
      SecurityGroups: groupIds.map(String),
      RoleArn: str(input.RoleArn),
      Tags: tagsOf(input.Tags),
      State: 'CREATING',
      region: ctx.region,
      accountId: ctx.accountId,
    };
    this.inputs.set(id, rec);
    this.rememberToken('CreateInput', input, id);
    for (const gid of rec.SecurityGroups) this.groups.get(gid)?.inputs.add(id);
    this.transitions.after(id, duration(this.env, MEDIALIVE_DURATIONS.inputCreate), () => {
      if (rec.State === 'CREATING') rec.State = rec.attachedTo ? 'ATTACHED' : 'DETACHED';
    });
    return { Input: this.inputOut(rec) };
  }

  private inputOut(i: InputRec): ModelValue {
    return {
      Arn: i.Arn,
      AttachedChannels: i.attachedTo && i.State !== 'DELETED' ? [i.attachedTo] : [],
      Destinations: clone(i.Destinations),
      Id: i.Id,
      InputClass: i.InputClass,
      InputDevices: [],
      InputPartnerIds: [],
      InputSourceType: i.InputSourceType,
      MediaConnectFlows: clone(i.MediaConnectFlows),
      Name: i.Name,
      RoleArn: i.RoleArn,
      SecurityGroups: [...i.SecurityGroups],
      Sources: clone(i.Sources),
      State: i.State,
      Tags: { ...i.Tags },
      Type: i.Type,
      SrtSettings: clone(i.SrtSettings),
    };
  }

  private describeInput(input: ModelValue): ModelValue {
    const i = typeof input.InputId === 'string' ? this.inputs.get(input.InputId) : undefined;
    if (!i) throw notFound(`Input ${String(input.InputId)} not found`);
    return this.inputOut(i);
  }

  private deleteInput(input: ModelValue): ModelValue {
    const i = typeof input.InputId === 'string' ? this.inputs.get(input.InputId) : undefined;
    if (!i || i.State === 'DELETED') throw notFound(`Input ${String(input.InputId)} not found`);
    if (i.State === 'DELETING') throw conflict(`Input ${i.Id} is already being deleted`);
    if (i.attachedTo) throw conflict(`Input ${i.Id} is attached to channel ${i.attachedTo}; delete the channel first`);
    i.State = 'DELETING';
    this.transitions.cancel(i.Id);
    this.transitions.after(i.Id, duration(this.env, MEDIALIVE_DURATIONS.inputDelete), () => {
      i.State = 'DELETED';
      i.deletedAt = this.env.clock.now();
      // The security group stays IN_USE a moment after its input is gone (AWS releases it lazily).
      for (const gid of i.SecurityGroups) {
        const g = this.groups.get(gid);
        if (!g) continue;
        g.inputs.delete(i.Id);
        g.lingering.add(i.Id);
        this.transitions.after(gid, duration(this.env, MEDIALIVE_DURATIONS.securityGroupRelease), () => g.lingering.delete(i.Id));
      }
      this.purgeLater(this.inputs, i.Id);
    });
    return {};
  }

  private listInputs(input: ModelValue): ModelValue {
    const live = [...this.inputs.values()].filter((i) => i.State !== 'DELETED');
    const { page, next } = paginate(live, input.MaxResults, input.NextToken, 1000, badRequest);
    return { Inputs: page.map((i) => this.inputOut(i)), NextToken: next };
  }

  // ───────────────────────────── channels ─────────────────────────────

  private createChannel(input: ModelValue, ctx: OpContext): ModelValue {
    const existing = this.idempotent('CreateChannel', input, this.channels);
    if (existing) return { Channel: this.channelOut(existing) };

    const issues = channelIssues(input, { input: (id) => this.inputFacts(id) });
    if (issues.length) throw unprocessable(issues, 'Invalid channel');
    // Account quota, per Region (functions/lib/quotas.ts medialive.channels).
    enforceQuota(this.env.quotas, 'medialive.channels', [...this.channels.values()].filter((c) => c.State !== 'DELETED' && c.region === ctx.region).length + 1);

    const id = this.newId(this.channels, 7);
    const now = this.env.clock.now();
    const channelClass = str(input.ChannelClass) ?? 'STANDARD';
    const spec: ModelValue = clone({ ...input, ChannelClass: channelClass });
    delete spec.RequestId;
    delete spec.Reserved;
    delete spec.Tags;
    const rec: ChannelRec = {
      Id: id,
      Arn: `arn:aws:medialive:${ctx.region}:${ctx.accountId}:channel:${id}`,
      State: 'CREATING',
      spec,
      Tags: tagsOf(input.Tags),
      createdAt: now,
      startableAt: now + duration(this.env, MEDIALIVE_DURATIONS.channelCreate) + duration(this.env, MEDIALIVE_DURATIONS.channelStartLockout),
      pipelines: Array.from({ length: channelClass === 'STANDARD' ? 2 : 1 }, (_, i) => ({ PipelineId: String(i), running: false, stopped: false })),
      schedule: [],
      alerts: [],
      region: ctx.region,
      accountId: ctx.accountId,
    };
    this.channels.set(id, rec);
    this.rememberToken('CreateChannel', input, id);
    this.attachInputs(rec);
    this.transitions.after(id, duration(this.env, MEDIALIVE_DURATIONS.channelCreate), () => {
      if (rec.State !== 'CREATING') return;
      rec.State = 'IDLE';
      this.stateEvent(rec, 'CREATED', `Created channel ${rec.Id}`);
    });
    return { Channel: this.channelOut(rec) };
  }

  private inputFacts(id: string): { exists: boolean; inputClass?: 'STANDARD' | 'SINGLE_INPUT'; attachedTo?: string } {
    const i = this.inputs.get(id);
    if (!i || i.State === 'DELETED' || i.State === 'DELETING') return { exists: false };
    return { exists: true, inputClass: i.InputClass, attachedTo: i.attachedTo };
  }

  private attachInputs(ch: ChannelRec): void {
    for (const att of arr(ch.spec.InputAttachments)) {
      const i = this.inputs.get(String(att.InputId));
      if (!i) continue;
      i.attachedTo = ch.Id;
      if (i.State === 'DETACHED') i.State = 'ATTACHED';
    }
    ch.activeAttachment = str(arr(ch.spec.InputAttachments)[0]?.InputAttachmentName);
  }

  private detachInputs(ch: ChannelRec, ids?: Set<string>): void {
    for (const i of this.inputs.values()) {
      if (i.attachedTo !== ch.Id || (ids && !ids.has(i.Id))) continue;
      // AWS takes a while to report an input DETACHED after its channel is gone (waiter: 5 s × 84).
      this.transitions.after(i.Id, duration(this.env, MEDIALIVE_DURATIONS.inputDetach), () => {
        if (i.attachedTo !== ch.Id) return;
        i.attachedTo = undefined;
        if (i.State === 'ATTACHED') i.State = 'DETACHED';
      });
    }
  }

  private channelOut(ch: ChannelRec): ModelValue {
    const s = ch.spec;
    const running = ch.pipelines.filter((p) => p.running);
    return {
      Arn: ch.Arn,
      CdiInputSpecification: clone(s.CdiInputSpecification),
      ChannelClass: s.ChannelClass,
      Destinations: clone(s.Destinations) ?? [],
      EgressEndpoints: ch.pipelines.map((p) => ({ SourceIp: egressIp(ch.Id, p.PipelineId) })),
      EncoderSettings: clone(s.EncoderSettings),
      Id: ch.Id,
      InputAttachments: clone(s.InputAttachments) ?? [],
      InputSpecification: clone(s.InputSpecification),
      LogLevel: s.LogLevel ?? 'DISABLED',
      Maintenance: clone(s.Maintenance),
      Name: s.Name,
      PipelineDetails: running.map((p) => ({
        PipelineId: p.PipelineId,
        ActiveInputAttachmentName: ch.activeAttachment,
        ActiveInputSwitchActionName: ch.activeSwitchAction,
      })),
      PipelinesRunningCount: running.length,
      RoleArn: s.RoleArn,
      State: ch.State,
      Tags: { ...ch.Tags },
      Vpc: clone(s.Vpc),
    };
  }

  private channel(id: unknown): ChannelRec {
    const ch = typeof id === 'string' ? this.channels.get(id) : undefined;
    if (!ch) throw notFound(`Channel ${String(id)} not found`);
    return ch;
  }

  private liveChannel(id: unknown): ChannelRec {
    const ch = this.channel(id);
    if (ch.State === 'DELETED') throw notFound(`Channel ${String(id)} not found`);
    return ch;
  }

  private describeChannel(input: ModelValue): ModelValue {
    return this.channelOut(this.channel(input.ChannelId));
  }

  private updateChannel(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    if (ch.State !== 'IDLE') throw conflict(`Channel ${ch.Id} is ${ch.State}: it can only be updated when IDLE`);
    const merged: ModelValue = { ...clone(ch.spec) };
    for (const [k, v] of Object.entries(input)) if (k !== 'ChannelId' && v !== undefined) merged[k] = clone(v);
    const issues = channelIssues(merged, { channelId: ch.Id, input: (id) => this.inputFacts(id) });
    if (issues.length) throw unprocessable(issues, 'Invalid channel');
    const before = new Set(arr(ch.spec.InputAttachments).map((a) => String(a.InputId)));
    const after = new Set(arr(merged.InputAttachments).map((a) => String(a.InputId)));
    ch.spec = merged;
    this.detachInputs(ch, new Set([...before].filter((id) => !after.has(id))));
    this.attachInputs(ch);
    ch.State = 'UPDATING';
    this.transitions.after(ch.Id, duration(this.env, MEDIALIVE_DURATIONS.channelUpdate), () => {
      if (ch.State === 'UPDATING') ch.State = 'IDLE';
    });
    return { Channel: this.channelOut(ch) };
  }

  private startChannel(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    const now = this.env.clock.now();
    if (ch.State === 'CREATING' || (ch.State === 'IDLE' && now < ch.startableAt)) {
      // A just-created channel refuses to start for a few seconds (the SDK waiter polls until IDLE first).
      throw conflict(`Channel ${ch.Id} is still being created and cannot be started yet`);
    }
    if (ch.State !== 'IDLE') throw conflict(`Channel ${ch.Id} is ${ch.State}: only an IDLE channel can be started`);
    const notReady = arr(ch.spec.InputAttachments).map((a) => this.inputs.get(String(a.InputId))).filter((i) => !i || i.State === 'CREATING');
    if (notReady.length) throw conflict(`Channel ${ch.Id} has inputs that are still being created`);
    ch.State = 'STARTING';
    ch.activeAttachment = str(arr(ch.spec.InputAttachments)[0]?.InputAttachmentName);
    ch.activeSwitchAction = undefined;
    ch.alerts = []; // alarm ids restart with the channel
    for (const p of ch.pipelines) {
      p.running = false;
      p.stopped = false;
    }
    this.stateEvent(ch, 'STARTING', `Starting channel ${ch.Id}`);
    const start = duration(this.env, MEDIALIVE_DURATIONS.channelStart);
    const stagger = duration(this.env, MEDIALIVE_DURATIONS.pipelineStagger);
    ch.pipelines.forEach((p, idx) => {
      this.transitions.after(ch.Id, start + idx * stagger, () => this.pipelineUp(ch, p));
    });
    return this.channelOut(ch);
  }

  /** A pipeline reaches RUNNING: one RUNNING event per pipeline, with the running count. */
  private pipelineUp(ch: ChannelRec, p: PipelineRec): void {
    if (p.running || p.stopped) return;
    if (ch.State !== 'STARTING' && ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') return;
    p.running = true;
    if (!this.startedAt.has(ch.Id)) this.startedAt.set(ch.Id, this.env.clock.now());
    // The channel reports RUNNING as soon as one pipeline runs; PipelinesRunningCount tells the rest.
    if (ch.State === 'STARTING') ch.State = 'RUNNING';
    if (ch.State === 'RECOVERING' && ch.pipelines.every((x) => x.running || x.stopped)) ch.State = 'RUNNING';
    this.stateEvent(ch, 'RUNNING', `Pipeline ${p.PipelineId} is running`, p.PipelineId);
  }

  private stopChannel(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    if (ch.State !== 'RUNNING' && ch.State !== 'STARTING' && ch.State !== 'RECOVERING') {
      throw conflict(`Channel ${ch.Id} is ${ch.State}: only a running channel can be stopped`);
    }
    this.transitions.cancel(ch.Id);
    ch.State = 'STOPPING';
    this.stateEvent(ch, 'STOPPING', `Stopping channel ${ch.Id}`);
    this.transitions.after(ch.Id, duration(this.env, MEDIALIVE_DURATIONS.channelStop), () => {
      if (ch.State !== 'STOPPING') return;
      for (const p of ch.pipelines) p.running = false;
      ch.State = 'IDLE';
      ch.alerts = [];
      this.startedAt.delete(ch.Id);
      // EventBridge says STOPPED where DescribeChannel says IDLE.
      this.stateEvent(ch, 'STOPPED', `Stopped channel ${ch.Id}`);
    });
    return this.channelOut(ch);
  }

  private deleteChannel(input: ModelValue): ModelValue {
    const ch = this.channel(input.ChannelId);
    if (ch.State === 'DELETED') throw notFound(`Channel ${ch.Id} not found`);
    if (ch.State === 'DELETING') throw conflict(`Channel ${ch.Id} is already being deleted`);
    if (ch.State !== 'IDLE' && ch.State !== 'CREATE_FAILED' && ch.State !== 'UPDATE_FAILED') {
      throw conflict('Cannot delete a channel that has not been stopped yet');
    }
    this.transitions.cancel(ch.Id);
    ch.State = 'DELETING';
    this.transitions.after(ch.Id, duration(this.env, MEDIALIVE_DURATIONS.channelDelete), () => {
      ch.State = 'DELETED';
      ch.deletedAt = this.env.clock.now();
      this.detachInputs(ch);
      this.stateEvent(ch, 'DELETED', `Deleted channel ${ch.Id}`);
      this.purgeLater(this.channels, ch.Id);
    });
    return this.channelOut(ch);
  }

  private listChannels(input: ModelValue): ModelValue {
    const live = [...this.channels.values()].filter((c) => c.State !== 'DELETED');
    const { page, next } = paginate(live, input.MaxResults, input.NextToken, 1000, badRequest);
    return {
      Channels: page.map((c) => {
        const out = this.channelOut(c);
        delete out.EncoderSettings;
        delete out.PipelineDetails;
        return out;
      }),
      NextToken: next,
    };
  }

  private restartChannelPipelines(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    if (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') throw conflict(`Channel ${ch.Id} is ${ch.State}: only a running channel's pipelines can be restarted`);
    const wanted = arr<string>(input.PipelineIds).map((p) => p.replace('PIPELINE_', ''));
    const targets = ch.pipelines.filter((p) => wanted.length === 0 || wanted.includes(p.PipelineId));
    if (targets.length === 0) throw badRequest(`No pipeline of channel ${ch.Id} matches ${wanted.join(', ')}`);
    for (const p of targets) this.takePipelineDown(ch, p, false);
    return this.channelOut(ch);
  }

  /** A pipeline goes down; unless stopped on purpose, MediaLive brings it back (channel RECOVERING). */
  private takePipelineDown(ch: ChannelRec, p: PipelineRec, stopOnly: boolean): void {
    const wasRunning = p.running;
    p.running = false;
    p.stopped = stopOnly;
    const count = ch.pipelines.filter((x) => x.running).length;
    if (stopOnly) {
      if (wasRunning) this.stateEvent(ch, 'STOPPED', `Pipeline ${p.PipelineId} stopped`, p.PipelineId);
      if (count === 0) ch.State = 'IDLE';
      return;
    }
    ch.State = 'RECOVERING';
    this.transitions.after(ch.Id, duration(this.env, MEDIALIVE_DURATIONS.channelRecover), () => this.pipelineUp(ch, p));
  }

  // ───────────────────────────── schedule (input switching) ─────────────────────────────

  private batchUpdateSchedule(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    const creates = arr(obj(input.Creates)?.ScheduleActions);
    const deletes = arr<string>(obj(input.Deletes)?.ActionNames);
    const issues: ValidationIssue[] = [];
    const names = new Set(ch.schedule.map((a) => a.ActionName));
    const attachments = new Set(arr(ch.spec.InputAttachments).map((a) => str(a.InputAttachmentName)).filter(Boolean));
    deletes.forEach((n, i) => {
      if (!names.has(n)) issues.push({ ElementPath: `deletes.actionNames[${i}]`, ErrorMessage: `Schedule action '${n}' does not exist` });
      names.delete(n);
    });
    creates.forEach((a, i) => {
      const name = str(a.ActionName) ?? '';
      if (names.has(name)) issues.push({ ElementPath: `creates.scheduleActions[${i}].actionName`, ErrorMessage: `Schedule action '${name}' already exists` });
      names.add(name);
      const sw = obj(obj(a.ScheduleActionSettings)?.InputSwitchSettings);
      if (sw) {
        const ref = str(sw.InputAttachmentNameReference);
        if (!ref || !attachments.has(ref)) issues.push({ ElementPath: `creates.scheduleActions[${i}].scheduleActionSettings.inputSwitchSettings.inputAttachmentNameReference`, ErrorMessage: `Input attachment '${ref ?? ''}' is not attached to channel ${ch.Id}` });
      }
      const start = obj(a.ScheduleActionStartSettings) ?? {};
      if (start.ImmediateModeScheduleActionStartSettings !== undefined && ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') {
        issues.push({ ElementPath: `creates.scheduleActions[${i}].scheduleActionStartSettings`, ErrorMessage: 'Immediate mode actions can only be created while the channel is running' });
      }
      const fixed = obj(start.FixedModeScheduleActionStartSettings);
      if (fixed && Number.isNaN(Date.parse(String(fixed.Time)))) {
        issues.push({ ElementPath: `creates.scheduleActions[${i}].scheduleActionStartSettings.fixedModeScheduleActionStartSettings.time`, ErrorMessage: `'${String(fixed.Time)}' is not an ISO 8601 time` });
      }
    });
    if (issues.length) throw unprocessable(issues, 'Invalid schedule update');

    const deleted = ch.schedule.filter((a) => deletes.includes(a.ActionName));
    ch.schedule = ch.schedule.filter((a) => !deletes.includes(a.ActionName));
    const created: ScheduleActionRec[] = creates.map((a) => ({
      ActionName: String(a.ActionName),
      ScheduleActionSettings: clone(obj(a.ScheduleActionSettings) ?? {}),
      ScheduleActionStartSettings: clone(obj(a.ScheduleActionStartSettings) ?? {}),
      done: false,
    }));
    ch.schedule.push(...created);
    for (const action of created) this.arm(ch, action);
    return {
      Creates: { ScheduleActions: created.map(actionOut) },
      Deletes: { ScheduleActions: deleted.map(actionOut) },
    };
  }

  private arm(ch: ChannelRec, action: ScheduleActionRec): void {
    const start = action.ScheduleActionStartSettings;
    const fixed = obj(start.FixedModeScheduleActionStartSettings);
    const run = (): void => {
      if (action.done || !ch.schedule.includes(action)) return;
      action.done = true;
      this.execute(ch, action);
      this.env.changed();
    };
    if (fixed) {
      const at = Date.parse(String(fixed.Time));
      this.env.clock.setTimer(Math.max(0, at - this.env.clock.now()), run);
    } else if (start.ImmediateModeScheduleActionStartSettings !== undefined) {
      run();
    }
    // Follow-mode actions run when the action they follow ends; inputs here never end, so they wait.
  }

  private execute(ch: ChannelRec, action: ScheduleActionRec): void {
    const sw = obj(action.ScheduleActionSettings.InputSwitchSettings);
    if (!sw || (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING')) return;
    const name = String(sw.InputAttachmentNameReference);
    ch.activeAttachment = name;
    ch.activeSwitchAction = action.ActionName;
    for (const p of ch.pipelines.filter((x) => x.running)) {
      this.emit(ch, 'MediaLive Channel Input Change', {
        channel_arn: ch.Arn,
        pipeline: p.PipelineId,
        message: `Input switch action ${action.ActionName} activated input attachment ${name}`,
        active_input_attachment_name: name,
        active_input_switch_action_name: action.ActionName,
      });
    }
  }

  private describeSchedule(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    const { page, next } = paginate(ch.schedule, input.MaxResults, input.NextToken, 100, badRequest);
    return { ScheduleActions: page.map(actionOut), NextToken: next };
  }

  private deleteSchedule(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    ch.schedule = [];
    return {};
  }

  // ───────────────────────────── alerts ─────────────────────────────

  private listAlerts(input: ModelValue): ModelValue {
    const ch = this.liveChannel(input.ChannelId);
    this.expireAlerts(ch);
    const filter = str(input.StateFilter);
    const alerts = ch.alerts.filter((a) => !filter || a.State === filter);
    const { page, next } = paginate(alerts, input.MaxResults, input.NextToken, 100, badRequest);
    return { Alerts: page.map((a) => ({ ...a })), NextToken: next };
  }

  /** Cleared alerts stay listed for a while (about 5 minutes on AWS), then drop out. */
  private expireAlerts(ch: ChannelRec): void {
    const keep = duration(this.env, MEDIALIVE_DURATIONS.clearedAlertRetention);
    const now = this.env.clock.now();
    ch.alerts = ch.alerts.filter((a) => !a.ClearedTimestamp || now - a.ClearedTimestamp.getTime() < keep);
  }

  // ───────────────────────────── tags ─────────────────────────────

  private tagged(arn: unknown): { Tags: Record<string, string> } {
    const a = String(arn);
    for (const set of [this.channels, this.inputs, this.groups] as Map<string, { Arn: string; Tags: Record<string, string> }>[]) {
      for (const r of set.values()) if (r.Arn === a) return r;
    }
    throw notFound(`Resource ${a} not found`);
  }

  private createTags(input: ModelValue): ModelValue {
    const r = this.tagged(input.ResourceArn);
    Object.assign(r.Tags, tagsOf(input.Tags));
    return {};
  }

  private deleteTags(input: ModelValue): ModelValue {
    const r = this.tagged(input.ResourceArn);
    for (const k of arr<string>(input.TagKeys)) delete r.Tags[k];
    return {};
  }

  private listTagsForResource(input: ModelValue): ModelValue {
    return { Tags: { ...this.tagged(input.ResourceArn).Tags } };
  }

  // ───────────────────────────── idempotency ─────────────────────────────

  /**
   * RequestId: the same token with the same request returns what the first call created; the same
   * token with a different request is refused (AWS does not document the shape; 409 ConflictException
   * is what the twin answers, and callers treat it as a bug in their token derivation).
   */
  private idempotent<T extends { Id: string }>(op: string, input: ModelValue, store: Map<string, T>): T | undefined {
    const token = str(input.RequestId);
    if (!token) return undefined;
    const seen = this.tokens.get(`${op}:${token}`);
    if (!seen) return undefined;
    if (seen.fingerprint !== requestFingerprint(input)) {
      throw conflict(`RequestId '${token}' was already used for a different ${op} request`);
    }
    const rec = store.get(seen.resourceId);
    return rec;
  }

  private rememberToken(op: string, input: ModelValue, id: string): void {
    const token = str(input.RequestId);
    if (token) this.tokens.set(`${op}:${token}`, { fingerprint: requestFingerprint(input), resourceId: id });
  }

  // ───────────────────────────── helpers ─────────────────────────────

  private newId<T>(store: Map<string, T>, digits: number): string {
    let id = randomDigits(digits);
    while (store.has(id)) id = randomDigits(digits);
    return id;
  }

  /** Deleted resources stay describable (State DELETED) for a while, then are NotFound. */
  private purgeLater<T>(store: Map<string, T>, id: string): void {
    this.env.clock.setTimer(duration(this.env, MEDIALIVE_DURATIONS.deletedRetention), () => {
      store.delete(id);
      this.env.changed();
    });
  }

  private emit(ch: ChannelRec, detailType: string, detail: Record<string, unknown>): void {
    this.env.events.emit({
      source: 'aws.medialive',
      'detail-type': detailType,
      detail,
      resources: [ch.Arn],
      region: ch.region,
      account: ch.accountId,
      time: new Date(this.env.clock.now()).toISOString(),
    });
  }

  private stateEvent(ch: ChannelRec, state: string, message: string, pipeline?: string): void {
    const detail: Record<string, unknown> = {
      channel_arn: ch.Arn,
      state,
      message,
      pipelines_running_count: ch.pipelines.filter((p) => p.running).length,
    };
    if (pipeline !== undefined) detail.pipeline = pipeline;
    this.emit(ch, 'MediaLive Channel State Change', detail);
  }

  // ───────────────────────────── control API (tests, /_twin/) ─────────────────────────────

  /** Raises an alert on a running channel's pipeline; returns its alarm id. */
  raiseAlert(channelId: string, alert: { pipeline?: string; alertType: string; message?: string }): string {
    const ch = this.liveChannel(channelId);
    const pipeline = alert.pipeline ?? '0';
    if (!ch.pipelines.some((p) => p.PipelineId === pipeline)) throw badRequest(`Channel ${ch.Id} has no pipeline ${pipeline}`);
    if (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') throw conflict(`Channel ${ch.Id} is ${ch.State}: alerts are raised on running channels`);
    const existing = ch.alerts.find((a) => a.State === 'SET' && a.AlertType === alert.alertType && a.PipelineId === pipeline);
    if (existing) return existing.Id;
    const rec: AlertRec = {
      Id: randomHex(40),
      AlertType: alert.alertType,
      Message: alert.message ?? `${alert.alertType} on pipeline ${pipeline}`,
      PipelineId: pipeline,
      SetTimestamp: new Date(this.env.clock.now()),
      State: 'SET',
    };
    ch.alerts.push(rec);
    this.alertEvent(ch, rec);
    return rec.Id;
  }

  /** Clears an alert by alarm id, or every SET alert of a type on a pipeline. Returns the cleared ids. */
  clearAlert(channelId: string, which: { alarmId?: string; alertType?: string; pipeline?: string }): string[] {
    const ch = this.liveChannel(channelId);
    const cleared: string[] = [];
    for (const a of ch.alerts) {
      if (a.State !== 'SET') continue;
      const match = which.alarmId ? a.Id === which.alarmId : a.AlertType === which.alertType && (which.pipeline === undefined || a.PipelineId === which.pipeline);
      if (!match) continue;
      a.State = 'CLEARED';
      a.ClearedTimestamp = new Date(this.env.clock.now());
      this.alertEvent(ch, a);
      cleared.push(a.Id);
    }
    if (cleared.length === 0) throw notFound(`No SET alert matches on channel ${ch.Id}`);
    return cleared;
  }

  private alertEvent(ch: ChannelRec, a: AlertRec): void {
    this.emit(ch, 'MediaLive Channel Alert', {
      alarm_state: a.State,
      alarm_id: a.Id,
      alert_type: a.AlertType,
      pipeline: a.PipelineId,
      channel_arn: ch.Arn,
      message: a.Message,
    });
  }

  /** A pipeline fails: the channel goes RECOVERING and MediaLive restarts the pipeline by itself. */
  failPipeline(channelId: string, pipeline = '0'): void {
    const ch = this.liveChannel(channelId);
    const p = this.runningPipeline(ch, pipeline);
    this.takePipelineDown(ch, p, false);
  }

  /** A pipeline stops and stays stopped until RestartChannelPipelines or a stop/start. */
  stopPipeline(channelId: string, pipeline = '0'): void {
    const ch = this.liveChannel(channelId);
    const p = this.runningPipeline(ch, pipeline);
    this.takePipelineDown(ch, p, true);
  }

  private runningPipeline(ch: ChannelRec, pipeline: string): PipelineRec {
    const p = ch.pipelines.find((x) => x.PipelineId === pipeline);
    if (!p) throw badRequest(`Channel ${ch.Id} has no pipeline ${pipeline}`);
    if (!p.running) throw conflict(`Pipeline ${pipeline} of channel ${ch.Id} is not running`);
    return p;
  }

  /** Read-only view of channels for playback. */
  channelViews(): MediaLiveChannelView[] {
    return [...this.channels.values()].map((c) => ({
      Id: c.Id,
      Arn: c.Arn,
      State: c.State,
      PipelinesRunningCount: c.pipelines.filter((p) => p.running).length,
      EncoderSettings: clone(obj(c.spec.EncoderSettings) ?? {}),
      Destinations: clone(arr(c.spec.Destinations)),
      RoleArn: str(c.spec.RoleArn),
      startedAt: this.startedAt.get(c.Id),
      RunningPipelines: c.pipelines.filter((p) => p.running).map((p) => p.PipelineId),
      ActiveInputUrls: this.activeInputUrls(c),
    }));
  }

  private activeInputUrls(c: ChannelRec): string[] {
    const attachment = arr(c.spec.InputAttachments).find((a) => a.InputAttachmentName === c.activeAttachment);
    const input = this.inputs.get(String(attachment?.InputId));
    return (input?.Sources ?? []).map((s) => str(s.Url)).filter((u): u is string => u !== undefined);
  }

  inventory(): InventoryItem[] {
    const items: InventoryItem[] = [];
    for (const g of this.groups.values()) if (!g.deleted) items.push({ service: SERVICE, type: 'inputSecurityGroup', id: g.Id, state: this.groupState(g), tags: { ...g.Tags } });
    for (const i of this.inputs.values()) if (i.State !== 'DELETED') items.push({ service: SERVICE, type: 'input', id: i.Id, state: i.State, tags: { ...i.Tags } });
    for (const c of this.channels.values()) if (c.State !== 'DELETED') items.push({ service: SERVICE, type: 'channel', id: c.Id, state: c.State, tags: { ...c.Tags } });
    return items;
  }

  snapshot(): unknown {
    return {
      groups: [...this.groups.values()].filter((g) => !g.deleted).map((g) => ({ ...g, inputs: [...g.inputs], lingering: [], updating: false })),
      inputs: [...this.inputs.values()].filter((i) => i.State !== 'DELETED'),
      channels: [...this.channels.values()].filter((c) => c.State !== 'DELETED'),
      tokens: [...this.tokens.entries()],
    };
  }

  /**
   * Restores a snapshot. Timers do not survive a restart, so transitional states are settled the way
   * they were heading (a channel that was STARTING comes back RUNNING, DELETING ones are gone).
   */
  restore(state: unknown): void {
    const s = state as { groups?: (Omit<SecurityGroupRec, 'inputs' | 'lingering'> & { inputs: string[] })[]; inputs?: InputRec[]; channels?: (ChannelRec & { createdAt: number })[]; tokens?: [string, TokenRec][] };
    this.transitions.cancel();
    this.groups.clear();
    this.inputs.clear();
    this.channels.clear();
    this.tokens.clear();
    for (const g of s.groups ?? []) this.groups.set(g.Id, { ...g, inputs: new Set(g.inputs), lingering: new Set(), updating: false });
    for (const i of s.inputs ?? []) {
      if (i.State === 'DELETING') {
        for (const g of this.groups.values()) g.inputs.delete(i.Id);
        continue;
      }
      if (i.State === 'CREATING') i.State = i.attachedTo ? 'ATTACHED' : 'DETACHED';
      this.inputs.set(i.Id, i);
    }
    for (const c of s.channels ?? []) {
      if (c.State === 'DELETING') {
        for (const i of this.inputs.values()) if (i.attachedTo === c.Id) { i.attachedTo = undefined; i.State = 'DETACHED'; }
        continue;
      }
      const settled: Partial<Record<ChannelState, ChannelState>> = { CREATING: 'IDLE', STARTING: 'RUNNING', RECOVERING: 'RUNNING', STOPPING: 'IDLE', UPDATING: 'IDLE' };
      c.State = settled[c.State] ?? c.State;
      for (const p of c.pipelines) p.running = c.State === 'RUNNING' && !p.stopped;
      c.alerts = (c.alerts ?? []).map((a) => ({ ...a, SetTimestamp: new Date(a.SetTimestamp), ClearedTimestamp: a.ClearedTimestamp ? new Date(a.ClearedTimestamp) : undefined }));
      c.startableAt = 0;
      if (c.State === 'RUNNING') this.startedAt.set(c.Id, this.env.clock.now());
      this.channels.set(c.Id, c);
    }
    for (const [k, v] of s.tokens ?? []) this.tokens.set(k, v);
  }
}

function actionOut(a: ScheduleActionRec): ModelValue {
  return { ActionName: a.ActionName, ScheduleActionSettings: clone(a.ScheduleActionSettings), ScheduleActionStartSettings: clone(a.ScheduleActionStartSettings) };
}

function requestFingerprint(input: ModelValue): string {
  return fingerprint(input);
}

/** Documentation addresses (RFC 5737 TEST-NET-2/3): ingest endpoints look like AWS's, route nowhere. */
function ingestIp(index: number): string {
  return index === 0 ? `198.51.100.${10 + Math.floor(Math.random() * 200)}` : `203.0.113.${10 + Math.floor(Math.random() * 200)}`;
}

function egressIp(channelId: string, pipeline: string): string {
  const n = Number.parseInt(channelId.slice(-2), 10) || 1;
  return `192.0.2.${(n + Number(pipeline) * 100) % 250 + 1}`;
}

function isCidr(value: string | undefined): boolean {
  if (!value) return false;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

export function notFound(message: string): AwsError {
  return new AwsError('NotFoundException', message, 404);
}
export function conflict(message: string): AwsError {
  return new AwsError('ConflictException', message, 409);
}
export function badRequest(message: string): AwsError {
  return new AwsError('BadRequestException', message, 400);
}

/** Push inputs count against the push-input quota (VPC push inputs aside, which the twin does not serve). */
function isPushType(type: string): boolean {
  return type === 'RTMP_PUSH' || type === 'RTP_PUSH' || type === 'UDP_PUSH';
}

export function createMediaLive(env: TwinEnv): MediaLiveService {
  return new MediaLiveService(env);
}
