/**
 * Runs dependency-cruiser's API (cruise()) with the repository's .dependency-cruiser.cjs and prints
 * the violations as JSON. dependency-cruiser is ESM only and jest runs the tests as CommonJS, so
 * dependencies.test.ts runs this in a child process.
 * Usage: node cruise.mjs '{"paths":["functions",…],"knownViolations":true,"cruiseFixtures":false}'
 * API: https://github.com/sverweij/dependency-cruiser/blob/main/doc/api.md
 */
import { readFileSync } from 'node:fs';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const args = JSON.parse(process.argv[2] ?? '{}');
const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
// The fixtures are excluded from the tree's cruise; cruising them means lifting that one exclusion.
if (args.cruiseFixtures) options.exclude = { path: '(^|/)node_modules/' };
if (args.knownViolations) options.knownViolations = JSON.parse(readFileSync('.dependency-cruiser-known-violations.json', 'utf8'));
const tsConfig = extractTSConfig('tsconfig.json');
const { output } = await cruise(args.paths, options, undefined, { tsConfig });
const violations = output.summary.violations.map((v) => ({
  rule: v.rule.name,
  severity: v.rule.severity,
  from: v.from,
  to: v.to,
  ...(v.cycle ? { cycle: v.cycle.map((c) => c.name) } : {}),
}));
process.stdout.write(JSON.stringify({ violations, error: output.summary.error, ignore: output.summary.ignore ?? 0, modules: output.summary.totalCruised }));
