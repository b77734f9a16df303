#!/usr/bin/env node
// The `onair` CLI (cli/main.ts), run through tsx so no build step is needed.
// The SDK's notice that its 2027 releases will need Node 22 is for developers, not for an operator
// reading a channel's status; it would print on every command under Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
const { main } = require('../cli/main.ts');

// `onair events x | head`: a closed pipe ends the output, it is not an error.
process.stdout.on('error', (error) => { if (error.code === 'EPIPE') process.exit(0); throw error; });

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
