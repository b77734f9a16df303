/**
 * Where the CLI sends its requests and which region it signs for (cli/target.ts): the endpoint's
 * host, --region, the environment and the AWS profile's config — not only AWS_REGION.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configuredRegion, credentialsFor, regionFromEndpoint, resolveTarget, stackName, TargetError } from '../../../cli/target';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onair-cli-target-'));
  writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n\n[profile broadcast]\nregion = ap-southeast-2\n\n[profile keysonly]\noutput = json\n');
  writeFileSync(join(dir, 'credentials'), '[broadcast]\naws_access_key_id = AKIDBROADCAST\naws_secret_access_key = broadcast-secret\n\n[keysonly]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = k\nregion = sa-east-1\n');
  // HOME points here too: nothing of the machine's own ~/.aws is read.
  env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('region from the endpoint host', () => {
  it.each([
    ['https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/', 'ap-southeast-2'],
    ['https://A1B2C3.EXECUTE-API.US-WEST-2.AMAZONAWS.COM/prod', 'us-west-2'],
    ['https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['https://vpce-0123-abc.execute-api.eu-central-1.vpce.amazonaws.com', 'eu-central-1'],
    ['https://a1b2c3.execute-api.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['http://127.0.0.1:4581', undefined],
    ['https://api.example.com', undefined],
    ['https://execute-api.example.com.evil.net', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, region) => {
    expect(regionFromEndpoint(url)).toBe(region);
  });
});

describe('the configured region', () => {
  it('--region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile, then us-east-1', async () => {
    expect(await configuredRegion({ region: 'us-west-2' }, { ...env, AWS_REGION: 'eu-north-1' })).toEqual({ region: 'us-west-2', source: '--region' });
    expect((await configuredRegion({}, { ...env, AWS_REGION: 'eu-north-1', AWS_DEFAULT_REGION: 'x' })).region).toBe('eu-north-1');
    expect((await configuredRegion({}, { ...env, AWS_DEFAULT_REGION: 'ca-central-1' })).region).toBe('ca-central-1');
    expect(await configuredRegion({}, env)).toEqual({ region: 'eu-west-1', source: `profile default in ${join(dir, 'config')}` });
    expect((await configuredRegion({ 'aws-profile': 'broadcast' }, env)).region).toBe('ap-southeast-2');
    expect((await configuredRegion({}, { ...env, AWS_PROFILE: 'broadcast' })).region).toBe('ap-southeast-2');
    // --aws-profile wins over AWS_PROFILE; a region only in the credentials file is read too.
    expect((await configuredRegion({ 'aws-profile': 'keysonly' }, { ...env, AWS_PROFILE: 'broadcast' })).region).toBe('sa-east-1');
    expect(await configuredRegion({}, { HOME: dir, AWS_CONFIG_FILE: join(dir, 'none') })).toEqual({ region: 'us-east-1', source: 'the default' });
  });
});

describe('resolveTarget (no stage)', () => {
  const creds = { accessKeyId: 'AKID', secretAccessKey: 's' };

  it('signs for the region in the endpoint\'s host, whatever AWS_REGION and the profile say', async () => {
    const t = await resolveTarget({ endpoint: 'https://abc123.execute-api.eu-west-3.amazonaws.com' }, { ...env, AWS_REGION: 'us-east-1' }, creds);
    expect(t).toMatchObject({ region: 'eu-west-3', regionSource: 'the endpoint abc123.execute-api.eu-west-3.amazonaws.com' });
  });

  it('--region overrides the host (a custom domain in front of another region)', async () => {
    expect((await resolveTarget({ endpoint: 'https://abc.execute-api.eu-west-3.amazonaws.com', region: 'us-east-2' }, env, creds)).region).toBe('us-east-2');
  });

  it('a host without a region (custom domain, the local API) falls back to the environment, then the profile', async () => {
    expect((await resolveTarget({ endpoint: 'https://api.example.com' }, { ...env, AWS_REGION: 'eu-south-1' }, creds)).region).toBe('eu-south-1');
    expect((await resolveTarget({ local: true }, env, creds))).toMatchObject({ endpoint: 'http://127.0.0.1:4581', region: 'eu-west-1' });
    expect((await resolveTarget({}, { ...env, ONAIR_API_URL: 'https://x.execute-api.me-south-1.amazonaws.com' }, creds)).region).toBe('me-south-1');
  });

  it('no endpoint at all is a usage error', async () => {
    await expect(resolveTarget({}, env, creds)).rejects.toMatchObject({ kind: 'usage' });
    await expect(resolveTarget({ endpoint: 'nope' }, env, creds)).rejects.toThrow(TargetError);
  });
});

describe('credentials', () => {
  it('--aws-profile (or AWS_PROFILE) picks the profile\'s keys from the shared files', async () => {
    expect(await credentialsFor({ 'aws-profile': 'broadcast' }, env)).toMatchObject({ accessKeyId: 'AKIDBROADCAST' });
    expect(await credentialsFor({}, { ...env, AWS_PROFILE: 'keysonly' })).toMatchObject({ accessKeyId: 'AKIDKEYS' });
  });

  it('--local uses the local cloud\'s', async () => {
    expect(await credentialsFor({ local: true, 'aws-profile': 'broadcast' }, env)).toMatchObject({ accessKeyId: 'AKIDLOCAL' });
  });

  it('a profile that does not exist is an auth failure (exit 4) naming it', async () => {
    await expect(credentialsFor({ 'aws-profile': 'nobody' }, env)).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('profile nobody') });
  });
});

describe('the stage\'s stack', () => {
  it('is named as the Serverless Framework names it: <service>-<stage> (serverless.yml sets no other stackName)', () => {
    const doc = parse(readFileSync(join(__dirname, '../../../serverless.yml'), 'utf8')) as { service: string; provider: Record<string, unknown> };
    expect(stackName('dev')).toBe(`${doc.service}-dev`);
    expect(doc.provider.stackName).toBeUndefined();
  });
});
