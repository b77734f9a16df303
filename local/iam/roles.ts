/**
 * The IAM roles AWS services assume when they act for OnAir (MediaLive pushing to MediaPackage,
 * MediaPackage v1 reading the CDN-identifier secret), and the check AWS makes each time:
 *   1. the role exists (a role ARN naming no role fails, whatever the request said);
 *   2. its trust policy admits the service principal with the condition keys the service sends;
 *   3. its identity policies allow every action the service needs on the resource.
 *
 * The twin knows no role until one is registered (`registerRoles`, which replaces a role of the
 * same ARN). OnAir's local stack registers the roles of serverless.yml (local/onair/roles.ts).
 *
 * One registry per twin (keyed like local/services/media-registry.ts), so two twins in one process
 * never see each other's roles.
 */
import type { TwinEnv } from '../core/types';
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

export interface ServiceAction { action: string; resource: string }

export type RoleCheck = { allowed: true } | { allowed: false; reason: string };

/**
 * May `service` act through `roleArn` and perform every one of `actions`? The reason, when not,
 * is worded like AWS's AccessDenied messages.
 */
export function serviceMayAct(
  env: Pick<TwinEnv, 'clock'>,
  req: { roleArn: string | undefined; service: string; actions: ServiceAction[]; context?: RequestContext },
): RoleCheck {
  if (!req.roleArn) return { allowed: false, reason: `${req.service} has no role to assume` };
  const role = roleByArn(env, req.roleArn);
  if (!role) return { allowed: false, reason: `${req.service} cannot assume ${req.roleArn}: the role does not exist` };
  // The condition keys the service presents: fixed per service, or per request (`context`, e.g. the
  // schedule group EventBridge Scheduler acts for).
  if (!trustAllows(role.trust, { service: req.service }, { ...(ASSUME_ROLE_CONTEXT[req.service] ?? {}), ...(req.context ?? {}) })) {
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
