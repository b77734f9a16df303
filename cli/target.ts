/**
 * Where `onair` sends its requests and how it signs them: the API's URL (--endpoint, --stage,
 * --local, $ONAIR_API_URL), the credentials (--local's, or the AWS chain with --aws-profile /
 * $AWS_PROFILE) and the signing region.
 *
 * The signing region, first that applies:
 *   1. --region;
 *   2. the endpoint's host: API Gateway's default endpoints are
 *      `{api-id}.execute-api.{region}.amazonaws.com` (API Gateway Developer Guide, "Invoking an HTTP
 *      API" / "Invoking a REST API"; `.amazonaws.com.cn` in the China regions, and
 *      `{vpce-id}-{api-id}.execute-api.{region}.vpce.amazonaws.com` for a private API's VPC endpoint);
 *      the local API (http://127.0.0.1:4581) and custom domains name no region;
 *   3. the region the stage's stack was found in (--stage);
 *   4. $AWS_REGION, then $AWS_DEFAULT_REGION;
 *   5. the AWS profile's `region` in the shared config file, then the credentials file
 *      (AWS SDKs and Tools Reference Guide, "Shared config and credentials files" and "AWS Region":
 *      $AWS_CONFIG_FILE, default ~/.aws/config, section `[profile NAME]` or `[default]`);
 *   6. us-east-1.
 * The stage's stack is looked up in 1, 4, 5 or 6 (its region is what is being found).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { AwsCredentialIdentity } from '@smithy/types';
import { localCredentials, LOCAL_API_URL, LOCAL_TWIN_URL } from '../local/onair/api/credentials';

/** The stage's stack: the Serverless Framework names it `<service>-<stage>` (serverless.yml `service: onair`). */
export const stackName = (stage: string): string => `onair-${stage}`;
/** The output the Serverless Framework gives a stage's HTTP API (`https://{api-id}.execute-api.{region}.amazonaws.com`). */
export const API_URL_OUTPUT = 'HttpApiUrl';
/** The stage's CloudWatch dashboard (serverless.yml Outputs.DashboardUrl). */
export const DASHBOARD_URL_OUTPUT = 'DashboardUrl';
export const DEFAULT_REGION = 'us-east-1';

const EXECUTE_API_HOST = /^(?:[a-z0-9-]+\.)?execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

/** The region in an API Gateway default endpoint's host, or undefined (local API, custom domain). */
export function regionFromEndpoint(endpoint: string): string | undefined {
  let host: string;
  try { host = new URL(endpoint).hostname.toLowerCase(); } catch { return undefined; }
  return EXECUTE_API_HOST.exec(host)?.[1];
}

export interface Region { region: string; source: string }

/** The AWS profile's region from the shared config (then credentials) file, as the SDKs read it. */
export async function profileRegion(env: NodeJS.ProcessEnv, profile: string | undefined): Promise<Region | undefined> {
  const name = profile || env.AWS_PROFILE || 'default';
  const home = env.HOME || homedir();
  const configFile = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  // loadSharedConfigFiles reads `[profile NAME]` (and `[default]`) of the config file as NAME, and
  // a missing file as empty.
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true });
  const fromConfig = files.configFile[name]?.region;
  if (fromConfig) return { region: fromConfig, source: `profile ${name} in ${configFile}` };
  const fromCredentials = files.credentialsFile[name]?.region;
  if (fromCredentials) return { region: fromCredentials, source: `profile ${name} in ${credentialsFile}` };
  return undefined;
}

/** Where the user told the tools their region is: --region, then the environment, then the profile. */
export async function configuredRegion(flags: Record<string, string | boolean>, env: NodeJS.ProcessEnv): Promise<Region> {
  if (typeof flags.region === 'string') return { region: flags.region, source: '--region' };
  if (env.AWS_REGION) return { region: env.AWS_REGION, source: '$AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { region: env.AWS_DEFAULT_REGION, source: '$AWS_DEFAULT_REGION' };
  return (await profileRegion(env, awsProfile(flags, env))) ?? { region: DEFAULT_REGION, source: 'the default' };
}

export const awsProfile = (flags: Record<string, string | boolean>, env: NodeJS.ProcessEnv): string | undefined =>
  (typeof flags['aws-profile'] === 'string' ? flags['aws-profile'] : undefined) || env.AWS_PROFILE || undefined;

export class TargetError extends Error {
  constructor(readonly kind: 'usage' | 'auth' | 'not-found' | 'failed', message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export interface Target {
  endpoint: string;
  region: string;
  /** How the region was chosen (for messages). */
  regionSource: string;
  credentials: AwsCredentialIdentity;
  /** The stage's CloudWatch dashboard, when the stage was found through its stack (--stage). */
  dashboardUrl?: string;
}

/** The credentials: the test seam, --local's, or the AWS chain (with the chosen profile). */
export async function credentialsFor(flags: Record<string, string | boolean>, env: NodeJS.ProcessEnv, given?: AwsCredentialIdentity): Promise<AwsCredentialIdentity> {
  if (given) return given;
  if (flags.local) return localCredentials(env);
  const profile = awsProfile(flags, env);
  try {
    // The profile, and the files named in this environment (the SDK would read process.env's).
    return await fromNodeProviderChain({
      ...(profile ? { profile } : {}),
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    })();
  } catch (error) {
    throw new TargetError('auth', `No AWS credentials found to sign the request${profile ? ` (profile ${profile})` : ''} (${error instanceof Error ? error.message : String(error)}). Configure them (aws configure / --aws-profile / AWS_PROFILE) or use --local.`);
  }
}

/**
 * The stage's API URL from its stack's outputs (CloudFormation DescribeStacks, AWS CloudFormation
 * API Reference: a stack that does not exist is a ValidationError "Stack with id … does not exist").
 * With --local the local cloud answers ($AWS_ENDPOINT_URL_CLOUDFORMATION, $AWS_ENDPOINT_URL, or
 * npm start's http://127.0.0.1:4580).
 */
export async function apiUrlOfStage(stage: string, where: Region, credentials: AwsCredentialIdentity, options: { local: boolean; env: NodeJS.ProcessEnv }): Promise<{ url: string; dashboardUrl?: string }> {
  // Service-specific endpoint variables (AWS SDKs and Tools Reference Guide, "Service-specific endpoints").
  const endpoint = options.env.AWS_ENDPOINT_URL_CLOUDFORMATION || options.env.AWS_ENDPOINT_URL || (options.local ? LOCAL_TWIN_URL : undefined);
  const client = new CloudFormationClient({ region: where.region, credentials, maxAttempts: 2, ...(endpoint ? { endpoint } : {}) });
  const name = stackName(stage);
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: name }));
    const stack = out.Stacks?.[0];
    const url = stack?.Outputs?.find((o) => o.OutputKey === API_URL_OUTPUT)?.OutputValue;
    if (!url) throw new TargetError('not-found', `Stack ${name} in ${where.region} has no ${API_URL_OUTPUT} output (is the API deployed?${options.local ? ' is the local API running?' : ''})`);
    const dashboardUrl = stack?.Outputs?.find((o) => o.OutputKey === DASHBOARD_URL_OUTPUT)?.OutputValue;
    return { url, ...(dashboardUrl ? { dashboardUrl } : {}) };
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) {
      throw new TargetError('not-found', `No stage "${stage}": stack ${name} does not exist in ${where.region} (region from ${where.source}). Deployed elsewhere? Pass --region.`);
    }
    const status = e.$metadata?.httpStatusCode;
    if (status === 403 || e.name === 'AccessDenied' || e.name === 'ExpiredToken' || e.name === 'InvalidClientTokenId') {
      throw new TargetError('auth', `Cannot read stack ${name} in ${where.region}: ${e.message ?? e.name} (cloudformation:DescribeStacks is needed)`);
    }
    throw new TargetError('failed', `Cannot read stack ${name} in ${where.region}${endpoint ? ` at ${endpoint}` : ''}: ${e.message ?? String(error)}`);
  } finally {
    client.destroy();
  }
}

/** The API endpoint, the signing region and the credentials for this command line. */
export async function resolveTarget(flags: Record<string, string | boolean>, env: NodeJS.ProcessEnv, given?: AwsCredentialIdentity): Promise<Target> {
  const local = Boolean(flags.local);
  const credentials = await credentialsFor(flags, env, given);
  let endpoint = typeof flags.endpoint === 'string' ? flags.endpoint : undefined;
  let stackRegion: Region | undefined;
  let dashboardUrl: string | undefined;
  if (typeof flags.stage === 'string') {
    stackRegion = await configuredRegion(flags, env);
    ({ url: endpoint, dashboardUrl } = await apiUrlOfStage(flags.stage, stackRegion, credentials, { local, env }));
  }
  endpoint ??= local ? LOCAL_API_URL : env.ONAIR_API_URL;
  if (!endpoint) throw new TargetError('usage', 'No API endpoint: pass --endpoint URL or --stage NAME, set ONAIR_API_URL, or use --local');
  try { new URL(endpoint); } catch { throw new TargetError('usage', `--endpoint ${endpoint} is not a URL`); }
  const fromHost = regionFromEndpoint(endpoint);
  const region: Region = typeof flags.region === 'string' ? { region: flags.region, source: '--region' }
    : fromHost ? { region: fromHost, source: `the endpoint ${new URL(endpoint).hostname}` }
      : stackRegion ? { region: stackRegion.region, source: `the stack's region (${stackRegion.source})` }
        : await configuredRegion(flags, env);
  return { endpoint, region: region.region, regionSource: region.source, credentials, ...(dashboardUrl ? { dashboardUrl } : {}) };
}
