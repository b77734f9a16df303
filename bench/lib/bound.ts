/**
 * The bound for time to ON_AIR: the longest chain of AWS's own latencies through the real
 * dependencies of a channel, computed from THE latency profile (local/core/latency.ts) and the
 * profile being provisioned — no figure is restated here.
 *
 *   input side   security group (usable at once) → input ─┐
 *   packager     MediaPackage channel → endpoints ────────┼→ MediaLive channel created → startable
 *                                                          │    → StartChannel → every pipeline RUNNING
 *                                                          │    → first segment packaged (manifest not 404)
 *   CDN          endpoints → distribution created → Deployed   (delivery dedicated only: a shared
 *                channel plays on the stage's distribution, Deployed with the stack)
 *   alarms       need the channel and distribution ids only: created at once, never on the chain
 *   watchable    = max(every pipeline RUNNING, first segment, distribution Deployed)
 *
 * API calls themselves are taken as instantaneous (the bound is what AWS makes anyone wait for, not
 * what OnAir spends), so the ratio measured ÷ bound charges OnAir for every second it adds: its own
 * compute, Step Functions hops, sequencing that the dependencies do not require, and poll lag.
 */
import { LATENCY } from '../../local/core/latency';
import { isSharedDelivery } from '../../functions/lib/delivery';
import { pipelineCount } from '../../functions/lib/medialive/builders';
import type { Profile } from '../../functions/lib/profile';

export interface Chain {
  name: string;
  /** Twin milliseconds at AWS's pace. */
  ms: number;
  steps: { step: string; latency: string; ms: number }[];
}

export interface Bound {
  ms: number;
  critical: string;
  chains: Chain[];
}

type Latency = keyof typeof LATENCY;

/** A step's duration: `ms` when given (a sum or a profile figure, named in `latency`), else the profile's figure. */
function chain(name: string, steps: { step: string; latency: string; ms?: number; times?: number }[]): Chain {
  const resolved = steps.map((s) => {
    const base = s.ms ?? LATENCY[s.latency as Latency];
    if (typeof base !== 'number') throw new Error(`latency profile has no ${s.latency}`);
    return { step: s.step, latency: s.times !== undefined && s.times !== 1 ? `${s.latency} × ${s.times}` : s.latency, ms: base * (s.times ?? 1) };
  });
  return { name, ms: resolved.reduce((a, s) => a + s.ms, 0), steps: resolved };
}

export function onAirBound(profile: Pick<Profile, 'channelClass' | 'segmentSeconds'> & { delivery?: Profile['delivery'] }): Bound {
  const pipelines = pipelineCount(profile);
  // The channel can start once it is IDLE past the start lockout AND its input left CREATING; the
  // input is created before the channel (the channel names it), so the later of the two decides.
  const inputReady = LATENCY['medialive.input.create'];
  const channelStartable = LATENCY['medialive.channel.create'] + LATENCY['medialive.channel.startLockout'];
  const startable = inputReady > channelStartable
    ? { step: 'input created (later than the channel could start)', latency: 'medialive.input.create', ms: inputReady }
    : { step: 'channel created, start lockout over', latency: 'medialive.channel.create + medialive.channel.startLockout', ms: channelStartable };
  const packager = [
    { step: 'MediaPackage channel usable', latency: 'mediapackage.resource.ready' },
    { step: 'origin endpoints usable', latency: 'mediapackage.resource.ready' },
  ];
  const running = chain('every pipeline RUNNING', [
    ...packager,
    startable,
    { step: 'StartChannel → first pipeline RUNNING', latency: 'medialive.channel.start' },
    { step: 'later pipelines', latency: 'medialive.channel.start.pipelineSkew', times: pipelines - 1 },
  ]);
  const segment = chain('first segment packaged', [
    ...packager,
    startable,
    { step: 'StartChannel → first pipeline RUNNING', latency: 'medialive.channel.start' },
    { step: 'one segment encoded and packaged', latency: 'profile.segmentSeconds', ms: profile.segmentSeconds * 1000 },
  ]);
  // Shared delivery (lib/delivery.ts): the stage's distribution was Deployed with the stack, so the
  // chain is MediaLive's alone; a dedicated distribution still deploys per channel.
  const cdn = chain('distribution Deployed', [
    ...packager,
    { step: 'CreateDistribution → Deployed', latency: 'cloudfront.distribution.deploy' },
  ]);
  const chains = isSharedDelivery(profile) ? [running, segment] : [running, segment, cdn];
  const critical = chains.reduce((a, b) => (b.ms > a.ms ? b : a));
  return { ms: critical.ms, critical: critical.name, chains };
}

/**
 * The bound for tearing a running channel down: MediaLive's deletion order, each step waiting for
 * the one before (aws-facts.md "Deletion order"), from the same latency profile:
 *
 *   StopChannel → IDLE → DeleteChannel → DELETED → input DETACHED → DeleteInput → DELETED
 *     → security group no longer IN_USE → DeleteInputSecurityGroup   (only when no other input uses it)
 *   packager and alarms: deleted at once, in parallel (never on the chain)
 */
export function teardownBound(options: { securityGroupShared: boolean }): Bound {
  const medialive = chain('MediaLive deletion order', [
    { step: 'StopChannel → IDLE', latency: 'medialive.channel.stop' },
    { step: 'DeleteChannel → DELETED', latency: 'medialive.channel.delete' },
    { step: 'input DETACHED', latency: 'medialive.input.detach' },
    { step: 'DeleteInput → DELETED', latency: 'medialive.input.delete' },
    ...(options.securityGroupShared ? [] : [{ step: 'security group no longer IN_USE', latency: 'medialive.inputSecurityGroup.inUseLinger' }]),
  ]);
  return { ms: medialive.ms, critical: medialive.name, chains: [medialive] };
}
