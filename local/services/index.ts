/**
 * Every service the twin serves: one line each (a ServiceFactory, see local/core/types.ts).
 * Add yours with a small targeted edit; keep one per line.
 */
import type { ServiceFactory } from '../core/types';
import { createCloudFront } from './cloudfront';
import { createCloudWatch } from './cloudwatch';
import { createDynamoDb } from './dynamodb';
import { createMediaLive } from './medialive';
import { createMediaPackage } from './mediapackage';
import { createMediaPackageV2 } from './mediapackagev2';
import { createSecretsManager } from './secretsmanager';
import { createSns } from './sns';
import { createSts } from './sts';
import { createLambda } from './lambda';
import { createStepFunctions } from './stepfunctions';
import { createEventBridge } from './events';
import { createScheduler } from './scheduler';
import { createCloudFormation } from './cloudformation';
import { createSqs } from './sqs';

export const SERVICES: ServiceFactory[] = [
  createSts,
  createMediaLive,
  createMediaPackageV2,
  createMediaPackage,
  createCloudFront,
  createSns,
  createSecretsManager,
  createCloudWatch,
  createDynamoDb,
  createLambda,
  createStepFunctions,
  createEventBridge,
  createScheduler,
  createCloudFormation,
  createSqs,
];
