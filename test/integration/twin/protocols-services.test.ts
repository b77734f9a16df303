/**
 * The simple services behind the protocols, with the real SDK clients: Secrets Manager (awsJson 1.1),
 * DynamoDB through dynalite (awsJson 1.0, DocumentClient), and persistence of every service's state
 * to the data folder between runs.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, InvalidParameterException, InvalidRequestException, ListSecretsCommand, ResourceExistsException, ResourceNotFoundException, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceFactory } from '../../../local/core/types';
import type { Twin } from '../../../local/server';
import { createCloudWatch } from '../../../local/services/cloudwatch';
import { createDynamoDb } from '../../../local/services/dynamodb';
import { createSecretsManager } from '../../../local/services/secretsmanager';
import { createSns } from '../../../local/services/sns';
import { createSts } from '../../../local/services/sts';
import { clientConfig, withTwin } from './helpers';

const MINE: ServiceFactory[] = [createSts, createSns, createSecretsManager, createCloudWatch, createDynamoDb];

async function waitActive(ddb: DynamoDBClient, TableName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const t = await ddb.send(new DescribeTableCommand({ TableName }));
    if (t.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${TableName} never became ACTIVE`);
}

const createRegistryTable = (TableName: string) => new CreateTableCommand({
  TableName, BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'channelId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'channelId', KeyType: 'HASH' }],
});

describe('Secrets Manager and DynamoDB through the twin', () => {
  let twin: Twin;
  beforeAll(async () => { twin = await withTwin({ services: MINE }); });
  afterAll(async () => { await twin.stop(); });

  it('keeps secrets with versions, refuses duplicates, and honours idempotent retries', async () => {
    const sm = new SecretsManagerClient(clientConfig(twin));
    const token = '11111111-2222-3333-4444-555555555555';
    const created = await sm.send(new CreateSecretCommand({ Name: 'onair/ch-1/cdn', SecretString: '{"MediaPackageCDNIdentifier":"abc"}', ClientRequestToken: token, Tags: [{ Key: 'onair:channel', Value: 'ch-1' }] }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:111122223333:secret:onair\/ch-1\/cdn-[A-Za-z0-9]{6}$/);
    expect(created.VersionId).toBe(token);
    const retried = await sm.send(new CreateSecretCommand({ Name: 'onair/ch-1/cdn', SecretString: '{"MediaPackageCDNIdentifier":"abc"}', ClientRequestToken: token }));
    expect(retried.ARN).toBe(created.ARN);
    await expect(sm.send(new CreateSecretCommand({ Name: 'onair/ch-1/cdn', SecretString: 'other' }))).rejects.toBeInstanceOf(ResourceExistsException);
    const value = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(value).toMatchObject({ SecretString: '{"MediaPackageCDNIdentifier":"abc"}', VersionStages: ['AWSCURRENT'], Name: 'onair/ch-1/cdn' });
    await sm.send(new TagResourceCommand({ SecretId: 'onair/ch-1/cdn', Tags: [{ Key: 'onair:stage', Value: 'dev' }] }));
    const desc = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN!.slice(0, -7) }));
    expect(desc.Tags).toEqual([{ Key: 'onair:channel', Value: 'ch-1' }, { Key: 'onair:stage', Value: 'dev' }]);
    expect(desc.VersionIdsToStages).toEqual({ [token]: ['AWSCURRENT'] });
    expect(twin.inventory()).toContainEqual(expect.objectContaining({ service: 'secretsmanager', id: created.ARN }));
  });

  it('applies the recovery window: marked for deletion, unreadable, listed only on request; force deletes at once', async () => {
    const sm = new SecretsManagerClient(clientConfig(twin));
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'onair/ch-2/cdn', SecretString: 'x' }));
    await expect(sm.send(new DeleteSecretCommand({ SecretId: ARN, RecoveryWindowInDays: 3 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(sm.send(new DeleteSecretCommand({ SecretId: ARN, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }))).rejects.toBeInstanceOf(InvalidParameterException);
    const del = await sm.send(new DeleteSecretCommand({ SecretId: ARN, RecoveryWindowInDays: 7 }));
    const desc = await sm.send(new DescribeSecretCommand({ SecretId: ARN }));
    expect(del.DeletionDate!.getTime() - desc.DeletedDate!.getTime()).toBe(7 * 86_400_000);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: ARN }))).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(sm.send(new CreateSecretCommand({ Name: 'onair/ch-2/cdn', SecretString: 'y' }))).rejects.toBeInstanceOf(InvalidRequestException);
    expect((await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['onair/ch-2'] }] }))).SecretList).toEqual([]);
    expect((await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: ['onair/ch-2'] }] }))).SecretList).toHaveLength(1);
    expect(twin.inventory().some((i) => i.id === ARN)).toBe(false);
    await sm.send(new DeleteSecretCommand({ SecretId: ARN, ForceDeleteWithoutRecovery: true }));
    await expect(sm.send(new DescribeSecretCommand({ SecretId: ARN }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('serves DynamoDB with dynalite: DocumentClient puts/gets, conditional writes, AWS validation', async () => {
    const ddb = new DynamoDBClient(clientConfig(twin));
    const doc = DynamoDBDocumentClient.from(ddb);
    await ddb.send(createRegistryTable('onair-dev-channels'));
    await expect(ddb.send(createRegistryTable('onair-dev-channels'))).rejects.toBeInstanceOf(ResourceInUseException);
    await waitActive(ddb, 'onair-dev-channels');
    await doc.send(new PutCommand({ TableName: 'onair-dev-channels', Item: { channelId: 'ch-1', status: 'PROVISIONING', resources: { inputId: '123' } }, ConditionExpression: 'attribute_not_exists(channelId)' }));
    await expect(doc.send(new PutCommand({ TableName: 'onair-dev-channels', Item: { channelId: 'ch-1' }, ConditionExpression: 'attribute_not_exists(channelId)' }))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const got = await doc.send(new GetCommand({ TableName: 'onair-dev-channels', Key: { channelId: 'ch-1' } }));
    expect(got.Item).toEqual({ channelId: 'ch-1', status: 'PROVISIONING', resources: { inputId: '123' } });
    await expect(ddb.send(createRegistryTable('x'))).rejects.toMatchObject({ name: 'ValidationException' });
    const inv = await (await fetch(`${twin.url}/_twin/inventory?service=dynamodb`)).json() as { items: { id: string }[] };
    expect(inv.items.map((i) => i.id)).toEqual(['arn:aws:dynamodb:us-east-1:111122223333:table/onair-dev-channels']);
    expect(twin.requests.list({ service: 'dynamodb' }).some((r) => r.operation === 'PutItem' && r.protocol === 'proxy')).toBe(true);
  });

  it('injects faults into DynamoDB calls too (the registry is an AWS dependency like any other)', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(twin)));
    twin.faults.inject({ service: 'dynamodb', operation: 'GetItem', error: { code: 'InternalServerError', status: 500 }, match: { TableName: 'onair-dev-channels' } });
    await expect(doc.send(new GetCommand({ TableName: 'onair-dev-channels', Key: { channelId: 'ch-1' } }))).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    await expect(doc.send(new GetCommand({ TableName: 'onair-dev-channels', Key: { channelId: 'ch-1' } }))).resolves.toMatchObject({ Item: { channelId: 'ch-1' } });
    expect(twin.requests.list({ service: 'dynamodb', operation: 'GetItem' }).slice(-2).map((r) => r.errorCode ?? r.status)).toEqual(['InternalServerError', 200]);
  });
});

describe('persistence between runs', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'onair-twin-persist-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('restores every service from the data folder, and --fresh starts clean', async () => {
    const first = await withTwin({ services: MINE, dataDir: dir });
    await new SNSClient(clientConfig(first)).send(new CreateTopicCommand({ Name: 'kept' }));
    await new SecretsManagerClient(clientConfig(first)).send(new CreateSecretCommand({ Name: 'kept-secret', SecretString: 's' }));
    const ddb = new DynamoDBClient(clientConfig(first));
    await ddb.send(createRegistryTable('onair-dev-channels'));
    await waitActive(ddb, 'onair-dev-channels');
    await DynamoDBDocumentClient.from(ddb).send(new PutCommand({ TableName: 'onair-dev-channels', Item: { channelId: 'kept' } }));
    const lastTwinTime = first.clock.now();
    await first.stop();

    const second = await withTwin({ services: MINE, dataDir: dir });
    // Twin time resumes where the last run stopped (it runs ahead of real time at scale > 1).
    expect(second.clock.now()).toBeGreaterThanOrEqual(lastTwinTime);
    expect((await new SNSClient(clientConfig(second)).send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn: 'arn:aws:sns:us-east-1:111122223333:kept' }]);
    expect((await new SecretsManagerClient(clientConfig(second)).send(new GetSecretValueCommand({ SecretId: 'kept-secret' }))).SecretString).toBe('s');
    const item = await DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(second))).send(new GetCommand({ TableName: 'onair-dev-channels', Key: { channelId: 'kept' } }));
    expect(item.Item).toEqual({ channelId: 'kept' });
    await second.stop();

    const fresh = await withTwin({ services: MINE, dataDir: dir, fresh: true });
    expect((await new SNSClient(clientConfig(fresh)).send(new ListTopicsCommand({}))).Topics).toEqual([]);
    expect(fresh.inventory()).toEqual([]);
    await fresh.stop();
  });
});
