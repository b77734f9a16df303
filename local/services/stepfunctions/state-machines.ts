/**
 * The state machines the twin runs: registered from the checked-in ASL by the local stack (app.ts),
 * prepared once for the twin clock (definition.ts), listed and described as Step Functions does.
 */
import { AwsError, type ModelValue, type TwinEnv } from '../../core/types';
import { prepareDefinition, type PreparedDefinition } from './definition';
import { page, type StateMachineSpec } from './model';

export interface StateMachine {
  spec: StateMachineSpec;
  arn: string;
  prepared: PreparedDefinition;
  created: number;
}

export class StateMachines {
  private readonly machines = new Map<string, StateMachine>();

  constructor(private readonly env: TwinEnv) {}

  arn(name: string): string {
    return `arn:aws:states:${this.env.region}:${this.env.accountId}:stateMachine:${name}`;
  }

  register(spec: StateMachineSpec): string {
    const arn = this.arn(spec.name);
    const prepared = prepareDefinition(spec.definition, this.env.clock.scale);
    this.machines.set(arn, { spec, arn, prepared, created: this.env.clock.now() });
    return arn;
  }

  get(arn: string): StateMachine | undefined {
    return this.machines.get(arn);
  }

  /** The role an execution runs as: the one registered, or `<name>-role` in the twin's account. */
  roleArn(machine: StateMachine): string {
    return machine.spec.roleArn ?? `arn:aws:iam::${this.env.accountId}:role/${machine.spec.name}-role`;
  }

  readonly operations = {
    ListStateMachines: (input: ModelValue): ModelValue => page(
      [...this.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.spec.name, type: 'STANDARD', creationDate: new Date(m.created) })),
      input, 'stateMachines'),
    DescribeStateMachine: (input: ModelValue): ModelValue => {
      const arn = String(input.stateMachineArn ?? '');
      const m = this.machines.get(arn);
      if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`, 400);
      return {
        stateMachineArn: m.arn, name: m.spec.name, status: 'ACTIVE', definition: JSON.stringify(m.spec.definition),
        roleArn: this.roleArn(m), type: 'STANDARD', creationDate: new Date(m.created),
      };
    },
  };
}
