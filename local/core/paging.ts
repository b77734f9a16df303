/** Opaque NextTokens over a stable list, as AWS's are (an offset the caller cannot rely on). */
import { AwsError } from './types';

export function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined, defaultMax: number, invalidTokenCode = 'InvalidNextTokenException'): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken) {
    const m = /^twin:(\d+)$/.exec(Buffer.from(nextToken, 'base64').toString('utf8'));
    if (!m) throw new AwsError(invalidTokenCode, 'The NextToken is not valid.', 400);
    start = Number(m[1]);
  }
  const max = maxResults ?? defaultMax;
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return { items: slice, nextToken: end < items.length ? Buffer.from(`twin:${end}`).toString('base64') : undefined };
}

/** Tags as `{ Key, Value }[]` (CloudWatch, Secrets Manager, SNS) ⇄ a record. */
export function tagsToRecord(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(tags)) for (const t of tags as { Key?: string; Value?: string }[]) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
export function recordToTags(rec: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(rec).map(([Key, Value]) => ({ Key, Value }));
}
