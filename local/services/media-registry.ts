/**
 * How the media services find each other inside one twin (playback needs the distribution, the
 * packager endpoint and the encoder feeding it). Each service registers itself against the TwinEnv it
 * was built with, so two twins in one process (tests) never see each other's resources.
 */
import type { TwinEnv } from '../core/types';
import type { MediaLiveService } from './medialive';
import type { MediaPackageV2Service } from './mediapackagev2';
import type { MediaPackageService } from './mediapackage';
import type { CloudFrontService } from './cloudfront';

export interface MediaRegistry {
  medialive?: MediaLiveService;
  mediapackagev2?: MediaPackageV2Service;
  mediapackage?: MediaPackageService;
  cloudfront?: CloudFrontService;
}

const registries = new WeakMap<object, MediaRegistry>();

export function registerMedia(env: Pick<TwinEnv, 'clock'>, parts: MediaRegistry): void {
  const key = env.clock;
  registries.set(key, { ...(registries.get(key) ?? {}), ...parts });
}

export function mediaRegistry(env: Pick<TwinEnv, 'clock'>): MediaRegistry {
  return registries.get(env.clock) ?? {};
}
