/**
 * The protocol codecs against AWS's own models: routing, decoding into model member names, encoding
 * outputs and errors per protocol, and validation naming the failing field. No network.
 */
import { cbor } from '@smithy/core/cbor';
import { AwsError } from '../../../../local/core/types';
import { addressService, decodeRequest, encodeError, encodeResponse, loadModel, Model, selectProtocol, validateInput, wireRequest, type WireRequest } from '../../../../local/protocols';
import { decodeXml, encodeXml, parseXml } from '../../../../local/protocols/xml';

const model = (s: string): Model => {
  const m = loadModel(s);
  if (!m) throw new Error(`no model ${s}`);
  return m;
};
const req = (method: string, url: string, headers: Record<string, string> = {}, body: string | Buffer = ''): WireRequest =>
  wireRequest(method, url, headers, Buffer.isBuffer(body) ? body : Buffer.from(body));
const sigv4 = (service: string, region = 'us-east-1'): Record<string, string> =>
  ({ authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261124/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc` });
const text = (b: Buffer | string): string => (Buffer.isBuffer(b) ? b.toString('utf8') : b);

describe('addressing a request to a service', () => {
  const services = ['medialive', 'mediapackagev2', 'cloudfront', 'monitoring', 'sns', 'sts', 'secretsmanager', 'dynamodb', 'states'];
  it('uses the SigV4 credential scope first, with its region', () => {
    expect(addressService(req('GET', '/prod/channels', sigv4('medialive', 'eu-west-1')), services, 'us-east-1')).toEqual({ service: 'medialive', region: 'eu-west-1', via: 'sigv4' });
  });
  it('falls back to X-Amz-Target, the RPC v2 path, the Host, the query Action and the URI', () => {
    expect(addressService(req('POST', '/', { 'x-amz-target': 'DynamoDB_20120810.PutItem' }), services, 'us-east-1')?.service).toBe('dynamodb');
    expect(addressService(req('POST', '/', { 'x-amz-target': 'AWSStepFunctions.StartExecution' }), services, 'us-east-1')?.service).toBe('states');
    expect(addressService(req('POST', '/service/GraniteServiceVersion20100801/operation/DescribeAlarms'), services, 'us-east-1')?.service).toBe('monitoring');
    expect(addressService(req('GET', '/', { host: 'secretsmanager.us-west-2.amazonaws.com' }), services, 'us-east-1')).toEqual({ service: 'secretsmanager', region: 'us-west-2', via: 'host' });
    expect(addressService(req('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=GetCallerIdentity&Version=2011-06-15'), services, 'us-east-1')?.service).toBe('sts');
    expect(addressService(req('GET', '/prod/inputSecurityGroups'), services, 'us-east-1')).toEqual({ service: 'medialive', region: 'us-east-1', via: 'path' });
    expect(addressService(req('GET', '/nowhere'), services, 'us-east-1')).toBeUndefined();
  });
});

describe('restJson1', () => {
  const ml = model('medialive');
  const mp = model('mediapackagev2');

  it('matches the most specific URI template and decodes labels, querystring and body into model names', () => {
    const r = req('POST', '/prod/channels', {}, JSON.stringify({ name: 'ch', channelClass: 'STANDARD', inputAttachments: [{ inputId: '1', inputAttachmentName: 'main' }], tags: { a: 'b' }, requestId: 'tok' }));
    expect(selectProtocol(ml, r)).toBe('restJson1');
    expect(decodeRequest(ml, 'restJson1', r)).toEqual({ operation: 'CreateChannel', input: { Name: 'ch', ChannelClass: 'STANDARD', InputAttachments: [{ InputId: '1', InputAttachmentName: 'main' }], Tags: { a: 'b' }, RequestId: 'tok' } });
    expect(decodeRequest(ml, 'restJson1', req('GET', '/prod/channels?maxResults=5&nextToken=abc'))).toEqual({ operation: 'ListChannels', input: { MaxResults: 5, NextToken: 'abc' } });
    expect(decodeRequest(mp, 'restJson1', req('GET', '/channelGroup/g1/channel/c1/policy')).operation).toBe('GetChannelPolicy');
    expect(decodeRequest(mp, 'restJson1', req('GET', '/channelGroup/g1/channel/c1/'))).toEqual({ operation: 'GetChannel', input: { ChannelGroupName: 'g1', ChannelName: 'c1' } });
    const arn = 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/g1/channel/c1';
    expect(decodeRequest(mp, 'restJson1', req('GET', `/tags/${encodeURIComponent(arn)}`)).input).toEqual({ ResourceArn: arn });
  });

  it('matches greedy labels across slashes', () => {
    const m = new Model({
      metadata: { apiVersion: '1', protocol: 'rest-json', endpointPrefix: 't', serviceId: 'T' },
      operations: { GetObject: { name: 'GetObject', http: { method: 'GET', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'In' } } },
      shapes: { In: { type: 'structure', required: ['Bucket', 'Key'], members: { Bucket: { shape: 'S', location: 'uri', locationName: 'Bucket' }, Key: { shape: 'S', location: 'uri', locationName: 'Key' } } }, S: { type: 'string' } },
    }, 't');
    expect(decodeRequest(m, 'restJson1', req('GET', '/b/live/hls/index%20a.m3u8')).input).toEqual({ Bucket: 'b', Key: 'live/hls/index a.m3u8' });
  });

  it('encodes outputs with wire names, status code and header members', () => {
    const res = encodeResponse(ml, 'restJson1', 'CreateChannel', { Channel: { Id: '42', Name: 'ch', State: 'CREATING', PipelinesRunningCount: 0 } }, 'req-1');
    expect(res.status).toBe(201);
    expect(res.headers['x-amzn-requestid']).toBe('req-1');
    expect(JSON.parse(text(res.body))).toEqual({ channel: { id: '42', name: 'ch', state: 'CREATING', pipelinesRunningCount: 0 } });
  });

  it('encodes errors with X-Amzn-ErrorType and the error shape members', () => {
    const res = encodeError(ml, 'restJson1', new AwsError('UnprocessableEntityException', 'bad', 422, { ValidationErrors: [{ ElementPath: '/name', ErrorMessage: 'x' }] }), 'r');
    expect(res.status).toBe(422);
    expect(res.headers['x-amzn-errortype']).toBe('UnprocessableEntityException');
    expect(JSON.parse(text(res.body))).toEqual({ message: 'bad', validationErrors: [{ elementPath: '/name', errorMessage: 'x' }] });
  });

  it('decodes a blob payload (Lambda Invoke) as raw bytes', () => {
    const lambda = model('lambda');
    const d = decodeRequest(lambda, 'restJson1', req('POST', '/2015-03-31/functions/onair-dev-createInput/invocations', { 'x-amz-invocation-type': 'Event' }, '{"channelId":"ch-1"}'));
    expect(d.operation).toBe('Invoke');
    expect(d.input.FunctionName).toBe('onair-dev-createInput');
    expect(d.input.InvocationType).toBe('Event');
    expect((d.input.Payload as Buffer).toString()).toBe('{"channelId":"ch-1"}');
  });
});

describe('awsJson', () => {
  const sm = model('secretsmanager');
  it('decodes by X-Amz-Target with blobs from base64 and encodes timestamps as epoch seconds', () => {
    const r = req('POST', '/', { 'x-amz-target': 'secretsmanager.CreateSecret', 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify({ Name: 'n', SecretBinary: Buffer.from('hi').toString('base64') }));
    expect(selectProtocol(sm, r)).toBe('awsJson1_1');
    const d = decodeRequest(sm, 'awsJson1_1', r);
    expect(d.operation).toBe('CreateSecret');
    expect((d.input.SecretBinary as Buffer).toString()).toBe('hi');
    const res = encodeResponse(sm, 'awsJson1_1', 'DeleteSecret', { ARN: 'a', Name: 'n', DeletionDate: new Date('2026-11-24T00:00:01.500Z') }, 'r');
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(text(res.body))).toEqual({ ARN: 'a', Name: 'n', DeletionDate: 1795478401.5 });
  });
  it('puts __type in error bodies, plus x-amzn-query-error for query-compatible CloudWatch', () => {
    const res = encodeError(model('monitoring'), 'awsJson1_0', new AwsError('ResourceNotFound', 'Alarm x not found', 404), 'r');
    expect(JSON.parse(text(res.body))).toEqual({ __type: 'com.amazonaws.cloudwatch#ResourceNotFound', message: 'Alarm x not found' });
    expect(res.headers['x-amzn-query-error']).toBe('ResourceNotFound;Sender');
    expect(encodeError(sm, 'awsJson1_1', new AwsError('ResourceNotFoundException', 'x', 400), 'r').headers['x-amzn-query-error']).toBeUndefined();
  });
  it('rejects a body that is not JSON', () => {
    expect(() => decodeRequest(sm, 'awsJson1_1', req('POST', '/', { 'x-amz-target': 'secretsmanager.ListSecrets' }, '{nope'))).toThrow(expect.objectContaining({ code: 'SerializationException' }));
  });
});

describe('awsQuery', () => {
  const sns = model('sns');
  const cw = model('monitoring');
  it('decodes maps (entry.N.key/value), member lists and nested structures', () => {
    const body = 'Action=CreateTopic&Version=2010-03-31&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=OnAir&Attributes.entry.2.key=FifoTopic&Attributes.entry.2.value=false&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=k2&Tags.member.2.Value=';
    const r = req('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, body);
    expect(selectProtocol(sns, r)).toBe('awsQuery');
    expect(decodeRequest(sns, 'awsQuery', r).input).toEqual({ Name: 't', Attributes: { DisplayName: 'OnAir', FifoTopic: 'false' }, Tags: [{ Key: 'k', Value: 'v' }, { Key: 'k2', Value: '' }] });
  });
  it('decodes numbers, an empty list, and CloudWatch dimensions', () => {
    const body = 'Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&Period=60&Threshold=1.5&EvaluationPeriods=2&ActionsEnabled=true&Dimensions.member.1.Name=ChannelId&Dimensions.member.1.Value=1&AlarmActions=';
    const d = decodeRequest(cw, 'awsQuery', req('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, body));
    expect(d.input).toEqual({ AlarmName: 'a', Period: 60, Threshold: 1.5, EvaluationPeriods: 2, ActionsEnabled: true, Dimensions: [{ Name: 'ChannelId', Value: '1' }], AlarmActions: [] });
  });
  it('decodes flattened lists and maps, and encodes flattened lists without a wrapper', () => {
    const m = new Model({
      metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 'q', serviceId: 'Q', xmlNamespace: 'urn:q' },
      operations: { Put: { name: 'Put', http: { method: 'POST', requestUri: '/' }, input: { shape: 'In' }, output: { shape: 'Out', resultWrapper: 'PutResult' } } },
      shapes: {
        In: { type: 'structure', members: { Ids: { shape: 'Ids', flattened: true, locationName: 'Id' }, Attrs: { shape: 'Attrs', flattened: true, locationName: 'Attr' } } },
        Out: { type: 'structure', members: { Ids: { shape: 'Ids', flattened: true, locationName: 'Id' } } },
        Ids: { type: 'list', member: { shape: 'S' } }, Attrs: { type: 'map', key: { shape: 'S', locationName: 'Name' }, value: { shape: 'S', locationName: 'Value' } }, S: { type: 'string' },
      },
    }, 'q');
    const d = decodeRequest(m, 'awsQuery', req('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=Put&Id.1=a&Id.2=b&Attr.1.Name=k&Attr.1.Value=v'));
    expect(d.input).toEqual({ Ids: ['a', 'b'], Attrs: { k: 'v' } });
    const xml = text(encodeResponse(m, 'awsQuery', 'Put', { Ids: ['a', 'b'] }, 'r').body);
    expect(xml).toContain('<PutResult><Id>a</Id><Id>b</Id></PutResult>');
    expect(decodeXml(m, { shape: 'Out' }, parseXml('<PutResult><Id>a</Id><Id>b</Id></PutResult>'))).toEqual({ Ids: ['a', 'b'] });
  });
  it('encodes results inside <Op>Response/<Op>Result with member-wrapped lists, and errors with the query code', () => {
    const res = encodeResponse(sns, 'awsQuery', 'ListTopics', { Topics: [{ TopicArn: 'a&b' }] }, 'rid');
    expect(text(res.body)).toBe('<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics><member><TopicArn>a&amp;b</TopicArn></member></Topics></ListTopicsResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ListTopicsResponse>');
    const err = encodeError(sns, 'awsQuery', new AwsError('NotFoundException', 'Topic does not exist', 404), 'rid');
    expect(text(err.body)).toContain('<Code>NotFound</Code>');
    expect(encodeError(cw, 'awsQuery', new AwsError('InvalidParameterValueException', 'x', 400), 'r').body).toContain('<Code>InvalidParameterValue</Code>');
  });
  it('names an unknown action', () => {
    expect(() => decodeRequest(sns, 'awsQuery', req('GET', '/?Action=DeleteEverything'))).toThrow(expect.objectContaining({ code: 'InvalidAction' }));
  });
});

describe('restXml and the XML reader', () => {
  const cf = model('cloudfront');
  const config = {
    CallerReference: 'ref', Comment: 'c & <d>', Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 'o', DomainName: 'x.example', CustomHeaders: { Quantity: 1, Items: [{ HeaderName: 'X-MediaPackage-CDNIdentifier', HeaderValue: 'uuid' }] }, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
    DefaultCacheBehavior: { TargetOriginId: 'o', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: 'p' },
  };
  it('round-trips a DistributionConfig through XML with list item wrappers', () => {
    const xml = encodeXml(cf, { shape: 'DistributionConfig' }, config, 'DistributionConfig', 'http://cloudfront.amazonaws.com/doc/2020-05-31/');
    expect(xml).toContain('<Items><Origin><Id>o</Id>');
    expect(xml).toContain('<Comment>c &amp; &lt;d&gt;</Comment>');
    expect(decodeXml(cf, { shape: 'DistributionConfig' }, parseXml(xml))).toEqual(config);
  });
  it('decodes a request payload, header members and the If-Match header', () => {
    const xml = `<?xml version="1.0"?><DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">${encodeXml(cf, { shape: 'DistributionConfig' }, config, 'X').slice(3, -4)}</DistributionConfig>`;
    const d = decodeRequest(cf, 'restXml', req('PUT', '/2020-05-31/distribution/E1/config', { 'if-match': 'E2' }, xml));
    expect(d.operation).toBe('UpdateDistribution');
    expect(d.input).toMatchObject({ Id: 'E1', IfMatch: 'E2', DistributionConfig: config });
  });
  it('encodes payload outputs with the namespace and ETag header, and errors as ErrorResponse', () => {
    const res = encodeResponse(cf, 'restXml', 'GetDistributionConfig', { DistributionConfig: config, ETag: 'E9' }, 'r');
    expect(res.headers.ETag).toBe('E9');
    expect(text(res.body)).toContain('<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">');
    const err = encodeError(cf, 'restXml', new AwsError('DistributionNotDisabled', 'not disabled', 409), 'r');
    expect(err.status).toBe(409);
    expect(text(err.body)).toContain('<Error><Type>Sender</Type><Code>DistributionNotDisabled</Code><Message>not disabled</Message></Error>');
  });
  it('reads entities, CDATA and prefixed names; refuses DTDs and broken documents', () => {
    const n = parseXml('<?xml version="1.0"?><a:Root xmlns:a="u"><B x="1">&lt;&#65;&#x42;<![CDATA[<raw>]]></B><C/></a:Root>');
    expect(n.name).toBe('Root');
    expect(n.children[0]).toMatchObject({ name: 'B', text: '<AB<raw>', attrs: { x: '1' } });
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')).toThrow(/DTD/);
    expect(() => parseXml('<a><b></a>')).toThrow();
  });
});

describe('Smithy RPC v2 CBOR', () => {
  const cw = model('monitoring');
  it('decodes member names and tag-1 timestamps, encodes Dates as tag 1', () => {
    const body = Buffer.from(cbor.serialize({ AlarmName: 'a', StateValue: 'ALARM', StateReason: 'r', Unknown: 1 }));
    const r = req('POST', '/service/GraniteServiceVersion20100801/operation/SetAlarmState', { 'smithy-protocol': 'rpc-v2-cbor' }, body);
    expect(selectProtocol(cw, r)).toBe('rpcv2Cbor');
    expect(decodeRequest(cw, 'rpcv2Cbor', r)).toEqual({ operation: 'SetAlarmState', input: { AlarmName: 'a', StateValue: 'ALARM', StateReason: 'r' } });
    const res = encodeResponse(cw, 'rpcv2Cbor', 'DescribeAlarms', { MetricAlarms: [{ AlarmName: 'a', StateUpdatedTimestamp: new Date(1_700_000_000_000) }] }, 'r');
    expect(res.headers['smithy-protocol']).toBe('rpc-v2-cbor');
    const out = cbor.deserialize(new Uint8Array(res.body as Buffer)) as { MetricAlarms: { StateUpdatedTimestamp: { tag: number; value: number } }[] };
    expect(out.MetricAlarms[0]!.StateUpdatedTimestamp).toMatchObject({ tag: 1, value: 1_700_000_000 });
    const withTs = Buffer.from(cbor.serialize({ AlarmName: 'a', StateValue: 'OK', StateReason: 'r', StateReasonData: '{}' }));
    expect(decodeRequest(cw, 'rpcv2Cbor', req('POST', '/service/GraniteServiceVersion20100801/operation/SetAlarmState', {}, withTs)).input.StateReasonData).toBe('{}');
  });
  it('encodes errors with a qualified __type in CBOR', () => {
    const res = encodeError(cw, 'rpcv2Cbor', new AwsError('InvalidParameterValueException', 'bad', 400), 'r');
    expect(cbor.deserialize(new Uint8Array(res.body as Buffer))).toEqual({ __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'bad' });
    expect(res.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
  });
});

describe('validation against the model', () => {
  const fail = (service: string, op: string, input: Record<string, unknown>): AwsError => {
    try { validateInput(model(service), op, input); } catch (e) { return e as AwsError; }
    throw new Error('expected a validation error');
  };
  it('names missing required members by path and uses the service\'s own error', () => {
    const e = fail('medialive', 'CreateChannel', { EncoderSettings: { AudioDescriptions: [{ Name: 'a' }], VideoDescriptions: [], OutputGroups: [], TimecodeConfig: {} } });
    expect(e.code).toBe('BadRequestException');
    expect(e.status).toBe(400);
    expect(e.message).toContain("'EncoderSettings.AudioDescriptions[0].AudioSelectorName'");
    expect(e.message).toContain("'EncoderSettings.TimecodeConfig.Source'");
  });
  it('rejects enum values, wrong types and out-of-range values', () => {
    const en = fail('medialive', 'CreateChannel', { ChannelClass: 'BOTH' });
    expect(en).toMatchObject({ code: 'UnprocessableEntityException', status: 422 });
    expect(en.fields.ValidationErrors).toEqual([expect.objectContaining({ ElementPath: '/channelClass' })]);
    expect(fail('secretsmanager', 'ListSecrets', { MaxResults: 500 })).toMatchObject({ code: 'InvalidParameterException', message: expect.stringContaining("'MaxResults' failed to satisfy constraint: Member must have value less than or equal to 100") });
    expect(fail('secretsmanager', 'GetSecretValue', { SecretId: 5 })).toMatchObject({ code: 'InvalidParameterException', message: expect.stringContaining('Member must be a string') });
    expect(fail('monitoring', 'PutMetricAlarm', { AlarmName: '' })).toMatchObject({ code: 'InvalidParameterValueException', message: expect.stringContaining('length greater than or equal to 1') });
    expect(fail('mediapackagev2', 'CreateChannelGroup', {})).toMatchObject({ code: 'ValidationException', message: expect.stringContaining("'ChannelGroupName'") });
    expect(fail('sns', 'Publish', { Message: 7 })).toMatchObject({ code: 'InvalidParameterException' });
  });
  it('accepts a valid input', () => {
    expect(() => validateInput(model('monitoring'), 'SetAlarmState', { AlarmName: 'a', StateValue: 'ALARM', StateReason: 'r' })).not.toThrow();
  });
});
