/**
 * API Gateway HTTP API (payload 2.0) → the shared dispatcher. Authentication happened at the
 * gateway (IAM authorizer): a request that reaches the function is signed and allowed.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '../logger';
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

export function httpApiHandler(bound: BoundRoute[]): middy.MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  const dispatch = createDispatcher(bound);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      logger.appendKeys({ route: event.routeKey });
      const res = await dispatch(toApiRequest(event));
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    });
}
