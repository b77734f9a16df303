/**
 * esbuild plugins for the deployed bundles (serverless.yml custom.esbuild.plugins; bench/coldstart.ts
 * loads the same file). CommonJS: serverless-esbuild `require`s it.
 *
 * inline-sdk-schema-keys — AWS SDK v3 clients describe every shape of their service in one module,
 * `dist-es/schemas/schemas_0.js`: `export var StartChannelResponse$ = [3, n0, _SCR, 0, [...],
 * [[0, { [_jN]: _cI }], …]]`, where `_jN`, `_cI` … are `const _jN = "jsonName"` strings declared at
 * the top of that module. esbuild drops an unused top-level declaration only when it can prove it
 * free of side effects, and a computed key `{ [_jN]: … }` is not provable (converting a key to a
 * string may run code), so every schema of the service stayed in every bundle: 130 KB of the
 * MediaLive client's 140 KB, most of it shapes no OnAir function sends or receives. A string literal
 * key is provable, so this plugin writes each `[_x]` whose `_x` is one of the module's own
 * `const _x = "…"` strings as that string. The module means exactly what it meant (a const string
 * read and its literal are the same value; the schema modules declare nothing that shadows them),
 * and esbuild now keeps only the schemas the commands a function imports reach.
 */
'use strict';
const { readFile } = require('node:fs/promises');

const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONST = /^const (_[A-Za-z0-9_$]*) = ("(?:[^"\\\n]|\\.)*");$/gm;
const COMPUTED_KEY = /\[(_[A-Za-z0-9_$]*)\]:/g;

/** The module's text with computed keys naming its own string constants written as literals. */
function inlineSchemaKeys(text) {
  const strings = new Map();
  for (const m of text.matchAll(STRING_CONST)) strings.set(m[1], m[2]);
  return text.replace(COMPUTED_KEY, (all, id) => (strings.has(id) ? `[${strings.get(id)}]:` : all));
}

/**
 * sdk-package-version — every SDK v3 client reads its own package.json for one field, the version in
 * its user agent (`runtimeConfig.js`: `import packageInfo from "../package.json"` …
 * `clientVersion: packageInfo.version`). A default import of a JSON file bundles the whole file
 * (description, scripts, dependencies, files: ≈ 2 KB a client, nine clients in some bundles). This
 * plugin loads an SDK package's package.json as `{ "name", "version" }`: every read of it in the
 * SDK's dist-es is `packageInfo.version` (test/unit/template/bundles.test.ts checks that), so the
 * bundle means what it meant, user agent included.
 */
const SDK_PACKAGE_JSON = /[\\/]@(?:aws-sdk|smithy)[\\/][^\\/]+[\\/]package\.json$/;

function packageVersionOnly(text) {
  const { name, version } = JSON.parse(text);
  return JSON.stringify({ name, version });
}

const sdkPackageVersion = {
  name: 'sdk-package-version',
  setup(build) {
    build.onLoad({ filter: SDK_PACKAGE_JSON }, async (args) => ({
      contents: packageVersionOnly(await readFile(args.path, 'utf8')),
      loader: 'json',
    }));
  },
};

const inlineSdkSchemaKeys = {
  name: 'inline-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: inlineSchemaKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

module.exports = [inlineSdkSchemaKeys, sdkPackageVersion];
module.exports.inlineSchemaKeys = inlineSchemaKeys;
module.exports.packageVersionOnly = packageVersionOnly;
