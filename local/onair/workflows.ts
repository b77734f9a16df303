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
import { join, resolve } from 'node:path';
import { Intrinsics, type PhysicalResource } from './intrinsics';
import { isObj, normalizedName, readYaml, resolveAll, WorkflowConfigError, type Json, type Obj } from './serverless-yml';

export { normalizedName, WorkflowConfigError } from './serverless-yml';

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
export type { PhysicalResource } from './intrinsics';

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
 * A scheduled EventBridge rule: a function's or a state machine's `events: - schedule: rate(…)` (or
 * `{ rate, enabled, input, inputPath, name }`), Serverless Framework / serverless-step-functions
 * syntax. One entry per expression; a state machine target starts an execution with `input`.
 */
export interface ScheduledRuleSpec {
  name: string;
  /** `rate(…)` or `cron(…)`, as written. */
  schedule: string;
  target: { kind: 'function' | 'stateMachine'; key: string; arn: string };
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
  const scheduledRules = readScheduledRules(rawFunctions, sfn, functions, stateMachines, `${service}-${stage}`);
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

/**
 * `schedule:` events (rate or cron, one rule per expression) of functions (Serverless Framework) and
 * of state machines (serverless-step-functions' schedule event: an EventBridge rule whose target
 * starts an execution, with `input` as the execution input).
 */
function readScheduledRules(rawFunctions: Obj, machines: Obj, functions: Record<string, FunctionSpec>, stateMachines: Record<string, StateMachineSpec>, prefix: string): ScheduledRuleSpec[] {
  const out: ScheduledRuleSpec[] = [];
  const add = (owner: string, events: Json | undefined, target: ScheduledRuleSpec['target']): void => {
    if (!Array.isArray(events)) return;
    events.forEach((ev, i) => {
      if (!isObj(ev) || ev.schedule === undefined) return;
      const e: Obj = isObj(ev.schedule) ? ev.schedule : { rate: ev.schedule };
      const where = `${owner} schedule[${i}]`;
      const rates = Array.isArray(e.rate) ? e.rate : [e.rate];
      rates.forEach((rate, j) => {
        if (typeof rate !== 'string' || !/^(rate|cron)\(.+\)$/.test(rate)) throw new WorkflowConfigError(`${where}: rate must be rate(…) or cron(…), got ${JSON.stringify(rate)}`);
        out.push({
          name: typeof e.name === 'string' ? (rates.length > 1 ? `${e.name}-${j + 1}` : e.name) : `${prefix}-${target.key}-schedule-${i + 1}${rates.length > 1 ? `-${j + 1}` : ''}`,
          schedule: rate, target, enabled: e.enabled !== false,
          ...(e.input !== undefined ? { input: typeof e.input === 'string' ? e.input : JSON.stringify(e.input) } : {}),
          ...(typeof e.inputPath === 'string' ? { inputPath: e.inputPath } : {}),
        });
      });
    });
  };
  for (const [key, f] of Object.entries(rawFunctions)) {
    const spec = functions[key];
    if (isObj(f) && spec) add(`function ${key}`, f.events, { kind: 'function', key, arn: spec.arn });
  }
  for (const [key, m] of Object.entries(machines)) {
    const spec = stateMachines[key];
    if (isObj(m) && spec) add(`state machine ${key}`, m.events, { kind: 'stateMachine', key, arn: spec.arn });
  }
  return out;
}
