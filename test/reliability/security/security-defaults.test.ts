/**
 * Security by default, asserted where it is decided: on the requests OnAir's builders produce,
 * on the packaged CloudFormation template, and on what a real provision in the local cloud
 * leaves behind (registry item, environment, every log line written by the handlers).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildDistributionConfig } from '../../../functions/lib/cdn/builders';
import { buildInputSecurityGroupRequest } from '../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../functions/lib/packager';
import { buildCdnSecretRequest, buildV1OriginEndpointRequests } from '../../../functions/lib/packager/v1';
import { resolveProfile, type ProfileOverrides } from '../../../functions/lib/profile';
import type { ChannelRecord, PackagerResources } from '../../../functions/lib/channel/registry';
import { localCredentials } from '../../../local/onair/api/credentials';
import { loadWorkflows } from '../../../local/onair/workflows';
import { useLocalCloud } from '../../integration/helpers/local-cloud';
import { harness, run } from '../../integration/workflows/lifecycle';
import { captureLogs } from '../fuzz/hostile';
import { recordFigures, ROOT } from '../lib/figures';
import { packagedTemplate, type Template } from '../lib/template';

const STAGE = 'dev';
// A distinctive secret key for the local cloud's SDK clients (the default, 'local', is a common word).
process.env.ONAIR_LOCAL_SECRET_ACCESS_KEY = `sk-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const checks: [string, string][] = [];
const passed = (what: string, where: string): void => { checks.push([what, where]); };

function record(profileName: string, overrides: ProfileOverrides = {}): ChannelRecord {
  const profile = resolveProfile(profileName, { input: { allowedCidrs: ['198.51.100.7/32'] }, ...overrides });
  return {
    channelId: 'sec-1', generation: 'gen0001', profileName: profile.name, profile, status: 'PROVISIONING', desiredState: 'ON_AIR',
    resources: {
      packager: { kind: profile.packager.kind, originEndpoints: {}, channelGroupEgressDomain: 'abc.egress.mediapackagev2.us-east-1.amazonaws.com', channelGroupName: 'onair-dev', channelName: 'onair-sec-1' } as unknown as PackagerResources,
      alarms: {},
    },
    createdAt: '2026-11-24T00:00:00.000Z', updatedAt: '2026-11-24T00:00:00.000Z',
  };
}

afterAll(() => {
  recordFigures('security', {
    headline: { 'security properties asserted': checks.length },
    table: { columns: ['property', 'asserted on'], rows: checks },
  });
});

describe('built requests', () => {
  it.each(['default', 'mediapackage-v1'])('CloudFront (%s): viewers redirected to HTTPS, origin HTTPS-only and protected', (profileName) => {
    const r = record(profileName);
    const origin = (() => {
      try { return packagerFor(r).cdnOrigin(r); } catch { return undefined; }
    })() ?? { domainName: 'origin.example.com', originPath: '', protection: r.profile.packager.kind === 'mediapackage-v2' ? { kind: 'oac' as const } : { kind: 'cdn-identifier-header' as const, headerName: 'X-MediaPackage-CDNIdentifier' } };
    const config = buildDistributionConfig({
      record: r, stage: STAGE, origin: origin as Parameters<typeof buildDistributionConfig>[0]['origin'],
      originAccessControlId: 'E2OACEXAMPLE', cdnIdentifier: '6f1c2a34-0000-4000-8000-000000000000', manifestCachePolicyId: 'policy',
    }).DistributionConfig!;
    const behaviours = [config.DefaultCacheBehavior!, ...(config.CacheBehaviors?.Items ?? [])];
    expect(behaviours.length).toBeGreaterThan(1);
    for (const b of behaviours) expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
    for (const o of config.Origins!.Items!) {
      expect(o.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
      expect(o.CustomOriginConfig?.OriginSslProtocols?.Items).toEqual(['TLSv1.2']);
      if (r.profile.packager.kind === 'mediapackage-v2') {
        expect(o.OriginAccessControlId).toBe('E2OACEXAMPLE');
      } else {
        expect(o.CustomHeaders?.Items?.map((h) => h.HeaderName)).toEqual(['X-MediaPackage-CDNIdentifier']);
      }
    }
    passed(`CloudFront ${profileName}: redirect-to-https on every behaviour, origin https-only TLSv1.2, ${r.profile.packager.kind === 'mediapackage-v2' ? 'OAC' : 'CDN identifier header'}`, 'buildDistributionConfig');
  });

  it('MediaPackage v1 endpoints require CDN authorization from a Secrets Manager secret; the value lives only in the secret', () => {
    const r = record('mediapackage-v1');
    const secretArn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:onair/dev/sec-1-AbCdEf';
    const plans = buildV1OriginEndpointRequests(r, STAGE, secretArn, 'arn:aws:iam::111122223333:role/secrets');
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) expect(p.request.Authorization).toEqual({ CdnIdentifierSecret: secretArn, SecretsRoleArn: 'arn:aws:iam::111122223333:role/secrets' });
    const secret = buildCdnSecretRequest(r, STAGE, 'the-identifier');
    expect(JSON.stringify(plans)).not.toContain('the-identifier');
    expect(secret.SecretString).toContain('the-identifier');
    passed('MediaPackage v1: every endpoint behind CDN authorization (secret ARN + role), identifier only in the secret', 'buildV1OriginEndpointRequests');
  });

  it('input security groups never open to 0.0.0.0/0 unless the request lists it explicitly', () => {
    for (const type of ['RTMP_PUSH', 'RTP_PUSH'] as const) {
      // No list: refused by the profile schema (and the builder), never defaulted to the world.
      expect(() => resolveProfile('default', { input: { type } })).toThrow(/allowedCidrs/);
      const narrow = buildInputSecurityGroupRequest(record('default', { input: { type, allowedCidrs: ['198.51.100.7/32'] } }), STAGE);
      expect(narrow.WhitelistRules).toEqual([{ Cidr: '198.51.100.7/32' }]);
      const world = buildInputSecurityGroupRequest(record('default', { input: { type, allowedCidrs: ['0.0.0.0/0'] } }), STAGE);
      expect(world.WhitelistRules).toEqual([{ Cidr: '0.0.0.0/0' }]);
    }
    passed('input security groups: no CIDR list is refused; 0.0.0.0/0 only when listed explicitly', 'resolveProfile + buildInputSecurityGroupRequest');
  });
});

describe('packaged template', () => {
  let t: Template;
  beforeAll(() => { t = packagedTemplate(); }, 300_000);

  it('encrypts the topic with a customer key and every table at rest, with point-in-time recovery', () => {
    const topics = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::SNS::Topic');
    expect(topics.length).toBeGreaterThan(0);
    for (const [, topic] of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const tables = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const [id, table] of tables) {
      expect({ id, sse: table.Properties.SSESpecification, pitr: table.Properties.PointInTimeRecoverySpecification })
        .toEqual({ id, sse: { SSEEnabled: true }, pitr: { PointInTimeRecoveryEnabled: true } });
    }
    passed(`SNS topic KMS-encrypted; ${tables.length} DynamoDB tables SSE + PITR`, 'packaged template');
  });

  it('authenticates every API route', () => {
    const routes = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
    const declared = Object.values(loadWorkflows({ root: ROOT }).functions).length;
    expect(declared).toBeGreaterThan(0);
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const [id, r] of routes) expect({ id, auth: r.Properties.AuthorizationType }).toEqual({ id, auth: expect.stringMatching(/^(AWS_IAM|JWT)$/) });
    passed(`${routes.length} HTTP API routes, each IAM (or JWT) authorized`, 'packaged template');
  });

  it('keeps secrets out of function environments and state machine logs', () => {
    const secretish = /(secret|password|token|identifier|credential|private)/i;
    for (const [id, r] of Object.entries(t.Resources)) {
      if (r.Type === 'AWS::Lambda::Function') {
        const vars = ((r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
        for (const [k, v] of Object.entries(vars)) {
          // Names of ARNs/roles are fine; a literal value under a secret-looking name is not.
          if (secretish.test(k)) expect({ id, k, literal: typeof v === 'string' && !/^arn:/.test(v) }).toEqual({ id, k, literal: false });
        }
      }
      if (r.Type === 'AWS::StepFunctions::StateMachine') {
        expect((r.Properties.LoggingConfiguration as { IncludeExecutionData?: boolean }).IncludeExecutionData).toBe(false);
      }
    }
    passed('no literal secret in any function environment; state machine logs exclude execution data', 'packaged template');
  });
});

describe('a real provision in the local cloud (MediaPackage v1: the profile with a secret)', () => {
  const cloud = useLocalCloud({ logLevel: 'DEBUG' });
  const h = harness(cloud);

  it('keeps the CDN identifier and credentials out of the registry, the environment and every log line', async () => {
    const logs = captureLogs();
    const { lines } = logs;
    let exec;
    try {
      exec = await run(h(), 'provision', { channelId: 'sec-v1', profileName: 'mediapackage-v1', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });
      // A failing provision logs errors too: make one fail at the distribution and roll back.
      cloud().twin.faults.inject({ service: 'cloudfront', operation: 'CreateDistributionWithTags', nth: 1, times: 1, error: { code: 'InvalidArgument', message: 'injected' } });
      await run(h(), 'provision', { channelId: 'sec-v1-fail', profileName: 'mediapackage-v1', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });
    } finally {
      logs.stop();
    }
    expect(exec.status).toBe('SUCCEEDED');
    const rec = await h().registry.get('sec-v1');
    const secretArn = (rec.resources.packager as { cdnSecretArn?: string }).cdnSecretArn!;
    expect(secretArn).toMatch(/^arn:aws:secretsmanager:/);
    const sm = new SecretsManagerClient(cloud().clientConfig);
    const value = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!) as Record<string, string>;
    const identifier = Object.values(value)[0]!;
    expect(identifier.length).toBeGreaterThanOrEqual(16);
    const creds = localCredentials();
    const secrets = [identifier, creds.secretAccessKey];

    // Handlers did log (so the scan below means something).
    const logText = lines.join('');
    expect(logText).toMatch(/"level":"ERROR","message":"createDistribution failed"/);
    const leaking = (s: string) => lines.filter((l) => l.includes(s)).map((l) => l.slice(0, 400));
    expect({ identifier: leaking(identifier), credential: leaking(creds.secretAccessKey) }).toEqual({ identifier: [], credential: [] });
    for (const s of secrets) {
      expect(JSON.stringify(rec).includes(s)).toBe(false);
      expect(JSON.stringify(await h().registry.get('sec-v1-fail')).includes(s)).toBe(false);
      for (const [k, v] of Object.entries(cloud().environment)) expect({ k, leaks: v.includes(s) && k !== 'AWS_SECRET_ACCESS_KEY' }).toEqual({ k, leaks: false });
    }
    // Notifications are plain text for humans: no secret either.
    const sns = cloud().twin.services.get('sns') as unknown as { published(): { Message: string }[] };
    const messages = JSON.stringify(sns.published());
    for (const s of secrets) expect(messages.includes(s)).toBe(false);
    passed(`CDN identifier + credentials absent from ${lines.length} log writes, the registry items, the environment and ${sns.published().length} notifications`, 'provision + failed provision in the local cloud');
  }, 120_000);
});
