/**
 * OnAir's own CloudWatch metrics: every metric name, its unit and its dimensions, and the one
 * Powertools `Metrics` instance. Functions record with {@link recordMetric}; each handler wrapper
 * (functions/lib/handler.ts stepHandler, functions/lib/api/lambda.ts, the recovery handlers) flushes
 * once per invocation with {@link flushMetrics}, success or error.
 *
 * Emitted in CloudWatch embedded metric format (EMF): one JSON line on stdout per dimension set,
 * which CloudWatch Logs turns into metrics (no PutMetricData call, no IAM permission, no latency).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * https://docs.aws.amazon.com/powertools/typescript/latest/features/metrics/
 * The local cloud's Lambda twin reads these lines from a function's output into its CloudWatch
 * (local/services/lambda.ts, local/services/cloudwatch.ts), so they read back with ListMetrics and
 * GetMetricData locally too.
 *
 * The dashboard and the control-plane alarms use exactly these names, dimension names and values:
 * rename nothing here without changing them.
 *
 * Dimensions. Every metric carries `stage`; per-channel work adds `profile` (the channel's profile
 * name: a handful per stage). Powertools' default `service` dimension is dropped: the namespace
 * already says OnAir, and an alarm must name every dimension of the metric it watches.
 * `channel` is added (as a second dimension set, beside the one without it) only where its
 * cardinality is bounded and a per-channel series means something: recovery actions and the
 * circuit breaker, which happen many times over the life of a live channel and which the
 * dashboard's channel selector shows. Not on TimeToOnAir, TeardownSeconds or the provision counts
 * (one data point per channel lifetime: each channel id would be a new custom metric holding one
 * value, billed per metric per month — the per-profile series answers the question), and never on
 * ApiRequests (the id comes from the caller's URL, so a scan of random ids would mint metrics).
 * "Each unique combination of a metric name and dimensions is a separate metric":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from './config';

export const METRICS_NAMESPACE = 'OnAir';

/** Every metric OnAir publishes, with its unit. */
export const METRIC = {
  /** Seconds from the provision execution's start to MarkOnAir (the channel is watchable). */
  TimeToOnAir: { unit: MetricUnit.Seconds },
  /** Seconds from the teardown execution's start to MarkDeleted. */
  TeardownSeconds: { unit: MetricUnit.Seconds },
  /** A provision execution took its channel (Validate passed). */
  ProvisionsStarted: { unit: MetricUnit.Count },
  /** A provision execution reached ON_AIR (or IDLE when not started). */
  ProvisionsSucceeded: { unit: MetricUnit.Count },
  /** A provision failed after its record was written: RecordFailure, then the rollback. */
  ProvisionsRolledBack: { unit: MetricUnit.Count },
  /** An automatic recovery action ran: dimensions `kind` (SWITCH_INPUT, RESTART, NOTIFY, PAGE, STOP) and `outcome` (OK, FAILED). */
  RecoveryActions: { unit: MetricUnit.Count },
  /** Recovery's circuit breaker opened on a channel (automatic remediation paused, a page sent). */
  CircuitBreakerOpened: { unit: MetricUnit.Count },
  /** The cost guard's schedule stopped a channel (its stop workflow took the channel). */
  CostGuardStops: { unit: MetricUnit.Count },
  /** Per sweep, per `kind` (orphaned, stuck, abandoned): how many channels the sweeper found; 0 too, so an alarm has data. */
  SweeperFindings: { unit: MetricUnit.Count },
  /** One per HTTP API request: dimensions `route` (API Gateway's route key, e.g. `POST /channels`) and `status` (the HTTP status code). */
  ApiRequests: { unit: MetricUnit.Count },
} as const;

export type MetricName = keyof typeof METRIC;

/** Dimension values, named as they appear in CloudWatch. `stage` is always added. */
export interface MetricDimensions {
  profile?: string;
  kind?: string;
  outcome?: string;
  route?: string;
  status?: string;
}

export interface RecordOptions {
  /** Also publish the value under the dimensions plus `channel` (see the cardinality note above). */
  channel?: string;
  /** Also publish the value under `stage` alone (a roll-up: all kinds summed), e.g. for SweeperFindings. */
  stageRollup?: boolean;
}

/**
 * The one Metrics instance. EMF lines go to stdout through Powertools' own Console; a function with
 * POWERTOOLS_METRICS_DISABLED=true (unit tests) prints nothing, and `pending` is still kept, so tests
 * read what would have been published with {@link pendingMetrics}.
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'onair' });
metrics.clearDefaultDimensions();

interface Group { dimensions: Record<string, string>; values: { name: MetricName; value: number }[] }
const pending = new Map<string, Group>();
let lastFlushed: Group[] = [];

/** Records one value; published at the end of the invocation ({@link flushMetrics}). */
export function recordMetric(name: MetricName, value: number, dimensions: MetricDimensions = {}, options: RecordOptions = {}): void {
  if (!Number.isFinite(value)) return;
  const base: Record<string, string> = { stage: config.stage };
  for (const [k, v] of Object.entries(dimensions)) if (typeof v === 'string' && v !== '') base[k] = v;
  const sets = [base];
  if (options.channel) sets.push({ ...base, channel: options.channel });
  if (options.stageRollup) sets.push({ stage: base.stage as string });
  // One EMF line holds one value per dimension name, so each dimension set gets its own line (one
  // line with several overlapping sets is valid EMF, but Powertools warns on every shared key).
  for (const dimensions of sets) {
    const key = JSON.stringify(dimensions);
    const group = pending.get(key) ?? { dimensions, values: [] };
    group.values.push({ name, value });
    pending.set(key, group);
  }
}

/** Seconds between an ISO time (an execution's start) and `now`, or undefined when it cannot be read. */
export function secondsSince(iso: string | undefined, now: Date = new Date()): number | undefined {
  if (!iso) return undefined;
  const start = Date.parse(iso);
  if (Number.isNaN(start)) return undefined;
  return Math.max(0, (now.getTime() - start) / 1000);
}

/** Publishes what this invocation recorded: one EMF line per dimension set. Never throws. */
export function flushMetrics(): void {
  const groups = [...pending.values()];
  pending.clear();
  lastFlushed = groups;
  for (const g of groups) {
    try {
      for (const [k, v] of Object.entries(g.dimensions)) metrics.addDimension(k, v);
      for (const { name, value } of g.values) metrics.addMetric(name, METRIC[name].unit, value);
      metrics.publishStoredMetrics();
    } catch {
      // A metric must never fail the work it measures.
      metrics.clearMetrics();
      metrics.clearDimensions();
    }
  }
}

/** Tests: what the last flush published, one entry per value and dimension set. */
export function flushedMetrics(): { name: MetricName; value: number; dimensions: Record<string, string> }[] {
  return lastFlushed.flatMap((g) => g.values.map((v) => ({ ...v, dimensions: g.dimensions })));
}

/** A middy middleware that flushes after the handler, whether it returned or threw. */
export function flushMetricsMiddleware(): { after: () => void; onError: () => void } {
  // No clearing before the handler: what an invocation that died before its flush recorded is still
  // true, and goes out with this one.
  return {
    after: () => { flushMetrics(); },
    onError: () => { flushMetrics(); },
  };
}
