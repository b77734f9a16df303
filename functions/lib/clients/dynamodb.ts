import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChannelRegistry } from '../channel/registry';
import { config } from '../config';
import { noteRecordRead } from '../logger';

export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/**
 * The registry over the stage's channels table. Each record read tells the logger which execution
 * holds the channel, so a workflow step's log lines name it (functions/lib/logger.ts).
 */
export const registry = new ChannelRegistry({ ddb, get tableName() { return config.channelsTable; }, onRead: noteRecordRead });
