/**
 * `onair --stage dev status demo` against a stage deployed in eu-west-1 of the local cloud, with no
 * AWS_REGION set: the CLI takes the region from the AWS profile's config, reads the API's URL from
 * the stack's outputs (CloudFormation DescribeStacks, served by the twin in the stack's region
 * only), and signs for that region (the local API refuses any other).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { useLocalCloud } from '../helpers/local-cloud';
import { startLocalApi, type LocalApi } from '../../../local/onair/api';
import { localCredentials } from '../../../local/onair/api/credentials';
import { main } from '../../../cli/main';

jest.setTimeout(120_000);

const REGION = 'eu-west-1';
const cloud = useLocalCloud({ region: REGION });
let api: LocalApi;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  api = await startLocalApi({ port: 0, endpoint: cloud().url, region: cloud().workflows.region, now: () => cloud().twin.clock.now() });
  cloud().publishApiUrl(api.url);
  // A user's AWS setup: a profile whose region is the stage's, keys in the credentials file (the
  // local cloud's), and the CloudFormation endpoint pointed at the local cloud. No AWS_REGION.
  dir = mkdtempSync(join(tmpdir(), 'onair-stage-'));
  const creds = localCredentials();
  writeFileSync(join(dir, 'config'), `[default]\nregion = us-east-1\n\n[profile onair-eu]\nregion = ${REGION}\n`);
  writeFileSync(join(dir, 'credentials'), ['default', 'onair-eu'].map((p) => `[${p}]\naws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\n`).join('\n'));
  env = {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PROFILE: 'onair-eu',
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloud().url,
  };
});
afterAll(async () => {
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function onair(e: NodeJS.ProcessEnv, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  // No `credentials` seam: the CLI finds them itself (the profile's, or --local's).
  const code = await main([...args, '--poll-ms', '50'], {
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; }, isTTY: false },
    env: e,
  });
  return { code, stdout, stderr };
}

describe('a stage in eu-west-1 of the local cloud', () => {
  it('serves the stack\'s outputs in its region only, as CloudFormation does', async () => {
    const config = { endpoint: cloud().url, credentials: localCredentials(), maxAttempts: 1 };
    const eu = new CloudFormationClient({ ...config, region: REGION });
    const us = new CloudFormationClient({ ...config, region: 'us-east-1' });
    try {
      const { Stacks } = await eu.send(new DescribeStacksCommand({ StackName: 'onair-dev' }));
      expect(Stacks).toHaveLength(1);
      expect(Stacks![0]).toMatchObject({ StackName: 'onair-dev', StackStatus: expect.stringMatching(/_COMPLETE$/), StackId: expect.stringMatching(/^arn:aws:cloudformation:eu-west-1:\d{12}:stack\/onair-dev\//) });
      expect(Stacks![0]!.Outputs).toContainEqual(expect.objectContaining({ OutputKey: 'HttpApiUrl', OutputValue: api.url }));
      // By its stack id too; and every stack of the region without a name.
      expect((await eu.send(new DescribeStacksCommand({ StackName: Stacks![0]!.StackId }))).Stacks![0]!.StackName).toBe('onair-dev');
      expect((await eu.send(new DescribeStacksCommand({}))).Stacks!.map((s) => s.StackName)).toEqual(['onair-dev']);
      await expect(us.send(new DescribeStacksCommand({ StackName: 'onair-dev' }))).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id onair-dev does not exist' });
      expect((await us.send(new DescribeStacksCommand({}))).Stacks ?? []).toEqual([]);
    } finally {
      eu.destroy();
      us.destroy();
    }
  });

  it('onair --stage dev status demo works without AWS_REGION', async () => {
    expect(env.AWS_REGION).toBeUndefined();
    const since = cloud().twin.requests.list().at(-1)?.seq ?? 0;
    const created = await onair(env, '--stage', 'dev', 'create', '--id', 'demo', '--profile', 'single-pipeline', '--cidr', '203.0.113.10/32', '--no-start');
    expect(created.stderr).not.toMatch(/onair:/);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/demo is IDLE/);

    const status = await onair(env, '--stage', 'dev', 'status', 'demo');
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toMatch(/Channel\s+demo\n/);
    expect(status.stdout).toMatch(/Status\s+IDLE\n/);
    // The local stack has no dashboard (CloudWatch dashboards are not modelled), so no line for it;
    // a deployed stack's DashboardUrl output (serverless.yml Outputs) is printed under the channel.
    expect(status.stdout).not.toMatch(/Dashboard/);
    const dashboard = 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/onair-dev';
    (cloud().twin.services.get('cloudformation') as unknown as { setOutput(region: string, name: string, key: string, o: { value: string }): void }).setOutput(REGION, 'onair-dev', 'DashboardUrl', { value: dashboard });
    const withDashboard = await onair(env, '--stage', 'dev', 'status', 'demo');
    expect(withDashboard.stdout).toContain(`Dashboard     ${dashboard}\n`);

    // Every request went where the stage is: the stack looked up in eu-west-1, the channel's
    // MediaLive input made there.
    const stacks = cloud().twin.requests.list({ service: 'cloudformation', operation: 'DescribeStacks', since });
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(stacks.map((r) => r.region))).toEqual(new Set([REGION]));
    const inputs = cloud().twin.requests.list({ service: 'medialive', operation: 'CreateInput', since });
    expect(inputs.map((r) => r.region)).toEqual([REGION]);
  });

  it('--local signs with the local credentials and finds the stage the same way', async () => {
    const { AWS_PROFILE: _p, AWS_SHARED_CREDENTIALS_FILE: _c, ...rest } = env;
    const r = await onair({ ...rest, AWS_CONFIG_FILE: join(dir, 'config') }, '--local', '--stage', 'dev', '--aws-profile', 'onair-eu', 'status', 'demo', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ channelId: 'demo', status: 'IDLE' });
  });

  it('looked up in another region, the stage is not there: exit 3, naming the region and where it came from', async () => {
    const r = await onair({ ...env, AWS_PROFILE: '' }, '--stage', 'dev', '--aws-profile', 'default', 'status', 'demo');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('No stage "dev": stack onair-dev does not exist in us-east-1 (region from profile default in');
    const wrongStage = await onair(env, '--stage', 'prod', 'status', 'demo');
    expect(wrongStage.code).toBe(3);
    expect(wrongStage.stderr).toContain('stack onair-prod does not exist in eu-west-1');
  });

  it('signed for another region than the stage\'s, the API refuses (403 → exit 4)', async () => {
    const r = await onair(env, '--endpoint', api.url, '--region', 'us-east-1', 'status', 'demo');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('eu-west-1');
  });
});
