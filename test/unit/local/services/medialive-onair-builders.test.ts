/**
 * The twin and OnAir's own request builders must agree: every profile variation's security group,
 * input and channel requests are accepted by the twin's MediaLive behaviour (its 422 checks included),
 * and the channel runs. A disagreement here is a bug in one of the two.
 */
import { buildChannelRequest, buildInputRequest, buildInputSecurityGroupRequest, isPushInput } from '../../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../../functions/lib/packager';
import { createMediaLive, MEDIALIVE_DURATIONS as D } from '../../../../local/services/medialive';
import type { ModelValue } from '../../../../local/core/types';
import { MEDIALIVE_ROLE, STAGE, variations } from '../../resources/helpers/fixtures';
import { caller, testEnv } from './twin-test-env';

describe.each(variations())('OnAir MediaLive requests in the twin: $label', ({ record }) => {
  it('creates the input and the channel, and the channel runs every pipeline', async () => {
    const env = testEnv();
    const call = caller(env, createMediaLive(env));
    let groupId: string | null = null;
    if (isPushInput(record.profile)) {
      groupId = String(((await call('CreateInputSecurityGroup', buildInputSecurityGroupRequest(record, STAGE) as ModelValue)).SecurityGroup as ModelValue).Id);
    }
    const input = (await call('CreateInput', buildInputRequest({ record, stage: STAGE, inputSecurityGroupId: groupId, roleArn: MEDIALIVE_ROLE }) as ModelValue)).Input as ModelValue;
    env.clock.advance(env.latency[D.inputCreate] as number);
    const req = buildChannelRequest({ record, stage: STAGE, inputId: String(input.Id), roleArn: MEDIALIVE_ROLE, packagerTarget: packagerFor(record).medialiveTarget(record, STAGE) });
    const ch = (await call('CreateChannel', req as unknown as ModelValue)).Channel as ModelValue;
    env.clock.advance((env.latency[D.channelCreate] as number) + (env.latency[D.channelStartLockout] as number));
    await call('StartChannel', { ChannelId: ch.Id });
    env.clock.advance((env.latency[D.channelStart] as number) + (env.latency[D.pipelineStagger] as number));
    const d = await call('DescribeChannel', { ChannelId: ch.Id });
    expect(d).toMatchObject({ State: 'RUNNING', PipelinesRunningCount: record.profile.channelClass === 'STANDARD' ? 2 : 1 });
  });
});
