/**
 * MediaLive input security groups: the CIDRs allowed to push to an input. States IDLE ⇄ IN_USE
 * (+ UPDATING, DELETED); a group stays IN_USE a moment after its last input is deleted.
 */
import type { ModelValue, OpContext, OperationHandler } from '../../core/types';
import { enforceQuota } from '../../core/quotas';
import { arr, clone, duration, paginate, str, tagsOf } from '../media-util';
import { MEDIALIVE_DURATIONS, badRequest, conflict, groupState, notFound, type SecurityGroupRec } from './model';
import type { MediaLiveStore } from './store';
import { unprocessable, type ValidationIssue } from './validation';

export function securityGroupOperations(s: MediaLiveStore): Record<string, OperationHandler> {
  return {
    CreateInputSecurityGroup: (i, c) => createInputSecurityGroup(s, i, c),
    DescribeInputSecurityGroup: (i) => describeInputSecurityGroup(s, i),
    UpdateInputSecurityGroup: (i) => updateInputSecurityGroup(s, i),
    DeleteInputSecurityGroup: (i) => deleteInputSecurityGroup(s, i),
    ListInputSecurityGroups: (i) => listInputSecurityGroups(s, i),
  };
}

function createInputSecurityGroup(s: MediaLiveStore, input: ModelValue, ctx: OpContext): ModelValue {
  const rules = whitelistRules(input.WhitelistRules);
  // Account quota, per Region (lib/aws-quotas.ts medialive.inputSecurityGroups).
  enforceQuota(s.env.quotas, 'medialive.inputSecurityGroups', [...s.groups.values()].filter((g) => !g.deleted && g.region === ctx.region).length + 1);
  const id = s.newId(s.groups, 6);
  const rec: SecurityGroupRec = {
    Id: id,
    Arn: `arn:aws:medialive:${ctx.region}:${ctx.accountId}:inputSecurityGroup:${id}`,
    WhitelistRules: rules,
    Tags: tagsOf(input.Tags),
    updating: false,
    deleted: false,
    inputs: new Set(),
    lingering: new Set(),
    region: ctx.region,
    accountId: ctx.accountId,
  };
  s.groups.set(id, rec);
  return { SecurityGroup: groupOut(rec) };
}

/** The request's whitelist rules, checked: at most 10, each an IPv4 CIDR block. */
function whitelistRules(value: unknown): { Cidr: string }[] {
  const rules = arr(value);
  const issues: ValidationIssue[] = [];
  if (rules.length > 10) issues.push({ ElementPath: 'whitelistRules', ErrorMessage: `An input security group allows at most 10 CIDRs; got ${rules.length}` });
  rules.forEach((r, i) => {
    if (!isCidr(str(r.Cidr))) issues.push({ ElementPath: `whitelistRules[${i}].cidr`, ErrorMessage: `'${String(r.Cidr)}' is not a valid IPv4 CIDR block` });
  });
  if (issues.length) throw unprocessable(issues, 'Invalid input security group');
  return rules.map((r) => ({ Cidr: String(r.Cidr) }));
}

function groupOut(g: SecurityGroupRec): ModelValue {
  return { Arn: g.Arn, Id: g.Id, Inputs: [...g.inputs], State: groupState(g), Tags: { ...g.Tags }, WhitelistRules: clone(g.WhitelistRules) };
}

function describeInputSecurityGroup(s: MediaLiveStore, input: ModelValue): ModelValue {
  const g = typeof input.InputSecurityGroupId === 'string' ? s.groups.get(input.InputSecurityGroupId) : undefined;
  if (!g) throw notFound(`Input security group ${String(input.InputSecurityGroupId)} not found`);
  return groupOut(g);
}

function updateInputSecurityGroup(s: MediaLiveStore, input: ModelValue): ModelValue {
  const g = s.group(input.InputSecurityGroupId);
  if (g.updating) throw conflict(`Input security group ${g.Id} is being updated`);
  if (input.WhitelistRules !== undefined) g.WhitelistRules = whitelistRules(input.WhitelistRules);
  if (input.Tags !== undefined) g.Tags = tagsOf(input.Tags);
  g.updating = true;
  s.transitions.after(g.Id, duration(s.env, MEDIALIVE_DURATIONS.securityGroupUpdate), () => {
    g.updating = false;
  });
  return { SecurityGroup: groupOut(g) };
}

function deleteInputSecurityGroup(s: MediaLiveStore, input: ModelValue): ModelValue {
  const g = s.group(input.InputSecurityGroupId);
  const state = groupState(g);
  if (state !== 'IDLE') throw conflict(`Input security group ${g.Id} is ${state}: it can only be deleted when IDLE (not used by any input)`);
  g.deleted = true;
  s.transitions.cancel(g.Id);
  s.purgeLater(s.groups, g.Id);
  return {};
}

function listInputSecurityGroups(s: MediaLiveStore, input: ModelValue): ModelValue {
  const live = [...s.groups.values()].filter((g) => !g.deleted);
  const { page, next } = paginate(live, input.MaxResults, input.NextToken, 1000, badRequest);
  return { InputSecurityGroups: page.map(groupOut), NextToken: next };
}

function isCidr(value: string | undefined): boolean {
  if (!value) return false;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
