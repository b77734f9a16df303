/**
 * The channels the conformance suite builds requests for: every built-in profile, a channel with a
 * slate, and every input type on both channel classes. Records come from the resource tests' fixtures
 * (test/unit/resources/helpers/fixtures.ts), requests from OnAir's own builders: nothing here restates
 * what a builder decides.
 */
import type { CreateChannelRequest, CreateInputRequest } from '@aws-sdk/client-medialive';
import { buildChannelRequest, buildInputRequest, buildSlateInputRequest, isPushInput } from '../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../functions/lib/packager';
import { INPUT_TYPES } from '../../../functions/lib/profile';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { CLASSES, inputFor, makeRecord, MEDIALIVE_ROLE, STAGE } from '../resources/helpers/fixtures';

/** The stage's slate bucket as serverless.yml names it for STAGE (custom.slateBuckets). */
export const SLATE_URL = `s3://onair-${STAGE}-slates/slate.mp4`;

export interface Case { label: string; record: ChannelRecord }

/** The profiles the issue names: default, single-pipeline, low-latency, mediapackage-v1, slate. */
export function profileCases(): Case[] {
  return [
    { label: 'default', record: makeRecord('default') },
    { label: 'single-pipeline', record: makeRecord('single-pipeline') },
    { label: 'low-latency', record: makeRecord('low-latency') },
    { label: 'mediapackage-v1', record: makeRecord('mediapackage-v1') },
    { label: 'slate', record: makeRecord('default', { recovery: { slate: { url: SLATE_URL } } }) },
  ];
}

/** Every input type OnAir supports, on both channel classes (default profile otherwise). */
export function inputCases(): Case[] {
  return CLASSES.flatMap((channelClass) => INPUT_TYPES.map((type) => ({
    label: `${channelClass} ${type}`,
    record: makeRecord('default', { channelClass, input: inputFor(type, channelClass) }),
  })));
}

export const SECURITY_GROUP_ID = '1234567';
export const INPUT_ID = '7654321';
export const SLATE_INPUT_ID = '7654322';

export function inputRequest(record: ChannelRecord): CreateInputRequest {
  return buildInputRequest({
    record, stage: STAGE, roleArn: MEDIALIVE_ROLE, ...(isPushInput(record.profile) ? { inputSecurityGroupId: SECURITY_GROUP_ID } : {}),
  });
}

/** CreateChannel as provisioning sends it: the packager's output group, the slate attached when the profile has one. */
export function channelRequest(record: ChannelRecord): CreateChannelRequest {
  const slate = buildSlateInputRequest(record, STAGE);
  return buildChannelRequest({
    record, stage: STAGE, inputId: INPUT_ID, roleArn: MEDIALIVE_ROLE,
    packagerTarget: packagerFor(record).medialiveTarget(record, STAGE),
    ...(slate ? { slateInputId: SLATE_INPUT_ID } : {}),
  });
}
