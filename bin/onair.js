#!/usr/bin/env node
// The `onair` CLI (cli/main.ts), run through tsx so no build step is needed.
require('tsx/cjs');
const { main } = require('../cli/main.ts');

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
