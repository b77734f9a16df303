/**
 * `onair console`: the operator console (console/) for any stage, on this machine only. Serves the
 * page on 127.0.0.1 and proxies its API calls to the stage's API, signing each one here with the
 * user's AWS credentials (SigV4, service execute-api) — the credentials never reach the browser and
 * nothing new is exposed in the cloud. The proxy checks Host and Origin and requires the per-run
 * token from the printed URL (console/server.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignatureV4 } from '@smithy/signature-v4';
import { buildConsole } from '../console/build';
import { createConsoleHandler, SECURITY_HEADERS } from '../console/server';

export const CONSOLE_PORT = 4590;

export interface ConsoleServer {
  /** The URL to open, token in the fragment. */
  url: string;
  stop(): Promise<void>;
}

export async function startConsoleServer(options: { endpoint: string; signer: SignatureV4; port?: number }): Promise<ConsoleServer> {
  let port = 0;
  const handler = createConsoleHandler({ files: () => buildConsole(), apiEndpoint: () => options.endpoint, signer: options.signer, port: () => port });
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (await handler.handle(req, res)) return;
      // Only the console lives here: / leads to it, anything else is not found.
      if ((req.url ?? '/') === '/') { res.writeHead(302, { ...SECURITY_HEADERS, location: '/console/' }).end(); return; }
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('Not found\n');
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
      ? new Error(`Port ${options.port ?? CONSOLE_PORT} on 127.0.0.1 is busy: pass --port N (0 picks a free one)`) : error));
    // Loopback only: the page holds a token that spends the user's credentials.
    server.listen(options.port ?? CONSOLE_PORT, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: handler.url(),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
