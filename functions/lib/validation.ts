import type { z } from 'zod';
import { ValidationError } from './errors';

/** Turns zod issues into `{field, message}` pairs that name each bad field (`renditions.1.width`). */
export function issuesToDetails(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** Parses with a schema or throws a ValidationError listing every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error);
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, details);
}
