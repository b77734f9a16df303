import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChannelRegistry } from '../channel/registry';
import { config } from '../config';

export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** The registry over the stage's channels table. */
export const registry = new ChannelRegistry({ ddb, get tableName() { return config.channelsTable; } });
