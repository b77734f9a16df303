import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ChannelDeps } from '../channel/deps';
import type { QuotaValues } from '../../../lib/aws-quotas';
import type { LifecycleSettings } from './settings';
import type { IdempotencyStore } from './idempotency';

/** Everything the API's domain functions use, injected (Lambda: real clients; tests: mocks; local: twin). */
export interface ApiDeps extends ChannelDeps {
  idempotency: IdempotencyStore;
  sfn: SFNClient;
  settings: LifecycleSettings;
  /** Stage and account quotas a new channel must fit (lib/capacity.ts); default: lib/config.ts. */
  capacity?: { stage: string; quotas: QuotaValues };
}
