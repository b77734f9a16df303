import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QuotaValues } from '../quotas';
import type { ChannelRegistry } from '../registry';
import type { LifecycleSettings } from './settings';
import type { IdempotencyStore } from './idempotency';

/** Everything the API's domain functions use, injected (Lambda: real clients; tests: mocks; local: twin). */
export interface ApiDeps {
  registry: ChannelRegistry;
  /** The registry's document client and table, for the guard's and broadcasts' conditional writes. */
  ddb: DynamoDBDocumentClient;
  channelsTable: string;
  idempotency: IdempotencyStore;
  sfn: SFNClient;
  scheduler: SchedulerClient;
  settings: LifecycleSettings;
  now: () => Date;
  /** Stage and account quotas a new channel must fit (lib/capacity.ts); default: lib/config.ts. */
  capacity?: { stage: string; quotas: QuotaValues };
}
