/**
 * API Gateway HTTP API (payload 2.0) → the shared dispatcher. Authentication happened at the
 * gateway (IAM authorizer): a request that reaches the function is signed and allowed.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '../logger';
import { flushMetricsMiddleware, recordMetric } from '../metrics';
import { createDispatcher, type ApiRequest, type BoundRoute } from './http';

export function toApiRequest(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const body = event.body === undefined ? undefined
    : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    headers,
    query: { ...(event.queryStringParameters ?? {}) },
    ...(body !== undefined ? { body } : {}),
  };
}

function createdChannelId(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const id = (JSON.parse(body) as { channelId?: unknown }).channelId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function httpApiHandler(bound: BoundRoute[]): middy.MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  const dispatch = createDispatcher(bound);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetricsMiddleware())
    .handler(async (event) => {
      // API Gateway's request id (`$context.requestId`, the one its access log records) and the
      // channel in the path, on every line of this request.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
      const channelId = event.pathParameters?.id;
      logger.appendKeys({ route: event.routeKey, requestId: event.requestContext.requestId, ...(channelId ? { channelId } : {}) });
      const res = await dispatch(toApiRequest(event));
      // POST /channels names its channel only in the answer.
      const created = channelId ? undefined : createdChannelId(res.body);
      logger.info('request', { status: res.statusCode, ...(created ? { channelId: created } : {}) });
      // The route key is the route's template (`POST /channels/{id}/start`), never the caller's raw path.
      recordMetric('ApiRequests', 1, { route: event.routeKey, status: String(res.statusCode) });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    });
}
