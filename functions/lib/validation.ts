// zod's core: every schema OnAir has, classic (`zod`) or functional (`zod/mini`), parses through it,
// so handlers that only need small input schemas bundle zod/mini (~15 KB) instead of classic (~95 KB).
import { config, safeParse, type $ZodError, type $ZodType, type output } from 'zod/v4/core';
import { en } from 'zod/v4/locales';
import { ValidationError } from './errors';

// Classic zod registers English messages when its first schema is built; zod/mini registers none
// ("Invalid input" for everything). Same locale, set once, unless one is already configured.
if (!config().localeError) config(en());

/** Turns zod issues into `{field, message}` pairs that name each bad field (`renditions.1.width`). */
export function issuesToDetails(error: Pick<$ZodError, 'issues'>): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** Parses with a schema (classic or mini) or throws a ValidationError listing every bad field. */
export function parseOrThrow<S extends $ZodType>(schema: S, value: unknown, what: string): output<S> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error);
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, details);
}
