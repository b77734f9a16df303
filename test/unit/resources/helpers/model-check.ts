/**
 * Walks a built request against AWS's published service model: every required member present,
 * no member the model does not know, enum values valid, types right, and min/max where the
 * model has them. The models are the pruned botocore data the local twin validates requests
 * with (local/models, Apache-2.0, see its README): one copy of AWS's models in the repository.
 */
import cloudfront from '../../../../local/models/cloudfront.json';
import medialive from '../../../../local/models/medialive.json';
import mediapackage from '../../../../local/models/mediapackage.json';
import mediapackagev2 from '../../../../local/models/mediapackagev2.json';
import monitoring from '../../../../local/models/monitoring.json';
import secretsmanager from '../../../../local/models/secretsmanager.json';

interface Ref { shape: string }
interface Shape {
  type: string;
  members?: Record<string, Ref>;
  required?: string[];
  enum?: string[];
  min?: number;
  max?: number;
  member?: Ref;
  key?: Ref;
  value?: Ref;
}
interface Model { operations: Record<string, { input?: Ref }>; shapes: Record<string, Shape> }

const MODELS: Record<string, Model> = {
  cloudfront, medialive, mediapackage, mediapackagev2, monitoring, secretsmanager,
} as unknown as Record<string, Model>;
export type Service = 'cloudfront' | 'medialive' | 'mediapackage' | 'mediapackagev2' | 'monitoring' | 'secretsmanager';

/** Checks `value` as the input of `operation`; returns one message per problem (empty = valid). */
export function modelErrors(service: Service, operation: string, value: unknown): string[] {
  const model = MODELS[service];
  const root = model.operations[operation]?.input?.shape;
  if (!root) return [`${service} model has no operation ${operation}`];
  return shapeErrors(model, root, value, operation);
}

/** Checks a value against a named shape (for fragments such as a DistributionConfig). */
export function shapeErrorsFor(service: Service, shapeName: string, value: unknown): string[] {
  return shapeErrors(MODELS[service], shapeName, value, shapeName);
}

function shapeErrors(model: Model, shapeName: string, value: unknown, path: string): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: unknown shape ${shapeName}`];
  if (value === undefined || value === null) return [];
  const errors: string[] = [];
  const range = (n: number, what: string): void => {
    if (shape.min !== undefined && n < shape.min) errors.push(`${path}: ${what} ${n} < min ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) errors.push(`${path}: ${what} ${n} > max ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
      const obj = value as Record<string, unknown>;
      for (const req of shape.required ?? []) {
        if (obj[req] === undefined || obj[req] === null) errors.push(`${path}.${req}: required by the model`);
      }
      for (const [k, v] of Object.entries(obj)) {
        const target = shape.members?.[k]?.shape;
        if (!target) { errors.push(`${path}.${k}: not a member of ${shapeName}`); continue; }
        errors.push(...shapeErrors(model, target, v, `${path}.${k}`));
      }
      return errors;
    }
    case 'list': {
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      range(value.length, 'length');
      value.forEach((v, i) => errors.push(...shapeErrors(model, (shape.member as Ref).shape, v, `${path}[${i}]`)));
      return errors;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a map`];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        errors.push(...shapeErrors(model, (shape.key as Ref).shape, k, `${path}{key ${k}}`));
        errors.push(...shapeErrors(model, (shape.value as Ref).shape, v, `${path}.${k}`));
      }
      return errors;
    }
    case 'string': {
      if (typeof value !== 'string') return [`${path}: expected a string, got ${typeof value}`];
      if (shape.enum && !shape.enum.includes(value)) errors.push(`${path}: "${value}" is not one of ${shape.enum.join('|')}`);
      range(value.length, 'length');
      return errors;
    }
    case 'integer': case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${path}: expected an integer, got ${JSON.stringify(value)}`];
      range(value, 'value');
      return errors;
    }
    case 'double': case 'float': {
      if (typeof value !== 'number') return [`${path}: expected a number`];
      range(value, 'value');
      return errors;
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'timestamp':
      return value instanceof Date || typeof value === 'string' || typeof value === 'number' ? [] : [`${path}: expected a timestamp`];
    case 'blob':
      return value instanceof Uint8Array || typeof value === 'string' ? [] : [`${path}: expected a blob`];
    default:
      return [`${path}: unhandled model type ${shape.type}`];
  }
}
