/**
 * Human-readable notifications: what an operator reads on a phone at 6 p.m. The subject says
 * what happened in one line (SNS e-mail subjects are ≤ 100 ASCII characters); the body puts
 * the URL or the cause first and the detail after. Built from the registry record, the one
 * source of truth, so the message matches what `GET /channels/{id}` shows.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import type { ChannelRecord, ChannelRegistry, Resources, SentNotice } from './channel/registry';
import { logger } from './logger';
import { executionNameOf } from './ids';
import { caughtSchema, channelInput, summarizeCaught, type Caught } from './workflow';

export const NOTIFICATION_EVENTS = ['ON_AIR', 'READY', 'DELETED', 'ROLLED_BACK', 'TEARDOWN_FAILED'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface Notification { subject: string; message: string }

/** Resources the registry still holds, in words (for "what is left" after a failed teardown). */
export function remainingResources(resources: Resources): string[] {
  const left: string[] = [];
  if (resources.medialiveChannelId) left.push(`MediaLive channel ${resources.medialiveChannelId}`);
  if (resources.inputId) left.push(`MediaLive input ${resources.inputId}`);
  if (resources.slateInputId) left.push(`MediaLive slate input ${resources.slateInputId}`);
  if (resources.inputSecurityGroupId) left.push(`input security group ${resources.inputSecurityGroupId}`);
  const p = resources.packager;
  if (p.kind === 'mediapackage-v2') {
    const endpoints = Object.keys(p.originEndpoints ?? {});
    if (endpoints.length) left.push(`MediaPackage v2 endpoints ${endpoints.join(', ')}`);
    if (p.channelName) left.push(`MediaPackage v2 channel ${p.channelName}`);
    if (p.channelGroupCreated && p.channelGroupName) left.push(`MediaPackage v2 channel group ${p.channelGroupName}`);
  } else {
    const endpoints = Object.keys(p.originEndpoints ?? {});
    if (endpoints.length) left.push(`MediaPackage endpoints ${endpoints.join(', ')}`);
    if (p.channelId) left.push(`MediaPackage channel ${p.channelId}`);
    if (p.cdnSecretArn) left.push('CDN-identifier secret');
  }
  if (resources.distributionId) left.push(`CloudFront distribution ${resources.distributionId}`);
  if (resources.originAccessControlId) left.push(`origin access control ${resources.originAccessControlId}`);
  const alarms = Object.values(resources.alarms ?? {}).reduce((n, names) => n + names.length, 0);
  if (alarms) left.push(`${alarms} CloudWatch alarm(s)`);
  return left;
}

export function subjectLine(text: string): string {
  // SNS rejects subjects with control characters or over 100 characters.
  const clean = text.replace(/[^\x20-\x7E]/g, '-');
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}

export function formatNotification(event: NotificationEvent, record: ChannelRecord, stage: string): Notification {
  const id = record.channelId;
  const tag = stage === 'prod' ? '' : ` [${stage}]`;
  const lines: string[] = [];
  const playback = record.playback ?? {};
  const watch = [
    playback.hls && `HLS:  ${playback.hls}`,
    playback.llhls && `LL-HLS: ${playback.llhls}`,
    playback.dash && `DASH: ${playback.dash}`,
    playback.cmaf && `CMAF: ${playback.cmaf}`,
  ].filter((l): l is string => Boolean(l));
  const ingest = (record.ingestUrls ?? []).map((u, i) => `Ingest ${i + 1}: ${u}`);
  switch (event) {
    case 'ON_AIR':
      lines.push(`Channel ${id} is ON AIR and watchable.`, '', ...watch, '', 'Send your stream to:', ...ingest);
      lines.push('', `Profile: ${record.profileName}. On air since ${record.onAirAt ?? record.updatedAt}.`);
      return { subject: subjectLine(`OnAir${tag}: ${id} is ON AIR`), message: lines.join('\n') };
    case 'READY':
      lines.push(`Channel ${id} is created and IDLE (not started, costs little until you start it).`, '', 'Send your stream to:', ...ingest, '', 'Playback once started:', ...watch);
      return { subject: subjectLine(`OnAir${tag}: ${id} is ready (IDLE)`), message: lines.join('\n') };
    case 'DELETED':
      lines.push(`Channel ${id} is deleted. Every resource it had was removed; nothing is billed for it any more.`);
      return { subject: subjectLine(`OnAir${tag}: ${id} deleted`), message: lines.join('\n') };
    case 'ROLLED_BACK': {
      const f = record.failure;
      lines.push(`Channel ${id} could not be put on air.`);
      if (f) lines.push('', `Failed step: ${f.step}`, `Error: ${f.error}`, `Cause: ${f.cause}`);
      lines.push('', 'Everything it had created was removed (rolled back); nothing is left running.', 'Fix the cause and create the channel again.');
      return { subject: subjectLine(`OnAir${tag}: ${id} FAILED - rolled back${f ? ` (${f.step})` : ''}`), message: lines.join('\n') };
    }
    case 'TEARDOWN_FAILED': {
      const f = record.failure;
      const left = remainingResources(record.resources);
      lines.push(`ACTION NEEDED: removing channel ${id} did not finish.`);
      if (f) lines.push('', `Failed step: ${f.step}`, `Error: ${f.error}`, `Cause: ${f.cause}`);
      lines.push('', left.length ? 'Still exists (and may still cost money):' : 'The registry lists nothing left.', ...left.map((l) => `- ${l}`));
      lines.push('', `Run the teardown again (onair delete ${id}); it resumes where this one stopped.`);
      return { subject: subjectLine(`OnAir${tag}: ACTION NEEDED - teardown of ${id} failed`), message: lines.join('\n') };
    }
  }
}

export async function publishNotification(
  deps: NoticeDeps,
  event: NotificationEvent,
  record: ChannelRecord,
  stage: string,
): Promise<{ messageId: string | undefined }> {
  return publishNotice(deps, event, record.channelId, formatNotification(event, record, stage), record.execution);
}

/**
 * A workflow could not take the channel at all (refused request, unknown or deleted channel, busy
 * past its wait, or its first step failing before any record existed): nothing was created or
 * changed, but a planned operation did not happen and someone must know. Built without the
 * registry, which may be what failed.
 */
export const REFUSAL_EVENTS = ['PROVISION_REFUSED', 'START_REFUSED', 'STOP_REFUSED', 'TEARDOWN_REFUSED'] as const;
export type RefusalEvent = (typeof REFUSAL_EVENTS)[number];
/** What a notify task gets for a refusal: the Catch output's error, not a registry record. */
export const refusalInput = z.extend(channelInput, {
  event: z.enum(REFUSAL_EVENTS), error: caughtSchema.shape.error,
  // The refused workflow's execution ($$.Execution.Id): the notice names it like every other.
  execution: z.optional(z.object({ arn: z.string() })),
});

const REFUSALS: Record<RefusalEvent, { verb: string; consequence: string; next: (id: string) => string }> = {
  PROVISION_REFUSED: { verb: 'created', consequence: 'Nothing was created or started for it.', next: () => 'Fix the cause, then create it again.' },
  START_REFUSED: { verb: 'started', consequence: 'It is not on air.', next: (id) => `Check with: onair status ${id}` },
  STOP_REFUSED: { verb: 'stopped', consequence: 'If it was on air, it still is, and it is still billed.', next: (id) => `Check with: onair status ${id}` },
  TEARDOWN_REFUSED: { verb: 'removed', consequence: 'Whatever it has still exists and may still cost money.', next: (id) => `Check with: onair status ${id}   and retry: onair delete ${id}` },
};

export function formatRefusal(event: RefusalEvent, channelId: string, error: Caught['error'], stage: string): Notification {
  const tag = stage === 'prod' ? '' : ` [${stage}]`;
  const { verb, consequence, next } = REFUSALS[event];
  const { error: name, cause } = summarizeCaught({ step: 'refused', error });
  return {
    subject: subjectLine(`OnAir${tag}: ACTION NEEDED - ${channelId} was not ${verb}`),
    message: [
      `ACTION NEEDED: channel ${channelId} was not ${verb}. ${consequence}`,
      '', `Error: ${name}`, `Cause: ${cause}`,
      '', next(channelId),
    ].join('\n'),
  };
}

export async function publishRefusal(deps: NoticeDeps & { stage: string }, event: RefusalEvent, channelId: string, error: Caught['error'], execution?: { arn: string }): Promise<{ messageId: string | undefined }> {
  return publishNotice(deps, event, channelId, formatRefusal(event, channelId, error, deps.stage), execution);
}

/**
 * The message attributes every OnAir notice carries (README, "told every time"): `event` (what
 * happened) and `channelId` (which channel), for subscription filter policies. A notice about
 * several channels (the sweeper's summary) names them all in one String.Array, which a filter
 * policy on `channelId` matches when any element matches: "For String.Array type attributes, each
 * element in the array is treated as a separate string for matching purposes."
 * https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html (data types)
 */
export function noticeAttributes(event: string, channelId: string | readonly string[], execution?: { arn: string }): Record<string, MessageAttributeValue> {
  const name = execution ? executionNameOf(execution.arn) : undefined;
  return {
    event: { DataType: 'String', StringValue: event },
    channelId: typeof channelId === 'string'
      ? { DataType: 'String', StringValue: channelId }
      : { DataType: 'String.Array', StringValue: JSON.stringify(channelId) },
    // The workflow execution the notice reports on, under the keys its log lines carry
    // (functions/lib/logger.ts): what to search the logs and the Step Functions console for.
    ...(execution ? { executionArn: { DataType: 'String', StringValue: execution.arn } } : {}),
    ...(name ? { executionName: { DataType: 'String', StringValue: name } } : {}),
  };
}

/** The body's last lines when a notice reports on a workflow execution. */
export function executionLines(execution: { arn: string }): string[] {
  return ['', `Execution: ${executionNameOf(execution.arn) ?? execution.arn}`, execution.arn];
}

export interface NoticeDeps {
  sns: SNSClient;
  topicArn: string;
  /** Given: a notice about one channel is also kept on its record (`notices`, what GET /channels/{id} shows). */
  registry?: Pick<ChannelRegistry, 'recordNotice'>;
}

/**
 * The one SNS publisher: every notice OnAir sends (workflows, lifecycle, recovery, sweeper) goes
 * through here, so every notice carries the same message attributes ({@link noticeAttributes}).
 * `execution`: the workflow execution the notice reports on (a workflow outcome, a start/stop),
 * named at the end of the body and in the attributes. Recovery and the sweeper act outside any
 * workflow execution and pass none.
 */
export async function publishNotice(
  deps: NoticeDeps, event: string, channelId: string | readonly string[], notice: Notification, execution?: { arn: string },
): Promise<{ messageId: string | undefined }> {
  const out = await deps.sns.send(new PublishCommand({
    TopicArn: deps.topicArn,
    Subject: notice.subject,
    Message: execution ? [notice.message, ...executionLines(execution)].join('\n') : notice.message,
    MessageAttributes: noticeAttributes(event, channelId, execution),
  }));
  if (deps.registry && typeof channelId === 'string') {
    const sent: Omit<SentNotice, 'at'> = { event, subject: notice.subject, ...(out.MessageId ? { messageId: out.MessageId } : {}) };
    // After the publish, and never failing it: a retried task would send the notice twice.
    try {
      await deps.registry.recordNotice(channelId, sent);
    } catch (error) {
      logger.warn('notice sent but not recorded on the channel', { channelId, event, error: (error as Error).name });
    }
  }
  return { messageId: out.MessageId };
}
