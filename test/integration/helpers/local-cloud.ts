/**
 * `withLocalCloud()`: the whole application on the twin for an integration test — real HTTP on a
 * free port, a fresh temporary data folder, the process environment set as `npm start` sets it
 * (AWS_ENDPOINT_URL, local credentials, table, topic, CDN template …), stopped after the suite.
 *
 *   const cloud = useLocalCloud();          // in a describe(): beforeAll/afterAll handled
 *   const sfn = new SFNClient(cloud().clientConfig);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../../local/onair/app';
import { localCredentials } from '../../../local/onair/api/credentials';

/** Twin ms per real ms in tests: AWS's minutes in a fraction of a second, proportions kept. */
export const TEST_SCALE = 400;

export interface TestCloud extends LocalCloud {
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
}

export async function withLocalCloud(options: LocalCloudOptions = {}): Promise<TestCloud & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-it-'));
  const cloud = await startLocalCloud({ port: 0, scale: TEST_SCALE, dataDir, fresh: true, logLevel: 'SILENT', ...options });
  return Object.assign(cloud, {
    // maxAttempts 1: a test sees what the twin answered, not the SDK's retries.
    clientConfig: { endpoint: cloud.url, region: cloud.workflows.region, credentials: localCredentials(), maxAttempts: 1 },
    async cleanup(): Promise<void> {
      await cloud.stop();
      // The twin debounces its snapshot by 250 ms: let a late one land before the folder goes.
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Starts one local cloud for the enclosing describe() and stops it afterwards. */
export function useLocalCloud(options: LocalCloudOptions = {}): () => TestCloud {
  let cloud: (TestCloud & { cleanup(): Promise<void> }) | undefined;
  // Generous hook timeouts: starting the twin (models, dynalite) takes seconds on a busy 2-core CI.
  beforeAll(async () => {
    cloud = await withLocalCloud(options);
  }, 60_000);
  afterAll(async () => {
    await cloud?.cleanup();
  }, 60_000);
  return () => {
    if (!cloud) throw new Error('the local cloud is not started (useLocalCloud must be called inside describe)');
    return cloud;
  };
}
