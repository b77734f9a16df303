import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChannelRegistry } from './registry';
import type { WorkflowSettings } from './settings';

/** What the channel domain uses, injected (Lambda: the shared clients; tests: mocks; local: the twin). */
export interface ChannelDeps {
  registry: ChannelRegistry;
  /** The registry's document client and table (the API builds the lock's GuardDeps from them; every write goes through ChannelRegistry). */
  ddb: DynamoDBDocumentClient;
  channelsTable: string;
  scheduler: SchedulerClient;
  settings: WorkflowSettings;
  now: () => Date;
}
