/**
 * Builds the API's dependencies over mocked SDK clients (aws-sdk-client-mock): tests set what
 * DynamoDB, Step Functions and Scheduler answer and assert the commands the API sent.
 */
import { DynamoDBClient, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { ChannelRegistry, type ChannelRecord } from '../../../functions/lib/channel/registry';
import { IdempotencyStore } from '../../../functions/lib/api/idempotency';
import { loadLifecycleSettings } from '../../../functions/lib/api/settings';
import { bindRoutes } from '../../../functions/lib/api/routes';
import { createDispatcher, type ApiRequest } from '../../../functions/lib/api/http';
import type { ApiDeps } from '../../../functions/lib/api/deps';
import { resolveProfile } from '../../../functions/lib/profile';
import { defaultQuotaValues } from '../../../lib/aws-quotas';

export const NOW = new Date('2026-11-24T12:00:00.000Z');
export const SM = (name: string) => `arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-${name}`;

export const ENV = {
  PROVISION_STATE_MACHINE_ARN: SM('provision'),
  START_STATE_MACHINE_ARN: SM('start'),
  STOP_STATE_MACHINE_ARN: SM('stop'),
  TEARDOWN_STATE_MACHINE_ARN: SM('teardown'),
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/onair-dev-scheduler',
  SCHEDULES_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:onair-dev-schedules-dlq',
  IDEMPOTENCY_TABLE: 'onair-dev-idempotency',
};

export const ccf = () => new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed' });

export function makeHarness(now: Date = NOW) {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  // The registry scan POST /channels counts capacity with (lib/capacity.ts): empty unless a test says.
  ddbMock.on(ScanCommand).resolves({ Items: [] });
  const sfnMock = mockClient(SFNClient);
  const schedulerMock = mockClient(SchedulerClient);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
  const clock = () => now;
  const deps: ApiDeps = {
    registry: new ChannelRegistry({ ddb, tableName: 'onair-dev-channels', now: clock }),
    ddb,
    channelsTable: 'onair-dev-channels',
    idempotency: new IdempotencyStore({ ddb, tableName: ENV.IDEMPOTENCY_TABLE, now: clock }),
    sfn: new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    scheduler: new SchedulerClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    settings: loadLifecycleSettings({ ...ENV }),
    now: clock,
    capacity: { stage: 'dev', quotas: defaultQuotaValues() },
  };
  const dispatch = createDispatcher(Object.values(bindRoutes(deps)));
  const call = async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; query?: Record<string, string> } = {}) => {
    const req: ApiRequest = {
      method, path,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
      query: init.query ?? {},
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    };
    const res = await dispatch(req);
    return { ...res, json: res.body ? JSON.parse(res.body) as Record<string, any> : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience over varied bodies
  };
  return { ddbMock, sfnMock, schedulerMock, deps, call };
}

export function record(over: Partial<ChannelRecord> & Record<string, unknown> = {}): ChannelRecord {
  const profile = resolveProfile('default', { input: { allowedCidrs: ['203.0.113.10/32'] } });
  return {
    channelId: 'show-1',
    generation: 'gen1',
    profileName: 'default',
    profile,
    status: 'IDLE',
    desiredState: 'IDLE',
    resources: { packager: { kind: 'mediapackage-v2', originEndpoints: {} }, alarms: { 'us-east-1': ['onair-show-1-cdn-5xx'] }, medialiveChannelId: '1234' },
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    ...over,
  } as ChannelRecord;
}

export const validCreateBody = { channelId: 'show-1', profile: 'default', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } };
