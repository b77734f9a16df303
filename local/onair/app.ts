/**
 * The local cloud with OnAir deployed on it: the twin (local/server.ts) plus what `osls deploy`
 * would create from serverless.yml — read once through local/onair/workflows.ts:
 *   - every function registered with the Lambda twin (the real handler modules, run in-process);
 *   - every state machine registered with the Step Functions twin (the checked-in ASL);
 *   - every EventBridge rule with its target;
 *   - the stack resources the twin serves (local/onair/stack.ts): DynamoDB tables, the SNS topic, the
 *     Scheduler group, the schedules' SQS dead-letter queue, the stage's shared delivery
 *     (MediaPackage v2 channel group, OAC, cache policy, CloudFront distribution, its alarm). KMS
 *     keys and log groups are not served.
 *
 * The process environment is set before any handler module loads, because SDK clients read
 * AWS_ENDPOINT_URL, region and credentials when they are constructed (once per module): the
 * functions' own environment from serverless.yml (table, topic ARN, role ARNs, state machine
 * ARNs …) plus the endpoint override, local credentials, ONAIR_CDN_URL_TEMPLATE and ONAIR_CLOCK_SCALE. All functions
 * share this one process, so two functions declaring different values for one variable is refused.
 */
import '../polyfills';
import { resolve } from 'node:path';
import { localCredentials } from './api/credentials';
import { startTwin, type Twin, type TwinOptions } from '../server';
import { deployStack } from './stack';
import { formatQuotaValues } from '../../lib/aws-quotas';
import { SERVICES } from '../services';
import { registerStackRoles } from './roles';
import type { CloudFormationService } from '../services/cloudformation';
import type { EventBridgeService } from '../services/events';
import type { LambdaService } from '../services/lambda';
import type { SchedulerService } from '../services/scheduler';
import type { StepFunctionsService } from '../services/stepfunctions';
import type { InventoryItem } from '../core/types';
import { loadWorkflows, WorkflowConfigError, type PhysicalResource, type Workflows } from './workflows';

export interface LocalCloudOptions extends Omit<TwinOptions, 'services'> {
  /** Repository root holding serverless.yml (default: this checkout). */
  root?: string;
  stage?: string;
  /** POWERTOOLS_LOG_LEVEL for the handlers (default: serverless.yml's value). */
  logLevel?: string;
  /** EventBridge duplicate-delivery probability, 0 … 1 (default 0). */
  duplicateProbability?: number;
  /** Probability that an AWS service's event is lost (best-effort delivery), 0 … 1 (default 0). */
  eventLossProbability?: number;
  /**
   * Run serverless.yml's scheduled rules (the recovery reconciler, the sweeper) on the twin clock
   * (default true). A test that injects "the Nth call fails" may turn them off so a background
   * run cannot take its fault.
   */
  scheduledRules?: boolean;
}

export interface LocalCloud {
  url: string;
  twin: Twin;
  workflows: Workflows;
  lambda: LambdaService;
  stepFunctions: StepFunctionsService;
  eventBridge: EventBridgeService;
  scheduler: SchedulerService;
  /** The environment the handlers run with (also set on process.env). */
  environment: Record<string, string>;
  stateMachineArn(key: string): string;
  /** What the stack created (local/onair/stack.ts), by logical id. */
  stack: Record<string, PhysicalResource>;
  /** The stack's name (`<service>-<stage>`, the Serverless Framework's), served by DescribeStacks in workflows.region. */
  stackName: string;
  /**
   * Records the local API's URL as the stack's `HttpApiUrl` output (the key the Serverless Framework
   * gives a stage's HTTP API), so `onair --stage` finds it as it does on AWS.
   */
  publishApiUrl(url: string): void;
  /**
   * The twin's inventory less the stack's own resources (tables, topic, schedule group, the stage's
   * shared delivery) and topic subscriptions: what channels own, so what must be gone after teardown.
   */
  channelInventory(): InventoryItem[];
  stop(): Promise<void>;
}

/** The functions' environment: serverless.yml's values + the local cloud's endpoint settings. */
export function applicationEnvironment(workflows: Workflows, twinUrl: string, clockScale: number, logLevel?: string): Record<string, string> {
  const env: Record<string, string> = {};
  const owner: Record<string, string> = {};
  for (const fn of Object.values(workflows.functions)) {
    for (const [k, v] of Object.entries(fn.env)) {
      if (k in env && env[k] !== v) {
        throw new WorkflowConfigError(`functions ${owner[k]} and ${fn.key} set ${k} differently (${env[k]} vs ${v}); the local cloud runs every function in one process and needs one value`);
      }
      env[k] = v;
      owner[k] = fn.key;
    }
  }
  const creds = localCredentials();
  Object.assign(env, {
    AWS_ENDPOINT_URL: twinUrl,
    AWS_REGION: workflows.region,
    AWS_DEFAULT_REGION: workflows.region,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ONAIR_CDN_URL_TEMPLATE: `${twinUrl}/_cdn/{domain}`,
    // Twin time runs this many times faster than the functions' clock (Date.now): a rate AWS counts
    // per second (MediaLive's request budget, functions/lib/admission.ts) is that much higher per
    // real second here. 'Infinity' under a manual clock, where no real time passes for AWS's.
    ONAIR_CLOCK_SCALE: String(clockScale),
    // Never read the developer's real AWS profile by accident.
    AWS_PROFILE: '',
    AWS_SESSION_TOKEN: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  if (logLevel) env.POWERTOOLS_LOG_LEVEL = logLevel;
  return env;
}

function service<T>(twin: Twin, name: string): T {
  const s = twin.services.get(name);
  if (!s) throw new Error(`the twin does not serve ${name} (local/services/index.ts)`);
  return s as unknown as T;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const { root, stage, logLevel, duplicateProbability, eventLossProbability, scheduledRules = true, ...twinOptions } = options;
  // Services passed explicitly: server.ts's default `import('../services')` is a directory import,
  // which Node's ESM loader refuses when the twin runs under tsx (npm start).
  const twin = await startTwin({ ...twinOptions, services: SERVICES });
  try {
    const load = { root: root ?? resolve(__dirname, '..', '..'), ...(stage ? { stage } : {}), region: twin.env.region, accountId: twin.env.accountId };
    // The stack first (tables, topic, the stage's shared delivery …), as `osls deploy` does: the
    // functions' environment names what it created (the distribution's domain, for one).
    const physical = await deployStack(twin, loadWorkflows(load));
    const workflows = loadWorkflows({ ...load, physical });
    const environment = applicationEnvironment(workflows, twin.url, twin.env.clock.scale, logLevel);
    // The stack itself, as DescribeStacks shows it (local/services/cloudformation.ts).
    const stackName = `${workflows.service}-${workflows.stage}`;
    const cloudFormation = service<CloudFormationService>(twin, 'cloudformation');
    cloudFormation.putStack(workflows.region, stackName, { tags: { 'onair:stage': workflows.stage } });
    // The twin is the account: OnAir plans channels against the quotas it enforces (raised for scale runs).
    if (twin.env.quotas && formatQuotaValues(twin.env.quotas) !== 'default') environment.ONAIR_ACCOUNT_QUOTAS = formatQuotaValues(twin.env.quotas);
    for (const [k, v] of Object.entries(environment)) {
      if (v === '') delete process.env[k];
      else process.env[k] = v;
    }

    const lambda = service<LambdaService>(twin, 'lambda');
    const stepFunctions = service<StepFunctionsService>(twin, 'states');
    const eventBridge = service<EventBridgeService>(twin, 'events');
    const scheduler = service<SchedulerService>(twin, 'scheduler');
    if (duplicateProbability !== undefined) eventBridge.duplicateProbability = duplicateProbability;
    if (eventLossProbability !== undefined) eventBridge.lossProbability = eventLossProbability;

    for (const fn of Object.values(workflows.functions)) {
      lambda.register({
        key: fn.key, name: fn.name, modulePath: fn.modulePath, exportName: fn.exportName,
        environment: fn.env, timeoutSeconds: fn.timeoutSeconds, memorySizeMb: fn.memoryMb,
      });
    }
    for (const sm of Object.values(workflows.stateMachines)) {
      stepFunctions.register({ name: sm.name, definition: sm.definition });
    }
    for (const rule of workflows.rules) {
      eventBridge.putRule({
        name: rule.name, pattern: rule.pattern, state: rule.enabled ? 'ENABLED' : 'DISABLED',
        targets: [{
          id: rule.target.key, arn: rule.target.arn,
          ...(rule.input !== undefined ? { input: rule.input } : {}),
          ...(rule.inputPath !== undefined ? { inputPath: rule.inputPath } : {}),
          ...(rule.inputTransformer ? { inputTransformer: rule.inputTransformer } : {}),
        }],
      });
    }
    for (const rule of scheduledRules ? workflows.scheduledRules : []) {
      eventBridge.putScheduledRule({
        name: rule.name, schedule: rule.schedule, state: rule.enabled ? 'ENABLED' : 'DISABLED',
        targets: [{ id: rule.target.key, arn: rule.target.arn, ...(rule.input !== undefined ? { input: rule.input } : {}), ...(rule.inputPath !== undefined ? { inputPath: rule.inputPath } : {}) }],
      });
    }

    // The stack's service roles (MediaLive's, MediaPackage's): the twin checks them when a service acts (local/iam).
    registerStackRoles(twin.env, workflows);

    return {
      url: twin.url, twin, workflows, lambda, stepFunctions, eventBridge, scheduler, environment,
      stack: physical,
      stackName,
      publishApiUrl(url: string): void {
        cloudFormation.setOutput(workflows.region, stackName, 'HttpApiUrl', { value: url, description: 'URL of the HTTP API' });
      },
      channelInventory() {
        // Inventory ids and CloudFormation refs name a resource by ARN or by name: compare the names.
        const name = (id: string): string => id.split(/[:/]/).pop() as string;
        const stackNames = new Set(Object.values(physical).flatMap((p) => [p.ref, ...Object.values(p.attributes ?? {})]).map(name));
        return twin.inventory().filter((i) => !stackNames.has(name(i.id)) && !(i.service === 'sns' && i.type === 'subscription'));
      },
      stateMachineArn(key: string): string {
        const sm = workflows.stateMachines[key];
        if (!sm) throw new Error(`serverless.yml has no state machine ${key} (known: ${Object.keys(workflows.stateMachines).join(', ')})`);
        return sm.arn;
      },
      async stop(): Promise<void> {
        // Running executions end (aborted) and pending deliveries settle before the last snapshot.
        stepFunctions.stop();
        await stepFunctions.idle();
        eventBridge.stop();
        await eventBridge.settled();
        scheduler.stop();
        await twin.stop();
      },
    };
  } catch (error) {
    await twin.stop();
    throw error;
  }
}
