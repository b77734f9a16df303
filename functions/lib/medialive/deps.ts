/** What the MediaLive operations need (functions/lib/medialive/operations.ts, input-security-groups.ts). */
import type { MediaLiveClient } from '@aws-sdk/client-medialive';
import type { Config } from '../config';
import type { ChannelRegistry } from '../channel/registry';

export interface MediaLiveDeps {
  medialive: MediaLiveClient;
  registry: Pick<ChannelRegistry, 'recordResource' | 'update' | 'forgetMediaLiveStates' | 'list'>;
  /** Read lazily: only ensureChannel (and MEDIACONNECT inputs) need the role. */
  config: Pick<Config, 'stage' | 'medialiveRoleArn'>;
}

/** A state MediaLive keeps a deleted resource describable in for a while. */
export const GONE = new Set(['DELETED']);

/** A delete step's answer: done, or not yet (the state it is in). */
export interface DeleteResult { deleted: boolean; state?: string }
