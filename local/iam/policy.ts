/**
 * The local cloud's one IAM policy evaluator: identity policies (a role's permissions), trust
 * policies (who may assume a role) and resource policies (MediaPackage channel and endpoint policies).
 *
 * Evaluation as the IAM User Guide's "Policy evaluation logic" describes
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any statement that matches wins; otherwise some Allow must match; otherwise
 * the request is implicitly denied. A statement matches when its Action/NotAction, Resource/NotResource,
 * Principal/NotPrincipal (resource and trust policies) and every Condition hold.
 *
 * Conditions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 * String{Equals,NotEquals,EqualsIgnoreCase,Like,NotLike}, Arn{Equals,Like,NotEquals,NotLike}, Bool,
 * each with `IfExists`. Keys are case-insensitive; values within one key are ORed, keys and operators
 * ANDed. A key absent from the request context makes a positive operator false and a negated one true
 * ("…IfExists" makes both true). An operator the twin does not know makes the statement not match
 * (an Allow then grants nothing: the twin never grants what it cannot evaluate).
 *
 * Wildcards: `*` any run of characters, `?` one; actions case-insensitive, resources case-sensitive.
 */

export type PolicyDocument = string | Record<string, unknown> | undefined;

/** Condition keys the caller presents, e.g. { 'aws:SourceArn': …, 'aws:SourceAccount': … }. */
export type RequestContext = Record<string, string | undefined>;

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Who calls: an IAM principal (a role ARN, an assumed-role session) or an AWS service principal. */
export interface Caller { principalArn?: string; service?: string }

export interface Request {
  action: string;
  /** The resource ARN; undefined skips the Resource check (resource policies apply to their own resource). */
  resource?: string;
  /** Checked only for policies with a Principal element (resource and trust policies). */
  caller?: Caller;
  context?: RequestContext;
}

type Statement = Record<string, unknown>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The statements of a policy given as JSON text or as an object; unparseable → none. */
export function statementsOf(policy: PolicyDocument): Statement[] {
  let doc: unknown = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  if (!isObj(doc)) return [];
  const raw = doc.Statement;
  return (Array.isArray(raw) ? raw : [raw]).filter(isObj);
}

/** Evaluates `req` against every policy that applies (identity policies of one principal, say). */
export function evaluate(policies: PolicyDocument[], req: Request, opts: { principals: boolean } = { principals: false }): Decision {
  const statements = policies.flatMap(statementsOf);
  const matches = (s: Statement): boolean =>
    actionMatches(s, req.action) &&
    (req.resource === undefined || resourceMatches(s, req.resource)) &&
    (!opts.principals || principalMatches(s, req.caller ?? {})) &&
    conditionsHold(s.Condition, req.context ?? {});
  if (statements.some((s) => s.Effect === 'Deny' && matches(s))) return 'ExplicitDeny';
  return statements.some((s) => s.Effect === 'Allow' && matches(s)) ? 'Allow' : 'ImplicitDeny';
}

/** Identity-based policies (a role's inline and managed policies): may this role do `action` on `resource`? */
export function identityAllows(policies: PolicyDocument[], req: { action: string; resource: string; context?: RequestContext }): boolean {
  return evaluate(policies, req) === 'Allow';
}

/**
 * A role's trust policy: may `caller` (a service principal such as medialive.amazonaws.com) call
 * sts:AssumeRole with the condition keys it presents? (IAM UG "Roles terms and concepts": the trust
 * policy is the resource-based policy of the role; a principal it does not admit cannot assume it.)
 */
export function trustAllows(trust: PolicyDocument, caller: Caller, context: RequestContext = {}): boolean {
  return evaluate([trust], { action: 'sts:AssumeRole', caller, context }, { principals: true }) === 'Allow';
}

/** What resource-policy callers pass (kept from the evaluator playback grew first). */
export interface PolicyRequest {
  action: string;
  /** The calling service principal (cloudfront.amazonaws.com for OAC-signed requests). */
  service?: string;
  /** The calling IAM principal (a role ARN). */
  principalArn?: string;
  sourceArn?: string;
  sourceAccount?: string;
  /** The resource the policy is attached to (optional: a resource policy governs its own resource). */
  resource?: string;
}

/**
 * A resource policy (MediaPackage v2 channel and origin endpoint policies): does it allow the caller?
 * No policy → denied (MediaPackage grants nothing without one).
 */
export function policyAllows(policy: string | undefined, req: PolicyRequest): boolean {
  if (!policy) return false;
  const context: RequestContext = { 'aws:SourceArn': req.sourceArn, 'aws:SourceAccount': req.sourceAccount };
  return evaluate([policy], { action: req.action, resource: req.resource, caller: { principalArn: req.principalArn, service: req.service }, context }, { principals: true }) === 'Allow';
}

// ───────────────────────────── matching ─────────────────────────────

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}

export function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's');
  return re.test(value);
}

function actionMatches(s: Statement, wanted: string): boolean {
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcard(a, wanted, true));
  return list(s.Action).some((a) => wildcard(a, wanted, true));
}

function resourceMatches(s: Statement, resource: string): boolean {
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcard(r, resource));
  return list(s.Resource).some((r) => wildcard(r, resource));
}

/** The account of a role or assumed-role ARN (arn:aws:iam::<account>:role/…, arn:aws:sts::<account>:…). */
function accountOf(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

function principalIn(principal: unknown, caller: Caller): boolean {
  if (principal === '*') return true;
  if (!isObj(principal)) return false;
  const account = caller.principalArn ? accountOf(caller.principalArn) : undefined;
  const aws = list(principal.AWS).some((a) => a === '*' || (caller.principalArn !== undefined && (
    a === caller.principalArn || a === account || a === `arn:aws:iam::${account}:root`)));
  return aws || (caller.service !== undefined && list(principal.Service).includes(caller.service));
}

function principalMatches(s: Statement, caller: Caller): boolean {
  if (s.NotPrincipal !== undefined) return !principalIn(s.NotPrincipal, caller);
  return principalIn(s.Principal, caller);
}

type Compare = (expected: string, actual: string) => boolean;
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  StringEquals: { compare: (e, a) => e === a, negated: false },
  StringNotEquals: { compare: (e, a) => e === a, negated: true },
  StringEqualsIgnoreCase: { compare: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: true },
  StringLike: { compare: (e, a) => wildcard(e, a), negated: false },
  StringNotLike: { compare: (e, a) => wildcard(e, a), negated: true },
  ArnEquals: { compare: (e, a) => e === a, negated: false },
  ArnNotEquals: { compare: (e, a) => e === a, negated: true },
  ArnLike: { compare: (e, a) => wildcard(e, a), negated: false },
  ArnNotLike: { compare: (e, a) => wildcard(e, a), negated: true },
  Bool: { compare: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
};

function conditionsHold(condition: unknown, context: RequestContext): boolean {
  if (condition === undefined) return true;
  if (!isObj(condition)) return false;
  const byKey = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [rawOp, block] of Object.entries(condition)) {
    const ifExists = rawOp.endsWith('IfExists');
    const op = OPERATORS[ifExists ? rawOp.slice(0, -'IfExists'.length) : rawOp];
    if (!op || !isObj(block)) return false;
    for (const [key, expected] of Object.entries(block)) {
      const actual = byKey.get(key.toLowerCase());
      if (actual === undefined) {
        if (ifExists || op.negated) continue;
        return false;
      }
      const any = list(expected).some((e) => op.compare(e, actual));
      if (op.negated ? any : !any) return false;
    }
  }
  return true;
}
