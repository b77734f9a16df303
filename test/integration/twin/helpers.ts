/** Starting the twin for protocol tests: real HTTP on a free port, clients with local credentials. */
import { startTwin, type Twin, type TwinOptions } from '../../../local/server';

export const credentials = { accessKeyId: 'AKIDTWINLOCAL', secretAccessKey: 'twin-local-secret' };

export function clientConfig(twin: Twin, region = 'us-east-1'): { endpoint: string; region: string; credentials: typeof credentials; maxAttempts: number } {
  // maxAttempts 1: the tests look at the error AWS returns, not at the SDK's retries.
  return { endpoint: twin.url, region, credentials, maxAttempts: 1 };
}

export async function withTwin(opts: TwinOptions = {}): Promise<Twin> {
  return startTwin({ port: 0, scale: 1000, ...opts });
}
