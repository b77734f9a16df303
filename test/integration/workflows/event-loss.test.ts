/**
 * MediaLive's events are best effort ("Delivery type: Best effort",
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-medialive.html): with every AWS
 * service event lost, the event-driven waits (functions/lib/waits.ts) still end, through their
 * safety-net DescribeChannel — the channel goes ON_AIR, stops and is torn down to nothing.
 */
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { useLocalCloud } from '../helpers/local-cloud';
import { channelInventory, harness, run } from './lifecycle';

describe('every MediaLive event lost', () => {
  const cloud = useLocalCloud({ scheduledRules: false, eventLossProbability: 1 });
  const h = harness(cloud);

  const statesEntered = async (executionArn: string): Promise<string[]> => {
    const history = await h().sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    return (history.events ?? []).filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name!);
  };

  it('provision, stop and teardown still finish, each wait ended by its safety-net look', async () => {
    const channelId = 'lost-events-1';
    const provision = await run(h(), 'provision', { channelId, profileName: 'default', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });
    expect({ status: provision.status, cause: provision.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    expect((await h().registry.get(channelId)).status).toBe('ON_AIR');
    const provisioned = await statesEntered(provision.executionArn!);
    // No CREATED / RUNNING event came: each parked wait timed out and DescribeChannel decided.
    expect(provisioned).toEqual(expect.arrayContaining(['WaitForCreated', 'DescribeChannelCreated', 'StartChannel', 'WaitForRunning', 'DescribeChannelRunning', 'CheckPlayback', 'MarkOnAir']));
    expect(cloud().eventBridge.lost).toBeGreaterThan(0);

    const stop = await run(h(), 'stop', { channelId });
    expect(stop.status).toBe('SUCCEEDED');
    expect(await statesEntered(stop.executionArn!)).toEqual(expect.arrayContaining(['WaitForIdle', 'DescribeChannelStopped', 'MarkIdle']));
    expect((await h().registry.get(channelId)).status).toBe('IDLE');

    const teardown = await run(h(), 'teardown', { channelId });
    expect(teardown.status).toBe('SUCCEEDED');
    expect((await h().registry.get(channelId)).status).toBe('DELETED');
    expect(channelInventory(cloud())).toEqual([]);
  });
});
