/**
 * Model-driven conversions between wire JSON and model values, shared by restJson1, awsJson and (with
 * `useMemberNames`) Smithy RPC v2 CBOR. Model values are what behaviours see: member names as keys,
 * timestamps as Date, blobs as Buffer. Decoding is lenient — a value of the wrong type is kept as it
 * came so that validation (validate.ts) can name it — and drops members the model does not know,
 * as AWS's JSON services do.
 */
import type { MemberRef, Model, Shape, TimestampFormat } from './model';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array);
}

export function parseTimestamp(v: unknown): Date | unknown {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v === 'string') {
    const d = /^-?\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
    return Number.isNaN(d.getTime()) ? v : d;
  }
  return v;
}

export function toDate(v: unknown): Date | undefined {
  const d = parseTimestamp(v);
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d : undefined;
}

export function formatTimestamp(v: unknown, format: TimestampFormat): string | number | undefined {
  const d = toDate(v);
  if (!d) return undefined;
  if (format === 'unixTimestamp') return d.getTime() / 1000;
  if (format === 'rfc822') return d.toUTCString();
  return d.toISOString().replace('.000Z', 'Z');
}

export function toBuffer(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return undefined;
}

/** The name a member has on the wire in JSON bodies. */
export function jsonKey(name: string, ref: MemberRef, useMemberNames: boolean): string {
  return useMemberNames ? name : ref.locationName ?? name;
}

export interface JsonOptions {
  /** Smithy RPC v2 CBOR and awsJson use member names; restJson uses locationName (botocore's jsonName). */
  useMemberNames: boolean;
  /** Default for timestamps without a timestampFormat trait. */
  timestampFormat: TimestampFormat;
  /** CBOR carries blobs and timestamps natively. */
  native?: boolean;
}

export function decodeJson(model: Model, ref: MemberRef, value: unknown, opts: JsonOptions): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = model.shape(ref.shape);
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return value;
      if (shape.document) return value;
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        if (m.location) continue;
        const raw = value[jsonKey(name, m, opts.useMemberNames)];
        const v = decodeJson(model, m, raw, opts);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => decodeJson(model, shape.member!, v, opts) ?? null) : value;
    case 'map': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = decodeJson(model, shape.value!, v, opts) ?? null;
      return out;
    }
    case 'timestamp':
      if (isCborTag(value)) return parseTimestamp(value.value);
      return parseTimestamp(value);
    case 'blob':
      if (opts.native && (value instanceof Uint8Array)) return Buffer.from(value);
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    default:
      return value;
  }
}

interface CborTagLike { tag: number; value: unknown }
function isCborTag(v: unknown): v is CborTagLike {
  return typeof v === 'object' && v !== null && 'tag' in v && 'value' in v;
}

export function encodeJson(model: Model, ref: MemberRef, value: unknown, opts: JsonOptions & { cborTag?: (seconds: number) => unknown }): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = model.shape(ref.shape);
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return undefined;
      if (shape.document) return value;
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        if (m.location) continue;
        const v = encodeJson(model, m, value[name], opts);
        if (v !== undefined) out[jsonKey(name, m, opts.useMemberNames)] = v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => encodeJson(model, shape.member!, v, opts) ?? null) : undefined;
    case 'map': {
      if (!isPlainObject(value)) return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const e = encodeJson(model, shape.value!, v, opts);
        if (e !== undefined) out[k] = e;
      }
      return out;
    }
    case 'timestamp': {
      if (opts.cborTag) {
        const d = toDate(value);
        return d ? opts.cborTag(d.getTime() / 1000) : undefined;
      }
      return formatTimestamp(value, ref.timestampFormat ?? shape.timestampFormat ?? opts.timestampFormat);
    }
    case 'blob': {
      const b = toBuffer(value);
      if (!b) return undefined;
      return opts.native ? new Uint8Array(b) : b.toString('base64');
    }
    case 'integer': case 'long': case 'short': case 'byte': case 'float': case 'double':
      return typeof value === 'string' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    default:
      return value;
  }
}

/** Scalars from text (query strings, headers, XML text, URI labels) typed by the shape. */
export function decodeText(shape: Shape, text: string): unknown {
  switch (shape.type) {
    case 'integer': case 'long': case 'short': case 'byte': case 'float': case 'double': case 'bigdecimal': case 'biginteger': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? text : n;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'timestamp':
      return parseTimestamp(text);
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}

export function encodeText(shape: Shape, ref: MemberRef, value: unknown, defaultFormat: TimestampFormat): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (shape.type === 'timestamp') {
    const t = formatTimestamp(value, ref.timestampFormat ?? shape.timestampFormat ?? defaultFormat);
    return t === undefined ? undefined : String(t);
  }
  if (shape.type === 'blob') return toBuffer(value)?.toString('base64');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
