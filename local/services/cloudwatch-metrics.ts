/**
 * CloudWatch metrics, per region: what PutMetricData and embedded-metric-format (EMF) log lines
 * write, and what ListMetrics and GetMetricData read back. The Lambda twin hands each EMF line a
 * function writes to stdout to {@link MetricStore.putEmf}, as CloudWatch Logs does with a
 * function's log group.
 *
 * Served as AWS documents it, within these bounds:
 *  - GetMetricData answers MetricStat queries with SampleCount, Sum, Average, Minimum, Maximum and
 *    pNN (percentiles over the raw values; a StatisticValues datum only counts toward the first
 *    five). Metric math (Expression) is refused with InvalidParameterValue, naming the twin.
 *  - ListMetrics filters by Namespace, MetricName, Dimensions (name, or name and value) and
 *    RecentlyActive (PT3H); pages of 500.
 *  - EMF: the specification's root `_aws` object with Timestamp and CloudWatchMetrics directives;
 *    a directive that names a dimension or metric missing from the line is skipped, as CloudWatch
 *    Logs skips invalid EMF.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 */
import { page } from '../core/paging';
import { AwsError } from '../core/types';

export interface Dimension { Name: string; Value: string }

/** One datum as stored: raw values (with counts) or a statistic set. */
interface Point {
  t: number;
  unit?: string;
  /** Raw values, each `counts[i]` times (PutMetricData Values/Counts, EMF arrays, a single Value). */
  values?: number[];
  counts?: number[];
  stats?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

interface StoredMetric {
  region: string; Namespace: string; MetricName: string; Dimensions: Dimension[]; points: Point[];
  /** Published by a service twin, stamped with the twin clock (alarms on it are evaluated: ./cloudwatch.ts). */
  byService?: true;
}

/** The most recent data points kept per metric (the twin is not a time-series database). */
const MAX_POINTS = 10_000;
/** "Metrics that have not had any new data points in the past two weeks do not appear" (ListMetrics). */
const LIST_WINDOW_MS = 14 * 24 * 3600 * 1000;

const invalid = (message: string): AwsError => new AwsError('InvalidParameterValueException', message, 400);

function dimensionsKey(dims: Dimension[]): string {
  return JSON.stringify([...dims].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => [d.Name, d.Value]));
}

export class MetricStore {
  private metrics = new Map<string, StoredMetric>();

  constructor(private readonly now: () => number) {}

  private key(region: string, namespace: string, name: string, dims: Dimension[]): string {
    return `${region}|${namespace}|${name}|${dimensionsKey(dims)}`;
  }

  private add(region: string, namespace: string, name: string, dims: Dimension[], point: Point): void {
    const k = this.key(region, namespace, name, dims);
    const m = this.metrics.get(k) ?? { region, Namespace: namespace, MetricName: name, Dimensions: [...dims].sort((a, b) => a.Name.localeCompare(b.Name)), points: [] };
    m.points.push(point);
    if (m.points.length > MAX_POINTS) m.points.splice(0, m.points.length - MAX_POINTS);
    this.metrics.set(k, m);
  }

  /**
   * A datum an AWS service publishes itself (AWS/SQS …), stamped with the twin clock. Only services
   * write AWS/ namespaces; PutMetricData refuses them.
   */
  putServiceMetric(region: string, namespace: string, name: string, dims: Dimension[], value: number, t: number, unit?: string): void {
    this.add(region, namespace, name, dims, { t, ...(unit ? { unit } : {}), values: [value], counts: [1] });
    this.metrics.get(this.key(region, namespace, name, dims))!.byService = true;
  }

  /** True when a service twin publishes this metric on the twin clock. */
  publishedByService(region: string, namespace: string, name: string, dims: Dimension[]): boolean {
    return this.metrics.get(this.key(region, namespace, name, dims))?.byService === true;
  }

  /** True when any service twin publishes metrics (alarm evaluation is then worth a timer). */
  hasServiceMetrics(): boolean {
    for (const m of this.metrics.values()) if (m.byService) return true;
    return false;
  }

  /** PutMetricData, in model member names. */
  putMetricData(region: string, input: Record<string, unknown>): void {
    const namespace = input.Namespace as string;
    // "Namespaces ... cannot start with AWS/" (PutMetricData API reference, Namespace).
    if (namespace.startsWith('AWS/')) throw invalid(`The value ${namespace} for parameter Namespace is invalid.`);
    const data = (input.MetricData ?? []) as Record<string, unknown>[];
    if (data.length > 1000) throw invalid('The collection MetricData must not have a size greater than 1000.');
    for (const [i, d] of data.entries()) {
      const dims = (d.Dimensions ?? []) as Dimension[];
      if (dims.length > 30) throw invalid(`The collection MetricData.member.${i + 1}.Dimensions must not have a size greater than 30.`);
      const t = d.Timestamp instanceof Date ? d.Timestamp.getTime() : this.now();
      const unit = d.Unit as string | undefined;
      const base = { t, ...(unit ? { unit } : {}) };
      const given = [d.Value !== undefined, d.Values !== undefined, d.StatisticValues !== undefined].filter(Boolean).length;
      if (given > 1) throw new AwsError('InvalidParameterCombinationException', `The parameters MetricData.member.${i + 1}.Value, MetricData.member.${i + 1}.Values and MetricData.member.${i + 1}.StatisticValues are mutually exclusive and you have specified more than one.`, 400);
      if (d.StatisticValues) {
        this.add(region, namespace, d.MetricName as string, dims, { ...base, stats: d.StatisticValues as Point['stats'] & object });
      } else if (d.Values) {
        const values = d.Values as number[];
        const counts = (d.Counts as number[] | undefined) ?? values.map(() => 1);
        if (counts.length !== values.length) throw invalid(`The arrays MetricData.member.${i + 1}.Values and MetricData.member.${i + 1}.Counts must be of the same size.`);
        this.add(region, namespace, d.MetricName as string, dims, { ...base, values, counts });
      } else if (d.Value !== undefined) {
        this.add(region, namespace, d.MetricName as string, dims, { ...base, values: [d.Value as number], counts: [1] });
      } else {
        throw new AwsError('MissingRequiredParameterException', `The parameter MetricData.member.${i + 1}.Value is required.`, 400);
      }
    }
  }

  /**
   * One EMF log line: the metrics its directives describe, or nothing when it is not EMF. Returns
   * how many data points it stored (the line is still a log line either way).
   */
  putEmf(region: string, line: string): number {
    let doc: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 0;
      doc = parsed as Record<string, unknown>;
    } catch {
      return 0;
    }
    const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
    if (!aws || !Array.isArray(aws.CloudWatchMetrics)) return 0;
    const t = typeof aws.Timestamp === 'number' ? aws.Timestamp : this.now();
    let stored = 0;
    for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
      const namespace = directive.Namespace;
      if (typeof namespace !== 'string' || namespace === '' || namespace.startsWith('AWS/')) continue;
      const sets = Array.isArray(directive.Dimensions) ? directive.Dimensions as unknown[] : [];
      const dimensionSets: Dimension[][] = [];
      let valid = true;
      for (const set of sets) {
        if (!Array.isArray(set) || set.length > 30) { valid = false; break; }
        const dims: Dimension[] = [];
        for (const name of set) {
          const value = typeof name === 'string' ? doc[name] : undefined;
          if (typeof value !== 'string') { valid = false; break; }
          dims.push({ Name: name as string, Value: value });
        }
        if (!valid) break;
        dimensionSets.push(dims);
      }
      if (!valid) continue;
      // "DimensionSet ... can be empty" — no Dimensions array at all is a metric without dimensions too.
      if (dimensionSets.length === 0) dimensionSets.push([]);
      for (const metric of (Array.isArray(directive.Metrics) ? directive.Metrics : []) as { Name?: unknown; Unit?: unknown }[]) {
        if (typeof metric.Name !== 'string') continue;
        const raw = doc[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        if (values.length === 0) continue;
        for (const dims of dimensionSets) {
          this.add(region, namespace, metric.Name, dims, { t, ...(typeof metric.Unit === 'string' ? { unit: metric.Unit } : {}), values, counts: values.map(() => 1) });
          stored += values.length;
        }
      }
    }
    return stored;
  }

  listMetrics(region: string, input: Record<string, unknown>): { Metrics: Record<string, unknown>[]; NextToken?: string } {
    const filters = (input.Dimensions ?? []) as { Name: string; Value?: string }[];
    const recentMs = input.RecentlyActive === 'PT3H' ? 3 * 3600 * 1000 : LIST_WINDOW_MS;
    const since = this.now() - recentMs;
    const list = [...this.metrics.values()].filter((m) => m.region === region
      && (input.Namespace === undefined || m.Namespace === input.Namespace)
      && (input.MetricName === undefined || m.MetricName === input.MetricName)
      && filters.every((f) => m.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)))
      && m.points.some((p) => p.t >= since))
      .sort((a, b) => `${a.Namespace}|${a.MetricName}|${dimensionsKey(a.Dimensions)}`.localeCompare(`${b.Namespace}|${b.MetricName}|${dimensionsKey(b.Dimensions)}`));
    const p = page(list, 500, input.NextToken as string | undefined, 500, 'InvalidParameterValueException');
    return { Metrics: p.items.map((m) => ({ Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions.map((d) => ({ ...d })) })), ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
  }

  getMetricData(region: string, input: Record<string, unknown>): Record<string, unknown> {
    const start = (input.StartTime as Date).getTime();
    const end = (input.EndTime as Date).getTime();
    if (end <= start) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const queries = input.MetricDataQueries as Record<string, unknown>[];
    if (queries.length > 500) throw invalid('The collection MetricDataQueries must not have a size greater than 500.');
    const ascending = input.ScanBy === 'TimestampAscending';
    const results = queries.filter((q) => q.ReturnData !== false).map((q) => {
      if (q.Expression !== undefined) throw invalid(`The local cloud does not evaluate metric math (query ${String(q.Id)}): use MetricStat queries.`);
      const stat = q.MetricStat as { Metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }; Period: number; Stat: string; Unit?: string } | undefined;
      if (!stat) throw new AwsError('MissingRequiredParameterException', `The parameter MetricDataQueries.member.${String(q.Id)}.MetricStat is required when Expression is not given.`, 400);
      const period = stat.Period;
      if (period < 60 ? ![1, 5, 10, 20, 30].includes(period) : period % 60 !== 0) throw invalid('The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.');
      const m = this.metrics.get(this.key(region, stat.Metric.Namespace ?? '', stat.Metric.MetricName ?? '', stat.Metric.Dimensions ?? []));
      const buckets = new Map<number, Point[]>();
      for (const p of m?.points ?? []) {
        if (p.t < start || p.t >= end) continue;
        if (stat.Unit !== undefined && p.unit !== stat.Unit) continue;
        const b = start + Math.floor((p.t - start) / (period * 1000)) * period * 1000;
        buckets.set(b, [...(buckets.get(b) ?? []), p]);
      }
      const times = [...buckets.keys()].sort((a, b) => (ascending ? a - b : b - a));
      return {
        Id: q.Id,
        Label: (q.Label as string | undefined) ?? stat.Metric.MetricName,
        Timestamps: times.map((t) => new Date(t)),
        Values: times.map((t) => aggregate(buckets.get(t)!, stat.Stat)),
        StatusCode: 'Complete',
        Messages: [],
      };
    });
    return { MetricDataResults: results, Messages: [] };
  }

  snapshot(): StoredMetric[] { return [...this.metrics.values()]; }
  restore(state: StoredMetric[]): void {
    this.metrics = new Map(state.map((m) => [this.key(m.region, m.Namespace, m.MetricName, m.Dimensions), m]));
  }
}

function aggregate(points: Point[], stat: string): number {
  let count = 0; let sum = 0; let min = Infinity; let max = -Infinity;
  const raw: number[] = [];
  for (const p of points) {
    if (p.stats) {
      count += p.stats.SampleCount; sum += p.stats.Sum; min = Math.min(min, p.stats.Minimum); max = Math.max(max, p.stats.Maximum);
      continue;
    }
    (p.values ?? []).forEach((v, i) => {
      const c = p.counts?.[i] ?? 1;
      count += c; sum += v * c; min = Math.min(min, v); max = Math.max(max, v);
      for (let k = 0; k < c; k++) raw.push(v);
    });
  }
  switch (stat) {
    case 'SampleCount': return count;
    case 'Sum': return sum;
    case 'Average': return count ? sum / count : 0;
    case 'Minimum': return min;
    case 'Maximum': return max;
  }
  const pct = /^p(\d{1,2}(?:\.\d+)?)$/.exec(stat);
  if (pct) {
    if (!raw.length) throw invalid(`The local cloud computes ${stat} from raw values only; this period holds statistic sets (StatisticValues).`);
    raw.sort((a, b) => a - b);
    // Nearest rank.
    const rank = Math.max(1, Math.ceil((Number(pct[1]) / 100) * raw.length));
    return raw[rank - 1] as number;
  }
  throw invalid(`The local cloud does not compute the statistic ${stat}: use SampleCount, Sum, Average, Minimum, Maximum or pNN.`);
}
