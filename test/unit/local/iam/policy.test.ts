/** The local cloud's IAM evaluator (local/iam/policy.ts): identity, trust and resource policies. */
import { evaluate, identityAllows, policyAllows, trustAllows } from '../../../../local/iam/policy';

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const CHANNEL = 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/onair-dev/channel/onair-demo-1a2b';

describe('identity policies', () => {
  const ml = doc({ Effect: 'Allow', Action: ['mediapackagev2:PutObject', 'mediapackagev2:GetChannel'], Resource: 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/*/channel/onair-*' });

  it('allows a listed action on a resource its pattern matches, in any channel group', () => {
    expect(identityAllows([ml], { action: 'mediapackagev2:GetChannel', resource: CHANNEL })).toBe(true);
    expect(identityAllows([ml], { action: 'mediapackagev2:PutObject', resource: CHANNEL.replace('onair-dev', 'live-event-7') })).toBe(true);
  });

  it('denies (implicitly) another action, a resource outside the pattern, another region, or no policy', () => {
    expect(evaluate([ml], { action: 'mediapackagev2:DeleteChannel', resource: CHANNEL })).toBe('ImplicitDeny');
    expect(identityAllows([ml], { action: 'mediapackagev2:PutObject', resource: CHANNEL.replace('channel/onair-', 'channel/other-') })).toBe(false);
    expect(identityAllows([ml], { action: 'mediapackagev2:PutObject', resource: CHANNEL.replace('us-east-1', 'eu-west-1') })).toBe(false);
    expect(identityAllows([], { action: 'mediapackagev2:PutObject', resource: CHANNEL })).toBe(false);
  });

  it('matches actions case-insensitively and with wildcards, resources case-sensitively', () => {
    expect(identityAllows([doc({ Effect: 'Allow', Action: 'MediaPackageV2:Get*', Resource: '*' })], { action: 'mediapackagev2:GetChannel', resource: CHANNEL })).toBe(true);
    expect(identityAllows([doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::Slates/*' })], { action: 's3:GetObject', resource: 'arn:aws:s3:::slates/a.mp4' })).toBe(false);
    expect(identityAllows([doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::slate?/*' })], { action: 's3:GetObject', resource: 'arn:aws:s3:::slate1/a/b.mp4' })).toBe(true);
  });

  it('lets an explicit Deny in any policy win, and honours NotAction / NotResource', () => {
    const deny = doc({ Effect: 'Deny', Action: 'mediapackagev2:GetChannel', Resource: '*' });
    expect(evaluate([ml, deny], { action: 'mediapackagev2:GetChannel', resource: CHANNEL })).toBe('ExplicitDeny');
    expect(identityAllows([ml, deny], { action: 'mediapackagev2:PutObject', resource: CHANNEL })).toBe(true);
    const allBut = doc({ Effect: 'Allow', NotAction: 'mediapackagev2:GetChannel', NotResource: 'arn:aws:s3:::*' });
    expect(identityAllows([allBut], { action: 'mediapackagev2:PutObject', resource: CHANNEL })).toBe(true);
    expect(identityAllows([allBut], { action: 'mediapackagev2:GetChannel', resource: CHANNEL })).toBe(false);
    expect(identityAllows([allBut], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).toBe(false);
  });

  it('reads policies given as JSON text; unparseable text grants nothing', () => {
    expect(identityAllows([JSON.stringify(ml)], { action: 'mediapackagev2:GetChannel', resource: CHANNEL })).toBe(true);
    expect(identityAllows(['{not json'], { action: 'mediapackagev2:GetChannel', resource: CHANNEL })).toBe(false);
  });
});

describe('conditions', () => {
  const conditioned = (Condition: Record<string, unknown>) => [doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition })];
  const req = (context: Record<string, string>) => ({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context });

  it('compares keys case-insensitively; values of one key are ORed, keys ANDed', () => {
    const c = conditioned({ StringEquals: { 'AWS:SourceAccount': ['111122223333', '444455556666'], 'aws:SourceArn': 'arn:x' } });
    expect(identityAllows(c, req({ 'aws:sourceaccount': '444455556666', 'aws:SourceArn': 'arn:x' }))).toBe(true);
    expect(identityAllows(c, req({ 'aws:SourceAccount': '444455556666' }))).toBe(false);
  });

  it('a missing key fails a positive operator, passes a negated one and any …IfExists', () => {
    expect(identityAllows(conditioned({ StringEquals: { 'aws:SourceAccount': '1' } }), req({}))).toBe(false);
    expect(identityAllows(conditioned({ StringNotEquals: { 'aws:SourceAccount': '1' } }), req({}))).toBe(true);
    expect(identityAllows(conditioned({ StringEqualsIfExists: { 'aws:SourceAccount': '1' } }), req({}))).toBe(true);
    expect(identityAllows(conditioned({ StringEqualsIfExists: { 'aws:SourceAccount': '1' } }), req({ 'aws:SourceAccount': '2' }))).toBe(false);
  });

  it('ArnLike / StringLike wildcards, negations, Bool; an unknown operator grants nothing', () => {
    expect(identityAllows(conditioned({ ArnLike: { 'aws:SourceArn': 'arn:aws:medialive:*:111122223333:channel:*' } }), req({ 'aws:SourceArn': 'arn:aws:medialive:us-east-1:111122223333:channel:123' }))).toBe(true);
    expect(identityAllows(conditioned({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:medialive:*' } }), req({ 'aws:SourceArn': 'arn:aws:medialive:us-east-1:1:channel:1' }))).toBe(false);
    expect(identityAllows(conditioned({ StringLike: { 's3:prefix': 'slates/*' } }), req({ 's3:prefix': 'slates/a' }))).toBe(true);
    expect(identityAllows(conditioned({ Bool: { 'aws:SecureTransport': 'true' } }), req({ 'aws:SecureTransport': 'TRUE' }))).toBe(true);
    expect(identityAllows(conditioned({ NumericLessThan: { 's3:max-keys': '10' } }), req({ 's3:max-keys': '5' }))).toBe(false);
  });
});

describe('trust policies', () => {
  const trust = (Condition?: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: { Service: 'medialive.amazonaws.com' }, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });

  it('admit only the named service principal', () => {
    expect(trustAllows(trust(), { service: 'medialive.amazonaws.com' })).toBe(true);
    expect(trustAllows(trust(), { service: 'mediapackage.amazonaws.com' })).toBe(false);
    expect(trustAllows(trust(), { principalArn: 'arn:aws:iam::111122223333:role/x' })).toBe(false);
    expect(trustAllows(doc({ Effect: 'Allow', Principal: { Service: 'medialive.amazonaws.com' }, Action: 'sts:TagSession' }), { service: 'medialive.amazonaws.com' })).toBe(false);
  });

  it('a condition on a key the service does not send means it cannot assume the role', () => {
    const cond = trust({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    expect(trustAllows(cond, { service: 'medialive.amazonaws.com' }, {})).toBe(false);
    expect(trustAllows(cond, { service: 'medialive.amazonaws.com' }, { 'aws:SourceAccount': '111122223333' })).toBe(true);
  });
});

describe('resource policies', () => {
  it('admit an IAM role by ARN or by its account, and check the resource when given', () => {
    const role = 'arn:aws:iam::111122223333:role/onair-dev-MediaLiveRole';
    const byRole = JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: role }, Action: 'mediapackagev2:PutObject', Resource: CHANNEL }));
    expect(policyAllows(byRole, { action: 'mediapackagev2:PutObject', principalArn: role, resource: CHANNEL })).toBe(true);
    expect(policyAllows(byRole, { action: 'mediapackagev2:PutObject', principalArn: role, resource: `${CHANNEL}x` })).toBe(false);
    expect(policyAllows(byRole, { action: 'mediapackagev2:PutObject', principalArn: 'arn:aws:iam::111122223333:role/other' })).toBe(false);
    const byAccount = JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'mediapackagev2:PutObject', Resource: '*' }));
    expect(policyAllows(byAccount, { action: 'mediapackagev2:PutObject', principalArn: role })).toBe(true);
    expect(policyAllows(byAccount, { action: 'mediapackagev2:PutObject', principalArn: 'arn:aws:iam::444455556666:role/x' })).toBe(false);
  });
});
