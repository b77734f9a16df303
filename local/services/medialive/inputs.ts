/**
 * MediaLive inputs: push (RTMP, RTP, UDP), pull (URL, RTMP, files), SRT caller and MediaConnect.
 * States CREATING → DETACHED ⇄ ATTACHED → DELETING → DELETED; a channel attaches its inputs when it
 * is created or updated, and they read DETACHED a while after it is gone.
 */
import type { ModelValue, OpContext, OperationHandler } from '../../core/types';
import { enforceQuota } from '../../core/quotas';
import { arr, clone, duration, obj, paginate, str, tagsOf } from '../media-util';
import { MEDIALIVE_DURATIONS, badRequest, conflict, notFound, type ChannelRec, type InputRec } from './model';
import type { MediaLiveStore } from './store';
import { mediaRegistry } from '../media-registry';
import { roleArnIssues, unprocessable, type InputFacts, type ValidationIssue } from './validation';

export function inputOperations(s: MediaLiveStore): Record<string, OperationHandler> {
  return {
    CreateInput: (i, c) => createInput(s, i, c),
    DescribeInput: (i) => describeInput(s, i),
    DeleteInput: (i) => deleteInput(s, i),
    ListInputs: (i) => listInputs(s, i),
  };
}

function createInput(s: MediaLiveStore, input: ModelValue, ctx: OpContext): ModelValue {
  const existing = s.idempotent('CreateInput', input, s.inputs);
  if (existing) return { Input: inputOut(existing) };

  const type = str(input.Type) ?? '';
  const issues: ValidationIssue[] = [];
  const groupIds = arr<string>(input.InputSecurityGroups);
  const push = isPushType(type);
  if (push) {
    if (groupIds.length !== 1) issues.push({ ElementPath: 'inputSecurityGroups', ErrorMessage: `A ${type} input requires exactly one input security group` });
    groupIds.forEach((gid, i) => {
      const g = s.groups.get(String(gid));
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
      // With the twin's media plane on (local/media), the destinations are its RTMP listener on the
      // loopback address, so a real encoder can push to the URL DescribeInput returns.
      const plane = mediaRegistry(s.env).media;
      destinations = reqDest.map((d, i) => {
        if (plane) {
          const { url, ip, port } = plane.rtmpUrl(String(d.StreamName));
          return { Ip: ip, Port: port, Url: url };
        }
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
  // Account quota on push inputs, per Region (lib/aws-quotas.ts medialive.pushInputs).
  if (push) enforceQuota(s.env.quotas, 'medialive.pushInputs', [...s.inputs.values()].filter((i) => i.State !== 'DELETED' && i.region === ctx.region && isPushType(i.Type)).length + 1);

  const id = s.newId(s.inputs, 7);
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
  s.inputs.set(id, rec);
  s.rememberToken('CreateInput', input, id);
  for (const gid of rec.SecurityGroups) s.groups.get(gid)?.inputs.add(id);
  s.transitions.after(id, duration(s.env, MEDIALIVE_DURATIONS.inputCreate), () => {
    if (rec.State === 'CREATING') rec.State = rec.attachedTo ? 'ATTACHED' : 'DETACHED';
  });
  return { Input: inputOut(rec) };
}

function inputOut(i: InputRec): ModelValue {
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

function describeInput(s: MediaLiveStore, input: ModelValue): ModelValue {
  const i = typeof input.InputId === 'string' ? s.inputs.get(input.InputId) : undefined;
  if (!i) throw notFound(`Input ${String(input.InputId)} not found`);
  return inputOut(i);
}

function deleteInput(s: MediaLiveStore, input: ModelValue): ModelValue {
  const i = typeof input.InputId === 'string' ? s.inputs.get(input.InputId) : undefined;
  if (!i || i.State === 'DELETED') throw notFound(`Input ${String(input.InputId)} not found`);
  if (i.State === 'DELETING') throw conflict(`Input ${i.Id} is already being deleted`);
  if (i.attachedTo) throw conflict(`Input ${i.Id} is attached to channel ${i.attachedTo}; delete the channel first`);
  i.State = 'DELETING';
  s.transitions.cancel(i.Id);
  s.transitions.after(i.Id, duration(s.env, MEDIALIVE_DURATIONS.inputDelete), () => {
    i.State = 'DELETED';
    i.deletedAt = s.env.clock.now();
    // The security group stays IN_USE a moment after its input is gone (AWS releases it lazily).
    for (const gid of i.SecurityGroups) {
      const g = s.groups.get(gid);
      if (!g) continue;
      g.inputs.delete(i.Id);
      g.lingering.add(i.Id);
      s.transitions.after(gid, duration(s.env, MEDIALIVE_DURATIONS.securityGroupRelease), () => g.lingering.delete(i.Id));
    }
    s.purgeLater(s.inputs, i.Id);
  });
  return {};
}

function listInputs(s: MediaLiveStore, input: ModelValue): ModelValue {
  const live = [...s.inputs.values()].filter((i) => i.State !== 'DELETED');
  const { page, next } = paginate(live, input.MaxResults, input.NextToken, 1000, badRequest);
  return { Inputs: page.map(inputOut), NextToken: next };
}

// ───────────────────────────── attachments (a channel's inputs) ─────────────────────────────

/** What the channel checks need to know about an input (a deleting input no longer exists for them). */
export function inputFacts(s: MediaLiveStore, id: string): InputFacts {
  const i = s.inputs.get(id);
  if (!i || i.State === 'DELETED' || i.State === 'DELETING') return { exists: false };
  return { exists: true, inputClass: i.InputClass, attachedTo: i.attachedTo };
}

export function attachInputs(s: MediaLiveStore, ch: ChannelRec): void {
  for (const att of arr(ch.spec.InputAttachments)) {
    const i = s.inputs.get(String(att.InputId));
    if (!i) continue;
    i.attachedTo = ch.Id;
    if (i.State === 'DETACHED') i.State = 'ATTACHED';
  }
  ch.activeAttachment = str(arr(ch.spec.InputAttachments)[0]?.InputAttachmentName);
}

export function detachInputs(s: MediaLiveStore, ch: ChannelRec, ids?: Set<string>): void {
  for (const i of s.inputs.values()) {
    if (i.attachedTo !== ch.Id || (ids && !ids.has(i.Id))) continue;
    // AWS takes a while to report an input DETACHED after its channel is gone (waiter: 5 s × 84).
    s.transitions.after(i.Id, duration(s.env, MEDIALIVE_DURATIONS.inputDetach), () => {
      if (i.attachedTo !== ch.Id) return;
      i.attachedTo = undefined;
      if (i.State === 'ATTACHED') i.State = 'DETACHED';
    });
  }
}

/** Documentation addresses (RFC 5737 TEST-NET-2/3): ingest endpoints look like AWS's, route nowhere. */
function ingestIp(index: number): string {
  return index === 0 ? `198.51.100.${10 + Math.floor(Math.random() * 200)}` : `203.0.113.${10 + Math.floor(Math.random() * 200)}`;
}

/** Push inputs count against the push-input quota (VPC push inputs aside, which the twin does not serve). */
function isPushType(type: string): boolean {
  return type === 'RTMP_PUSH' || type === 'RTP_PUSH' || type === 'UDP_PUSH';
}
