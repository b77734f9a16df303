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
