/**
 * OnAir's service roles for the twin: serverless.yml's AWS::IAM::Role resources, the one place they
 * are defined, read through local/onair/workflows.ts and resolved with its intrinsics resolver, then
 * registered with the twin's IAM (local/iam/roles.ts), which checks them whenever a service acts.
 */
import type { TwinEnv } from '../core/types';
import { registerRoles, type RoleSpec } from '../iam/roles';
import type { PolicyDocument } from '../iam/policy';
import type { Workflows } from './workflows';

/** serverless.yml's AWS::IAM::Role resources, intrinsics resolved as CloudFormation would. */
export function rolesFromWorkflows(workflows: Pick<Workflows, 'resources' | 'resolveIntrinsics'>): RoleSpec[] {
  return Object.entries(workflows.resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([logicalId, r]) => {
      const props = workflows.resolveIntrinsics(r.Properties) as Record<string, unknown>;
      const inline = Array.isArray(props.Policies) ? props.Policies as { PolicyDocument?: PolicyDocument }[] : [];
      return {
        arn: String(workflows.resolveIntrinsics({ 'Fn::GetAtt': [logicalId, 'Arn'] })),
        logicalId,
        trust: props.AssumeRolePolicyDocument as PolicyDocument,
        // ManagedPolicyArns are not read: the twin knows no managed policy, so they grant nothing here.
        policies: inline.map((p) => p.PolicyDocument),
      };
    });
}

/** The one call local/onair/app.ts makes: the stack's roles, registered with this twin. */
export function registerStackRoles(env: Pick<TwinEnv, 'clock'>, workflows: Pick<Workflows, 'resources' | 'resolveIntrinsics'>): RoleSpec[] {
  const roles = rolesFromWorkflows(workflows);
  registerRoles(env, roles);
  return roles;
}

