/**
 * EventBridge event-pattern matching, written from the EventBridge User Guide ("Creating event
 * patterns", "Content filtering in Amazon EventBridge event patterns"). No maintained npm library
 * implements it (AWS's own `event-ruler` is Java), so the twin has this one, unit-tested per rule.
 *
 * Rules that surprise people, all from the guide:
 *  - every leaf of a pattern is an ARRAY of matchers, OR-ed; nested objects are AND-ed per field;
 *  - when the event's value is an array, the field matches if ANY element matches;
 *  - `exists` only looks at leaves: `{ exists: true }` on a field holding an object does not match;
 *  - a field absent from the event matches nothing but `{ exists: false }` (and `anything-but`
 *    does not match a missing field either);
 *  - `null` and `""` are values and match only themselves;
 *  - `$or` takes a list of sub-patterns at any level.
 */

export class InvalidEventPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventPatternError';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const MISSING = Symbol('missing');
type Value = Json | typeof MISSING;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses (if a string) and validates a pattern; throws InvalidEventPatternError naming the field. */
export function parseEventPattern(pattern: string | Record<string, unknown>): JsonObject {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new InvalidEventPatternError(`Event pattern is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(parsed)) throw new InvalidEventPatternError('Event pattern must be a JSON object');
  validateObject(parsed, '');
  return parsed;
}

function validateObject(pattern: JsonObject, path: string): void {
  for (const [key, value] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        throw new InvalidEventPatternError(`"$or" at ${path || 'top level'} must be an array of at least two patterns`);
      }
      for (const sub of value) validateObject(sub as JsonObject, path);
    } else if (isObject(value)) {
      validateObject(value, here);
    } else if (Array.isArray(value)) {
      for (const matcher of value) validateMatcher(matcher, here);
    } else {
      throw new InvalidEventPatternError(`Field ${here}: a leaf must be an array of matchers, got ${JSON.stringify(value)}`);
    }
  }
}

const OPS = new Set(['<', '<=', '=', '>', '>=']);

function validateMatcher(matcher: Json, field: string): void {
  if (!isObject(matcher)) return; // literal string/number/boolean/null
  const keys = Object.keys(matcher);
  if (keys.length !== 1) throw new InvalidEventPatternError(`Field ${field}: a matcher object takes exactly one key`);
  const key = keys[0] as string;
  const arg = matcher[key] as Json;
  switch (key) {
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return;
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string' && Object.keys(arg).length === 1) return;
      throw new InvalidEventPatternError(`Field ${field}: "${key}" takes a string or {"equals-ignore-case": string}`);
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof arg !== 'string') throw new InvalidEventPatternError(`Field ${field}: "${key}" takes a string`);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') throw new InvalidEventPatternError(`Field ${field}: "exists" takes true or false`);
      return;
    case 'cidr':
      if (typeof arg !== 'string' || parseCidr(arg) === undefined) throw new InvalidEventPatternError(`Field ${field}: "cidr" takes an IPv4 CIDR block`);
      return;
    case 'numeric': {
      if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
        throw new InvalidEventPatternError(`Field ${field}: "numeric" takes [op, number] or [op, number, op, number]`);
      }
      for (let i = 0; i < arg.length; i += 2) {
        if (typeof arg[i] !== 'string' || !OPS.has(arg[i] as string) || typeof arg[i + 1] !== 'number') {
          throw new InvalidEventPatternError(`Field ${field}: "numeric" has a bad comparison at position ${i}`);
        }
      }
      return;
    }
    case 'anything-but': {
      if (Array.isArray(arg)) {
        if (!arg.every((a) => typeof a === 'string' || typeof a === 'number')) {
          throw new InvalidEventPatternError(`Field ${field}: "anything-but" list takes strings or numbers`);
        }
        return;
      }
      if (isObject(arg)) {
        const [inner] = Object.keys(arg);
        if (Object.keys(arg).length !== 1 || !['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(inner as string)) {
          throw new InvalidEventPatternError(`Field ${field}: "anything-but" takes a value, a list, or one of prefix/suffix/equals-ignore-case/wildcard`);
        }
        const v = arg[inner as string];
        if (!(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) {
          throw new InvalidEventPatternError(`Field ${field}: "anything-but" ${inner} takes a string`);
        }
        return;
      }
      if (typeof arg === 'string' || typeof arg === 'number') return;
      throw new InvalidEventPatternError(`Field ${field}: "anything-but" takes a string, a number or a list`);
    }
    default:
      throw new InvalidEventPatternError(`Field ${field}: unknown matcher "${key}"`);
  }
}

/** True when `event` matches `pattern` (already validated by parseEventPattern). */
export function matchesEventPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return matchObject(pattern as JsonObject, event as JsonObject);
}

function matchObject(pattern: JsonObject, event: Value): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(sub as JsonObject[]).some((alt) => matchObject(alt, event))) return false;
      continue;
    }
    const value: Value = isObject(event) && Object.prototype.hasOwnProperty.call(event, key) ? event[key] as Json : MISSING;
    if (isObject(sub)) {
      // Nested pattern: the event must hold an object there (or an array with a matching object).
      if (Array.isArray(value)) {
        if (!value.some((el) => isObject(el) && matchObject(sub, el))) return false;
      } else if (!matchObject(sub, isObject(value) ? value : MISSING)) {
        return false;
      }
      continue;
    }
    if (!matchLeaf(sub as Json[], value)) return false;
  }
  return true;
}

function matchLeaf(matchers: Json[], value: Value): boolean {
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) {
      const present = value !== MISSING && !isObject(value) && !(Array.isArray(value) && value.length === 0);
      return m.exists === present;
    }
    if (value === MISSING || isObject(value)) return false;
    const candidates: Json[] = Array.isArray(value) ? value : [value];
    return candidates.some((v) => matchOne(m, v));
  });
}

function matchOne(m: Json, v: Json): boolean {
  if (!isObject(m)) {
    if (typeof m === 'number' && typeof v === 'number') return m === v;
    return m === v;
  }
  const [key] = Object.keys(m) as [string];
  const arg = m[key] as Json;
  switch (key) {
    case 'prefix':
      return typeof v === 'string' && (typeof arg === 'string'
        ? v.startsWith(arg)
        : v.toLowerCase().startsWith(String((arg as JsonObject)['equals-ignore-case']).toLowerCase()));
    case 'suffix':
      return typeof v === 'string' && (typeof arg === 'string'
        ? v.endsWith(arg)
        : v.toLowerCase().endsWith(String((arg as JsonObject)['equals-ignore-case']).toLowerCase()));
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return typeof v === 'string' && wildcardRegExp(String(arg)).test(v);
    case 'cidr':
      return typeof v === 'string' && inCidr(v, String(arg));
    case 'numeric':
      return typeof v === 'number' && numericMatch(arg as Json[], v);
    case 'anything-but':
      return anythingBut(arg, v);
    default:
      return false;
  }
}

function anythingBut(arg: Json, v: Json): boolean {
  if (Array.isArray(arg)) return !arg.some((a) => a === v);
  if (isObject(arg)) {
    if (typeof v !== 'string') return true;
    const [inner] = Object.keys(arg) as [string];
    const raw = arg[inner] as string | string[];
    const list = Array.isArray(raw) ? raw : [raw];
    switch (inner) {
      case 'prefix': return !list.some((p) => v.startsWith(p));
      case 'suffix': return !list.some((s) => v.endsWith(s));
      case 'equals-ignore-case': return !list.some((s) => s.toLowerCase() === v.toLowerCase());
      case 'wildcard': return !list.some((w) => wildcardRegExp(w).test(v));
      default: return false;
    }
  }
  return arg !== v;
}

function numericMatch(spec: Json[], v: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i] as string;
    const n = spec[i + 1] as number;
    const ok = op === '<' ? v < n : op === '<=' ? v <= n : op === '=' ? v === n : op === '>' ? v > n : v >= n;
    if (!ok) return false;
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();
/** `*` matches any run of characters; `\*` is a literal star (EventBridge wildcard filtering). */
function wildcardRegExp(w: string): RegExp {
  let re = wildcardCache.get(w);
  if (re) return re;
  let source = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i] as string;
    if (c === '\\' && w[i + 1] === '*') { source += '\\*'; i++; continue; }
    source += c === '*' ? '.*' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  re = new RegExp(`^${source}$`, 's');
  wildcardCache.set(w, re);
  return re;
}

function parseIpv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const [ip, bitsText] = cidr.split('/');
  const base = parseIpv4(ip ?? '');
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  return { base, bits };
}

function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const n = parseIpv4(ip);
  if (!c || n === undefined) return false;
  const size = 2 ** (32 - c.bits);
  return Math.floor(n / size) === Math.floor(c.base / size);
}
