/**
 * serverless.yml as CloudFormation would resolve it for the fixtures' stage (local/onair/workflows.ts reads it
 * offline in well under a second; no `osls package`): the stage's shared-delivery resources, the
 * service roles, and the environment the functions receive.
 */
import { join } from 'node:path';
import type { RoleSpec } from '../../../local/iam/roles';
import { rolesFromWorkflows } from '../../../local/onair/roles';
import { loadWorkflows, type Workflows } from '../../../local/onair/workflows';
import { ACCOUNT, REGION, STAGE } from '../resources/helpers/fixtures';

const ROOT = join(__dirname, '..', '..', '..');
let cached: Workflows | undefined;

export function stack(): Workflows {
  cached ??= loadWorkflows({ root: ROOT, stage: STAGE, region: REGION, accountId: ACCOUNT });
  return cached;
}

/** A resource's Properties with intrinsics resolved. */
export function resolved<T>(logicalId: string): T {
  const w = stack();
  const r = w.resources[logicalId];
  if (!r) throw new Error(`serverless.yml has no resource ${logicalId}`);
  return w.resolveIntrinsics(r.Properties) as T;
}

export function role(logicalId: string): RoleSpec {
  const found = rolesFromWorkflows(stack()).find((r) => r.logicalId === logicalId);
  if (!found) throw new Error(`serverless.yml has no role ${logicalId}`);
  return found;
}

/** An environment variable as every function that has it receives it (they must agree). */
export function functionEnv(name: string): string {
  const values = new Set(Object.values(stack().functions).map((f) => f.env[name]).filter((v): v is string => v !== undefined));
  if (values.size !== 1) throw new Error(`${name}: ${values.size} distinct values across functions`);
  return [...values][0];
}

/** CloudFormation intrinsics (Ref, Fn::GetAtt) resolved as the stack would. */
export function intrinsic(value: unknown): unknown {
  return stack().resolveIntrinsics(value);
}
