/**
 * Writes docs/openapi.yaml from the API's schema source. `npm run openapi` after changing a
 * route or schema; test/unit/api/openapi.test.ts fails while the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApiYaml } from '../functions/lib/api/openapi-yaml';

const target = join(__dirname, '..', 'docs', 'openapi.yaml');
writeFileSync(target, renderOpenApiYaml());
console.log(`wrote ${target}`);
