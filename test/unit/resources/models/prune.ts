/**
 * Regenerates the pruned AWS service models the resource tests validate built requests against.
 * Source: botocore (https://github.com/boto/botocore, Apache-2.0), `botocore/data/<service>/<version>/service-2.json`.
 * Only the input shapes of the operations OnAir builds are kept, and of each shape only what a
 * request check needs: type, members, required, enum, min/max, list/map members.
 *
 *   BOTOCORE_DATA=/path/to/botocore/data npx tsx test/unit/resources/models/prune.ts
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const OPERATIONS: Record<string, string[]> = {
  medialive: ['CreateInputSecurityGroup', 'CreateInput', 'CreateChannel'],
  mediapackagev2: ['CreateChannelGroup', 'CreateChannel', 'CreateOriginEndpoint', 'PutChannelPolicy', 'PutOriginEndpointPolicy'],
  mediapackage: ['CreateChannel', 'CreateOriginEndpoint'],
  cloudfront: ['CreateDistributionWithTags', 'CreateOriginAccessControl', 'UpdateDistribution', 'CreateCachePolicy'],
  monitoring: ['PutMetricAlarm'],
  secretsmanager: ['CreateSecret'],
};
const DIRS: Record<string, string> = { monitoring: 'cloudwatch' };

interface Shape { type: string; members?: Record<string, { shape: string }>; required?: string[]; enum?: string[]; min?: number; max?: number; member?: { shape: string }; key?: { shape: string }; value?: { shape: string } }

const root = process.env.BOTOCORE_DATA ?? '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data';
for (const [service, ops] of Object.entries(OPERATIONS)) {
  const dir = join(root, DIRS[service] ?? service);
  const version = readdirSync(dir).filter((d) => /^\d{4}-\d\d-\d\d$/.test(d)).sort().at(-1)!;
  const raw = readFileSync(join(dir, version, 'service-2.json.gz'));
  const model = JSON.parse(gunzipSync(raw).toString('utf8')) as { shapes: Record<string, Shape>; operations: Record<string, { input?: { shape: string } }> };
  const out: Record<string, unknown> = {};
  const visit = (name: string): void => {
    if (out[name]) return;
    const s = model.shapes[name];
    const pruned: Record<string, unknown> = { type: s.type };
    out[name] = pruned;
    if (s.required) pruned.required = s.required;
    if (s.enum) pruned.enum = s.enum;
    if (s.min !== undefined) pruned.min = s.min;
    if (s.max !== undefined) pruned.max = s.max;
    if (s.members) {
      pruned.members = Object.fromEntries(Object.entries(s.members).map(([k, v]) => [k, v.shape]));
      Object.values(s.members).forEach((m) => visit(m.shape));
    }
    for (const k of ['member', 'key', 'value'] as const) {
      if (s[k]) { pruned[k] = s[k]!.shape; visit(s[k]!.shape); }
    }
  };
  const operations = Object.fromEntries(ops.map((op) => {
    const input = model.operations[op].input!.shape;
    visit(input);
    return [op, input];
  }));
  const file = join(__dirname, `${service}.json`);
  writeFileSync(file, JSON.stringify({ source: `botocore ${DIRS[service] ?? service}/${version}/service-2.json (Apache-2.0)`, operations, shapes: out }) + '\n');
  console.log(file, Object.keys(out).length, 'shapes');
}
