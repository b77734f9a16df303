/**
 * MediaLive channels: CREATING → IDLE → STARTING → RUNNING → STOPPING → IDLE → DELETING → DELETED
 * (+ RECOVERING, UPDATING). A channel attaches its inputs (inputs.ts) and runs its pipelines
 * (pipelines.ts); every state change goes to EventBridge as "MediaLive Channel State Change".
 */
import type { ModelValue, OpContext, OperationHandler } from '../../core/types';
import { enforceQuota } from '../../core/quotas';
import { arr, clone, duration, obj, paginate, str, tagsOf } from '../media-util';
import type { MediaLiveChannelView } from '../media-registry';
import { MEDIALIVE_DURATIONS, badRequest, conflict, notFound, type ChannelRec } from './model';
import type { MediaLiveStore } from './store';
import { attachInputs, detachInputs, inputFacts } from './inputs';
import { pipelineUp, takePipelineDown } from './pipelines';
import { channelIssues, unprocessable } from './validation';

export function channelOperations(s: MediaLiveStore): Record<string, OperationHandler> {
  return {
    CreateChannel: (i, c) => createChannel(s, i, c),
    DescribeChannel: (i) => describeChannel(s, i),
    UpdateChannel: (i) => updateChannel(s, i),
    StartChannel: (i) => startChannel(s, i),
    StopChannel: (i) => stopChannel(s, i),
    DeleteChannel: (i) => deleteChannel(s, i),
    ListChannels: (i) => listChannels(s, i),
    RestartChannelPipelines: (i) => restartChannelPipelines(s, i),
  };
}

function createChannel(s: MediaLiveStore, input: ModelValue, ctx: OpContext): ModelValue {
  const existing = s.idempotent('CreateChannel', input, s.channels);
  if (existing) return { Channel: channelOut(existing) };

  const issues = channelIssues(input, { input: (id) => inputFacts(s, id) });
  if (issues.length) throw unprocessable(issues, 'Invalid channel');
  // Account quota, per Region (lib/aws-quotas.ts medialive.channels).
  enforceQuota(s.env.quotas, 'medialive.channels', [...s.channels.values()].filter((c) => c.State !== 'DELETED' && c.region === ctx.region).length + 1);

  const id = s.newId(s.channels, 7);
  const now = s.env.clock.now();
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
    startableAt: now + duration(s.env, MEDIALIVE_DURATIONS.channelCreate) + duration(s.env, MEDIALIVE_DURATIONS.channelStartLockout),
    pipelines: Array.from({ length: channelClass === 'STANDARD' ? 2 : 1 }, (_, i) => ({ PipelineId: String(i), running: false, stopped: false })),
    schedule: [],
    alerts: [],
    region: ctx.region,
    accountId: ctx.accountId,
  };
  s.channels.set(id, rec);
  s.rememberToken('CreateChannel', input, id);
  attachInputs(s, rec);
  s.transitions.after(id, duration(s.env, MEDIALIVE_DURATIONS.channelCreate), () => {
    if (rec.State !== 'CREATING') return;
    rec.State = 'IDLE';
    s.stateEvent(rec, 'CREATED', `Created channel ${rec.Id}`);
  });
  return { Channel: channelOut(rec) };
}

function channelOut(ch: ChannelRec): ModelValue {
  const spec = ch.spec;
  const running = ch.pipelines.filter((p) => p.running);
  return {
    Arn: ch.Arn,
    CdiInputSpecification: clone(spec.CdiInputSpecification),
    ChannelClass: spec.ChannelClass,
    Destinations: clone(spec.Destinations) ?? [],
    EgressEndpoints: ch.pipelines.map((p) => ({ SourceIp: egressIp(ch.Id, p.PipelineId) })),
    EncoderSettings: clone(spec.EncoderSettings),
    Id: ch.Id,
    InputAttachments: clone(spec.InputAttachments) ?? [],
    InputSpecification: clone(spec.InputSpecification),
    LogLevel: spec.LogLevel ?? 'DISABLED',
    Maintenance: clone(spec.Maintenance),
    Name: spec.Name,
    PipelineDetails: running.map((p) => ({
      PipelineId: p.PipelineId,
      ActiveInputAttachmentName: ch.activeAttachment,
      ActiveInputSwitchActionName: ch.activeSwitchAction,
    })),
    PipelinesRunningCount: running.length,
    RoleArn: spec.RoleArn,
    State: ch.State,
    Tags: { ...ch.Tags },
    Vpc: clone(spec.Vpc),
  };
}

function describeChannel(s: MediaLiveStore, input: ModelValue): ModelValue {
  return channelOut(s.channel(input.ChannelId));
}

function updateChannel(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  if (ch.State !== 'IDLE') throw conflict(`Channel ${ch.Id} is ${ch.State}: it can only be updated when IDLE`);
  const merged: ModelValue = { ...clone(ch.spec) };
  for (const [k, v] of Object.entries(input)) if (k !== 'ChannelId' && v !== undefined) merged[k] = clone(v);
  const issues = channelIssues(merged, { channelId: ch.Id, input: (id) => inputFacts(s, id) });
  if (issues.length) throw unprocessable(issues, 'Invalid channel');
  const before = new Set(arr(ch.spec.InputAttachments).map((a) => String(a.InputId)));
  const after = new Set(arr(merged.InputAttachments).map((a) => String(a.InputId)));
  ch.spec = merged;
  detachInputs(s, ch, new Set([...before].filter((id) => !after.has(id))));
  attachInputs(s, ch);
  ch.State = 'UPDATING';
  s.transitions.after(ch.Id, duration(s.env, MEDIALIVE_DURATIONS.channelUpdate), () => {
    if (ch.State === 'UPDATING') ch.State = 'IDLE';
  });
  return { Channel: channelOut(ch) };
}

function startChannel(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  const now = s.env.clock.now();
  if (ch.State === 'CREATING' || (ch.State === 'IDLE' && now < ch.startableAt)) {
    // A just-created channel refuses to start for a few seconds (the SDK waiter polls until IDLE first).
    throw conflict(`Channel ${ch.Id} is still being created and cannot be started yet`);
  }
  if (ch.State !== 'IDLE') throw conflict(`Channel ${ch.Id} is ${ch.State}: only an IDLE channel can be started`);
  const notReady = arr(ch.spec.InputAttachments).map((a) => s.inputs.get(String(a.InputId))).filter((i) => !i || i.State === 'CREATING');
  if (notReady.length) throw conflict(`Channel ${ch.Id} has inputs that are still being created`);
  ch.State = 'STARTING';
  ch.activeAttachment = str(arr(ch.spec.InputAttachments)[0]?.InputAttachmentName);
  ch.activeSwitchAction = undefined;
  ch.alerts = []; // alarm ids restart with the channel
  for (const p of ch.pipelines) {
    p.running = false;
    p.stopped = false;
  }
  s.stateEvent(ch, 'STARTING', `Starting channel ${ch.Id}`);
  const start = duration(s.env, MEDIALIVE_DURATIONS.channelStart);
  const stagger = duration(s.env, MEDIALIVE_DURATIONS.pipelineStagger);
  ch.pipelines.forEach((p, idx) => {
    s.transitions.after(ch.Id, start + idx * stagger, () => pipelineUp(s, ch, p));
  });
  return channelOut(ch);
}

function stopChannel(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  if (ch.State !== 'RUNNING' && ch.State !== 'STARTING' && ch.State !== 'RECOVERING') {
    throw conflict(`Channel ${ch.Id} is ${ch.State}: only a running channel can be stopped`);
  }
  s.transitions.cancel(ch.Id);
  ch.State = 'STOPPING';
  s.stateEvent(ch, 'STOPPING', `Stopping channel ${ch.Id}`);
  s.transitions.after(ch.Id, duration(s.env, MEDIALIVE_DURATIONS.channelStop), () => {
    if (ch.State !== 'STOPPING') return;
    for (const p of ch.pipelines) p.running = false;
    ch.State = 'IDLE';
    ch.alerts = [];
    s.startedAt.delete(ch.Id);
    // EventBridge says STOPPED where DescribeChannel says IDLE.
    s.stateEvent(ch, 'STOPPED', `Stopped channel ${ch.Id}`);
  });
  return channelOut(ch);
}

function deleteChannel(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.channel(input.ChannelId);
  if (ch.State === 'DELETED') throw notFound(`Channel ${ch.Id} not found`);
  if (ch.State === 'DELETING') throw conflict(`Channel ${ch.Id} is already being deleted`);
  if (ch.State !== 'IDLE' && ch.State !== 'CREATE_FAILED' && ch.State !== 'UPDATE_FAILED') {
    throw conflict('Cannot delete a channel that has not been stopped yet');
  }
  s.transitions.cancel(ch.Id);
  ch.State = 'DELETING';
  s.transitions.after(ch.Id, duration(s.env, MEDIALIVE_DURATIONS.channelDelete), () => {
    ch.State = 'DELETED';
    ch.deletedAt = s.env.clock.now();
    detachInputs(s, ch);
    s.stateEvent(ch, 'DELETED', `Deleted channel ${ch.Id}`);
    s.purgeLater(s.channels, ch.Id);
  });
  return channelOut(ch);
}

function listChannels(s: MediaLiveStore, input: ModelValue): ModelValue {
  const live = [...s.channels.values()].filter((c) => c.State !== 'DELETED');
  const { page, next } = paginate(live, input.MaxResults, input.NextToken, 1000, badRequest);
  return {
    Channels: page.map((c) => {
      const out = channelOut(c);
      delete out.EncoderSettings;
      delete out.PipelineDetails;
      return out;
    }),
    NextToken: next,
  };
}

function restartChannelPipelines(s: MediaLiveStore, input: ModelValue): ModelValue {
  const ch = s.liveChannel(input.ChannelId);
  if (ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') throw conflict(`Channel ${ch.Id} is ${ch.State}: only a running channel's pipelines can be restarted`);
  const wanted = arr<string>(input.PipelineIds).map((p) => p.replace('PIPELINE_', ''));
  const targets = ch.pipelines.filter((p) => wanted.length === 0 || wanted.includes(p.PipelineId));
  if (targets.length === 0) throw badRequest(`No pipeline of channel ${ch.Id} matches ${wanted.join(', ')}`);
  for (const p of targets) takePipelineDown(s, ch, p, false);
  return channelOut(ch);
}

/** Read-only view of channels for playback. */
export function channelViews(s: MediaLiveStore): MediaLiveChannelView[] {
  return [...s.channels.values()].map((c) => ({
    Id: c.Id,
    Arn: c.Arn,
    State: c.State,
    PipelinesRunningCount: c.pipelines.filter((p) => p.running).length,
    EncoderSettings: clone(obj(c.spec.EncoderSettings) ?? {}),
    Destinations: clone(arr(c.spec.Destinations)),
    RoleArn: str(c.spec.RoleArn),
    startedAt: s.startedAt.get(c.Id),
    RunningPipelines: c.pipelines.filter((p) => p.running).map((p) => p.PipelineId),
    ActiveInputUrls: activeInputUrls(s, c),
    ActiveAttachmentName: c.activeAttachment,
    Inputs: arr(c.spec.InputAttachments).flatMap((a) => {
      const input = s.inputs.get(String(a.InputId));
      if (!input) return [];
      return [{
        Id: input.Id,
        Type: input.Type,
        AttachmentName: str(a.InputAttachmentName),
        DestinationUrls: input.Destinations.map((d) => str(d.Url)).filter((u): u is string => u !== undefined),
        SourceUrls: input.Sources.map((src) => str(src.Url)).filter((u): u is string => u !== undefined),
        Cidrs: input.SecurityGroups.flatMap((gid) => (s.groups.get(gid)?.WhitelistRules ?? []).map((r) => r.Cidr)),
      }];
    }),
  }));
}

function activeInputUrls(s: MediaLiveStore, c: ChannelRec): string[] {
  const attachment = arr(c.spec.InputAttachments).find((a) => a.InputAttachmentName === c.activeAttachment);
  const input = s.inputs.get(String(attachment?.InputId));
  return (input?.Sources ?? []).map((src) => str(src.Url)).filter((u): u is string => u !== undefined);
}

function egressIp(channelId: string, pipeline: string): string {
  const n = Number.parseInt(channelId.slice(-2), 10) || 1;
  return `192.0.2.${(n + Number(pipeline) * 100) % 250 + 1}`;
}
