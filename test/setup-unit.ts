// Handlers that unit tests call directly would print their EMF metric lines (functions/lib/metrics.ts)
// into the test output; tests read what was recorded with flushedMetrics() instead. Integration
// tests keep metrics on: the local cloud's CloudWatch receives them from the Lambda twin.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
