/**
 * Reading serverless.yml as the Serverless Framework does: YAML with merge keys, and the variables
 * OnAir's file uses (`${sls:stage}`, `${opt:…}`, `${self:…}`, `${file(…)}` and `${file(…):key}`,
 * `${aws:region|accountId}`, `${env:…}`), resolved with the same precedence and fallbacks. Used by
 * local/onair/workflows.ts, the one reader of serverless.yml.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export class WorkflowConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowConfigError';
  }
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Serverless's naming: `create-input_x` → `CreateDashinputUnderscorex`. */
export function normalizedName(key: string): string {
  const n = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return n.charAt(0).toUpperCase() + n.slice(1);
}

export function readYaml(path: string): Json {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as Json;
}

const VARIABLE = /\$\{((?:sls|opt|self|aws|env):[^{}]*|file\([^)]*\)[^{}]*)\}/g;

export interface Context { root: string; stage: string; region: string; accountId: string; doc: Obj; depth: number }

function lookup(doc: Json, path: string): Json | undefined {
  let cur: Json | undefined = doc;
  for (const part of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function resolveVariable(expr: string, ctx: Context): Json {
  // `source:address, 'fallback'` — the fallback is a quoted literal (all serverless.yml needs).
  const m = /^(.*?)(?:,\s*(['"])(.*)\2)?\s*$/.exec(expr) as RegExpExecArray;
  const body = (m[1] ?? '').trim();
  const fallback = m[3];
  const orFallback = (v: Json | undefined, what: string): Json => {
    if (v !== undefined && v !== null && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new WorkflowConfigError(`serverless.yml: \${${expr}} has no value (${what})`);
  };
  // `file(<path>)` or `file(<path>):<key.path>` (the Serverless Framework's "reference properties in
  // other files"): the statemachines share their Retry policy this way (statemachines/retry.yml).
  const file = /^file\(([^)]+)\)(?::(.+))?$/.exec(body);
  if (file) {
    const path = resolve(ctx.root, (file[1] as string).trim());
    const whole = readYaml(path);
    const key = file[2]?.trim();
    const v = key === undefined ? whole : lookup(whole, key);
    return resolveAll(orFallback(v, `file(${file[1]}):${key ?? ''}`), { ...ctx, depth: ctx.depth + 1 });
  }
  const [source, ...rest] = body.split(':');
  const address = rest.join(':');
  switch (source) {
    case 'sls':
      if (address === 'stage') return ctx.stage;
      break;
    case 'opt':
      if (address === 'stage') return ctx.stage;
      if (address === 'region') return ctx.region;
      return orFallback(undefined, `option ${address}`);
    case 'self': {
      const v = lookup(ctx.doc, address);
      return orFallback(v === undefined ? undefined : resolveAll(v, { ...ctx, depth: ctx.depth + 1 }), `self:${address}`);
    }
    case 'aws':
      if (address === 'region') return ctx.region;
      if (address === 'accountId') return ctx.accountId;
      break;
    case 'env':
      return orFallback(process.env[address], `environment variable ${address}`);
    default:
      break;
  }
  throw new WorkflowConfigError(`serverless.yml: unsupported variable \${${expr}} (local/onair/workflows.ts resolves sls:stage, opt:, self:, file(), aws:region/accountId, env:)`);
}

function resolveString(s: string, ctx: Context): Json {
  const whole = /^\$\{([^{}]*)\}$/.exec(s);
  if (whole && new RegExp(VARIABLE.source).test(s)) return resolveVariable(whole[1] as string, ctx);
  return s.replace(VARIABLE, (_, expr: string) => {
    const v = resolveVariable(expr, ctx);
    if (isObj(v) || Array.isArray(v)) throw new WorkflowConfigError(`serverless.yml: \${${expr}} is an object and cannot be part of a string`);
    return String(v);
  });
}

export function resolveAll(v: Json, ctx: Context): Json {
  if (ctx.depth > 20) throw new WorkflowConfigError('serverless.yml: variables nest more than 20 levels (a cycle?)');
  if (typeof v === 'string') return resolveString(v, ctx);
  if (Array.isArray(v)) return v.map((x) => resolveAll(x, ctx));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveAll(x, ctx)]));
  return v;
}

/** Resolves CloudFormation intrinsics to the names CloudFormation would give (deterministically). */
