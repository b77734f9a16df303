/**
 * The RPC protocols: awsJson 1.0/1.1 (X-Amz-Target), awsQuery (Action= form posts; SNS, STS and
 * CloudWatch's query form) and Smithy RPC v2 CBOR (/service/<Service>/operation/<Op>; CloudWatch).
 */
import { cbor, tag } from '@smithy/core/cbor';
import { AwsError } from '../core/types';
import type { ModelValue } from '../core/types';
import type { WireRequest, WireResponse } from './http';
import type { MemberRef, Model } from './model';
import { decodeJson, decodeText, encodeJson, isPlainObject } from './values';
import { encodeXml, escapeXml } from './xml';

// ---------- awsJson ----------

export function jsonTargetOperation(model: Model, req: WireRequest): string | undefined {
  const target = req.headers['x-amz-target'];
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  return dot < 0 ? undefined : target.slice(dot + 1);
}

export function decodeAwsJson(model: Model, operation: string, req: WireRequest): ModelValue {
  const op = model.operation(operation)!;
  if (!op.input) return {};
  let parsed: unknown = {};
  if (req.body.length) {
    try { parsed = JSON.parse(req.body.toString('utf8')); } catch { throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400); }
  }
  const v = decodeJson(model, op.input, parsed, { useMemberNames: false, timestampFormat: 'unixTimestamp' });
  if (!isPlainObject(v)) throw new AwsError('SerializationException', 'The request body must be a JSON object', 400);
  return v;
}

export function encodeAwsJson(model: Model, operation: string, output: ModelValue, version: '1.0' | '1.1'): WireResponse {
  const op = model.operation(operation)!;
  const body = op.output ? encodeJson(model, op.output, output, { useMemberNames: false, timestampFormat: 'unixTimestamp' }) ?? {} : {};
  return { status: 200, headers: { 'content-type': `application/x-amz-json-${version}` }, body: JSON.stringify(body) };
}

/** Smithy namespace of the service's shapes, for fully qualified `__type`s (com.amazonaws.cloudwatch#…). */
function smithyNamespace(model: Model): string {
  const ns: Record<string, string> = { monitoring: 'com.amazonaws.cloudwatch', states: 'com.amazonaws.sfn', events: 'com.amazonaws.eventbridge', secretsmanager: 'com.amazonaws.secretsmanager' };
  return ns[model.service] ?? `com.amazonaws.${model.service}`;
}

/**
 * Query error codes of query-compatible services whose botocore model leaves out the `awsQueryError`
 * trait (SQS: botocore 1.43's model has none; AWS's Smithy model, which the JS SDK carries, has them,
 * and SQS names them in `x-amzn-query-error`, e.g. `AWS.SimpleQueueService.NonExistentQueue;Sender`;
 * SQS API Reference "Common Errors" and each action's Errors).
 */
const QUERY_ERROR_CODES: Record<string, Record<string, string>> = {
  sqs: {
    QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
    QueueNameExists: 'QueueAlreadyExists',
    QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
    PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
    UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
  },
};

function errorCodes(model: Model, err: AwsError): { shapeName: string; queryCode: string; type: 'Sender' | 'Receiver' } {
  const shapeName = model.errorShapeName(err.code) ?? err.code;
  const queryCode = model.errorShape(err.code)?.error?.code ?? QUERY_ERROR_CODES[model.service]?.[shapeName] ?? shapeName;
  return { shapeName, queryCode, type: err.status >= 500 ? 'Receiver' : 'Sender' };
}

function errorBodyMembers(model: Model, err: AwsError, useMemberNames: boolean): Record<string, unknown> {
  const shapeName = model.errorShapeName(err.code);
  if (!shapeName) return {};
  const ref: MemberRef = { shape: shapeName };
  return (encodeJson(model, ref, { ...err.fields }, { useMemberNames, timestampFormat: 'unixTimestamp' }) as Record<string, unknown> | undefined) ?? {};
}

/** Query-compatible services (CloudWatch) also name the query error code, which the SDK prefers. */
function queryCompatHeader(model: Model, err: AwsError): Record<string, string> {
  if (!model.metadata.awsQueryCompatible) return {};
  const { queryCode, type } = errorCodes(model, err);
  return { 'x-amzn-query-error': `${queryCode};${type}` };
}

export function encodeAwsJsonError(model: Model, err: AwsError, version: '1.0' | '1.1'): WireResponse {
  const { shapeName } = errorCodes(model, err);
  const body = { __type: `${smithyNamespace(model)}#${shapeName}`, ...errorBodyMembers(model, err, false), message: err.message };
  return { status: err.status, headers: { 'content-type': `application/x-amz-json-${version}`, ...queryCompatHeader(model, err) }, body: JSON.stringify(body) };
}

// ---------- awsQuery ----------

export function queryParams(req: WireRequest): URLSearchParams {
  const ct = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && ct.includes('application/x-www-form-urlencoded')) return new URLSearchParams(req.body.toString('utf8'));
  return req.query;
}

function hasPrefix(params: URLSearchParams, prefix: string): boolean {
  for (const k of params.keys()) if (k === prefix || k.startsWith(`${prefix}.`)) return true;
  return false;
}

function decodeQueryValue(model: Model, ref: MemberRef, params: URLSearchParams, prefix: string): unknown {
  const shape = model.shape(ref.shape);
  switch (shape.type) {
    case 'structure': {
      if (prefix && !hasPrefix(params, prefix)) return undefined;
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        const v = decodeQueryValue(model, m, params, prefix ? `${prefix}.${m.locationName ?? name}` : m.locationName ?? name);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list': {
      // An empty list travels as `Name=` with no members.
      if (params.get(prefix) === '' && !hasPrefix(params, `${prefix}.`)) return [];
      const itemPrefix = ref.flattened || shape.flattened ? prefix : `${prefix}.${shape.member!.locationName ?? 'member'}`;
      const out: unknown[] = [];
      for (let i = 1; hasPrefix(params, `${itemPrefix}.${i}`); i++) out.push(decodeQueryValue(model, shape.member!, params, `${itemPrefix}.${i}`));
      return out.length ? out : undefined;
    }
    case 'map': {
      const entryPrefix = ref.flattened || shape.flattened ? prefix : `${prefix}.entry`;
      const out: Record<string, unknown> = {};
      const k = shape.key!.locationName ?? 'key';
      const v = shape.value!.locationName ?? 'value';
      for (let i = 1; hasPrefix(params, `${entryPrefix}.${i}`); i++) {
        const key = params.get(`${entryPrefix}.${i}.${k}`);
        if (key !== null) out[key] = decodeQueryValue(model, shape.value!, params, `${entryPrefix}.${i}.${v}`);
      }
      return Object.keys(out).length ? out : undefined;
    }
    default: {
      const v = params.get(prefix);
      return v === null ? undefined : decodeText(shape, v);
    }
  }
}

export function queryAction(req: WireRequest): string | undefined {
  return queryParams(req).get('Action') ?? undefined;
}

export function decodeQuery(model: Model, operation: string, req: WireRequest): ModelValue {
  const op = model.operation(operation)!;
  if (!op.input) return {};
  const v = decodeQueryValue(model, op.input, queryParams(req), '');
  return isPlainObject(v) ? v : {};
}

export function encodeQuery(model: Model, operation: string, output: ModelValue, requestId: string): WireResponse {
  const op = model.operation(operation)!;
  const ns = model.metadata.xmlNamespace;
  let result = '';
  if (op.output) {
    const wrapper = op.output.resultWrapper ?? `${operation}Result`;
    result = encodeXml(model, op.output, output, wrapper) || `<${wrapper}/>`;
  }
  const body = `<${operation}Response${ns ? ` xmlns="${escapeXml(ns)}"` : ''}>${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

export function encodeQueryError(model: Model, err: AwsError, requestId: string): WireResponse {
  const { queryCode, type } = errorCodes(model, err);
  const ns = model.metadata.xmlNamespace;
  const body = `<ErrorResponse${ns ? ` xmlns="${escapeXml(ns)}"` : ''}><Error><Type>${type}</Type><Code>${escapeXml(queryCode)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { 'content-type': 'text/xml' }, body };
}

// ---------- Smithy RPC v2 CBOR ----------

export function cborOperation(req: WireRequest): string | undefined {
  const m = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(req.rawPath);
  return m ? decodeURIComponent(m[2]!) : undefined;
}

export function decodeCbor(model: Model, operation: string, req: WireRequest): ModelValue {
  const op = model.operation(operation)!;
  if (!op.input || req.body.length === 0) return {};
  let parsed: unknown;
  try { parsed = cbor.deserialize(new Uint8Array(req.body)); } catch { throw new AwsError('SerializationException', 'The request body is not valid CBOR', 400); }
  const v = decodeJson(model, op.input, parsed, { useMemberNames: true, timestampFormat: 'unixTimestamp', native: true });
  if (!isPlainObject(v)) throw new AwsError('SerializationException', 'The request body must be a CBOR map', 400);
  return v;
}

const CBOR_HEADERS = { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' };

export function encodeCbor(model: Model, operation: string, output: ModelValue): WireResponse {
  const op = model.operation(operation)!;
  const body = op.output ? encodeJson(model, op.output, output, { useMemberNames: true, timestampFormat: 'unixTimestamp', native: true, cborTag: (s) => tag({ tag: 1, value: s }) }) ?? {} : {};
  return { status: 200, headers: { ...CBOR_HEADERS }, body: Buffer.from(cbor.serialize(body)) };
}

export function encodeCborError(model: Model, err: AwsError): WireResponse {
  const { shapeName } = errorCodes(model, err);
  const body = { __type: `${smithyNamespace(model)}#${shapeName}`, ...errorBodyMembers(model, err, true), message: err.message };
  return { status: err.status, headers: { ...CBOR_HEADERS, ...queryCompatHeader(model, err) }, body: Buffer.from(cbor.serialize(body)) };
}
