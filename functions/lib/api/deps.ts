import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ChannelDeps } from '../channel/deps';
import type { QuotaValues } from '../../../lib/aws-quotas';
import type { LifecycleSettings } from './settings';
import type { IdempotencyStore } from './idempotency';
import type { CloudWatchIn } from '../alarms/states';

/** Everything the API's domain functions use, injected (Lambda: real clients; tests: mocks; local: twin). */
export interface ApiDeps extends ChannelDeps {
  idempotency: IdempotencyStore;
  sfn: SFNClient;
  settings: LifecycleSettings;
  /** Stage and account quotas a new channel must fit (lib/capacity.ts); default: lib/config.ts. */
  capacity?: { stage: string; quotas: QuotaValues };
  /**
   * CloudWatch in a region: GET /channels and GET /channels/{id} read alarm states with it. Only the
   * read Lambda has it (functions/api/read.ts), so the other API bundles carry no CloudWatch client;
   * without it the answers hold no alarm states.
   */
  cloudwatch?: CloudWatchIn;
}
