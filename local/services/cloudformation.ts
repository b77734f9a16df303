/**
 * CloudFormation, as far as OnAir's tools read it: DescribeStacks on the local stack, so that
 * `onair --stage <name>` finds the API's URL in the stack's outputs as it does on AWS.
 *
 * The local cloud (local/onair/app.ts) registers its stack (`<service>-<stage>`, the name the Serverless
 * Framework gives it) in the region it runs in; the local API adds its URL as the `HttpApiUrl`
 * output when it starts (the output key the Serverless Framework gives a stage's HTTP API).
 * A stack is found only in its own region, as on AWS.
 *
 * DescribeStacks (AWS CloudFormation API Reference, DescribeStacks): StackName is the stack's name
 * or its unique stack id (ARN); without StackName, every stack of the region; a stack that does not
 * exist is "ValidationError: Stack with id <name> does not exist" (HTTP 400).
 * Stacks are not channel resources: the inventory (orphan checks) does not list them.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type ModelValue, type ServiceBehaviour, type TwinEnv } from '../core/types';

export interface StackOutput { value: string; description?: string }

interface LocalStack {
  name: string;
  region: string;
  stackId: string;
  createdAt: Date;
  updatedAt?: Date;
  outputs: Map<string, StackOutput>;
  tags: Record<string, string>;
}

export class CloudFormationService implements ServiceBehaviour {
  readonly signingName = 'cloudformation';
  private readonly stacks = new Map<string, LocalStack>();

  constructor(private readonly env: TwinEnv) {}

  private key(region: string, name: string): string { return `${region}|${name}`; }

  /** Registers (or updates) a stack: its outputs are merged into what it already has. */
  putStack(region: string, name: string, options: { outputs?: Record<string, StackOutput>; tags?: Record<string, string> } = {}): void {
    const now = new Date(this.env.clock.now());
    const existing = this.stacks.get(this.key(region, name));
    const stack: LocalStack = existing ?? {
      name, region, createdAt: now, outputs: new Map(), tags: {},
      stackId: `arn:aws:cloudformation:${region}:${this.env.accountId}:stack/${name}/${randomUUID()}`,
    };
    if (existing) stack.updatedAt = now;
    for (const [k, v] of Object.entries(options.outputs ?? {})) stack.outputs.set(k, v);
    Object.assign(stack.tags, options.tags ?? {});
    this.stacks.set(this.key(region, name), stack);
  }

  /** Adds one output to a registered stack (the local API's URL once it listens). */
  setOutput(region: string, name: string, key: string, output: StackOutput): void {
    if (!this.stacks.has(this.key(region, name))) throw new Error(`the local cloud has no stack ${name} in ${region}`);
    this.putStack(region, name, { outputs: { [key]: output } });
  }

  private describe(s: LocalStack): ModelValue {
    return {
      StackId: s.stackId,
      StackName: s.name,
      CreationTime: s.createdAt,
      ...(s.updatedAt ? { LastUpdatedTime: s.updatedAt } : {}),
      StackStatus: s.updatedAt ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
      Outputs: [...s.outputs].map(([k, o]) => ({ OutputKey: k, OutputValue: o.value, ...(o.description ? { Description: o.description } : {}) })),
      Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  readonly operations = {
    DescribeStacks: (input: ModelValue, ctx: { region: string }): ModelValue => {
      const inRegion = [...this.stacks.values()].filter((s) => s.region === ctx.region);
      const wanted = input.StackName as string | undefined;
      if (wanted === undefined) return { Stacks: inRegion.map((s) => this.describe(s)) };
      const found = inRegion.find((s) => s.name === wanted || s.stackId === wanted);
      if (!found) throw new AwsError('ValidationError', `Stack with id ${wanted} does not exist`, 400);
      return { Stacks: [this.describe(found)] };
    },
  };

  inventory(): [] { return []; }
}

export function createCloudFormation(env: TwinEnv): CloudFormationService {
  return new CloudFormationService(env);
}
