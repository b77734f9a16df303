/**
 * The IAM roles AWS services assume when they act for OnAir (MediaLive pushing to MediaPackage,
 * MediaPackage v1 reading the CDN-identifier secret), and the check AWS makes each time:
 *   1. the role exists (a role ARN naming no role fails, whatever the request said);
 *   2. its trust policy admits the service principal with the condition keys the service sends;
 *   3. its identity policies allow every action the service needs on the resource.
 *
 * The roles come from the one place they are defined: serverless.yml's AWS::IAM::Role resources,
 * read through local/workflows.ts and resolved with its intrinsics resolver (`rolesFromWorkflows`).
 * local/app.ts registers them once per twin (`registerStackRoles`); tests register their own
 * (`registerRoles`), which replaces a role of the same ARN.
 *
 * One registry per twin (keyed like local/services/media-registry.ts), so two twins in one process
 * never see each other's roles.
 */
import type { TwinEnv } from '../core/types';
import type { Workflows } from '../workflows';
import { identityAllows, trustAllows, type PolicyDocument, type RequestContext } from './policy';

export interface RoleSpec {
  arn: string;
  /** The stack's logical id, when read from serverless.yml. */
  logicalId?: string;
  /** AssumeRolePolicyDocument. */
  trust: PolicyDocument;
  /** Inline policy documents (Policies[].PolicyDocument). */
  policies: PolicyDocument[];
}

/**
 * The condition keys a service presents when it assumes a role. AWS documents none for these two:
 * MediaLive's role setup shows a trust policy with no Condition and MediaLive has no
 * confused-deputy page (https://docs.aws.amazon.com/medialive/latest/ug/complex-scenario-create-trusted-entity-role-step3.html);
 * MediaPackage v1's CDN-authorization role likewise
 * (https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel-trust.html).
 * So the twin presents none: a trust policy conditioned on aws:SourceAccount/aws:SourceArn does not
 * admit the service here, as it would not on AWS if the service does not send the key.
 */
export const ASSUME_ROLE_CONTEXT: Record<string, RequestContext> = {
  'medialive.amazonaws.com': {},
  'mediapackage.amazonaws.com': {},
};

const registries = new WeakMap<object, Map<string, RoleSpec>>();

function registry(env: Pick<TwinEnv, 'clock'>): Map<string, RoleSpec> {
  let r = registries.get(env.clock);
  if (!r) registries.set(env.clock, (r = new Map()));
  return r;
}

/** Adds (or replaces, by ARN) roles in this twin's registry. */
export function registerRoles(env: Pick<TwinEnv, 'clock'>, roles: RoleSpec[]): void {
  const r = registry(env);
  for (const role of roles) r.set(role.arn, role);
}

export function roleByArn(env: Pick<TwinEnv, 'clock'>, arn: string): RoleSpec | undefined {
  return registry(env).get(arn);
}

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

/** The one call local/app.ts makes: the stack's roles, registered with this twin. */
export function registerStackRoles(env: Pick<TwinEnv, 'clock'>, workflows: Pick<Workflows, 'resources' | 'resolveIntrinsics'>): RoleSpec[] {
  const roles = rolesFromWorkflows(workflows);
  registerRoles(env, roles);
  return roles;
}

export interface ServiceAction { action: string; resource: string }

export type RoleCheck = { allowed: true } | { allowed: false; reason: string };

/**
 * May `service` act through `roleArn` and perform every one of `actions`? The reason, when not,
 * is worded like AWS's AccessDenied messages.
 */
export function serviceMayAct(env: Pick<TwinEnv, 'clock'>, req: { roleArn: string | undefined; service: string; actions: ServiceAction[] }): RoleCheck {
  if (!req.roleArn) return { allowed: false, reason: `${req.service} has no role to assume` };
  const role = roleByArn(env, req.roleArn);
  if (!role) return { allowed: false, reason: `${req.service} cannot assume ${req.roleArn}: the role does not exist` };
  if (!trustAllows(role.trust, { service: req.service }, ASSUME_ROLE_CONTEXT[req.service] ?? {})) {
    return { allowed: false, reason: `${req.service} is not authorized to perform: sts:AssumeRole on resource: ${req.roleArn} (its trust policy does not admit the service)` };
  }
  const name = req.roleArn.split('/').pop();
  const session = `arn:aws:sts::${req.roleArn.split(':')[4]}:assumed-role/${name}/${req.service.split('.')[0]}`;
  for (const a of req.actions) {
    if (!identityAllows(role.policies, a)) {
      return { allowed: false, reason: `User: ${session} is not authorized to perform: ${a.action} on resource: ${a.resource} because no identity-based policy allows the ${a.action} action` };
    }
  }
  return { allowed: true };
}
