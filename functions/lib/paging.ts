/**
 * Every item of a paginated AWS list call: `fetchPage(token)` returns one page's items and the next
 * token (NextToken, or a CloudFront NextMarker when IsTruncated), undefined when done.
 */
export async function allPages<T>(fetchPage: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.next;
  } while (token);
  return out;
}
