/**
 * The local cloud with OnAir deployed on it: the twin (local/server.ts) plus what `osls deploy`
 * would create from serverless.yml — read once through local/workflows.ts:
 *   - every function registered with the Lambda twin (the real handler modules, run in-process);
 *   - every state machine registered with the Step Functions twin (the checked-in ASL);
 *   - every EventBridge rule with its target;
 *   - the resources the workflows need at run time: DynamoDB tables, the SNS topic, the
 *     Scheduler group (IAM roles, KMS keys, log groups and the SQS dead-letter queue are not
 *     served by the twin: the twin does not enforce IAM, and Scheduler keeps dead letters itself).
 *
 * The process environment is set before any handler module loads, because SDK clients read
 * AWS_ENDPOINT_URL, region and credentials when they are constructed (once per module): the
 * functions' own environment from serverless.yml (table, topic ARN, role ARNs, state machine
 * ARNs …) plus the endpoint override, local credentials and ONAIR_CDN_URL_TEMPLATE. All functions
 * share this one process, so two functions declaring different values for one variable is refused.
 */
import './polyfills';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { resolve } from 'node:path';
import { localCredentials } from './api/credentials';
import { AwsError } from './core/types';
import { startTwin, type Twin, type TwinOptions } from './server';
import { SERVICES } from './services';
import { registerStackRoles } from './iam/roles';
import type { EventBridgeService } from './services/events';
import type { LambdaService } from './services/lambda';
import type { SchedulerService } from './services/scheduler';
import type { StepFunctionsService } from './services/stepfunctions';
import { loadWorkflows, WorkflowConfigError, type Workflows } from './workflows';

export interface LocalCloudOptions extends Omit<TwinOptions, 'services'> {
  /** Repository root holding serverless.yml (default: this checkout). */
  root?: string;
  stage?: string;
  /** POWERTOOLS_LOG_LEVEL for the handlers (default: serverless.yml's value). */
  logLevel?: string;
  /** EventBridge duplicate-delivery probability, 0 … 1 (default 0). */
  duplicateProbability?: number;
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
  stop(): Promise<void>;
}

/** The functions' environment: serverless.yml's values + the local cloud's endpoint settings. */
export function applicationEnvironment(workflows: Workflows, twinUrl: string, logLevel?: string): Record<string, string> {
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
  const { root, stage, logLevel, duplicateProbability, scheduledRules = true, ...twinOptions } = options;
  // Services passed explicitly: server.ts's default `import('./services')` is a directory import,
  // which Node's ESM loader refuses when the twin runs under tsx (npm start).
  const twin = await startTwin({ ...twinOptions, services: SERVICES });
  try {
    const workflows = loadWorkflows({ root: root ?? resolve(__dirname, '..'), ...(stage ? { stage } : {}), region: twin.env.region, accountId: twin.env.accountId });
    const environment = applicationEnvironment(workflows, twin.url, logLevel);
    for (const [k, v] of Object.entries(environment)) {
      if (v === '') delete process.env[k];
      else process.env[k] = v;
    }

    const lambda = service<LambdaService>(twin, 'lambda');
    const stepFunctions = service<StepFunctionsService>(twin, 'states');
    const eventBridge = service<EventBridgeService>(twin, 'events');
    const scheduler = service<SchedulerService>(twin, 'scheduler');
    if (duplicateProbability !== undefined) eventBridge.duplicateProbability = duplicateProbability;

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
    await createStackResources(twin, workflows);

    // The stack's service roles (MediaLive's, MediaPackage's): the twin checks them when a service acts (local/iam).
    registerStackRoles(twin.env, workflows);

    return {
      url: twin.url, twin, workflows, lambda, stepFunctions, eventBridge, scheduler, environment,
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

/** CloudFormation's part for what the workflows use at run time; a no-op when it already exists. */
async function createStackResources(twin: Twin, workflows: Workflows): Promise<void> {
  const creds = localCredentials();
  const ddb = new DynamoDBClient({ endpoint: twin.url, region: workflows.region, credentials: creds });
  try {
    for (const [id, r] of Object.entries(workflows.resources)) {
      const p = r.Properties;
      switch (r.Type) {
        case 'AWS::DynamoDB::Table': {
          const input: CreateTableCommandInput = {
            TableName: String(p.TableName ?? `${workflows.service}-${workflows.stage}-${id}`),
            KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
            AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
            BillingMode: (p.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PAY_PER_REQUEST',
            ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
            ...(p.ProvisionedThroughput ? { ProvisionedThroughput: p.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'] } : {}),
          };
          try {
            await ddb.send(new CreateTableCommand(input));
          } catch (error) {
            if (!(error instanceof ResourceInUseException)) throw error;
          }
          for (let i = 0; i < 200; i++) {
            const d = await ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
            if (d.Table?.TableStatus === 'ACTIVE') break;
            await new Promise((r2) => setTimeout(r2, 25));
          }
          break;
        }
        case 'AWS::SNS::Topic':
          await twin.invoke('sns', 'CreateTopic', { Name: String(p.TopicName ?? `${workflows.service}-${workflows.stage}-${id}`) });
          break;
        case 'AWS::Scheduler::ScheduleGroup':
          try {
            await twin.invoke('scheduler', 'CreateScheduleGroup', { Name: String(p.Name ?? id) });
          } catch (error) {
            if (!(error instanceof AwsError && error.code === 'ConflictException')) throw error;
          }
          break;
        default:
          break; // IAM, KMS, logs, SQS: not served by the twin (see the header)
      }
    }
  } finally {
    ddb.destroy();
  }
}
