/** The API's dependencies in Lambda: the shared clients, created once per container. */
import { ddb, registry } from '../clients/dynamodb';
import { sfn } from '../clients/sfn';
import { scheduler } from '../clients/scheduler';
import { config } from '../config';
import type { ApiDeps } from './deps';
import { IdempotencyStore } from './idempotency';
import { loadLifecycleSettings } from './settings';

const settings = loadLifecycleSettings();
const now = () => new Date();

export const apiDeps: ApiDeps = {
  registry,
  ddb,
  get channelsTable() { return config.channelsTable; },
  idempotency: new IdempotencyStore({ ddb, get tableName() { return settings.idempotencyTable; }, now }),
  sfn,
  scheduler,
  settings,
  now,
};
