/**
 * Roles for twin tests that create MediaLive channels or MediaPackage v1 endpoints with a role ARN of
 * their own (not the stack's roles, which local/onair/app.ts registers from serverless.yml). The twin
 * refuses a role it does not know, as AWS refuses a role that does not exist (local/iam/roles.ts):
 * tests that are not about permissions register theirs as a role that trusts the service and allows
 * everything. Tests about permissions register the real documents instead.
 */
import { join } from 'node:path';
import type { TwinEnv } from '../../local/core/types';
import { registerRoles } from '../../local/iam/roles';
import { rolesFromWorkflows } from '../../local/onair/roles';
import { loadWorkflows } from '../../local/onair/workflows';

const ROOT = join(__dirname, '..', '..');

export function registerPermissiveRole(env: Pick<TwinEnv, 'clock'>, arn: string, services: string[] = ['medialive.amazonaws.com', 'mediapackage.amazonaws.com']): void {
  registerRoles(env, [{
    arn,
    trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole' }] },
    policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
  }]);
}

/**
 * serverless.yml's own service roles (trust and policies as packaged for `stage`), registered under
 * the role ARNs a test's requests name: what the twin then allows is what the stack grants.
 */
export function registerStackRolesAs(env: Pick<TwinEnv, 'clock'>, stage: string, arns: Record<string, string>): void {
  const roles = rolesFromWorkflows(loadWorkflows({ root: ROOT, stage }));
  registerRoles(env, Object.entries(arns).map(([logicalId, arn]) => {
    const role = roles.find((r) => r.logicalId === logicalId);
    if (!role) throw new Error(`serverless.yml has no role ${logicalId}`);
    return { ...role, arn };
  }));
}
