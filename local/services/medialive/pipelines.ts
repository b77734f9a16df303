/**
 * A MediaLive channel's pipelines (two for a STANDARD channel, one for SINGLE_PIPELINE): each comes up
 * on its own, and one that goes down is restarted by MediaLive (channel RECOVERING) unless it was
 * stopped on purpose. Start, stop and RestartChannelPipelines are the channel's (channels.ts).
 */
import { duration } from '../media-util';
import { MEDIALIVE_DURATIONS, badRequest, conflict, type ChannelRec, type PipelineRec } from './model';
import type { MediaLiveStore } from './store';

/** A pipeline reaches RUNNING: one RUNNING event per pipeline, with the running count. */
export function pipelineUp(s: MediaLiveStore, ch: ChannelRec, p: PipelineRec): void {
  if (p.running || p.stopped) return;
  if (ch.State !== 'STARTING' && ch.State !== 'RUNNING' && ch.State !== 'RECOVERING') return;
  p.running = true;
  if (!s.startedAt.has(ch.Id)) s.startedAt.set(ch.Id, s.env.clock.now());
  // The channel reports RUNNING as soon as one pipeline runs; PipelinesRunningCount tells the rest.
  if (ch.State === 'STARTING') ch.State = 'RUNNING';
  if (ch.State === 'RECOVERING' && ch.pipelines.every((x) => x.running || x.stopped)) ch.State = 'RUNNING';
  s.stateEvent(ch, 'RUNNING', `Pipeline ${p.PipelineId} is running`, p.PipelineId);
}

/** A pipeline goes down; unless stopped on purpose, MediaLive brings it back (channel RECOVERING). */
export function takePipelineDown(s: MediaLiveStore, ch: ChannelRec, p: PipelineRec, stopOnly: boolean): void {
  const wasRunning = p.running;
  p.running = false;
  p.stopped = stopOnly;
  const count = ch.pipelines.filter((x) => x.running).length;
  if (stopOnly) {
    if (wasRunning) s.stateEvent(ch, 'STOPPED', `Pipeline ${p.PipelineId} stopped`, p.PipelineId);
    if (count === 0) ch.State = 'IDLE';
    return;
  }
  ch.State = 'RECOVERING';
  s.transitions.after(ch.Id, duration(s.env, MEDIALIVE_DURATIONS.channelRecover), () => pipelineUp(s, ch, p));
}

/** A pipeline fails: the channel goes RECOVERING and MediaLive restarts the pipeline by itself. */
export function failPipeline(s: MediaLiveStore, channelId: string, pipeline = '0'): void {
  const ch = s.liveChannel(channelId);
  const p = runningPipeline(ch, pipeline);
  takePipelineDown(s, ch, p, false);
}

/** A pipeline stops and stays stopped until RestartChannelPipelines or a stop/start. */
export function stopPipeline(s: MediaLiveStore, channelId: string, pipeline = '0'): void {
  const ch = s.liveChannel(channelId);
  const p = runningPipeline(ch, pipeline);
  takePipelineDown(s, ch, p, true);
}

function runningPipeline(ch: ChannelRec, pipeline: string): PipelineRec {
  const p = ch.pipelines.find((x) => x.PipelineId === pipeline);
  if (!p) throw badRequest(`Channel ${ch.Id} has no pipeline ${pipeline}`);
  if (!p.running) throw conflict(`Pipeline ${pipeline} of channel ${ch.Id} is not running`);
  return p;
}
