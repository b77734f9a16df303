/** Dependencies of the lifecycle task handlers: the shared clients, created once per container. */
import { ddb, registry } from '../lib/clients/dynamodb';
import { scheduler } from '../lib/clients/scheduler';
import { config } from '../lib/config';
import type { ChannelDeps } from '../lib/channel/deps';
import { loadWorkflowSettings } from '../lib/channel/settings';

export const lifecycleDeps: ChannelDeps = {
  registry,
  ddb,
  get channelsTable() { return config.channelsTable; },
  scheduler,
  settings: loadWorkflowSettings(),
  now: () => new Date(),
};
