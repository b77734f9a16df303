/**
 * Every service the twin serves: one line each (a ServiceFactory, see local/core/types.ts).
 * Add yours with a small targeted edit; keep one per line.
 */
import type { ServiceFactory } from '../core/types';
import { createCloudWatch } from './cloudwatch';
import { createDynamoDb } from './dynamodb';
import { createSecretsManager } from './secretsmanager';
import { createSns } from './sns';
import { createSts } from './sts';

export const SERVICES: ServiceFactory[] = [
  createSts,
  createSns,
  createSecretsManager,
  createCloudWatch,
  createDynamoDb,
];
