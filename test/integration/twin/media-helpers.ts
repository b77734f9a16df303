/** Shared by the media integration tests: the twin with the media services, and polling on real time. */
import type { ServiceFactory } from '../../../local/core/types';
import type { Twin } from '../../../local/server';
import { createCloudFront } from '../../../local/services/cloudfront';
import { createMediaLive } from '../../../local/services/medialive';
import { createMediaPackage } from '../../../local/services/mediapackage';
import { createMediaPackageV2 } from '../../../local/services/mediapackagev2';
import { createSecretsManager } from '../../../local/services/secretsmanager';
import { createSts } from '../../../local/services/sts';
import { withTwin } from './helpers';

export const MEDIA: ServiceFactory[] = [createSts, createSecretsManager, createMediaLive, createMediaPackageV2, createMediaPackage, createCloudFront];

export function mediaTwin(scale = 2000): Promise<Twin> {
  return withTwin({ services: MEDIA, scale });
}

/** Polls until `check` returns a value (not undefined); real time, bounded. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function cdnGet(twin: Twin, domain: string, path: string): Promise<{ status: number; type: string | null; cache: string | null; body: string }> {
  const res = await fetch(`${twin.url}/_cdn/${domain}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), body: await res.text() };
}
