import { Logger } from '@aws-lambda-powertools/logger';

/** The one structured logger. Handlers append channelId and execution id at the boundary. */
export const logger = new Logger({ serviceName: 'onair' });
