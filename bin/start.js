#!/usr/bin/env node
// `npm start`: the local cloud with OnAir on it (local/onair/start.ts), run through tsx so no build step is needed.
require('tsx/cjs');
const { main } = require('../local/onair/start.ts');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
