/** The recovery functions' dependencies: clients created once per container, config read once. */
import { medialive } from '../lib/clients/medialive';
import { sns } from '../lib/clients/sns';
import { sfn } from '../lib/clients/sfn';
import { registry } from '../lib/clients/dynamodb';
import { config, getEnvOrThrow } from '../lib/config';
import type { RecoveryDeps } from '../lib/recovery/service';

export const deps: RecoveryDeps = {
  medialive, sns, sfn, registry,
  get topicArn() { return config.notificationsTopicArn; },
  get stage() { return config.stage; },
  get recoverStateMachineArn() { return getEnvOrThrow('RECOVER_STATE_MACHINE_ARN'); },
  get stopStateMachineArn() { return getEnvOrThrow('STOP_STATE_MACHINE_ARN'); },
  now: () => new Date(),
};
