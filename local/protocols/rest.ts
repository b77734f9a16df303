/**
 * restJson1 and restXml: operation by HTTP method + the model's URI template (labels, greedy labels
 * `{Key+}`, and query literals such as CloudFront's `?WithTags`), members bound to uri, querystring,
 * header, headers (prefix maps), statusCode, payload or body.
 */
import { AwsError } from '../core/types';
import type { ModelValue } from '../core/types';
import type { WireRequest, WireResponse } from './http';
import type { MemberRef, Model, Operation, Shape } from './model';
import { decodeJson, decodeText, encodeJson, encodeText, isPlainObject, toBuffer } from './values';
import { decodeXml, encodeXml, escapeXml, parseXml, XmlSyntaxError } from './xml';

interface CompiledRoute {
  operation: string;
  method: string;
  regex: RegExp;
  labels: string[];
  queryLiterals: [string, string | undefined][];
  score: number;
}

const routeCache = new WeakMap<Model, CompiledRoute[]>();

function compile(model: Model): CompiledRoute[] {
  const cached = routeCache.get(model);
  if (cached) return cached;
  const routes: CompiledRoute[] = [];
  for (const name of model.operationNames) {
    const op = model.operation(name)!;
    const [pathPart, queryPart] = op.http.requestUri.split('?') as [string, string | undefined];
    const labels: string[] = [];
    let literalChars = 0;
    const pattern = pathPart.split('/').map((seg) => seg.replace(/\{([^}]+)\}|([^{]+)/g, (_m, label: string | undefined, lit: string | undefined) => {
      if (label) {
        const greedy = label.endsWith('+');
        labels.push(greedy ? label.slice(0, -1) : label);
        return greedy ? '(.+)' : '([^/]+)';
      }
      literalChars += lit!.length;
      return lit!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })).join('/');
    const queryLiterals = (queryPart ? queryPart.split('&').filter(Boolean) : []).map((kv) => {
      const [k, v] = kv.split('=') as [string, string | undefined];
      return [k, v] as [string, string | undefined];
    });
    routes.push({
      operation: name, method: op.http.method.toUpperCase(), labels, queryLiterals,
      regex: new RegExp(`^${pattern.replace(/\/$/, '')}/?$`),
      score: literalChars * 10 + queryLiterals.length * 1000 - labels.length,
    });
  }
  routes.sort((a, b) => b.score - a.score);
  routeCache.set(model, routes);
  return routes;
}

export function matchRestOperation(model: Model, req: WireRequest): { operation: string; labels: Record<string, string> } | undefined {
  for (const r of compile(model)) {
    if (r.method !== req.method) continue;
    const m = r.regex.exec(req.rawPath);
    if (!m) continue;
    if (!r.queryLiterals.every(([k, v]) => req.query.has(k) && (v === undefined || req.query.get(k) === v))) continue;
    const labels: Record<string, string> = {};
    r.labels.forEach((l, i) => {
      const raw = m[i + 1]!;
      labels[l] = raw.split('/').map((s) => decodeURIComponent(s)).join('/');
    });
    return { operation: r.operation, labels };
  }
  return undefined;
}

type Flavour = 'json' | 'xml';

function parseBody(flavour: Flavour, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    return flavour === 'json' ? JSON.parse(text) as unknown : parseXml(text);
  } catch (e) {
    if (flavour === 'xml' && e instanceof XmlSyntaxError) throw new AwsError('MalformedXML', `The XML you provided was not well-formed: ${e.message}`, 400);
    throw new AwsError('SerializationException', 'The request body is not valid JSON', 400);
  }
}

export function decodeRest(model: Model, flavour: Flavour, req: WireRequest, operation: string, labels: Record<string, string>): ModelValue {
  const op = model.operation(operation)!;
  if (!op.input) return {};
  const shape = model.shape(op.input.shape);
  const input: ModelValue = {};
  const queryKeysBound = new Set<string>();
  for (const [name, m] of Object.entries(shape.members ?? {})) {
    if (m.location === 'querystring') queryKeysBound.add(m.locationName ?? name);
  }
  for (const [name, m] of Object.entries(shape.members ?? {})) {
    const ms = model.shape(m.shape);
    const wire = m.locationName ?? name;
    switch (m.location) {
      case 'uri':
        if (labels[wire] !== undefined) input[name] = decodeText(ms, labels[wire]!);
        break;
      case 'querystring':
        if (ms.type === 'list') { const all = req.query.getAll(wire); if (all.length) input[name] = all.map((v) => decodeText(model.shape(ms.member!.shape), v)); }
        else if (ms.type === 'map') {
          const map: Record<string, unknown> = {};
          for (const [k, v] of req.query) if (!queryKeysBound.has(k)) map[k] = v;
          if (Object.keys(map).length) input[name] = map;
        } else if (req.query.has(wire)) input[name] = decodeText(ms, req.query.get(wire)!);
        break;
      case 'header': {
        const v = req.headers[wire.toLowerCase()];
        if (v === undefined) break;
        if (ms.type === 'list') input[name] = v.split(',').map((s) => s.trim());
        else if (m.jsonvalue) { try { input[name] = JSON.parse(Buffer.from(v, 'base64').toString('utf8')); } catch { input[name] = v; } }
        else input[name] = decodeText(ms, v);
        break;
      }
      case 'headers': {
        const prefix = wire.toLowerCase();
        const map: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix) && v !== undefined) map[k.slice(prefix.length)] = v;
        if (Object.keys(map).length) input[name] = map;
        break;
      }
      default:
        break;
    }
  }
  if (shape.payload) {
    const m = shape.members![shape.payload]!;
    const ms = model.shape(m.shape);
    if (ms.type === 'blob') { if (req.body.length) input[shape.payload] = req.body; }
    else if (ms.type === 'string') { if (req.body.length) input[shape.payload] = req.body.toString('utf8'); }
    else {
      const parsed = parseBody(flavour, req.body);
      if (parsed !== undefined) {
        input[shape.payload] = flavour === 'json'
          ? decodeJson(model, m, parsed, { useMemberNames: false, timestampFormat: 'unixTimestamp' })
          : decodeXml(model, m, parsed as ReturnType<typeof parseXml>);
      }
    }
    return input;
  }
  const parsed = parseBody(flavour, req.body);
  if (parsed === undefined) return input;
  const body = flavour === 'json'
    ? decodeJson(model, op.input, parsed, { useMemberNames: false, timestampFormat: 'unixTimestamp' })
    : decodeXml(model, op.input, parsed as ReturnType<typeof parseXml>);
  if (!isPlainObject(body)) throw new AwsError('SerializationException', 'The request body must be an object', 400);
  return { ...body, ...input };
}

/** CloudFront declares its namespace on request payloads only; responses use the same one. */
export function xmlNamespace(model: Model): string | undefined {
  for (const name of model.operationNames) {
    const op = model.operation(name)!;
    if (op.input?.xmlNamespace) return op.input.xmlNamespace.uri;
    const s = op.input ? model.shape(op.input.shape) : undefined;
    for (const m of Object.values(s?.members ?? {})) if (m.xmlNamespace) return m.xmlNamespace.uri;
  }
  return model.metadata.xmlNamespace;
}

export function encodeRest(model: Model, flavour: Flavour, operation: string, output: ModelValue): WireResponse {
  const op: Operation = model.operation(operation)!;
  const headers: Record<string, string> = {};
  let status = op.http.responseCode ?? 200;
  if (!op.output) return { status, headers, body: '' };
  const shape = model.shape(op.output.shape);
  for (const [name, m] of Object.entries(shape.members ?? {})) {
    const v = output[name];
    if (v === undefined || v === null) continue;
    const ms = model.shape(m.shape);
    if (m.location === 'header') {
      const t = Array.isArray(v) ? v.join(',') : encodeText(ms, m, v, 'rfc822');
      if (t !== undefined) headers[m.locationName ?? name] = t;
    } else if (m.location === 'headers' && isPlainObject(v)) {
      for (const [k, hv] of Object.entries(v)) headers[`${m.locationName ?? name}${k}`] = String(hv);
    } else if (m.location === 'statusCode' && typeof v === 'number') {
      status = v;
    }
  }
  const contentType = flavour === 'json' ? 'application/json' : 'text/xml';
  if (shape.payload) {
    const m = shape.members![shape.payload]!;
    const ms = model.shape(m.shape);
    const v = output[shape.payload];
    if (v === undefined || v === null) return { status, headers, body: '' };
    if (ms.type === 'blob' || ms.type === 'string') {
      headers['content-type'] = ms.type === 'blob' ? 'application/octet-stream' : 'text/plain';
      return { status, headers, body: ms.type === 'blob' ? toBuffer(v) ?? '' : String(v) };
    }
    headers['content-type'] = contentType;
    const body = flavour === 'json'
      ? JSON.stringify(encodeJson(model, m, v, { useMemberNames: false, timestampFormat: 'unixTimestamp' }) ?? {})
      : `<?xml version="1.0" encoding="UTF-8"?>\n${encodeXml(model, m, v, m.locationName ?? m.shape, xmlNamespace(model))}`;
    return { status, headers, body };
  }
  headers['content-type'] = contentType;
  const body = flavour === 'json'
    ? JSON.stringify(encodeJson(model, op.output, output, { useMemberNames: false, timestampFormat: 'unixTimestamp' }) ?? {})
    : `<?xml version="1.0" encoding="UTF-8"?>\n${encodeXml(model, op.output, output, shape.locationName ?? op.output.shape, xmlNamespace(model))}`;
  return { status, headers, body };
}

function errorMembers(model: Model, shape: Shape | undefined, err: AwsError): Record<string, unknown> {
  if (!shape) return {};
  const ref: MemberRef = { shape: model.errorShapeName(err.code)! };
  return (encodeJson(model, ref, { ...err.fields }, { useMemberNames: false, timestampFormat: 'unixTimestamp' }) as Record<string, unknown> | undefined) ?? {};
}

export function encodeRestError(model: Model, flavour: Flavour, err: AwsError, requestId: string): WireResponse {
  const shape = model.errorShape(err.code);
  const shapeName = model.errorShapeName(err.code) ?? err.code;
  if (flavour === 'json') {
    const body = { ...errorMembers(model, shape, err), message: err.message };
    return { status: err.status, headers: { 'x-amzn-errortype': shapeName, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  }
  const code = shape?.error?.code ?? shapeName;
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  const ns = xmlNamespace(model);
  const body = `<?xml version="1.0"?>\n<ErrorResponse${ns ? ` xmlns="${escapeXml(ns)}"` : ''}><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { 'content-type': 'text/xml' }, body };
}
