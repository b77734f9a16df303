/**
 * The direction of OnAir's dependencies (issue 12), checked by dependency-cruiser in `.ci/run`
 * (`npm run depcheck`) and by test/unit/architecture/dependencies.test.ts:
 *
 *   functions/  the deployed code: imports only itself and npm packages
 *     functions/lib/api/      the HTTP layer: imported only by the API's handlers (functions/api/),
 *                             never by the workflow handlers or the rest of functions/lib/
 *     functions/lib/channel/  the channel domain (lock, lifecycle, broadcasts and schedules)
 *   lib/        what the deployed code, the twin and the tools share (AWS's quota table, the API's
 *               SigV4): imports nothing of OnAir's
 *   local/      the generic AWS twin: imports only itself and lib/, never OnAir's code
 *     local/onair/  OnAir deployed on the twin (serverless.yml reader, npm start, the local API): may
 *                   import the twin, functions/ and lib/
 *               neither imports cli/, bench/, scripts/ or test/
 *   cli/, bench/, scripts/  tools around the deployed code
 *   test/       may import anything
 *
 * and no module reaches itself again through its imports (no cycles, test/ included), type-only
 * imports included: a cycle of types is still two modules that cannot be read, moved or tested apart.
 *
 * Violations that were there when a rule was added and are waiting for their fix are listed in
 * .dependency-cruiser-known-violations.json (`npm run depcheck` ignores those and fails on any other).
 * Rule options: https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module must not import itself through other modules: cut the cycle by moving what both need into a module below them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'twin-knows-no-onair',
      severity: 'error',
      comment: 'local/ (outside local/onair/) is a generic AWS twin: it never imports OnAir\'s code (functions/) or its local stack (local/onair/). What both need (AWS facts such as the quota table) lives in lib/.',
      from: { path: '^local/', pathNot: '^local/onair/' },
      to: { path: '^(functions|local/onair)/' },
    },
    {
      name: 'functions-stay-deployable',
      severity: 'error',
      comment: 'functions/ is what is deployed to Lambda: it never imports the local twin, the CLI, the bench, scripts or tests.',
      from: { path: '^functions/' },
      to: { path: '^(local|cli|bench|test|scripts)/' },
    },
    {
      name: 'workflows-never-import-http',
      severity: 'error',
      comment: 'functions/lib/api/ is the HTTP layer (routes, schemas, HTTP errors, thin use-cases). Workflow handlers and the rest of functions/lib/ never import it: what both need (the channel lock, lifecycle, schedules) lives in functions/lib/channel/.',
      from: { path: '^functions/(channel|medialive|packager|cdn|alarms|recovery|sweeper|lib)/', pathNot: '^functions/lib/api/' },
      to: { path: '^functions/lib/api/' },
    },
    {
      name: 'lib-imports-nothing-of-onair',
      severity: 'error',
      comment: 'lib/ is shared by the CLI, the local API and the bench: it imports only npm packages and itself.',
      from: { path: '^lib/' },
      to: { path: '^(functions|local|cli|bench|test|scripts)/' },
    },
    {
      name: 'local-never-imports-tools',
      severity: 'error',
      comment: 'The local cloud and local stack do not depend on the CLI, the bench or scripts: code they share with those goes to lib/.',
      from: { path: '^local/' },
      to: { path: '^(cli|bench|scripts)/' },
    },
    {
      name: 'no-test-imports-in-runtime',
      severity: 'error',
      comment: 'Runtime code (functions/, local/) never imports from test/: tests depend on the code, not the other way round.',
      from: { path: '^(functions|local)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The fixtures of test/unit/architecture are deliberate violations (the test proves the rules
    // catch them); the test cruises them on their own.
    exclude: { path: '(^|/)node_modules/|^test/unit/architecture/fixtures/' },
    // Type-only imports are dependencies too (see above); `import type` is kept in the graph.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    moduleSystems: ['cjs', 'es6'],
  },
};
