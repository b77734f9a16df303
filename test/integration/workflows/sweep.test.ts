/**
 * The orphan sweep as deployed: the `sweep` state machine (statemachines/sweep.asl.yml) on the local
 * cloud — its listers (one Lambda per service) and its decider — finds an orphan no channel owns,
 * adopts it onto a recreated record and hands it to the teardown workflow, which removes it. Its
 * 15-minute schedule (a state machine schedule event) is read by local/onair/workflows.ts and is
 * off here (scheduledRules: false) so that this test's own execution is the only sweep.
 */
import { CreateInputSecurityGroupCommand, DescribeInputSecurityGroupCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChannelRegistry } from '../../../functions/lib/channel/registry';
import { useLocalCloud } from '../helpers/local-cloud';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the sweep state machine on the local cloud', () => {
  const cloud = useLocalCloud({ scheduledRules: false });

  it('finds an orphaned input security group, records it on a recreated channel and tears it down', async () => {
    const cfg = { ...cloud().clientConfig, maxAttempts: 3 };
    const sfn = new SFNClient(cfg);
    const medialive = new MediaLiveClient(cfg);
    const stage = cloud().workflows.stage;
    const registry = new ChannelRegistry({ ddb: DynamoDBDocumentClient.from(new DynamoDBClient(cfg)), tableName: cloud().environment.CHANNELS_TABLE as string });

    // What a crash between CreateInputSecurityGroup and its registry write leaves: tagged, owned by no record.
    const group = await medialive.send(new CreateInputSecurityGroupCommand({
      WhitelistRules: [{ Cidr: '203.0.113.7/32' }], Tags: { 'onair:stage': stage, 'onair:channel': 'sweep-orphan', 'onair:profile': 'default' },
    }));
    const groupId = group.SecurityGroup!.Id!;
    expect(await registry.find('sweep-orphan')).toBeUndefined();

    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud().stateMachineArn('sweep'), input: JSON.stringify({ dryRun: false, graceSeconds: 0 }) }));
    let run = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; i < 600 && run.status === 'RUNNING'; i++) { await sleep(50); run = await sfn.send(new DescribeExecutionCommand({ executionArn })); }
    expect({ status: run.status, error: run.error, cause: run.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    // The decider's output: one finding, its teardown started, every lister answered in full.
    expect(JSON.parse(run.output!)).toEqual({ dryRun: false, findings: 1, teardownsStarted: 1, truncated: [], listersFailed: [] });

    // Adopted onto a recreated record (the placeholder profile), taken by the sweeper, torn down.
    const teardowns = await sfn.send(new ListExecutionsCommand({ stateMachineArn: cloud().stateMachineArn('teardown') }));
    const teardown = teardowns.executions?.find((e) => e.name?.startsWith('sweep-sweep-orphan-'));
    expect(teardown).toBeDefined();
    await cloud().stepFunctions.waitFor(teardown!.executionArn!);
    const record = await registry.find('sweep-orphan');
    // (markDeleted clears the sweeper's failure once teardown finished.)
    expect(record).toMatchObject({ generation: 'swept', profileName: 'default', status: 'DELETED' });
    // Teardown deletes only what the record names: the group is gone, so the sweep recorded it.
    expect(record?.resources.inputSecurityGroupId).toBeUndefined();
    const gone = await medialive.send(new DescribeInputSecurityGroupCommand({ InputSecurityGroupId: groupId })).then((g) => g.State, (e: { name?: string }) => e.name);
    expect(['DELETED', 'NotFoundException']).toContain(gone);
  }, 120_000);

  it('a dry run reports and changes nothing; a lister that fails fails the execution, after the decider decided on the other lists', async () => {
    const cfg = { ...cloud().clientConfig, maxAttempts: 3 };
    const sfn = new SFNClient(cfg);
    const medialive = new MediaLiveClient(cfg);
    const stage = cloud().workflows.stage;
    await medialive.send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: '203.0.113.8/32' }], Tags: { 'onair:stage': stage, 'onair:channel': 'sweep-dry' } }));
    const dry = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud().stateMachineArn('sweep'), input: JSON.stringify({ dryRun: true, graceSeconds: 0 }) }));
    await cloud().stepFunctions.waitFor(dry.executionArn!);
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn: dry.executionArn }));
    expect(out.status).toBe('SUCCEEDED');
    expect(JSON.parse(out.output!)).toMatchObject({ dryRun: true, findings: 1, teardownsStarted: 0 });
    const registry = new ChannelRegistry({ ddb: DynamoDBDocumentClient.from(new DynamoDBClient(cfg)), tableName: cloud().environment.CHANNELS_TABLE as string });
    expect(await registry.find('sweep-dry')).toBeUndefined();

    // CloudFront refuses its list (not retryable): the other listers' results still reach the decider.
    const faults = cloud().twin.faults;
    const fault = faults.inject({ service: 'cloudfront', operation: 'ListDistributions', always: true, error: { code: 'AccessDenied', message: 'injected: no cloudfront:ListDistributions' } });
    try {
      const failing = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud().stateMachineArn('sweep'), input: JSON.stringify({ dryRun: true, graceSeconds: 0 }) }));
      await cloud().stepFunctions.waitFor(failing.executionArn!);
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: failing.executionArn }));
      expect({ status: d.status, error: d.error }).toEqual({ status: 'FAILED', error: 'SweepListerFailed' });
      const sns = cloud().twin.services.get('sns') as unknown as { published(): { Subject?: string; Message?: string }[] };
      const summary = sns.published().filter((m) => /sweeper found/.test(m.Subject ?? '')).at(-1);
      expect(summary?.Message).toMatch(/^sweep-dry: orphaned/m);
      expect(summary?.Message).toMatch(/sweepCloudFront failed/);
    } finally {
      faults.remove(fault.id);
    }
  }, 120_000);
});
