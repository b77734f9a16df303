/**
 * The deciders' dependencies (recoveryEvents, recoveryTimer, recoveryReconcile): clients created
 * once per container, config read once. No MediaLive client: recoveryMediaLive
 * (functions/recovery/medialive.ts) makes recovery's MediaLive calls, in recover/observe executions.
 */
import { sns } from '../lib/clients/sns';
import { sfn } from '../lib/clients/sfn';
import { registry } from '../lib/clients/dynamodb';
import { config, getEnvOrThrow } from '../lib/config';
import type { RecoveryDeps } from '../lib/recovery/service';

export const deps: RecoveryDeps = {
  sns, sfn, registry,
  get topicArn() { return config.notificationsTopicArn; },
  get stage() { return config.stage; },
  get recoverStateMachineArn() { return getEnvOrThrow('RECOVER_STATE_MACHINE_ARN'); },
  get observeStateMachineArn() { return getEnvOrThrow('OBSERVE_STATE_MACHINE_ARN'); },
  get stopStateMachineArn() { return getEnvOrThrow('STOP_STATE_MACHINE_ARN'); },
  now: () => new Date(),
};
