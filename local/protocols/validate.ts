/**
 * Validates a decoded input against the model — required members, types, enum values, and min/max
 * (length for strings, lists, maps and blobs; value for numbers) where the model has them — and turns
 * the findings into the error the service itself returns for bad input (chosen from the errors the
 * operation declares, so the SDK raises its typed exception).
 *
 * Patterns are not checked: botocore's patterns are Java regexes, some not valid in JavaScript, and a
 * wrong rejection would be worse than a missing one.
 */
import { AwsError } from '../core/types';
import type { MemberRef, Model } from './model';
import { isPlainObject } from './values';

export type IssueKind = 'missing' | 'type' | 'enum' | 'range';
export interface Issue { kind: IssueKind; path: string; wirePath: string; message: string }

const MAX_ISSUES = 10;

export function validate(model: Model, ref: MemberRef | undefined, value: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!ref) return issues;
  walk(model, ref, value, '', '', issues);
  return issues;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return `'${v.length > 64 ? v.slice(0, 64) + '…' : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'a list' : 'an object';
}

function walk(model: Model, ref: MemberRef, value: unknown, path: string, wirePath: string, issues: Issue[]): void {
  if (issues.length >= MAX_ISSUES || value === undefined || value === null) return;
  const shape = model.shape(ref.shape);
  const at = path || 'input';
  const bad = (kind: IssueKind, constraint: string): void => {
    issues.push({ kind, path: at, wirePath: wirePath || '/', message: `Value ${describe(value)} at '${at}' failed to satisfy constraint: ${constraint}` });
  };
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return bad('type', 'Member must be a structure');
      if (shape.document) return;
      for (const req of shape.required ?? []) {
        const m = shape.members?.[req];
        if (m?.location === 'header' || m?.idempotencyToken) {
          // Headers may be filled by the transport; idempotency tokens by the SDK.
          if (m.idempotencyToken) continue;
        }
        if (value[req] === undefined || value[req] === null) {
          const p = path ? `${path}.${req}` : req;
          issues.push({ kind: 'missing', path: p, wirePath: `${wirePath}/${m?.locationName ?? req}`, message: `Value null at '${p}' failed to satisfy constraint: Member must not be null` });
        }
      }
      if (shape.union) {
        const set = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null);
        if (set.length > 1) bad('type', `Member must have exactly one of its members set (got ${set.join(', ')})`);
      }
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        walk(model, m, value[name], path ? `${path}.${name}` : name, `${wirePath}/${m.locationName ?? name}`, issues);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return bad('type', 'Member must be a list');
      lengthCheck(shape.min, shape.max, value.length, bad);
      value.forEach((v, i) => walk(model, shape.member!, v, `${at}[${i}]`, `${wirePath}/${i}`, issues));
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) return bad('type', 'Member must be a map');
      const keys = Object.keys(value);
      lengthCheck(shape.min, shape.max, keys.length, bad);
      for (const k of keys) {
        walk(model, shape.key!, k, `${at}.key(${k})`, `${wirePath}/${k}`, issues);
        walk(model, shape.value!, value[k], `${at}.${k}`, `${wirePath}/${k}`, issues);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return bad('type', 'Member must be a string');
      if (shape.enum && !shape.enum.includes(value)) return bad('enum', `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      lengthCheck(shape.min, shape.max, value.length, bad);
      return;
    }
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad('type', 'Member must be an integer');
      return rangeCheck(shape.min, shape.max, value, bad);
    }
    case 'float': case 'double': case 'bigdecimal': {
      if (typeof value !== 'number' || Number.isNaN(value)) return bad('type', 'Member must be a number');
      return rangeCheck(shape.min, shape.max, value, bad);
    }
    case 'boolean':
      if (typeof value !== 'boolean') bad('type', 'Member must be a boolean');
      return;
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) bad('type', 'Member must be a timestamp');
      return;
    case 'blob': {
      if (!(value instanceof Uint8Array)) return bad('type', 'Member must be a blob');
      lengthCheck(shape.min, shape.max, value.length, bad);
      return;
    }
    default:
      return;
  }
}

function lengthCheck(min: number | undefined, max: number | undefined, n: number, bad: (k: IssueKind, c: string) => void): void {
  if (min !== undefined && n < min) bad('range', `Member must have length greater than or equal to ${min}`);
  else if (max !== undefined && n > max) bad('range', `Member must have length less than or equal to ${max}`);
}
function rangeCheck(min: number | undefined, max: number | undefined, n: number, bad: (k: IssueKind, c: string) => void): void {
  if (min !== undefined && n < min) bad('range', `Member must have value greater than or equal to ${min}`);
  else if (max !== undefined && n > max) bad('range', `Member must have value less than or equal to ${max}`);
}

// Which of a service's own errors it uses for malformed input vs. well-formed but invalid values.
const FOR_MALFORMED = ['BadRequestException', 'MissingRequiredParameterException', 'InvalidParameterException', 'InvalidParameterValueException', 'ValidationException', 'InvalidRequestException', 'InvalidArgument', 'UnprocessableEntityException'];
const FOR_INVALID = ['UnprocessableEntityException', 'InvalidParameterValueException', 'InvalidParameterException', 'ValidationException', 'InvalidArgument', 'BadRequestException', 'InvalidRequestException'];

/** The AwsError a service returns for these validation issues on this operation. */
export function validationError(model: Model, operation: string, issues: Issue[]): AwsError {
  const malformed = issues.some((i) => i.kind === 'missing' || i.kind === 'type');
  const prefs = malformed ? FOR_MALFORMED : FOR_INVALID;
  const declared = model.operationErrors(operation);
  const code = prefs.find((c) => declared.includes(c)) ?? prefs.find((c) => model.errorShape(c)) ?? 'ValidationException';
  const shape = model.errorShape(code);
  const status = shape?.error?.httpStatusCode ?? 400;
  const message = `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${issues.map((i) => i.message).join('; ')}`;
  const fields: Record<string, unknown> = {};
  if (shape?.members?.ValidationErrors) {
    fields.ValidationErrors = issues.map((i) => ({ ElementPath: i.wirePath, ErrorMessage: i.message }));
  }
  return new AwsError(code, message, status, fields);
}
