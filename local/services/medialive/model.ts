/**
 * MediaLive's resources as the twin keeps them: the records, their states, the latency-profile
 * durations the behaviour reads, and the errors MediaLive answers with.
 */
import { AwsError, type ModelValue } from '../../core/types';

export const SERVICE = 'medialive';

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

export type ChannelState = 'CREATING' | 'CREATE_FAILED' | 'IDLE' | 'STARTING' | 'RUNNING' | 'RECOVERING' | 'STOPPING' | 'DELETING' | 'DELETED' | 'UPDATING' | 'UPDATE_FAILED';
export type InputState = 'CREATING' | 'DETACHED' | 'ATTACHED' | 'DELETING' | 'DELETED';
export type SecurityGroupState = 'IDLE' | 'IN_USE' | 'UPDATING' | 'DELETED';

interface Owner { region: string; accountId: string }

export interface SecurityGroupRec extends Owner {
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

export interface InputRec extends Owner {
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

export interface PipelineRec {
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

export interface ScheduleActionRec {
  ActionName: string;
  ScheduleActionSettings: ModelValue;
  ScheduleActionStartSettings: ModelValue;
  done: boolean;
}

export interface ChannelRec extends Owner {
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

/** A RequestId seen before: the request's fingerprint and what it created. */
export interface TokenRec { fingerprint: string; resourceId: string }

/** A security group is IN_USE while an input holds it, or lingers on one deleted a moment ago. */
export function groupState(g: SecurityGroupRec): SecurityGroupState {
  if (g.deleted) return 'DELETED';
  if (g.updating) return 'UPDATING';
  return g.inputs.size + g.lingering.size > 0 ? 'IN_USE' : 'IDLE';
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
