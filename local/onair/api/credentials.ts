/**
 * The local cloud's credentials: what the twin's SDK clients use and what the local API checks
 * signatures against. Not a secret (nothing reaches AWS with them); overridable through
 * ONAIR_LOCAL_ACCESS_KEY_ID / ONAIR_LOCAL_SECRET_ACCESS_KEY for both the API and the CLI.
 */
export function localCredentials(env: NodeJS.ProcessEnv = process.env): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: env.ONAIR_LOCAL_ACCESS_KEY_ID || 'AKIDLOCAL',
    secretAccessKey: env.ONAIR_LOCAL_SECRET_ACCESS_KEY || 'local',
  };
}

export const LOCAL_API_URL = 'http://127.0.0.1:4581';
/** The local cloud's AWS endpoint (`npm start`'s default port, local/server.ts DEFAULT_PORT): where `onair --local --stage` asks CloudFormation. */
export const LOCAL_TWIN_URL = 'http://127.0.0.1:4580';
