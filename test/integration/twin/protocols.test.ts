/**
 * The twin's wire protocols, proven with the real AWS SDK v3 clients over HTTP (and raw HTTP for
 * the paths other SDKs and the CLI take): restJson1, restXml, awsJson 1.0/1.1, awsQuery, Smithy RPC v2
 * CBOR; typed exceptions; validation against the model; rate limiting; fault injection; control API.
 * MediaLive and CloudFront are served here by small test behaviours so the protocol layer is tested
 * on its own (their real behaviours have their own suites).
 */
import { CloudFrontClient, CreateDistributionWithTagsCommand, DeleteDistributionCommand, GetDistributionCommand, NoSuchDistribution, PreconditionFailed } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient, type CloudWatchClientConfig, DeleteAlarmsCommand, DescribeAlarmsCommand, InvalidParameterValueException, ListTagsForResourceCommand, PutMetricAlarmCommand, ResourceNotFound, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { BadRequestException, CreateChannelCommand, DeleteChannelCommand, CreateInputSecurityGroupCommand, DescribeChannelCommand, ListChannelsCommand, MediaLiveClient, NotFoundException, TooManyRequestsException, UnprocessableEntityException } from '@aws-sdk/client-medialive';
import { CreateTopicCommand, InvalidParameterException, ListTopicsCommand, NotFoundException as SnsNotFound, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { cbor } from '@smithy/core/cbor';
import { AwsError, type DeliveredEvent, type ServiceFactory } from '../../../local/core/types';
import type { Twin } from '../../../local/server';
import { createCloudWatch } from '../../../local/services/cloudwatch';
import { createSns } from '../../../local/services/sns';
import { createSts } from '../../../local/services/sts';
import { clientConfig, withTwin } from './helpers';

/** A MediaLive stand-in: records inputs, answers in model names, throws AWS's errors. */
function testMediaLive(seen: Record<string, unknown>[]): ServiceFactory {
  return () => ({
    signingName: 'medialive',
    inventory: () => [],
    operations: {
      CreateInputSecurityGroup: (i) => { seen.push(i); return { SecurityGroup: { Id: '913', Arn: 'arn:aws:medialive:us-east-1:111122223333:inputSecurityGroup:913', WhitelistRules: i.WhitelistRules, State: 'IDLE', Tags: i.Tags } }; },
      DescribeChannel: (i) => {
        if (i.ChannelId === 'missing') throw new AwsError('NotFoundException', 'The channel missing does not exist', 404);
        return { Id: i.ChannelId, State: 'IDLE', PipelinesRunningCount: 0, ChannelClass: 'STANDARD' };
      },
      ListChannels: (i) => { seen.push(i); return { Channels: [{ Id: '1', Name: 'a', State: 'IDLE' }] }; },
      CreateChannel: (i) => { seen.push(i); return { Channel: { Id: '42', Name: i.Name, State: 'CREATING' } }; },
    },
  });
}

/** A CloudFront stand-in for restXml: ETag headers, If-Match, payload members, query-literal routes. */
function testCloudFront(seen: Record<string, unknown>[]): ServiceFactory {
  const dist = (id: string, config: unknown) => ({
    Id: id, ARN: `arn:aws:cloudfront::111122223333:distribution/${id}`, Status: 'InProgress', LastModifiedTime: new Date('2026-11-24T12:00:00Z'),
    InProgressInvalidationBatches: 0, DomainName: `${id.toLowerCase()}.cloudfront.net`, DistributionConfig: config,
  });
  return () => ({
    signingName: 'cloudfront',
    inventory: () => [],
    operations: {
      CreateDistributionWithTags: (i) => {
        seen.push(i);
        const cfg = (i.DistributionConfigWithTags as Record<string, unknown>).DistributionConfig;
        return { Distribution: dist('E2TWIN', cfg), ETag: 'ETAG1', Location: 'https://cloudfront.amazonaws.com/2020-05-31/distribution/E2TWIN' };
      },
      GetDistribution: (i) => {
        if (i.Id !== 'E2TWIN') throw new AwsError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
        return { Distribution: dist('E2TWIN', { CallerReference: 'r', Comment: 'c', Enabled: false, Origins: { Quantity: 0, Items: [] }, DefaultCacheBehavior: { TargetOriginId: 'o', ViewerProtocolPolicy: 'redirect-to-https' } }), ETag: 'ETAG2' };
      },
      DeleteDistribution: (i) => {
        seen.push(i);
        if (i.IfMatch !== 'ETAG2') throw new AwsError('PreconditionFailed', 'The If-Match version is missing or not valid for the resource.', 412);
        return {};
      },
    },
  });
}

describe('twin protocols with the real SDK clients', () => {
  let twin: Twin;
  const mlSeen: Record<string, unknown>[] = [];
  const cfSeen: Record<string, unknown>[] = [];

  beforeAll(async () => {
    twin = await withTwin({ services: [createSts, createSns, createCloudWatch, testMediaLive(mlSeen), testCloudFront(cfSeen)] });
  });
  afterAll(async () => { await twin.stop(); });
  afterEach(() => { twin.faults.clear(); });

  describe('awsQuery (STS, SNS)', () => {
    it('answers GetCallerIdentity for the twin account', async () => {
      const sts = new STSClient(clientConfig(twin));
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Account).toBe('111122223333');
      expect(twin.requests.list({ service: 'sts' }).at(-1)).toMatchObject({ operation: 'GetCallerIdentity', protocol: 'awsQuery', status: 200 });
    });

    it('round-trips SNS topics, maps and lists in query form, and records published messages', async () => {
      const sns = new SNSClient(clientConfig(twin));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'onair-dev-notifications', Attributes: { DisplayName: 'OnAir' }, Tags: [{ Key: 'onair:stage', Value: 'dev' }] }));
      expect(TopicArn).toBe('arn:aws:sns:us-east-1:111122223333:onair-dev-notifications');
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
      const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Subject: 'Channel on air', Message: 'ch-1 is ON_AIR' }));
      const topics = await sns.send(new ListTopicsCommand({}));
      expect(topics.Topics).toEqual([{ TopicArn }]);
      const res = await fetch(`${twin.url}/_twin/notifications`);
      const body = await res.json() as { notifications: { MessageId: string; Subject: string; Message: string }[] };
      expect(body.notifications).toEqual([expect.objectContaining({ MessageId, Subject: 'Channel on air', Message: 'ch-1 is ON_AIR', TopicArn })]);
    });

    it('raises typed exceptions: NotFound and the model validation error naming the field', async () => {
      const sns = new SNSClient(clientConfig(twin));
      await expect(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:nope', Message: 'x' }))).rejects.toBeInstanceOf(SnsNotFound);
      const err = await sns.send(new CreateTopicCommand({} as never)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidParameterException);
      expect((err as Error).message).toContain("'Name'");
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'structured' }));
      await expect(sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: '{"email":"x"}' }))).rejects.toThrow(/No default entry/);
    });

    it('serves a raw form POST as the AWS CLI sends it (no SDK)', async () => {
      const res = await fetch(twin.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTWINLOCAL/20261124/eu-west-1/sns/aws4_request, SignedHeaders=host, Signature=0' },
        body: 'Action=CreateTopic&Version=2010-03-31&Name=raw-topic&Tags.member.1.Key=k&Tags.member.1.Value=v',
      });
      expect(res.status).toBe(200);
      const xml = await res.text();
      expect(xml).toContain('<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
      expect(xml).toContain('<TopicArn>arn:aws:sns:eu-west-1:111122223333:raw-topic</TopicArn>');
      const bad = await fetch(twin.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3Anope&Message=x' });
      expect(bad.status).toBe(404);
      expect(await bad.text()).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>NotFound<\/Code><Message>Topic does not exist<\/Message><\/Error>/);
    });
  });

  describe('restJson1 (MediaLive)', () => {
    const ml = (): MediaLiveClient => new MediaLiveClient(clientConfig(twin));

    it('routes by method and URI template, decodes locationName members into model names', async () => {
      const out = await ml().send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: '203.0.113.0/24' }], Tags: { 'onair:channel': 'ch-1' } }));
      expect(out.SecurityGroup).toMatchObject({ Id: '913', State: 'IDLE', WhitelistRules: [{ Cidr: '203.0.113.0/24' }], Tags: { 'onair:channel': 'ch-1' } });
      expect(mlSeen.at(-1)).toEqual({ WhitelistRules: [{ Cidr: '203.0.113.0/24' }], Tags: { 'onair:channel': 'ch-1' } });
      await ml().send(new ListChannelsCommand({ MaxResults: 5 }));
      expect(mlSeen.at(-1)).toEqual({ MaxResults: 5 });
      const ch = await ml().send(new DescribeChannelCommand({ ChannelId: '1234567' }));
      expect(ch).toMatchObject({ Id: '1234567', State: 'IDLE' });
    });

    it('raises NotFoundException from the behaviour as the typed exception', async () => {
      const err = await ml().send(new DescribeChannelCommand({ ChannelId: 'missing' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundException);
      expect((err as NotFoundException).$metadata.httpStatusCode).toBe(404);
    });

    it('rejects a bad enum with UnprocessableEntityException naming the field, before the behaviour runs', async () => {
      const before = mlSeen.length;
      const err = await ml().send(new CreateChannelCommand({ Name: 'x', ChannelClass: 'TRIPLE_PIPELINE' as never })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnprocessableEntityException);
      expect((err as UnprocessableEntityException).ValidationErrors).toEqual([expect.objectContaining({ ElementPath: '/channelClass' })]);
      expect((err as Error).message).toContain("'ChannelClass'");
      expect(mlSeen.length).toBe(before);
    });

    it('rejects a missing required nested member with BadRequestException naming its path', async () => {
      const err = await ml().send(new CreateChannelCommand({
        Name: 'x', ChannelClass: 'STANDARD',
        EncoderSettings: { AudioDescriptions: [], OutputGroups: [], TimecodeConfig: { Source: 'EMBEDDED' }, VideoDescriptions: [{ Width: 1280 } as never] },
      })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestException);
      expect((err as Error).message).toContain("'EncoderSettings.VideoDescriptions[0].Name'");
    });

    it('fails the Nth call with an injected error, programmatically and over HTTP', async () => {
      twin.faults.failNth('medialive', 'DescribeChannel', 'NotFoundException', 2);
      await expect(ml().send(new DescribeChannelCommand({ ChannelId: '1' }))).resolves.toMatchObject({ Id: '1' });
      await expect(ml().send(new DescribeChannelCommand({ ChannelId: '1' }))).rejects.toBeInstanceOf(NotFoundException);
      await expect(ml().send(new DescribeChannelCommand({ ChannelId: '1' }))).resolves.toMatchObject({ Id: '1' });

      const res = await fetch(`${twin.url}/_twin/faults`, { method: 'POST', body: JSON.stringify({ service: 'medialive', operation: 'DescribeChannel', throttle: true, match: { ChannelId: '7' } }) });
      expect(res.status).toBe(201);
      await expect(ml().send(new DescribeChannelCommand({ ChannelId: '1' }))).resolves.toBeDefined();
      await expect(ml().send(new DescribeChannelCommand({ ChannelId: '7' }))).rejects.toBeInstanceOf(TooManyRequestsException);
      const listed = await (await fetch(`${twin.url}/_twin/faults`)).json() as { faults: { fired: number }[] };
      expect(listed.faults[0]!.fired).toBe(1);
    });

    it('fails always and adds latency until cleared; holds resources over HTTP', async () => {
      const f = twin.faults.failAlways('medialive', 'ListChannels', 'ConflictException');
      await expect(ml().send(new ListChannelsCommand({}))).rejects.toMatchObject({ name: 'ConflictException' });
      await expect(ml().send(new ListChannelsCommand({}))).rejects.toMatchObject({ name: 'ConflictException' });
      twin.faults.remove(f.id);
      const slow = twin.faults.addLatency('medialive', 'ListChannels', 50);
      await expect(ml().send(new ListChannelsCommand({}))).resolves.toBeDefined();
      expect(twin.faults.list().find((x) => x.id === slow.id)?.fired).toBe(1);

      await fetch(`${twin.url}/_twin/faults/hold`, { method: 'POST', body: JSON.stringify({ service: 'medialive', resourceId: '1234567' }) });
      expect(twin.faults.isHeld('medialive', '1234567')).toBe(true);
      await fetch(`${twin.url}/_twin/faults/hold`, { method: 'DELETE', body: JSON.stringify({ service: 'medialive', resourceId: '1234567' }) });
      expect(twin.faults.isHeld('medialive', '1234567')).toBe(false);
    });
  });

  describe('restXml (CloudFront)', () => {
    const cf = (): CloudFrontClient => new CloudFrontClient(clientConfig(twin));

    it('routes the ?WithTags query literal, parses XML lists into model members and returns ETag/Location headers', async () => {
      const out = await cf().send(new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: {
          DistributionConfig: {
            CallerReference: 'ch-1-cdn', Comment: 'OnAir ch-1', Enabled: true,
            Origins: { Quantity: 1, Items: [{ Id: 'mp', DomainName: 'abc.egress.mediapackagev2.us-east-1.amazonaws.com', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
            DefaultCacheBehavior: { TargetOriginId: 'mp', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '08627262-05a9-4f76-9ded-b50ca2e3a84f' },
          },
          Tags: { Items: [{ Key: 'onair:channel', Value: 'ch-1' }] },
        },
      }));
      expect(out.ETag).toBe('ETAG1');
      expect(out.Location).toContain('/distribution/E2TWIN');
      expect(out.Distribution?.DistributionConfig?.Origins?.Items?.[0]?.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
      expect(out.Distribution?.LastModifiedTime).toEqual(new Date('2026-11-24T12:00:00Z'));
      const seen = cfSeen.at(-1) as { DistributionConfigWithTags: { Tags: unknown; DistributionConfig: { Origins: { Quantity: number } } } };
      expect(seen.DistributionConfigWithTags.Tags).toEqual({ Items: [{ Key: 'onair:channel', Value: 'ch-1' }] });
      expect(seen.DistributionConfigWithTags.DistributionConfig.Origins.Quantity).toBe(1);
    });

    it('binds If-Match to its member and raises PreconditionFailed and NoSuchDistribution as typed exceptions', async () => {
      await expect(cf().send(new GetDistributionCommand({ Id: 'E404' }))).rejects.toBeInstanceOf(NoSuchDistribution);
      const { ETag } = await cf().send(new GetDistributionCommand({ Id: 'E2TWIN' }));
      await expect(cf().send(new DeleteDistributionCommand({ Id: 'E2TWIN', IfMatch: 'stale' }))).rejects.toBeInstanceOf(PreconditionFailed);
      await expect(cf().send(new DeleteDistributionCommand({ Id: 'E2TWIN', IfMatch: ETag }))).resolves.toBeDefined();
      expect(cfSeen.at(-1)).toEqual({ Id: 'E2TWIN', IfMatch: 'ETAG2' });
    });

    it('rejects XML that is not well-formed', async () => {
      const res = await fetch(`${twin.url}/2020-05-31/distribution?WithTags`, { method: 'POST', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=A/20261124/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=0' }, body: '<DistributionConfigWithTags><Oops></DistributionConfigWithTags>' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('<Code>MalformedXML</Code>');
    });
  });

  describe('CloudWatch in all three of its protocols', () => {
    const alarm = (name: string) => new PutMetricAlarmCommand({
      AlarmName: name, Namespace: 'AWS/MediaLive', MetricName: 'ActiveAlerts', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1,
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Dimensions: [{ Name: 'ChannelId', Value: '1234567' }, { Name: 'Pipeline', Value: '0' }],
      AlarmActions: ['arn:aws:sns:us-east-1:111122223333:onair-dev-notifications'], Tags: [{ Key: 'onair:channel', Value: 'ch-1' }],
    });

    it.each([
      ['awsJson1_0', undefined],
      ['awsQuery', AwsQueryProtocol],
      ['rpcv2Cbor', AwsSmithyRpcV2CborProtocol],
    ])('round-trips alarms over %s', async (protocolName, protocol) => {
      const cw = new CloudWatchClient({ ...clientConfig(twin), ...(protocol ? { protocol } : {}) } as CloudWatchClientConfig);
      const name = `onair-ch-1-active-alerts-${protocolName}`;
      await cw.send(alarm(name));
      expect(twin.requests.list({ service: 'monitoring' }).at(-1)).toMatchObject({ operation: 'PutMetricAlarm', protocol: protocolName, status: 200 });
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      expect(out.MetricAlarms).toEqual([expect.objectContaining({
        AlarmName: name, StateValue: 'INSUFFICIENT_DATA', Period: 60, Threshold: 1,
        Dimensions: [{ Name: 'ChannelId', Value: '1234567' }, { Name: 'Pipeline', Value: '0' }],
        AlarmArn: `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${name}`,
      })]);
      expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
      const tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: out.MetricAlarms![0]!.AlarmArn }));
      expect(tags.Tags).toEqual([{ Key: 'onair:channel', Value: 'ch-1' }]);
      const bad = await cw.send(new PutMetricAlarmCommand({ AlarmName: name, EvaluationPeriods: 1, ComparisonOperator: 'Sideways' as never })).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(InvalidParameterValueException);
      expect((bad as Error).message).toContain("'ComparisonOperator'");
      await expect(cw.send(new DeleteAlarmsCommand({ AlarmNames: [name, 'never-created'] }))).rejects.toBeInstanceOf(ResourceNotFound);
      await cw.send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
      expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms).toEqual([]);
    });

    it('emits CloudWatch Alarm State Change as AWS shapes it and runs the SNS action', async () => {
      const cw = new CloudWatchClient(clientConfig(twin));
      const sns = new SNSClient(clientConfig(twin));
      await sns.send(new CreateTopicCommand({ Name: 'onair-dev-notifications' }));
      await cw.send(alarm('onair-ch-1-alerts'));
      const events: DeliveredEvent[] = [];
      const unsubscribe = twin.events.subscribe((e) => events.push(e));
      await cw.send(new SetAlarmStateCommand({ AlarmName: 'onair-ch-1-alerts', StateValue: 'ALARM', StateReason: 'test', StateReasonData: '{"n":1}' }));
      await new Promise((r) => setTimeout(r, 50));
      unsubscribe();
      expect(events).toEqual([expect.objectContaining({
        source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', region: 'us-east-1', account: '111122223333',
        resources: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:onair-ch-1-alerts'],
        detail: expect.objectContaining({
          alarmName: 'onair-ch-1-alerts',
          state: expect.objectContaining({ value: 'ALARM', reason: 'test', reasonData: '{"n":1}', timestamp: expect.stringMatching(/\+0000$/) }),
          previousState: expect.objectContaining({ value: 'INSUFFICIENT_DATA' }),
          configuration: { metrics: [expect.objectContaining({ metricStat: expect.objectContaining({ metric: { namespace: 'AWS/MediaLive', name: 'ActiveAlerts', dimensions: { ChannelId: '1234567', Pipeline: '0' } } }) })] },
        }),
      })]);
      const notes = await (await fetch(`${twin.url}/_twin/notifications?topic=onair-dev-notifications`)).json() as { notifications: { Subject: string; Message: string }[] };
      const note = notes.notifications.find((n) => n.Subject.startsWith('ALARM: "onair-ch-1-alerts"'));
      expect(JSON.parse(note!.Message)).toMatchObject({ AlarmName: 'onair-ch-1-alerts', NewStateValue: 'ALARM', OldStateValue: 'INSUFFICIENT_DATA' });
    });

    it('keeps alarms per region: a CloudFront alarm in us-east-1 is not listed in eu-west-1', async () => {
      const east = new CloudWatchClient(clientConfig(twin, 'us-east-1'));
      const west = new CloudWatchClient(clientConfig(twin, 'eu-west-1'));
      await east.send(new PutMetricAlarmCommand({ AlarmName: 'onair-ch-1-cdn-5xx', Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Statistic: 'Average', Period: 300, EvaluationPeriods: 1, Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'DistributionId', Value: 'E2TWIN' }, { Name: 'Region', Value: 'Global' }] }));
      expect((await west.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'onair-ch-1-cdn' }))).MetricAlarms).toEqual([]);
      expect((await east.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'onair-ch-1-cdn' }))).MetricAlarms).toHaveLength(1);
    });

    it('serves raw JSON 1.0 and raw CBOR requests as other SDKs send them', async () => {
      const json = await fetch(twin.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms', 'x-amzn-query-mode': 'true' },
        body: JSON.stringify({ AlarmNamePrefix: 'onair-ch-1-cdn', StateValue: 'BOGUS' }),
      });
      expect(json.status).toBe(400);
      expect(json.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
      expect(await json.json()).toMatchObject({ __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: expect.stringContaining("'StateValue'") });

      const ok = await fetch(twin.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms' }, body: '{"AlarmNamePrefix":"onair-ch-1-cdn"}' });
      const body = await ok.json() as { MetricAlarms: { AlarmName: string; StateUpdatedTimestamp: number }[] };
      expect(body.MetricAlarms.map((a) => a.AlarmName)).toEqual(['onair-ch-1-cdn-5xx']);
      expect(typeof body.MetricAlarms[0]!.StateUpdatedTimestamp).toBe('number');

      const c = await fetch(`${twin.url}/service/GraniteServiceVersion20100801/operation/DescribeAlarms`, {
        method: 'POST', headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' },
        body: Buffer.from(cbor.serialize({ AlarmNamePrefix: 'onair-ch-1-cdn' })),
      });
      expect(c.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
      const decoded = cbor.deserialize(new Uint8Array(await c.arrayBuffer())) as { MetricAlarms: { AlarmName: string }[] };
      expect(decoded.MetricAlarms.map((a) => a.AlarmName)).toEqual(['onair-ch-1-cdn-5xx']);
    });
  });

  describe('what the twin does not do, and in-process calls', () => {
    it('says plainly when a model operation has no behaviour yet', async () => {
      const err = await new MediaLiveClient(clientConfig(twin)).send(new DeleteChannelCommand({ ChannelId: '1' })).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'NotImplementedException', $metadata: { httpStatusCode: 501 } });
      expect((err as Error).message).toBe("The twin's medialive does not implement DeleteChannel yet");
    });

    it('validates and logs in-process calls between services like HTTP ones', async () => {
      await expect(twin.invoke('sns', 'Publish', { TopicArn: 'arn:aws:sns:us-east-1:111122223333:onair-dev-notifications' })).rejects.toMatchObject({ code: 'InvalidParameterException', message: expect.stringContaining("'Message'") });
      expect(twin.requests.list({ service: 'sns', operation: 'Publish' }).at(-1)).toMatchObject({ via: 'in-process', status: 400, errorCode: 'InvalidParameterException' });
    });
  });

  describe('control API', () => {
    it('lists the inventory by service and the request log', async () => {
      const inv = await (await fetch(`${twin.url}/_twin/inventory`)).json() as { count: number; byService: Record<string, number>; items: { service: string; type: string }[] };
      expect(inv.byService.sns).toBeGreaterThan(0);
      expect(inv.items.some((i) => i.service === 'monitoring' && i.type === 'alarm')).toBe(true);
      const log = await (await fetch(`${twin.url}/_twin/requests?service=medialive&operation=DescribeChannel`)).json() as { requests: { operation: string; status: number; errorCode?: string }[] };
      expect(log.requests.length).toBeGreaterThan(0);
      expect(log.requests.every((r) => r.operation === 'DescribeChannel')).toBe(true);
      expect(log.requests.some((r) => r.errorCode === 'NotFoundException' && r.status === 404)).toBe(true);
    });

    it('says plainly which service an unsigned, unroutable request could not be matched to', async () => {
      const res = await fetch(`${twin.url}/nothing-here`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('cannot tell which AWS service');
    });

    it('refuses a busy port with a clear message', async () => {
      await expect(withTwin({ port: twin.port, services: [createSts] })).rejects.toThrow(`port ${twin.port} is in use — is another \`npm start\` running? use --port`);
    });
  });
});

describe('MediaLive rate limit (5 TPS, burst 30 per account) at AWS pace', () => {
  let twin: Twin;
  beforeAll(async () => { twin = await withTwin({ scale: 1, services: [testMediaLive([])] }); });
  afterAll(async () => { await twin.stop(); });

  it('throttles beyond the burst with TooManyRequestsException 429', async () => {
    const ml = new MediaLiveClient(clientConfig(twin));
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => ml.send(new ListChannelsCommand({}))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(30);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]!.reason).toBeInstanceOf(TooManyRequestsException);
    expect((rejected[0]!.reason as TooManyRequestsException).$metadata.httpStatusCode).toBe(429);
  });
});
