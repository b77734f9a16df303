/**
 * MediaLive's semantic checks: what the service model cannot express (references between parts of a
 * request, references to other resources, numeric relations). MediaLive answers them with
 * UnprocessableEntityException (422) and a ValidationErrors list of {ElementPath, ErrorMessage}; the
 * element paths use the wire's lowerCamel names, e.g. `outputGroups[0].outputs[1].videoDescriptionName`.
 */
import { AwsError, type ModelValue } from '../../core/types';
import { arr, obj, str } from '../media-util';

export interface ValidationIssue {
  ElementPath: string;
  ErrorMessage: string;
}

export function unprocessable(issues: ValidationIssue[], what: string): AwsError {
  const first = issues[0];
  const message = first ? `${first.ElementPath} ${first.ErrorMessage}` : what;
  return new AwsError('UnprocessableEntityException', message, 422, { ValidationErrors: issues });
}

/** The role MediaLive assumes must look like an IAM role ARN. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function roleArnIssues(roleArn: unknown, path: string): ValidationIssue[] {
  if (roleArn === undefined) return [];
  return typeof roleArn === 'string' && ROLE_ARN.test(roleArn)
    ? []
    : [{ ElementPath: path, ErrorMessage: `Role ARN '${String(roleArn)}' is not a valid IAM role ARN` }];
}

/** What the channel checks need to know about an input. */
export interface InputFacts {
  exists: boolean;
  inputClass?: 'STANDARD' | 'SINGLE_INPUT';
  attachedTo?: string;
}

export interface ChannelCheckContext {
  /** Channel id being updated (its own attachments are not a conflict), undefined on create. */
  channelId?: string;
  input(id: string): InputFacts;
}

/** Every 422 issue of a CreateChannel/UpdateChannel request, in request order. */
export function channelIssues(req: ModelValue, ctx: ChannelCheckContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const channelClass = str(req.ChannelClass) ?? 'STANDARD';
  const pipelines = channelClass === 'STANDARD' ? 2 : 1;

  issues.push(...roleArnIssues(req.RoleArn, 'roleArn'));

  // Input attachments: inputs must exist, be free, have the channel's class, and names must be unique.
  const attachmentNames = new Set<string>();
  const attachmentSelectors: Array<{ name: string; selectors: Set<string> }> = [];
  arr(req.InputAttachments).forEach((att, i) => {
    const name = str(att.InputAttachmentName);
    if (name !== undefined) {
      if (attachmentNames.has(name)) {
        issues.push({ ElementPath: `inputAttachments[${i}].inputAttachmentName`, ErrorMessage: `Input attachment name '${name}' is used more than once` });
      }
      attachmentNames.add(name);
    }
    const selectors = new Set<string>();
    for (const sel of arr(obj(att.InputSettings)?.AudioSelectors)) {
      const selName = str(sel.Name);
      if (selName) selectors.add(selName);
    }
    attachmentSelectors.push({ name: name ?? String(i), selectors });
    const inputId = str(att.InputId);
    if (!inputId) {
      issues.push({ ElementPath: `inputAttachments[${i}].inputId`, ErrorMessage: 'Input ID is required' });
      return;
    }
    const facts = ctx.input(inputId);
    if (!facts.exists) {
      issues.push({ ElementPath: `inputAttachments[${i}].inputId`, ErrorMessage: `Input '${inputId}' does not exist` });
      return;
    }
    if (facts.attachedTo !== undefined && facts.attachedTo !== ctx.channelId) {
      issues.push({ ElementPath: `inputAttachments[${i}].inputId`, ErrorMessage: `Input '${inputId}' is already attached to channel '${facts.attachedTo}'` });
    }
    if (channelClass === 'STANDARD' && facts.inputClass === 'SINGLE_INPUT') {
      issues.push({ ElementPath: `inputAttachments[${i}].inputId`, ErrorMessage: `Input '${inputId}' is SINGLE_INPUT class; a STANDARD channel needs STANDARD class inputs` });
    }
  });

  // Destinations: ids unique; each holds one pipeline's worth of settings.
  const destinationIds = new Set<string>();
  arr(req.Destinations).forEach((dest, i) => {
    const id = str(dest.Id);
    if (!id) {
      issues.push({ ElementPath: `destinations[${i}].id`, ErrorMessage: 'Destination ID is required' });
      return;
    }
    if (destinationIds.has(id)) issues.push({ ElementPath: `destinations[${i}].id`, ErrorMessage: `Destination ID '${id}' is used more than once` });
    destinationIds.add(id);
    const kinds = ['Settings', 'MediaPackageSettings', 'MultiplexSettings', 'SrtSettings'].filter((k) => dest[k] !== undefined);
    if (kinds.length !== 1) {
      issues.push({ ElementPath: `destinations[${i}]`, ErrorMessage: 'Exactly one of settings, MediaPackage settings, SRT settings or Multiplex settings is required for destination' });
      return;
    }
    if (dest.Settings !== undefined) {
      const settings = arr(dest.Settings);
      if (settings.length !== pipelines) {
        issues.push({ ElementPath: `destinations[${i}].settings`, ErrorMessage: `A ${channelClass} channel needs ${pipelines} destination setting(s), one per pipeline; got ${settings.length}` });
      }
      settings.forEach((s, j) => {
        if (!str(s.Url)) issues.push({ ElementPath: `destinations[${i}].settings[${j}].url`, ErrorMessage: 'URL is required' });
      });
    }
    if (dest.MediaPackageSettings !== undefined) {
      const mp = arr(dest.MediaPackageSettings);
      if (mp.length !== 1) {
        issues.push({ ElementPath: `destinations[${i}].mediaPackageSettings`, ErrorMessage: `Exactly one MediaPackage setting is required; got ${mp.length}` });
      }
      mp.forEach((s, j) => {
        const v1 = str(s.ChannelId);
        const v2 = str(s.ChannelGroup) !== undefined || str(s.ChannelName) !== undefined;
        if (!v1 && !(str(s.ChannelGroup) && str(s.ChannelName))) {
          issues.push({ ElementPath: `destinations[${i}].mediaPackageSettings[${j}]`, ErrorMessage: v2 ? 'Both channelGroup and channelName are required for MediaPackage v2' : 'channelId (MediaPackage v1) or channelGroup and channelName (MediaPackage v2) is required' });
        } else if (v1 && !/^[\w-]+$/.test(v1)) {
          issues.push({ ElementPath: `destinations[${i}].mediaPackageSettings[${j}].channelId`, ErrorMessage: 'MediaPackage channel ID is invalid. The ID can have numbers, letters, underscores, and dashes. The ID is case sensitive.' });
        }
      });
    }
  });

  const enc = obj(req.EncoderSettings);
  if (!enc) return issues;

  // Descriptions referenced by outputs must exist; names must be unique.
  const videoNames = new Map<string, number>();
  arr(enc.VideoDescriptions).forEach((vd, i) => {
    const name = str(vd.Name) ?? '';
    if (videoNames.has(name)) issues.push({ ElementPath: `encoderSettings.videoDescriptions[${i}].name`, ErrorMessage: `Video description name '${name}' is used more than once` });
    videoNames.set(name, i);
  });
  const audioNames = new Set<string>();
  arr(enc.AudioDescriptions).forEach((ad, i) => {
    const name = str(ad.Name) ?? '';
    if (audioNames.has(name)) issues.push({ ElementPath: `encoderSettings.audioDescriptions[${i}].name`, ErrorMessage: `Audio description name '${name}' is used more than once` });
    audioNames.add(name);
    // Every attached input must define every selector the audio descriptions use, under the same
    // name: an output references a selector once, not once per input (MediaLive UG "Plan the audio
    // selectors", rules 1 and 3: https://docs.aws.amazon.com/medialive/latest/ug/ips-plan-audio-sels.html).
    const selector = str(ad.AudioSelectorName);
    if (!selector) return;
    if (attachmentSelectors.length === 0) {
      issues.push({ ElementPath: `encoderSettings.audioDescriptions[${i}].audioSelectorName`, ErrorMessage: `Audio selector '${selector}' is not defined in any input attachment's input settings` });
    }
    attachmentSelectors.forEach((att, a) => {
      if (att.selectors.has(selector)) return;
      issues.push({
        ElementPath: `inputAttachments[${a}].inputSettings.audioSelectors`,
        ErrorMessage: `Audio selector '${selector}' used by audio description '${name}' is not defined in input attachment '${att.name}': every attached input must define the audio selectors the channel's audio descriptions use`,
      });
    });
  });

  const usedVideo = new Set<string>();
  const usedAudio = new Set<string>();
  arr(enc.OutputGroups).forEach((og, g) => {
    const groupPath = `encoderSettings.outputGroups[${g}]`;
    // Every DestinationRefId anywhere in the group must name a channel destination.
    for (const [path, ref] of destinationRefs(og, groupPath)) {
      if (!destinationIds.has(ref)) issues.push({ ElementPath: path, ErrorMessage: `Destination '${ref}' is not defined in the channel's destinations` });
    }
    const segment = segmentSeconds(obj(og.OutputGroupSettings));
    arr(og.Outputs).forEach((out, o) => {
      const vd = str(out.VideoDescriptionName);
      if (vd !== undefined) usedVideo.add(vd);
      arr<string>(out.AudioDescriptionNames).forEach((an) => usedAudio.add(an));
      if (vd !== undefined) {
        const index = videoNames.get(vd);
        if (index === undefined) {
          issues.push({ ElementPath: `${groupPath}.outputs[${o}].videoDescriptionName`, ErrorMessage: `Video description '${vd}' does not exist` });
        } else if (segment !== undefined) {
          const gop = gopSeconds(arr(enc.VideoDescriptions)[index]);
          if (gop !== undefined && gop > segment + 1e-9) {
            issues.push({
              ElementPath: `encoderSettings.videoDescriptions[${index}].codecSettings.h264Settings.gopSize`,
              ErrorMessage: `GOP of ${round(gop)} s is longer than the ${round(segment)} s segment length of output group ${og.Name ?? g}: every segment must start with an IDR frame`,
            });
          }
        }
      }
      arr<string>(out.AudioDescriptionNames).forEach((an, a) => {
        if (!audioNames.has(an)) issues.push({ ElementPath: `${groupPath}.outputs[${o}].audioDescriptionNames[${a}]`, ErrorMessage: `Audio description '${an}' does not exist` });
      });
    });
  });
  // MediaLive refuses descriptions that no output uses (it would encode them for nothing).
  videoNames.forEach((i, name) => {
    if (!usedVideo.has(name)) issues.push({ ElementPath: `encoderSettings.videoDescriptions[${i}].name`, ErrorMessage: `Video description '${name}' is not used by any output` });
  });
  arr(enc.AudioDescriptions).forEach((ad, i) => {
    const name = str(ad.Name) ?? '';
    if (!usedAudio.has(name)) issues.push({ ElementPath: `encoderSettings.audioDescriptions[${i}].name`, ErrorMessage: `Audio description '${name}' is not used by any output` });
  });
  return issues;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function* destinationRefs(value: unknown, path: string): Generator<[string, string]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* destinationRefs(value[i], `${path}[${i}]`);
    return;
  }
  const o = obj(value);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    const p = `${path}.${k.charAt(0).toLowerCase()}${k.slice(1)}`;
    if (k === 'DestinationRefId' && typeof v === 'string') yield [p, v];
    else yield* destinationRefs(v, p);
  }
}

/** Segment length of an output group in seconds, when the group segments and the request says. */
function segmentSeconds(settings: Record<string, unknown> | undefined): number | undefined {
  if (!settings) return undefined;
  const hls = obj(settings.HlsGroupSettings);
  if (hls && typeof hls.SegmentLength === 'number') return hls.SegmentLength;
  for (const key of ['CmafIngestGroupSettings']) {
    const g = obj(settings[key]);
    if (g && typeof g.SegmentLength === 'number') return g.SegmentLengthUnits === 'MILLISECONDS' ? g.SegmentLength / 1000 : g.SegmentLength;
  }
  const mp2 = obj(obj(settings.MediaPackageGroupSettings)?.MediapackageV2GroupSettings);
  if (mp2 && typeof mp2.SegmentLength === 'number') return mp2.SegmentLengthUnits === 'MILLISECONDS' ? mp2.SegmentLength / 1000 : mp2.SegmentLength;
  return undefined;
}

/** GOP duration in seconds of an H.264/H.265 video description, when it can be known from the request. */
export function gopSeconds(vd: Record<string, unknown> | undefined): number | undefined {
  const codec = obj(vd?.CodecSettings);
  const s = obj(codec?.H264Settings) ?? obj(codec?.H265Settings);
  if (!s || typeof s.GopSize !== 'number') return undefined;
  if (s.GopSizeUnits === 'SECONDS') return s.GopSize;
  const fps = frameRate(vd);
  return fps ? s.GopSize / fps : undefined;
}

export function frameRate(vd: Record<string, unknown> | undefined): number | undefined {
  const codec = obj(vd?.CodecSettings);
  const s = obj(codec?.H264Settings) ?? obj(codec?.H265Settings);
  if (!s) return undefined;
  const num = s.FramerateNumerator;
  const den = s.FramerateDenominator;
  return typeof num === 'number' && typeof den === 'number' && den > 0 ? num / den : undefined;
}
