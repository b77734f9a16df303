/**
 * From an HTTP request to (service, operation, input) and back, for every protocol the twin speaks.
 * Behaviours never see any of this: they get model member names in and give them back.
 */
import { AwsError } from '../core/types';
import type { ModelValue } from '../core/types';
import type { ProtocolName, WireRequest, WireResponse } from './http';
import { loadModel, type Model } from './model';
import { decodeRest, encodeRest, encodeRestError, matchRestOperation } from './rest';
import { cborOperation, decodeAwsJson, decodeCbor, decodeQuery, encodeAwsJson, encodeAwsJsonError, encodeCbor, encodeCborError, encodeQuery, encodeQueryError, jsonTargetOperation, queryAction } from './rpc';
import { validate, validationError } from './validate';

export type { ProtocolName, WireRequest, WireResponse } from './http';
export { wireRequest } from './http';
export { loadModel, modelServices, Model } from './model';

export interface Addressed {
  service: string;
  region: string;
  /** How the service was found (for the request log and for debugging a misrouted SDK). */
  via: 'sigv4' | 'target' | 'host' | 'action' | 'path';
}

const TARGET_PREFIX_EXTRA: Record<string, string> = { DynamoDB_20120810: 'dynamodb', DynamoDBStreams_20120810: 'streams.dynamodb' };

function targetPrefixes(services: string[]): Map<string, string> {
  const m = new Map<string, string>(Object.entries(TARGET_PREFIX_EXTRA));
  for (const s of services) {
    const p = loadModel(s)?.metadata.targetPrefix;
    if (p) m.set(p, s);
  }
  return m;
}

/** Which service a request is for: the SigV4 credential scope first, as AWS's own front door does. */
export function addressService(req: WireRequest, services: string[], defaultRegion: string): Addressed | undefined {
  const cred = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '')
    ?? /^[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/.exec(req.query.get('X-Amz-Credential') ?? '');
  if (cred && services.includes(cred[2]!)) return { service: cred[2]!, region: cred[1]!, via: 'sigv4' };
  const region = cred?.[1] ?? defaultRegion;
  const prefixes = targetPrefixes(services);
  const target = req.headers['x-amz-target'];
  if (target) {
    const s = prefixes.get(target.slice(0, target.lastIndexOf('.')));
    if (s && services.includes(s)) return { service: s, region, via: 'target' };
  }
  const rpc = /^\/service\/([^/]+)\/operation\//.exec(req.rawPath);
  if (rpc) {
    const s = prefixes.get(decodeURIComponent(rpc[1]!));
    if (s) return { service: s, region, via: 'target' };
  }
  const host = /^([a-z0-9-]+)\.(?:([a-z0-9-]+)\.)?amazonaws\.com/.exec(req.headers.host ?? '');
  if (host) {
    const s = services.find((svc) => svc === host[1] || loadModel(svc)?.metadata.endpointPrefix === host[1]);
    if (s) return { service: s, region: host[2] ?? region, via: 'host' };
  }
  const action = queryAction(req);
  if (action) {
    const s = services.find((svc) => { const m = loadModel(svc); return m && supports(m, 'awsQuery') && m.operation(action); });
    if (s) return { service: s, region, via: 'action' };
  }
  for (const svc of services) {
    const m = loadModel(svc);
    if (m && /^rest-/.test(m.metadata.protocol) && matchRestOperation(m, req)) return { service: svc, region, via: 'path' };
  }
  return undefined;
}

function supports(model: Model, p: ProtocolName): boolean {
  const list = model.metadata.protocols ?? [model.metadata.protocol];
  switch (p) {
    case 'rpcv2Cbor': return list.includes('smithy-rpc-v2-cbor');
    case 'awsJson1_0': case 'awsJson1_1': return list.includes('json');
    case 'awsQuery': return list.includes('query');
    case 'restJson1': return list.includes('rest-json');
    case 'restXml': return list.includes('rest-xml');
  }
}

/** The protocol this request speaks, among those the service accepts. */
export function selectProtocol(model: Model, req: WireRequest): ProtocolName {
  const json: ProtocolName = model.metadata.jsonVersion === '1.1' ? 'awsJson1_1' : 'awsJson1_0';
  if ((req.headers['smithy-protocol'] === 'rpc-v2-cbor' || req.rawPath.startsWith('/service/')) && supports(model, 'rpcv2Cbor')) return 'rpcv2Cbor';
  if (req.headers['x-amz-target'] && supports(model, json)) return json;
  const ct = req.headers['content-type'] ?? '';
  if ((ct.includes('x-www-form-urlencoded') || req.query.has('Action')) && supports(model, 'awsQuery')) return 'awsQuery';
  switch (model.metadata.protocol) {
    case 'rest-json': return 'restJson1';
    case 'rest-xml': return 'restXml';
    case 'query': return 'awsQuery';
    case 'smithy-rpc-v2-cbor': return 'rpcv2Cbor';
    default: return json;
  }
}

export interface Decoded { operation: string; input: ModelValue }

/** Finds the operation and decodes its input; throws an AwsError (in this protocol's terms) when it cannot. */
export function decodeRequest(model: Model, protocol: ProtocolName, req: WireRequest): Decoded {
  let operation: string | undefined;
  let input: ModelValue;
  switch (protocol) {
    case 'restJson1': case 'restXml': {
      const hit = matchRestOperation(model, req);
      if (!hit) throw new AwsError('UnknownOperationException', `No ${model.metadata.serviceId} operation the twin serves matches ${req.method} ${req.rawPath}`, 404);
      operation = hit.operation;
      input = decodeRest(model, protocol === 'restJson1' ? 'json' : 'xml', req, operation, hit.labels);
      break;
    }
    case 'awsJson1_0': case 'awsJson1_1':
      operation = jsonTargetOperation(model, req);
      if (!operation || !model.operation(operation)) throw new AwsError('UnknownOperationException', `Operation ${req.headers['x-amz-target'] ?? ''} is not served by the twin's ${model.metadata.serviceId}`, 400);
      input = decodeAwsJson(model, operation, req);
      break;
    case 'awsQuery':
      operation = queryAction(req);
      if (!operation || !model.operation(operation)) throw new AwsError('InvalidAction', `The action ${operation ?? '(none)'} is not valid for this web service (or not served by the twin).`, 400);
      input = decodeQuery(model, operation, req);
      break;
    case 'rpcv2Cbor':
      operation = cborOperation(req);
      if (!operation || !model.operation(operation)) throw new AwsError('UnknownOperationException', `Operation ${operation ?? req.rawPath} is not served by the twin's ${model.metadata.serviceId}`, 404);
      input = decodeCbor(model, operation, req);
      break;
  }
  return { operation, input };
}

/** Validation against the model: throws the service's own validation error naming every failing field. */
export function validateInput(model: Model, operation: string, input: ModelValue): void {
  const issues = validate(model, model.operation(operation)?.input, input);
  if (issues.length) throw validationError(model, operation, issues);
}

export function encodeResponse(model: Model, protocol: ProtocolName, operation: string, output: ModelValue, requestId: string): WireResponse {
  const res = (() => {
    switch (protocol) {
      case 'restJson1': return encodeRest(model, 'json', operation, output);
      case 'restXml': return encodeRest(model, 'xml', operation, output);
      case 'awsJson1_0': return encodeAwsJson(model, operation, output, '1.0');
      case 'awsJson1_1': return encodeAwsJson(model, operation, output, '1.1');
      case 'awsQuery': return encodeQuery(model, operation, output, requestId);
      case 'rpcv2Cbor': return encodeCbor(model, operation, output);
    }
  })();
  res.headers['x-amzn-requestid'] = requestId;
  return res;
}

export function encodeError(model: Model, protocol: ProtocolName, err: AwsError, requestId: string): WireResponse {
  const res = (() => {
    switch (protocol) {
      case 'restJson1': return encodeRestError(model, 'json', err, requestId);
      case 'restXml': return encodeRestError(model, 'xml', err, requestId);
      case 'awsJson1_0': return encodeAwsJsonError(model, err, '1.0');
      case 'awsJson1_1': return encodeAwsJsonError(model, err, '1.1');
      case 'awsQuery': return encodeQueryError(model, err, requestId);
      case 'rpcv2Cbor': return encodeCborError(model, err);
    }
  })();
  res.headers['x-amzn-requestid'] = requestId;
  return res;
}
