/**
 * The packaged CloudFormation template (`osls package`, offline), shared with the template unit
 * test through the same cache: .serverless/ is reused while it is newer than every input.
 */
import type { CfnResource, Statement } from '../../helpers/packaged-template';

export { TEMPLATE, packagedTemplate } from '../../helpers/packaged-template';
export type { Obj, Statement, CfnResource, Template } from '../../helpers/packaged-template';

export const statementsOf = (role: CfnResource): Statement[] =>
  ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
