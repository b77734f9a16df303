// Powertools logs are noise in test output; tests that check logs attach their own transport.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
// aws-local-stepfunctions needs Promise.withResolvers (Node 22); polyfilled once for Node 20.
import '../local/polyfills';
