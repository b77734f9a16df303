/**
 * Capacity (functions/lib/capacity.ts): one more channel is refused, naming the quota, its value and
 * how to raise it, when the stage's live channels already fill an account quota (lib/quotas.ts).
 */
import { checkCapacity, quotaExceeded } from '../../../functions/lib/capacity';
import { defaultQuotaValues, parseQuotaOverrides, QuotaConfigError, formatQuotaValues } from '../../../lib/aws-quotas';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { inputFor, makeRecord, STAGE } from '../resources/helpers/fixtures';
import { CapacityExceededError } from '../../../functions/lib/errors';

const Q = defaultQuotaValues();
const pull = (id: string, status: ChannelRecord['status'] = 'ON_AIR') => ({ ...makeRecord('default', { input: inputFor('URL_PULL', 'STANDARD') }, id), status });
const push = (id: string, cidrs = ['203.0.113.10/32'], status: ChannelRecord['status'] = 'ON_AIR') =>
  ({ ...makeRecord('default', { input: { type: 'RTMP_PUSH', allowedCidrs: cidrs } }, id), status });

describe('quotaExceeded', () => {
  it('MediaLive channels: the 6th is refused, naming the quota, its value and how to raise it', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((id) => pull(id));
    expect(quotaExceeded(five.slice(0, 4), pull('new'), STAGE, Q)).toBeUndefined();
    const err = quotaExceeded(five, pull('new'), STAGE, Q);
    expect(err).toBeInstanceOf(CapacityExceededError);
    expect(err).toMatchObject({ quotaId: 'medialive.channels', value: 5, used: 5, channelId: 'new' });
    expect(err!.message).toContain('"Channels"');
    expect(err!.message).toContain('Service Quotas console');
    expect(err!.message).toContain('custom.accountQuotas');
  });

  it('counts neither DELETED channels, nor FAILED ones with nothing left, nor the candidate itself', () => {
    const others = [pull('a'), pull('b'), pull('c'), pull('d', 'DELETED'), pull('e', 'FAILED'), pull('new', 'PROVISIONING')];
    expect(quotaExceeded(others, pull('new'), STAGE, Q)).toBeUndefined();
    const failedWithLeftovers = { ...pull('e', 'FAILED'), resources: { ...pull('e').resources, medialiveChannelId: '123' } };
    expect(quotaExceeded([...others.slice(0, 3), failedWithLeftovers, pull('f')], pull('new'), STAGE, Q)?.quotaId).toBe('medialive.channels');
  });

  it('push inputs: 5 per Region; pull channels do not use them', () => {
    const values = parseQuotaOverrides('medialive.channels=50');
    const pushes = ['a', 'b', 'c', 'd', 'e'].map((id) => push(id));
    expect(quotaExceeded([...pushes.slice(0, 4), pull('p1'), pull('p2')], push('new'), STAGE, values)).toBeUndefined();
    expect(quotaExceeded(pushes, push('new'), STAGE, values)?.quotaId).toBe('medialive.pushInputs');
    expect(quotaExceeded(pushes, pull('new'), STAGE, values)).toBeUndefined();
  });

  it('input security groups: one per distinct CIDR set (shared), the 6th distinct set is refused', () => {
    const values = parseQuotaOverrides('medialive.channels=50,medialive.pushInputs=50');
    const sets = ['a', 'b', 'c', 'd', 'e'].map((id, i) => push(id, [`198.51.100.${i}/32`]));
    expect(quotaExceeded(sets, push('new', ['198.51.100.0/32']), STAGE, values)).toBeUndefined();
    expect(quotaExceeded(sets, push('new', ['192.0.2.1/32']), STAGE, values)?.quotaId).toBe('medialive.inputSecurityGroups');
  });

  it("MediaPackage v2: 10 channels in the stage's group", () => {
    const values = parseQuotaOverrides('medialive.channels=50');
    const ten = Array.from({ length: 10 }, (_, i) => pull(`c${i}`));
    expect(quotaExceeded(ten.slice(0, 9), pull('new'), STAGE, values)).toBeUndefined();
    expect(quotaExceeded(ten, pull('new'), STAGE, values)?.quotaId).toBe('mediapackagev2.channelsPerGroup');
  });

  it('MediaPackage v2: a dedicated channel with a group of its own needs one of the 3 groups (the stage has one)', () => {
    const values = parseQuotaOverrides('medialive.channels=50');
    const own = (id: string) => ({ ...makeRecord('default', { input: inputFor('URL_PULL', 'STANDARD'), delivery: 'dedicated' }, id), status: 'ON_AIR' as const });
    expect(quotaExceeded([own('a')], own('new'), STAGE, values)).toBeUndefined();
    expect(quotaExceeded([own('a'), own('b')], own('new'), STAGE, values)?.quotaId).toBe('mediapackagev2.channelGroups');
  });
});

describe('checkCapacity', () => {
  const registry = (items: ChannelRecord[]) => ({
    list: jest.fn(async (o: { cursor?: Record<string, unknown> } = {}) => (o.cursor ? { items: items.slice(3) } : { items: items.slice(0, 3), cursor: { k: 1 } })),
  });

  it('reads every page of the registry and throws the refusal', async () => {
    const r = registry(['a', 'b', 'c', 'd', 'e'].map((id) => pull(id)));
    await expect(checkCapacity({ registry: r }, pull('new'), STAGE, Q)).rejects.toMatchObject({ name: 'CapacityExceededError', quotaId: 'medialive.channels' });
    expect(r.list).toHaveBeenCalledTimes(2);
  });

  it('onlyOlder (the Validate step): of two channels racing for the last place, only the later is refused', async () => {
    const four = ['a', 'b', 'c', 'd'].map((id) => pull(id));
    const first = { ...pull('x', 'PROVISIONING'), createdAt: '2026-11-24T01:00:00.000Z' };
    const second = { ...pull('y', 'PROVISIONING'), createdAt: '2026-11-24T01:00:01.000Z' };
    const r = registry([...four, first, second]);
    await expect(checkCapacity({ registry: r }, first, STAGE, Q, { onlyOlder: true })).resolves.toBeUndefined();
    await expect(checkCapacity({ registry: r }, second, STAGE, Q, { onlyOlder: true })).rejects.toBeInstanceOf(CapacityExceededError);
  });
});

describe('ONAIR_ACCOUNT_QUOTAS', () => {
  it('default, per-quota values and a multiplier; anything else is refused by name', () => {
    expect(parseQuotaOverrides(undefined)).toEqual(Q);
    expect(parseQuotaOverrides('default')).toEqual(Q);
    expect(parseQuotaOverrides('medialive.channels=20,medialive.pushInputs=20')).toMatchObject({ 'medialive.channels': 20, 'medialive.pushInputs': 20, 'medialive.inputSecurityGroups': 5 });
    expect(parseQuotaOverrides('x10')['mediapackagev2.channelGroups']).toBe(30);
    expect(() => parseQuotaOverrides('medialive.channelz=3')).toThrow(QuotaConfigError);
    expect(formatQuotaValues(parseQuotaOverrides('medialive.channels=20'))).toBe('medialive.channels=20');
    expect(formatQuotaValues(Q)).toBe('default');
  });
});
