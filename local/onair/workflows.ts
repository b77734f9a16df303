/**
 * The one reader of serverless.yml for everything that runs OnAir's workflows outside AWS: the
 * unit tests (test/unit/workflows) and the local cloud's Step Functions and Lambda twins.
 *
 *   loadWorkflows({ root?, stage?, region?, accountId? }) → Workflows
 *     .functions[key]      → { key, logicalId, name, arn, modulePath, exportName, env, timeoutSeconds, memoryMb, iamRoleStatements }
 *     .stateMachines[key]  → { key, logicalId, name, arn, definition, taskFunctions, childMachines }
 *     .functionByArn(arn), .stateMachineByArn(arn)
 *
 * `definition` is the checked-in ASL with every `{"Fn::GetAtt": [<X>LambdaFunction, Arn]}` replaced
 * by the function's deterministic ARN (arn:aws:lambda:<region>:<account>:function:<name>), and every
 * other intrinsic (`Fn::Sub`, `Ref`) resolved the same way CloudFormation would name things, so it
 * runs in aws-local-stepfunctions and passes asl-validator. `taskFunctions` maps each Task state name
 * (branches included) to its function key — a Lambda resource, or `lambda:invoke[.waitForTaskToken]`
 * with Parameters.FunctionName; `childMachines` maps each `states:startExecution*` Task
 * to the child machine's key.
 *
 * Variables: only what serverless.yml uses, resolved the way the Serverless Framework does:
 * `${sls:stage}`, `${opt:stage|region, 'default'}`, `${self:<path>}`, `${file(<path>)}` (YAML/JSON,
 * relative to the root), `${aws:region}`, `${aws:accountId}`, `${env:NAME, 'default'}`. An unknown
 * source is an error, never a silent empty string. CloudFormation's own `${AWS::Region}` inside
 * Fn::Sub is not a Serverless variable and is left to the intrinsic resolver.
 *
 * Independent of jest and of the twin: plain Node, `yaml` only.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface LoadOptions {
  /** Repository root holding serverless.yml (default: this file's parent folder). */
  root?: string;
  stage?: string;
  region?: string;
  accountId?: string;
  /**
   * Physical ids and attributes of stack resources the local cloud created (local/onair/app.ts), by
   * logical id: `Ref` and `Fn::GetAtt` on them resolve to these, as CloudFormation's do after a
   * deploy. Resources not listed get deterministic placeholders (tests that run no twin).
   */
  physical?: Record<string, PhysicalResource>;
}

/** What CloudFormation knows of a created resource: `Ref` and `Fn::GetAtt` values. */
export interface PhysicalResource { ref: string; attributes?: Record<string, string> }

export interface FunctionSpec {
  key: string;
  /** CloudFormation logical id, e.g. `CreateInputLambdaFunction`. */
  logicalId: string;
  /** Deployed name, e.g. `onair-dev-createInput`. */
  name: string;
  arn: string;
  /** Absolute path of the TypeScript module holding the handler. */
  modulePath: string;
  exportName: string;
  /** provider.environment merged with the function's, intrinsics resolved to deterministic values. */
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The function's own role statements (serverless-iam-roles-per-function), intrinsics resolved. */
  iamRoleStatements: IamStatement[];
}

export interface IamStatement { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }

export type AslState = Record<string, unknown> & { Type: string };
export interface AslDefinition { StartAt: string; States: Record<string, AslState>; TimeoutSeconds?: number; [k: string]: unknown }

export interface StateMachineSpec {
  key: string;
  logicalId: string;
  name: string;
  arn: string;
  definition: AslDefinition;
  /** Task state name → function key. */
  taskFunctions: Record<string, string>;
  /** Task state name → child state machine key (`arn:aws:states:::states:startExecution[.sync[:2]]`). */
  childMachines: Record<string, string>;
}

/**
 * An EventBridge rule declared in serverless.yml: on a function (`events: - eventBridge: { pattern }`,
 * Serverless Framework syntax) or on a state machine (`events: - eventBridge: { event }`,
 * serverless-step-functions syntax). The local cloud's EventBridge registers these; nothing else
 * repeats the patterns.
 */
export interface RuleSpec {
  name: string;
  pattern: Record<string, unknown>;
  target: { kind: 'function' | 'stateMachine'; key: string; arn: string };
  enabled: boolean;
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

/**
 * A scheduled EventBridge rule: a function's `events: - schedule: rate(…)` (or `{ rate, enabled,
 * input, inputPath, name }`), Serverless Framework syntax. One entry per expression.
 */
export interface ScheduledRuleSpec {
  name: string;
  /** `rate(…)` or `cron(…)`, as written. */
  schedule: string;
  target: { kind: 'function'; key: string; arn: string };
  enabled: boolean;
  input?: string;
  inputPath?: string;
}

/** A CloudFormation resource of serverless.yml, Serverless variables resolved, intrinsics as written. */
export interface ResourceSpec { Type: string; Properties: Record<string, unknown>; Condition?: string }

export interface Workflows {
  service: string;
  stage: string;
  region: string;
  accountId: string;
  functions: Record<string, FunctionSpec>;
  stateMachines: Record<string, StateMachineSpec>;
  functionByArn(arn: string): FunctionSpec | undefined;
  stateMachineByArn(arn: string): StateMachineSpec | undefined;
  /** EventBridge rules (see RuleSpec). */
  rules: RuleSpec[];
  /** Scheduled EventBridge rules (see ScheduledRuleSpec). */
  scheduledRules: ScheduledRuleSpec[];
  /** resources.Resources by logical id (the local cloud creates the table, topic and schedule group). */
  resources: Record<string, ResourceSpec>;
  /** Resolves CloudFormation intrinsics in `value` (a resource's Properties) given what exists so far. */
  resolveIntrinsics(value: unknown, physical?: Record<string, PhysicalResource>): unknown;
  /** resources.Conditions evaluated (a resource with a false Condition is not created). */
  condition(name: string): boolean;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export class WorkflowConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowConfigError';
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Serverless's naming: `create-input_x` → `CreateDashinputUnderscorex`. */
export function normalizedName(key: string): string {
  const n = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return n.charAt(0).toUpperCase() + n.slice(1);
}

function readYaml(path: string): Json {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as Json;
}

const VARIABLE = /\$\{((?:sls|opt|self|aws|env):[^{}]*|file\([^)]*\)[^{}]*)\}/g;

interface Context { root: string; stage: string; region: string; accountId: string; doc: Obj; depth: number }

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

function resolveAll(v: Json, ctx: Context): Json {
  if (ctx.depth > 20) throw new WorkflowConfigError('serverless.yml: variables nest more than 20 levels (a cycle?)');
  if (typeof v === 'string') return resolveString(v, ctx);
  if (Array.isArray(v)) return v.map((x) => resolveAll(x, ctx));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveAll(x, ctx)]));
  return v;
}

/** Resolves CloudFormation intrinsics to the names CloudFormation would give (deterministically). */
class Intrinsics {
  constructor(
    private readonly resources: Obj,
    private readonly ids: { region: string; accountId: string; service: string; stage: string },
    private readonly functionsByLogicalId: Map<string, FunctionSpec>,
    private readonly machinesByLogicalId: Map<string, { name: string; arn: string }>,
    private readonly physical: Record<string, PhysicalResource> = {},
    private readonly conditions: Obj = {},
    private readonly parameters: Obj = {},
  ) {}

  /** A stable placeholder id for a resource the local cloud has not created (unit tests). */
  private placeholder(logicalId: string, length: number): string {
    let h = 0x811c9dc5;
    for (const c of `${this.ids.stage}/${logicalId}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return `E${h.toString(36).toUpperCase()}${'0'.repeat(length)}`.slice(0, length);
  }

  condition(name: string): boolean {
    const c = this.conditions[name];
    if (c === undefined) throw new WorkflowConfigError(`unknown condition ${name}`);
    return this.truthy(c);
  }

  private truthy(v: Json): boolean {
    if (typeof v === 'boolean') return v;
    if (isObj(v)) {
      const [k, arg] = Object.entries(v)[0] ?? [];
      if (k === 'Fn::Equals' && Array.isArray(arg)) return this.scalar(arg[0] as Json) === this.scalar(arg[1] as Json);
      if (k === 'Fn::Not' && Array.isArray(arg)) return !this.truthy(arg[0] as Json);
      if (k === 'Fn::And' && Array.isArray(arg)) return arg.every((x) => this.truthy(x));
      if (k === 'Fn::Or' && Array.isArray(arg)) return arg.some((x) => this.truthy(x));
      if (k === 'Condition' && typeof arg === 'string') return this.condition(arg);
    }
    throw new WorkflowConfigError(`not a condition: ${JSON.stringify(v)}`);
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region': return this.ids.region;
      case 'AWS::AccountId': return this.ids.accountId;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return `${this.ids.service}-${this.ids.stage}`;
      default: return undefined;
    }
  }

  ref(logicalId: string): string {
    const p = this.pseudo(logicalId);
    if (p !== undefined) return p;
    const fn = this.functionsByLogicalId.get(logicalId);
    if (fn) return fn.name;
    const sm = this.machinesByLogicalId.get(logicalId);
    if (sm) return sm.arn;
    const made = this.physical[logicalId];
    if (made) return made.ref;
    // A stack parameter: its Default (the local cloud passes no parameter values).
    const param = this.parameters[logicalId];
    if (isObj(param) && param.Default !== undefined) return this.scalar(param.Default as Json);
    // The HTTP API osls generates from the functions' httpApi events (logical id HttpApi, osls
    // lib/plugins/aws/lib/naming.js getHttpApiLogicalId), not declared in resources.Resources; its Ref
    // is the API id (AWS::ApiGatewayV2::Api "Return values"), 10 lowercase alphanumerics. The control-
    // plane API 5xx alarm names it.
    if (logicalId === 'HttpApi' && !(logicalId in this.resources)) return this.placeholder(logicalId, 10).toLowerCase();
    const res = this.resources[logicalId];
    if (!isObj(res)) throw new WorkflowConfigError(`Ref to unknown resource ${logicalId}`);
    const props = isObj(res.Properties) ? res.Properties : {};
    const { region, accountId } = this.ids;
    switch (res.Type) {
      case 'AWS::SNS::Topic': return `arn:aws:sns:${region}:${accountId}:${String(props.TopicName ?? logicalId)}`;
      case 'AWS::DynamoDB::Table': return String(props.TableName ?? logicalId);
      case 'AWS::SQS::Queue': return `https://sqs.${region}.amazonaws.com/${accountId}/${String(props.QueueName ?? logicalId)}`;
      case 'AWS::Scheduler::ScheduleGroup': return String(props.Name ?? logicalId);
      case 'AWS::IAM::Role': return String(props.RoleName ?? this.generatedName(logicalId));
      case 'AWS::KMS::Key': return `00000000-0000-0000-0000-${logicalId.toLowerCase().padEnd(12, '0').slice(0, 12)}`;
      case 'AWS::Logs::LogGroup': return String(props.LogGroupName ?? logicalId);
      // CloudFormation returns the id for these three, the ARN for a channel group, the name for an alarm
      // (CloudFormation Template Reference, each type's "Return values"; AWS::MediaPackageV2::ChannelGroup:
      // "Ref returns arn:aws:mediapackagev2:region:AccountId:ChannelGroup/ChannelGroupName").
      case 'AWS::CloudFront::Distribution': return this.placeholder(logicalId, 14);
      case 'AWS::CloudFront::OriginAccessControl': return this.placeholder(logicalId, 14);
      case 'AWS::CloudFront::CachePolicy': return this.placeholder(logicalId, 14).toLowerCase();
      case 'AWS::MediaPackageV2::ChannelGroup': return `arn:aws:mediapackagev2:${region}:${accountId}:channelGroup/${String(props.ChannelGroupName ?? logicalId)}`;
      case 'AWS::CloudWatch::Alarm': return String(props.AlarmName ?? this.generatedName(logicalId));
      default: throw new WorkflowConfigError(`Ref to ${logicalId} (${String(res.Type)}): local/onair/workflows.ts does not name this resource type yet`);
    }
  }

  private generatedName(logicalId: string): string {
    return `${this.ids.service}-${this.ids.stage}-${logicalId}`;
  }

  getAtt(logicalId: string, attribute: string): string {
    const fn = this.functionsByLogicalId.get(logicalId);
    if (fn && attribute === 'Arn') return fn.arn;
    const sm = this.machinesByLogicalId.get(logicalId);
    if (sm && attribute === 'Arn') return sm.arn;
    if (sm && attribute === 'Name') return sm.name;
    const made = this.physical[logicalId]?.attributes?.[attribute];
    if (made !== undefined) return made;
    const res = this.resources[logicalId];
    if (!isObj(res)) throw new WorkflowConfigError(`Fn::GetAtt on unknown resource ${logicalId}`);
    const props = isObj(res.Properties) ? res.Properties : {};
    const { region, accountId } = this.ids;
    const key = `${String(res.Type)}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn': return `arn:aws:iam::${accountId}:role/${this.ref(logicalId)}`;
      case 'AWS::DynamoDB::Table.Arn': return `arn:aws:dynamodb:${region}:${accountId}:table/${this.ref(logicalId)}`;
      case 'AWS::SNS::Topic.TopicArn': return this.ref(logicalId);
      case 'AWS::SQS::Queue.Arn': return `arn:aws:sqs:${region}:${accountId}:${String(props.QueueName ?? logicalId)}`;
      case 'AWS::KMS::Key.Arn': return `arn:aws:kms:${region}:${accountId}:key/${this.ref(logicalId)}`;
      case 'AWS::Logs::LogGroup.Arn': return `arn:aws:logs:${region}:${accountId}:log-group:${this.ref(logicalId)}:*`;
      case 'AWS::Scheduler::ScheduleGroup.Arn': return `arn:aws:scheduler:${region}:${accountId}:schedule-group/${this.ref(logicalId)}`;
      case 'AWS::CloudFront::Distribution.Id':
      case 'AWS::CloudFront::OriginAccessControl.Id':
      case 'AWS::CloudFront::CachePolicy.Id': return this.ref(logicalId);
      case 'AWS::CloudFront::Distribution.DomainName': return `${this.ref(logicalId).toLowerCase()}.cloudfront.net`;
      case 'AWS::MediaPackageV2::ChannelGroup.Arn': return this.ref(logicalId);
      case 'AWS::MediaPackageV2::ChannelGroup.EgressDomain': return `${this.placeholder(logicalId, 6).toLowerCase()}.egress.${this.placeholder(`${logicalId}.egress`, 6).toLowerCase()}.mediapackagev2.${region}.amazonaws.com`;
      default: throw new WorkflowConfigError(`Fn::GetAtt ${logicalId}.${attribute} (${String(res.Type)}): not named by local/onair/workflows.ts yet`);
    }
  }

  sub(template: string, vars: Obj = {}): string {
    return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in vars) return this.scalar(vars[name] as Json);
      const p = this.pseudo(name);
      if (p !== undefined) return p;
      const [id, attr] = name.split('.');
      return attr ? this.getAtt(id as string, attr) : this.ref(id as string);
    });
  }

  /** Resolves one intrinsic-or-literal to a string. */
  scalar(v: Json): string {
    const r = this.resolve(v);
    if (typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return String(r);
    throw new WorkflowConfigError(`expected a string, got ${JSON.stringify(v)}`);
  }

  resolve(v: Json): Json {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x));
    if (!isObj(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0] as string;
      const arg = v[k] as Json;
      if (k === 'Ref' && typeof arg === 'string') return this.ref(arg);
      if (k === 'Fn::GetAtt') {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.getAtt(id as string, attr as string);
      }
      if (k === 'Fn::Sub') {
        if (typeof arg === 'string') return this.sub(arg);
        if (Array.isArray(arg)) return this.sub(String(arg[0]), isObj(arg[1]) ? arg[1] : {});
      }
      if (k === 'Fn::If' && Array.isArray(arg)) {
        return this.resolve((this.condition(String(arg[0])) ? arg[1] : arg[2]) as Json);
      }
      if (k === 'Fn::Join' && Array.isArray(arg)) {
        const [sep, parts] = arg;
        return (Array.isArray(parts) ? parts : []).map((p) => this.scalar(p)).join(String(sep));
      }
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.resolve(x)]));
  }
}

function walkTasks(states: Record<string, AslState>, visit: (name: string, state: AslState) => void): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') visit(name, state);
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const b of state.Branches as { States: Record<string, AslState> }[]) walkTasks(b.States, visit);
    }
    if (state.Type === 'Map') {
      const it = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, AslState> } | undefined;
      if (it) walkTasks(it.States, visit);
    }
  }
}

export function loadWorkflows(options: LoadOptions = {}): Workflows {
  const root = options.root ?? resolve(__dirname, '..', '..');
  const raw = readYaml(join(root, 'serverless.yml'));
  if (!isObj(raw)) throw new WorkflowConfigError('serverless.yml is not a mapping');
  const provider0 = isObj(raw.provider) ? raw.provider : {};
  const stage = options.stage ?? (typeof provider0.stage === 'string' && !provider0.stage.includes('${') ? provider0.stage : 'dev');
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '111122223333';
  const doc = resolveAll(raw, { root, stage, region, accountId, doc: raw, depth: 0 }) as Obj;
  const service = String(doc.service);
  const provider = isObj(doc.provider) ? doc.provider : {};
  const resources = isObj(doc.resources) && isObj(doc.resources.Resources) ? doc.resources.Resources : {};

  const functions: Record<string, FunctionSpec> = {};
  const byLogicalId = new Map<string, FunctionSpec>();
  const rawFunctions = isObj(doc.functions) ? doc.functions : {};
  for (const [key, f] of Object.entries(rawFunctions)) {
    if (!isObj(f) || typeof f.handler !== 'string') throw new WorkflowConfigError(`function ${key} has no handler`);
    const dot = f.handler.lastIndexOf('.');
    const name = typeof f.name === 'string' ? f.name : `${service}-${stage}-${key}`;
    const spec: FunctionSpec = {
      key,
      logicalId: `${normalizedName(key)}LambdaFunction`,
      name,
      arn: `arn:aws:lambda:${region}:${accountId}:function:${name}`,
      modulePath: join(root, `${f.handler.slice(0, dot)}.ts`),
      exportName: f.handler.slice(dot + 1),
      env: {},
      timeoutSeconds: Number(f.timeout ?? provider.timeout ?? 6),
      memoryMb: Number(f.memorySize ?? provider.memorySize ?? 1024),
      iamRoleStatements: [],
    };
    functions[key] = spec;
    byLogicalId.set(spec.logicalId, spec);
  }

  const machinesByLogicalId = new Map<string, { key: string; name: string; arn: string }>();
  const sfn = isObj(doc.stepFunctions) && isObj(doc.stepFunctions.stateMachines) ? doc.stepFunctions.stateMachines : {};
  for (const [key, m] of Object.entries(sfn)) {
    if (!isObj(m)) continue;
    const name = typeof m.name === 'string' ? m.name : `${normalizedName(key)}StepFunctionsStateMachine`;
    const logicalId = typeof m.id === 'string' ? m.id : `${normalizedName(key)}StepFunctionsStateMachine`;
    machinesByLogicalId.set(logicalId, { key, name, arn: `arn:aws:states:${region}:${accountId}:stateMachine:${name}` });
  }

  const conditions = isObj(doc.resources) && isObj(doc.resources.Conditions) ? doc.resources.Conditions : {};
  const parameters = isObj(doc.resources) && isObj(doc.resources.Parameters) ? doc.resources.Parameters : {};
  const ids = { region, accountId, service, stage };
  const intrinsics = new Intrinsics(resources, ids, byLogicalId, machinesByLogicalId, options.physical, conditions, parameters);
  const providerEnv = isObj(provider.environment) ? provider.environment : {};
  for (const [key, spec] of Object.entries(functions)) {
    const f = rawFunctions[key] as Obj;
    const merged = { ...providerEnv, ...(isObj(f.environment) ? f.environment : {}) };
    spec.env = Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, intrinsics.scalar(v as Json)]));
    spec.iamRoleStatements = (Array.isArray(f.iamRoleStatements) ? f.iamRoleStatements : []).map((st) => intrinsics.resolve(st) as unknown as IamStatement);
  }

  const stateMachines: Record<string, StateMachineSpec> = {};
  for (const [logicalId, m] of machinesByLogicalId) {
    const def = (sfn[m.key] as Obj).definition;
    if (!isObj(def)) throw new WorkflowConfigError(`state machine ${m.key} has no definition`);
    const taskFunctions: Record<string, string> = {};
    const childMachines: Record<string, string> = {};
    // Task resources first, so the map names the function; then every other intrinsic.
    const definition = structuredClone(def) as unknown as AslDefinition;
    walkTasks(definition.States, (stateName, state) => {
      const res = state.Resource as Json;
      if (isObj(res) && Array.isArray(res['Fn::GetAtt'])) {
        const target = byLogicalId.get(String(res['Fn::GetAtt'][0]));
        if (!target) throw new WorkflowConfigError(`${m.key}: state ${stateName} calls unknown function ${String(res['Fn::GetAtt'][0])}`);
        taskFunctions[stateName] = target.key;
        state.Resource = target.arn;
      }
      // `arn:aws:states:::lambda:invoke[.waitForTaskToken]`: the function is Parameters.FunctionName.
      const params = state.Parameters as Json;
      if (typeof res === 'string' && res.startsWith('arn:aws:states:::lambda:invoke') && isObj(params) && isObj(params.FunctionName)) {
        const ref = (params.FunctionName as Obj)['Fn::GetAtt'];
        const target = Array.isArray(ref) ? byLogicalId.get(String(ref[0])) : undefined;
        if (!target) throw new WorkflowConfigError(`${m.key}: state ${stateName} invokes an unknown function`);
        taskFunctions[stateName] = target.key;
        params.FunctionName = target.arn;
      }
    });
    const resolved = intrinsics.resolve(definition as unknown as Json) as unknown as AslDefinition;
    walkTasks(resolved.States, (stateName, state) => {
      if (typeof state.Resource === 'string' && state.Resource.startsWith('arn:aws:states:::states:startExecution')) {
        const params = isObj(state.Parameters) ? state.Parameters : {};
        const arn = String(params.StateMachineArn ?? '');
        const child = [...machinesByLogicalId.values()].find((c) => c.arn === arn);
        if (!child) throw new WorkflowConfigError(`${m.key}: state ${stateName} starts unknown state machine ${arn}`);
        childMachines[stateName] = child.key;
      }
    });
    stateMachines[m.key] = { key: m.key, logicalId, name: m.name, arn: m.arn, definition: resolved, taskFunctions, childMachines };
  }

  const rules = readRules(rawFunctions, sfn, functions, stateMachines, `${service}-${stage}`);
  const scheduledRules = readScheduledRules(rawFunctions, functions, `${service}-${stage}`);
  const resourceSpecs: Record<string, ResourceSpec> = {};
  for (const [id, r] of Object.entries(resources)) {
    if (isObj(r) && typeof r.Type === 'string') {
      resourceSpecs[id] = { Type: r.Type, Properties: isObj(r.Properties) ? r.Properties : {}, ...(typeof r.Condition === 'string' ? { Condition: r.Condition } : {}) };
    }
  }

  return {
    service, stage, region, accountId, functions, stateMachines, rules, scheduledRules, resources: resourceSpecs,
    resolveIntrinsics: (value, physical) => new Intrinsics(resources, ids, byLogicalId, machinesByLogicalId, { ...options.physical, ...physical }, conditions, parameters).resolve(value as Json),
    condition: (name) => intrinsics.condition(name),
    functionByArn: (arn) => Object.values(functions).find((f) => f.arn === arn || arn.startsWith(`${f.arn}:`)),
    stateMachineByArn: (arn) => Object.values(stateMachines).find((s) => s.arn === arn),
  };
}

function ruleTransform(e: Obj, where: string): Pick<RuleSpec, 'input' | 'inputPath' | 'inputTransformer'> {
  const out: Pick<RuleSpec, 'input' | 'inputPath' | 'inputTransformer'> = {};
  if (e.input !== undefined) out.input = typeof e.input === 'string' ? e.input : JSON.stringify(e.input);
  if (typeof e.inputPath === 'string') out.inputPath = e.inputPath;
  if (isObj(e.inputTransformer)) {
    const t = e.inputTransformer;
    if (typeof t.inputTemplate !== 'string') throw new WorkflowConfigError(`${where}: inputTransformer.inputTemplate is required`);
    out.inputTransformer = { inputTemplate: t.inputTemplate, ...(isObj(t.inputPathsMap) ? { inputPathsMap: t.inputPathsMap as Record<string, string> } : {}) };
  }
  return out;
}

/** EventBridge rules on functions (`pattern`) and state machines (`event`), default bus only. */
function readRules(rawFunctions: Obj, machines: Obj, functions: Record<string, FunctionSpec>, stateMachines: Record<string, StateMachineSpec>, prefix: string): RuleSpec[] {
  const rules: RuleSpec[] = [];
  const add = (owner: string, events: Json | undefined, patternKey: 'pattern' | 'event', target: RuleSpec['target']): void => {
    if (!Array.isArray(events)) return;
    events.forEach((ev, i) => {
      if (!isObj(ev) || !isObj(ev.eventBridge)) return;
      const e = ev.eventBridge;
      const where = `${owner} eventBridge[${i}]`;
      if (e.eventBus !== undefined && e.eventBus !== 'default') throw new WorkflowConfigError(`${where}: only the default event bus is served locally`);
      if (e.schedule !== undefined) throw new WorkflowConfigError(`${where}: scheduled rules are not read by local/onair/workflows.ts (use EventBridge Scheduler)`);
      const pattern = e[patternKey];
      if (!isObj(pattern)) throw new WorkflowConfigError(`${where}: ${patternKey} is required`);
      rules.push({
        name: typeof e.name === 'string' ? e.name : `${prefix}-${target.key}-rule-${i + 1}`,
        pattern, target, enabled: e.enabled !== false, ...ruleTransform(e, where),
      });
    });
  };
  for (const [key, f] of Object.entries(rawFunctions)) {
    const spec = functions[key];
    if (isObj(f) && spec) add(`function ${key}`, f.events, 'pattern', { kind: 'function', key, arn: spec.arn });
  }
  for (const [key, m] of Object.entries(machines)) {
    const spec = stateMachines[key];
    if (isObj(m) && spec) add(`state machine ${key}`, m.events, 'event', { kind: 'stateMachine', key, arn: spec.arn });
  }
  return rules;
}

/** Functions' `schedule:` events (rate or cron, one rule per expression). */
function readScheduledRules(rawFunctions: Obj, functions: Record<string, FunctionSpec>, prefix: string): ScheduledRuleSpec[] {
  const out: ScheduledRuleSpec[] = [];
  for (const [key, f] of Object.entries(rawFunctions)) {
    const spec = functions[key];
    if (!isObj(f) || !spec || !Array.isArray(f.events)) continue;
    f.events.forEach((ev, i) => {
      if (!isObj(ev) || ev.schedule === undefined) return;
      const e: Obj = isObj(ev.schedule) ? ev.schedule : { rate: ev.schedule };
      const where = `function ${key} schedule[${i}]`;
      const rates = Array.isArray(e.rate) ? e.rate : [e.rate];
      rates.forEach((rate, j) => {
        if (typeof rate !== 'string' || !/^(rate|cron)\(.+\)$/.test(rate)) throw new WorkflowConfigError(`${where}: rate must be rate(…) or cron(…), got ${JSON.stringify(rate)}`);
        out.push({
          name: typeof e.name === 'string' ? (rates.length > 1 ? `${e.name}-${j + 1}` : e.name) : `${prefix}-${key}-schedule-${i + 1}${rates.length > 1 ? `-${j + 1}` : ''}`,
          schedule: rate, target: { kind: 'function', key, arn: spec.arn }, enabled: e.enabled !== false,
          ...(e.input !== undefined ? { input: typeof e.input === 'string' ? e.input : JSON.stringify(e.input) } : {}),
          ...(typeof e.inputPath === 'string' ? { inputPath: e.inputPath } : {}),
        });
      });
    });
  }
  return out;
}
