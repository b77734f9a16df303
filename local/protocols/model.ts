/**
 * AWS service models (botocore JSON, pruned by scripts/prune-models.ts) and the lookups every
 * protocol needs. Shapes keep botocore's vocabulary: `locationName` is the wire name, `location` the
 * HTTP binding (uri, querystring, header, headers, statusCode), `payload` the member bound to the body.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemberRef {
  shape: string;
  locationName?: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  timestampFormat?: TimestampFormat;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: { uri: string; prefix?: string };
  queryName?: string;
  idempotencyToken?: boolean;
  jsonvalue?: boolean;
  hostLabel?: boolean;
  deprecated?: boolean;
}

export type TimestampFormat = 'iso8601' | 'unixTimestamp' | 'rfc822';

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob' | 'byte' | 'short' | 'bigdecimal' | 'biginteger';
  members?: Record<string, MemberRef>;
  required?: string[];
  payload?: string;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  flattened?: boolean;
  locationName?: string;
  timestampFormat?: TimestampFormat;
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  streaming?: boolean;
  sensitive?: boolean;
  union?: boolean;
  document?: boolean;
  event?: boolean;
  eventstream?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: MemberRef;
  output?: MemberRef & { resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface ServiceModel {
  version?: string;
  metadata: {
    apiVersion: string;
    protocol: string;
    protocols?: string[];
    signingName?: string;
    endpointPrefix: string;
    jsonVersion?: string;
    targetPrefix?: string;
    xmlNamespace?: string;
    serviceId: string;
    awsQueryCompatible?: Record<string, unknown>;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

export class Model {
  /** The SigV4 signing name, also the file name under local/models/. */
  readonly service: string;
  private readonly errorsByCode = new Map<string, string>();

  constructor(readonly raw: ServiceModel, service: string) {
    this.service = service;
    for (const [name, shape] of Object.entries(raw.shapes)) {
      if (!shape.exception) continue;
      this.errorsByCode.set(name, name);
      if (shape.error?.code) this.errorsByCode.set(shape.error.code, name);
    }
  }

  get metadata(): ServiceModel['metadata'] { return this.raw.metadata; }
  /** Operation names as the SDK sends them (the model's keys; CloudFront's `name` carries a version suffix). */
  get operationNames(): string[] { return Object.keys(this.raw.operations); }
  operation(name: string): Operation | undefined { return this.raw.operations[name]; }

  shape(name: string): Shape {
    const s = this.raw.shapes[name];
    if (!s) throw new Error(`${this.service}: shape ${name} is not in the model`);
    return s;
  }

  /** The error shape for a code that a behaviour threw (shape name or the query-protocol `error.code`). */
  errorShapeName(code: string): string | undefined { return this.errorsByCode.get(code); }
  errorShape(code: string): Shape | undefined {
    const n = this.errorShapeName(code);
    return n ? this.raw.shapes[n] : undefined;
  }
  /** The error codes an operation declares, by shape name. */
  operationErrors(op: string): string[] { return (this.raw.operations[op]?.errors ?? []).map((e) => e.shape); }
}

const MODELS_DIR = join(__dirname, '..', 'models');
const cache = new Map<string, Model | null>();

/** The pruned model for a signing name, or undefined when the twin has none (dynamodb is proxied). */
export function loadModel(service: string, dir = MODELS_DIR): Model | undefined {
  const key = `${dir}|${service}`;
  if (!cache.has(key)) {
    const file = join(dir, `${service}.json`);
    cache.set(key, existsSync(file) ? new Model(JSON.parse(readFileSync(file, 'utf8')) as ServiceModel, service) : null);
  }
  return cache.get(key) ?? undefined;
}

export function modelServices(dir = MODELS_DIR): string[] {
  const ops = JSON.parse(readFileSync(join(dir, 'operations.json'), 'utf8')) as Record<string, string[]>;
  return Object.keys(ops).filter((s) => existsSync(join(dir, `${s}.json`)));
}
