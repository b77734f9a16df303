/**
 * Builds the OpenAPI 3.1 document from the route table and its zod schemas (OpenAPI 3.1
 * uses JSON Schema 2020-12, which is what z.toJSONSchema emits). scripts/openapi.ts writes it
 * to docs/openapi.yaml; a unit test fails when the committed file drifts from this output.
 */
// zod/mini, as the schemas: z.registry and z.toJSONSchema are zod's core, the same as classic zod's.
import * as z from 'zod/mini';
import { profileSchema } from '../profile';
import * as s from './schemas';
import type { RouteSpec } from './schemas';

type Json = Record<string, unknown>;

/** Named components: nested uses become $refs. Requests are rendered as input, responses as output. */
const INPUT_COMPONENTS: Record<string, z.ZodMiniType> = {
  CreateChannelRequest: s.createChannelBody,
  CreateBroadcastRequest: s.createBroadcastBody,
  CreatePlannedBroadcastRequest: s.createPlannedChannelBody,
  ProfileOverrides: s.profileOverridesSchema,
};
const OUTPUT_COMPONENTS: Record<string, z.ZodMiniType> = {
  Error: s.errorBodySchema,
  Profile: profileSchema,
  Execution: s.executionViewSchema,
  CostGuard: s.costGuardViewSchema,
  RecoveryAction: s.recoveryActionSchema,
  AlarmState: s.alarmStateSchema,
  Notice: s.sentNoticeSchema,
  Broadcast: s.broadcastSchema,
  BroadcastList: s.broadcastListSchema,
  ChannelSummary: s.channelSummarySchema,
  ChannelListItem: s.channelListItemSchema,
  Channel: s.channelDetailSchema,
  ChannelList: s.channelListSchema,
  ChannelEvents: s.channelEventsSchema,
  Accepted: s.acceptedSchema,
  PlannedBroadcast: s.plannedBroadcastSchema,
};

const uri = (id: string) => `#/components/schemas/${id}`;

function components(defs: Record<string, z.ZodMiniType>, io: 'input' | 'output'): { schemas: Record<string, Json>; ids: Map<z.ZodMiniType, string> } {
  const reg = z.registry<{ id: string }>();
  const ids = new Map<z.ZodMiniType, string>();
  for (const [id, schema] of Object.entries(defs)) { reg.add(schema, { id }); ids.set(schema, id); }
  const out = z.toJSONSchema(reg, { io, uri, unrepresentable: 'throw', target: 'draft-2020-12' }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(out.schemas)) {
    if (id === '__shared') throw new Error('a nested schema with a global id is not registered as a component; add it to openapi.ts');
    const { $schema: _s, $id: _i, ...rest } = schema;
    schemas[id] = rest;
  }
  return { schemas, ids };
}

/** Inline JSON schema of a route part (params/query/headers), without meta keys. */
function inline(schema: z.ZodMiniType, io: 'input' | 'output'): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'throw', target: 'draft-2020-12' }) as Json;
  return rest;
}

function parameters(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  const add = (schema: z.ZodMiniType | undefined, where: 'path' | 'query' | 'header') => {
    if (!schema) return;
    const js = inline(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = prop as Json & { description?: string };
      out.push({
        name: where === 'header' ? name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()) : name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  };
  add(spec.params, 'path');
  add(spec.query, 'query');
  add(spec.headers, 'header');
  return out;
}

export function buildOpenApi(): Json {
  const input = components(INPUT_COMPONENTS, 'input');
  const output = components(OUTPUT_COMPONENTS, 'output');
  const ref = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
    const id = (io === 'input' ? input : output).ids.get(schema);
    return id ? { $ref: uri(id) } : inline(schema, io);
  };
  const paths: Record<string, Json> = {};
  for (const spec of Object.values(s.routes) as RouteSpec[]) {
    const responses: Json = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.location ? { headers: { Location: { description: 'Where to poll', schema: { type: 'string' } } } } : {}),
        ...(r.schema ? { content: { 'application/json': { schema: ref(r.schema, 'output') } } } : {}),
      };
    }
    const params = parameters(spec);
    paths[spec.path] ??= {};
    paths[spec.path][spec.method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(spec.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'OnAir lifecycle API',
      version: '1.0.0',
      description: [
        'Create, start, stop and tear down live channels, and plan broadcasts that do it by themselves.',
        'Every route is authenticated with AWS SigV4 (API Gateway IAM authorization, service `execute-api`); a JWT authorizer is a deployment option (see README).',
        'Errors are `{error, message, details[]}`: 400 invalid request, 403 unauthenticated, 404 not found, 409 conflicting operation or state, 422 well-formed but impossible.',
        'Long operations answer 202 with a Location to poll.',
      ].join('\n\n'),
    },
    security: [{ sigv4: [] }],
    paths,
    components: {
      securitySchemes: {
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'AWS Signature Version 4 (service execute-api)', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
      schemas: { ...input.schemas, ...output.schemas },
    },
  };
}
