/**
 * The twin as other AWS SDKs see it: boto3 (Python) from the machine, which picks JSON 1.0 among
 * CloudWatch's protocols (the JS SDK's CBOR and query forms are proven in protocols.test.ts), and
 * awsQuery, awsJson 1.1, restJson1 and restXml for the others, raising its own typed exceptions. Offline: the twin listens on 127.0.0.1.
 * When python3 with boto3 is not installed the suite is skipped and says so.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { Twin } from '../../../local/server';
import { createCloudWatch } from '../../../local/services/cloudwatch';
import { createSecretsManager } from '../../../local/services/secretsmanager';
import { createSns } from '../../../local/services/sns';
import { createSts } from '../../../local/services/sts';
import { AwsError, type ServiceFactory } from '../../../local/core/types';
import { credentials, withTwin } from './helpers';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
if (!hasBoto3) console.warn('protocols-other-sdks: python3/boto3 not installed here — skipping the boto3 checks');

const miniMediaLive: ServiceFactory = () => ({
  signingName: 'medialive', inventory: () => [],
  operations: { DescribeChannel: (i) => { throw new AwsError('NotFoundException', `Channel ${String(i.ChannelId)} not found`, 404); } },
});
const miniCloudFront: ServiceFactory = () => ({
  signingName: 'cloudfront', inventory: () => [],
  operations: { GetDistribution: () => { throw new AwsError('NoSuchDistribution', 'The specified distribution does not exist.', 404); } },
});

const SCRIPT = String.raw`
import json, sys, boto3
url = sys.argv[1]
kw = dict(endpoint_url=url, region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
out = {}
cw = boto3.client('cloudwatch', **kw)
cw.put_metric_alarm(AlarmName='py-alarm', Namespace='AWS/MediaLive', MetricName='ActiveAlerts', Statistic='Maximum', Period=60,
  EvaluationPeriods=1, Threshold=1, ComparisonOperator='GreaterThanOrEqualToThreshold', Dimensions=[{'Name': 'ChannelId', 'Value': '1'}])
a = cw.describe_alarms(AlarmNames=['py-alarm'])['MetricAlarms'][0]
out['alarm'] = [a['AlarmName'], a['StateValue'], type(a['StateUpdatedTimestamp']).__name__]
try:
    cw.set_alarm_state(AlarmName='py-alarm', StateValue='BOGUS', StateReason='x')
except cw.exceptions.InvalidParameterValueException as e:
    out['cwError'] = e.response['Error']['Code']
out['topic'] = boto3.client('sns', **kw).create_topic(Name='py-topic')['TopicArn']
sm = boto3.client('secretsmanager', **kw)
sm.create_secret(Name='py-secret', SecretString='s3cret')
out['secret'] = sm.get_secret_value(SecretId='py-secret')['SecretString']
try:
    sm.get_secret_value(SecretId='nope')
except sm.exceptions.ResourceNotFoundException:
    out['smError'] = 'ResourceNotFoundException'
out['account'] = boto3.client('sts', **kw).get_caller_identity()['Account']
ml = boto3.client('medialive', **kw)
try:
    ml.describe_channel(ChannelId='999')
except ml.exceptions.NotFoundException as e:
    out['mlError'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
cf = boto3.client('cloudfront', **kw)
try:
    cf.get_distribution(Id='E404')
except cf.exceptions.NoSuchDistribution as e:
    out['cfError'] = e.response['Error']['Code']
print(json.dumps(out))
`;

(hasBoto3 ? describe : describe.skip)('other SDKs: boto3 against the twin', () => {
  let twin: Twin;
  beforeAll(async () => { twin = await withTwin({ services: [createSts, createSns, createSecretsManager, createCloudWatch, miniMediaLive, miniCloudFront] }); });
  afterAll(async () => { await twin.stop(); });

  it('serves every protocol boto3 speaks, with its typed exceptions', async () => {
    // Asynchronously: the twin answers from this same process.
    const { stdout } = await promisify(execFile)('python3', ['-c', SCRIPT, twin.url, credentials.accessKeyId, credentials.secretAccessKey], { timeout: 60_000, env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toEqual({
      alarm: ['py-alarm', 'INSUFFICIENT_DATA', 'datetime'],
      cwError: 'InvalidParameterValue',
      topic: 'arn:aws:sns:us-east-1:111122223333:py-topic',
      secret: 's3cret',
      smError: 'ResourceNotFoundException',
      account: '111122223333',
      mlError: ['NotFoundException', 404],
      cfError: 'NoSuchDistribution',
    });
    const protocols = new Set(twin.requests.list().map((r) => `${r.service}:${r.protocol}`));
    expect([...protocols].sort()).toEqual(['cloudfront:restXml', 'medialive:restJson1', 'monitoring:awsJson1_0', 'secretsmanager:awsJson1_1', 'sns:awsQuery', 'sts:awsQuery']);
  });
});
