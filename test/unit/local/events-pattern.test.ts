import { InvalidEventPatternError, matchesEventPattern, parseEventPattern } from '../../../local/services/events-pattern';

/** The MediaLive alert example from the MediaLive User Guide (aws-facts.md). */
const alert = {
  version: '0', id: '1', 'detail-type': 'MediaLive Channel Alert', source: 'aws.medialive', account: '111122223333',
  time: '2023-03-08T18:14:25Z', region: 'us-west-2', resources: ['arn:aws:medialive:us-west-2:111122223333:channel:123456'],
  detail: { alarm_state: 'CLEARED', alarm_id: '7ad6', alert_type: 'Failed to Create Output File or Socket', pipeline: '0',
    channel_arn: 'arn:aws:medialive:us-west-2:111122223333:channel:123456', message: 'MPEGTS muxer', pipelines_running_count: 2, ip: '10.0.0.7', tags: [] as string[] },
};

const match = (p: Record<string, unknown>, e: Record<string, unknown> = alert): boolean => matchesEventPattern(parseEventPattern(p), e);

describe('EventBridge event patterns', () => {
  it('matches exact values, OR within a list, AND across fields', () => {
    expect(match({ source: ['aws.medialive'], 'detail-type': ['MediaLive Channel Alert', 'X'] })).toBe(true);
    expect(match({ source: ['aws.medialive'], 'detail-type': ['MediaLive Channel State Change'] })).toBe(false);
    expect(match({ detail: { pipeline: ['0'], alarm_state: ['CLEARED'] } })).toBe(true);
    expect(match({ detail: { pipeline: ['1'], alarm_state: ['CLEARED'] } })).toBe(false);
  });
  it('matches any element of an array value (resources)', () => {
    expect(match({ resources: ['arn:aws:medialive:us-west-2:111122223333:channel:123456'] })).toBe(true);
    expect(match({ resources: [{ prefix: 'arn:aws:medialive:' }] })).toBe(true);
    expect(match({ resources: [{ prefix: 'arn:aws:mediapackage:' }] })).toBe(false);
  });
  it('prefix, suffix and their equals-ignore-case forms', () => {
    expect(match({ detail: { alert_type: [{ prefix: 'Failed to' }] } })).toBe(true);
    expect(match({ detail: { alert_type: [{ prefix: 'failed to' }] } })).toBe(false);
    expect(match({ detail: { alert_type: [{ prefix: { 'equals-ignore-case': 'FAILED TO' } }] } })).toBe(true);
    expect(match({ detail: { alert_type: [{ suffix: 'Socket' }] } })).toBe(true);
    expect(match({ detail: { alert_type: [{ suffix: { 'equals-ignore-case': 'SOCKET' } }] } })).toBe(true);
  });
  it('equals-ignore-case matches alarm_state in any case', () => {
    expect(match({ detail: { alarm_state: [{ 'equals-ignore-case': 'cleared' }] } })).toBe(true);
    expect(match({ detail: { alarm_state: ['cleared'] } })).toBe(false);
  });
  it('anything-but with a value, a list, a prefix and equals-ignore-case', () => {
    expect(match({ detail: { alarm_state: [{ 'anything-but': 'SET' }] } })).toBe(true);
    expect(match({ detail: { alarm_state: [{ 'anything-but': ['SET', 'CLEARED'] }] } })).toBe(false);
    expect(match({ detail: { alert_type: [{ 'anything-but': { prefix: 'Failed' } }] } })).toBe(false);
    expect(match({ detail: { alarm_state: [{ 'anything-but': { 'equals-ignore-case': ['cleared'] } }] } })).toBe(false);
    expect(match({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });
  it('numeric ranges and equality', () => {
    expect(match({ detail: { pipelines_running_count: [{ numeric: ['>', 1, '<=', 2] }] } })).toBe(true);
    expect(match({ detail: { pipelines_running_count: [{ numeric: ['=', 1] }] } })).toBe(false);
    expect(match({ detail: { pipeline: [{ numeric: ['>=', 0] }] } })).toBe(false); // "0" is a string
  });
  it('exists looks at leaves only; a missing field matches only exists:false', () => {
    expect(match({ detail: { message: [{ exists: true }] } })).toBe(true);
    expect(match({ detail: { nope: [{ exists: false }] } })).toBe(true);
    expect(match({ detail: { nope: [{ exists: true }] } })).toBe(false);
    expect(match({ detail: [{ exists: true }] })).toBe(false);
    expect(match({ detail: { tags: [{ exists: true }] } })).toBe(false);
  });
  it('wildcard with an escaped star, and cidr', () => {
    expect(match({ detail: { channel_arn: [{ wildcard: 'arn:aws:medialive:*:channel:*' }] } })).toBe(true);
    expect(match({ detail: { channel_arn: [{ wildcard: 'arn:aws:medialive:*:input:*' }] } })).toBe(false);
    expect(match({ detail: { m: [{ wildcard: 'a\\*b' }] } }, { detail: { m: 'a*b' } })).toBe(true);
    expect(match({ detail: { m: [{ wildcard: 'a\\*b' }] } }, { detail: { m: 'axxb' } })).toBe(false);
    expect(match({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
    expect(match({ detail: { ip: [{ cidr: '10.0.1.0/24' }] } })).toBe(false);
  });
  it('null and empty string are values', () => {
    expect(match({ detail: { v: [null] } }, { detail: { v: null } })).toBe(true);
    expect(match({ detail: { v: [null] } }, { detail: {} })).toBe(false);
    expect(match({ detail: { v: [''] } }, { detail: { v: '' } })).toBe(true);
  });
  it('$or alternatives', () => {
    const p = { source: ['aws.medialive'], $or: [{ detail: { alarm_state: ['SET'] } }, { detail: { pipeline: ['0'] } }] };
    expect(match(p)).toBe(true);
    expect(match(p, { ...alert, detail: { ...alert.detail, pipeline: '1' } })).toBe(false);
  });
  it('refuses malformed patterns, naming the field', () => {
    expect(() => parseEventPattern({ source: 'aws.medialive' })).toThrow(/Field source/);
    expect(() => parseEventPattern({ detail: { n: [{ numeric: ['>>', 1] }] } })).toThrow(InvalidEventPatternError);
    expect(() => parseEventPattern({ detail: { n: [{ bogus: 1 }] } })).toThrow(/unknown matcher "bogus"/);
    expect(() => parseEventPattern('{not json')).toThrow(/not valid JSON/);
  });
});
