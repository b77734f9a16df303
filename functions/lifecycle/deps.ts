/** Dependencies of the lifecycle task handlers: the shared clients, created once per container. */
import { ddb, registry } from '../lib/clients/dynamodb';
import { scheduler } from '../lib/clients/scheduler';
import { config } from '../lib/config';
import type { LifecycleDeps } from '../lib/api/lifecycle';
import { loadLifecycleSettings } from '../lib/api/settings';

export const lifecycleDeps: LifecycleDeps = {
  registry,
  ddb,
  get channelsTable() { return config.channelsTable; },
  scheduler,
  settings: loadLifecycleSettings(),
  now: () => new Date(),
};
