import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderOpenApiYaml } from '../../../functions/lib/api/openapi-yaml';
import { routes } from '../../../functions/lib/api/schemas';

describe('docs/openapi.yaml', () => {
  const committed = readFileSync(join(__dirname, '../../../docs/openapi.yaml'), 'utf8');

  it('is exactly what the schema source generates (run `npm run openapi` after changing a route)', () => {
    expect(committed).toBe(renderOpenApiYaml());
  });

  it('documents every route with its error responses and SigV4 security', () => {
    const doc = parse(committed) as { openapi: string; security: unknown[]; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.security).toEqual([{ sigv4: [] }]);
    for (const r of Object.values(routes)) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '403']));
    }
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(Object.values(routes).map((r) => r.path))].sort());
  });
});
