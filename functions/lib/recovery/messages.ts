/**
 * What automatic recovery tells a human (SNS notices and pages): the words live here, the decisions
 * that send them in decide.ts. Pure functions of the channel, the rule and what is wrong.
 */
import type { RecoveryPolicy, RecoveryRule } from './policy';

export interface Message { subject: string; lines: string[] }

/** The circuit breaker opened: what is wrong now, what was tried, when automation resumes. */
export function breakerPage(channelId: string, reason: string, causes: string[], tried: string[], attempts: RecoveryPolicy['attempts']): Message {
  return {
    subject: `ACTION NEEDED - ${channelId}: automatic recovery gave up`,
    lines: [
      `Channel ${channelId}: ${reason}.`,
      'OnAir has stopped trying to fix it automatically. A human is needed.',
      '', 'Problem now:', ...(causes.length ? causes.map((c) => `- ${c}`) : ['- (none active right now)']),
      '', `Tried in the last ${Math.round(attempts.windowSeconds / 60)} min:`, ...(tried.length ? tried : ['- nothing']),
      '', `Automatic recovery resumes in ${Math.round(attempts.breakerResetSeconds / 60)} min. Check the source, then: onair events ${channelId}`,
    ],
  };
}

/** A pipeline is down but only the reconciler saw it (a count, not which one): restarting all would stop the healthy one. */
export function unknownPipelineDown(channelId: string): Message {
  return {
    subject: `ACTION NEEDED - ${channelId}: a pipeline is down`,
    lines: [`Channel ${channelId} is on air on fewer pipelines than it has, and OnAir cannot tell which one stopped.`,
      'It did not restart the channel: that would interrupt the pipeline still running.', '',
      'Restart the stopped pipeline from the MediaLive console (Restart pipelines), or the CLI:',
      '  aws medialive restart-channel-pipelines --channel-id <id> --pipeline-ids PIPELINE_0|PIPELINE_1', `Details: onair events ${channelId}`],
  };
}

/** A NOTIFY rule's condition held for its debounce: what is wrong, for a human to look at. */
export function ruleNotice(channelId: string, rule: Pick<RecoveryRule, 'name' | 'debounceSeconds'>, causes: string[]): Message {
  return {
    subject: `${channelId}: ${rule.name} for ${Math.round(rule.debounceSeconds / 60) || rule.debounceSeconds + ' s'}${rule.debounceSeconds >= 60 ? ' min' : ''}`,
    lines: [`Channel ${channelId} has had a problem for ${rule.debounceSeconds} s that automation cannot fix:`, ...causes.map((c) => `- ${c}`), '', 'Viewers may see errors. Check the origin/CDN and the source.', `Details: onair events ${channelId}`],
  };
}

/** The cost guard stops a channel whose input stayed lost past its limit. */
export function costGuardStop(channelId: string, minutes: number, causes: string[]): Message {
  return {
    subject: `cost guard stopping ${channelId}: no input for ${minutes} min`,
    lines: [`Cost guard: channel ${channelId} has had no input for ${minutes} min (costGuard.inputLossAutoStopMinutes).`, ...causes.map((c) => `- ${c}`), '', 'OnAir is stopping it now so it stops costing money.', `When the source is back: onair start ${channelId}`],
  };
}
