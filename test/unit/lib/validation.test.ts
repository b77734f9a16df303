/**
 * Step handlers validate with zod/mini, the API and profiles with classic zod: one parseOrThrow for
 * both, with the same English messages and field paths. This file loads only zod/mini (each jest
 * file has its own module registry), so it proves validation.ts itself sets the messages — zod/mini
 * alone would say "Invalid input" for everything.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { ValidationError } from '../../../functions/lib/errors';
import { channelIdSchema } from '../../../functions/lib/ids';
import { parseOrThrow } from '../../../functions/lib/validation';
import { caughtSchema, pollInput } from '../../../functions/lib/workflow';

function failure(schema: Parameters<typeof parseOrThrow>[0], value: unknown): ValidationError {
  try {
    parseOrThrow(schema, value, 'test input');
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('parseOrThrow with zod/mini schemas', () => {
  it('names each bad field with zod’s English messages (as classic zod words them)', () => {
    const e = failure(z.extend(pollInput, { poll: z.enum(['channelRunning']) }), { channelId: 7, previous: { attempt: -1 }, poll: 'nope' });
    expect(e.details).toEqual([
      { field: 'channelId', message: 'Invalid input: expected string, received number' },
      { field: 'previous.attempt', message: 'Too small: expected number to be >=0' },
      { field: 'poll', message: 'Invalid input: expected "channelRunning"' },
    ]);
    expect(e.message).toBe('Invalid test input: channelId: Invalid input: expected string, received number; previous.attempt: Too small: expected number to be >=0; poll: Invalid input: expected "channelRunning"');
  });

  it('keeps custom messages, defaults and unknown keys as the classic schemas did', () => {
    expect(failure(z.object({ channelId: channelIdSchema }), { channelId: 'Bad_Id' }).details).toEqual([
      { field: 'channelId', message: '3–40 characters: lowercase letters, digits and inner hyphens' },
    ]);
    expect(parseOrThrow(pollInput, { channelId: 'abc', previous: {} }, 'x')).toEqual({ channelId: 'abc', previous: { attempt: 0 } });
    expect(parseOrThrow(caughtSchema, { step: 's', error: { Cause: 'c', extra: 1 } }, 'x')).toEqual({ step: 's', error: { Error: 'Unknown', Cause: 'c', extra: 1 } });
    expect(failure(caughtSchema, { step: '', error: {} }).details).toEqual([{ field: 'step', message: 'Too small: expected string to have >=1 characters' }]);
  });
});

describe('zod imports in functions/', () => {
  // `import { z } from 'zod'` makes esbuild keep the whole classic namespace, its 40 locales
  // included (~460 KB per bundle); `import * as z` lets it keep only what is used.
  it('never imports zod’s `z` namespace object by name', () => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
    });
    const offenders = walk(join(__dirname, '../../../functions'))
      .filter((f) => /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod(\/mini)?'/.test(readFileSync(f, 'utf8').replace(/import type \{[^}]*\}[^;]*;/g, '')));
    expect(offenders).toEqual([]);
  });
});
