/**
 * Automatic recovery end to end in the local cloud: MediaLive events on the twin's EventBridge →
 * the rules of serverless.yml → recoveryEvents → recover timer executions (Wait on the twin's clock)
 * → recoveryTimer → MediaLive/SNS/Step Functions, over real HTTP with the SDK clients.
 * One ON_AIR STANDARD channel with a backup input attached (provisioning does not attach one).
 */
import { DEFAULT_RECOVERY_RULES, INPUT_LOSS_ALERT_TYPES } from '../../../functions/lib/recovery/policy';
import {
  CreateInputCommand, DescribeChannelCommand, DescribeInputCommand, DescribeScheduleCommand, MediaLiveClient, UpdateChannelCommand,
} from '@aws-sdk/client-medialive';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import type { AuditEntry } from '../../../functions/lib/recovery/types';
import type { SnsService } from '../../../local/services/sns';
import { deps } from '../../../functions/recovery/deps';
import { main } from '../../../cli/main';
import { startLocalApi, type LocalApi } from '../../../local/onair/api';
import { localCredentials } from '../../../local/onair/api/credentials';
import { useLocalCloud } from '../helpers/local-cloud';
import { harness, run } from '../workflows/lifecycle';

const CHANNEL = 'rcv-1';
const BACKUP = `onair-${CHANNEL}-backup`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

describe('automatic recovery in the local cloud', () => {
  const cloud = useLocalCloud();
  const h = harness(cloud);
  let medialive: MediaLiveClient;
  let mlId: string;

  const record = async (): Promise<ChannelRecord> => h().registry.get(CHANNEL);
  const audit = async (): Promise<AuditEntry[]> => (await record()).recoveryActions ?? [];
  const auditEntry = async (pred: (a: AuditEntry) => boolean): Promise<AuditEntry> => {
    try {
      return await until('audit entry', async () => (await audit()).find(pred));
    } catch (error) {
      const trail = (await audit()).map((a) => `${a.at} ${a.trigger.summary} → ${a.decision} [${a.action ?? ''} ${a.result} ${a.detail ?? ''}]`).join('\n');
      throw new Error(`${(error as Error).message}; audit so far (newest first):\n${trail}`, { cause: error });
    }
  };
  const control = async (path: string, body: Record<string, unknown> = {}) => {
    const res = await fetch(`${cloud().url}/_twin/medialive/channels/${mlId}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const sns = () => cloud().twin.services.get('sns') as unknown as SnsService;

  beforeAll(async () => {
    // The handlers run in this process; their clock is the twin's (AWS minutes in milliseconds),
    // so the policy's windows and the timers' waits are measured on one clock.
    deps.now = () => new Date(cloud().twin.clock.now());
    medialive = new MediaLiveClient(cloud().clientConfig);
    // Its policy switches to that backup on input loss (the built-in profiles notify instead: they provision no second input).
    const recovery = { rules: [{ name: 'input-loss', on: { alertTypes: [...INPUT_LOSS_ALERT_TYPES] }, action: 'SWITCH_INPUT', target: 'backup', debounceSeconds: 10, holdSeconds: 30 }, ...DEFAULT_RECOVERY_RULES.slice(1)] };
    const provision = await run(h(), 'provision', { channelId: CHANNEL, profileName: 'default', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] }, recovery }, startAfterCreate: false });
    expect(provision.status).toBe('SUCCEEDED');
    mlId = (await record()).resources.medialiveChannelId as string;
    // The operator's backup source: a pull input attached as the channel's second input.
    const backup = await medialive.send(new CreateInputCommand({
      Name: BACKUP, Type: 'URL_PULL', Sources: [{ Url: 'https://backup.example.com/a/index.m3u8' }, { Url: 'https://backup.example.com/b/index.m3u8' }],
    }));
    await until('backup input', async () => (await medialive.send(new DescribeInputCommand({ InputId: backup.Input?.Id }))).State === 'DETACHED');
    const ch = await medialive.send(new DescribeChannelCommand({ ChannelId: mlId }));
    await medialive.send(new UpdateChannelCommand({ ChannelId: mlId, InputAttachments: [...(ch.InputAttachments ?? []), {
      InputAttachmentName: BACKUP, InputId: backup.Input?.Id,
      // MediaLive requires every attached input to define the audio selectors the channel uses.
      InputSettings: { AudioSelectors: ch.InputAttachments?.[0]?.InputSettings?.AudioSelectors },
    }] }));
    await until('channel IDLE after update', async () => (await medialive.send(new DescribeChannelCommand({ ChannelId: mlId }))).State === 'IDLE');
    const start = await run(h(), 'start', { channelId: CHANNEL, reason: 'api' });
    expect(start.status).toBe('SUCCEEDED');
    expect((await record()).status).toBe('ON_AIR');
  }, 60_000);

  afterAll(() => medialive?.destroy());

  const activeInput = async () => (await medialive.send(new DescribeChannelCommand({ ChannelId: mlId }))).PipelineDetails?.map((p) => p.ActiveInputAttachmentName);

  it('input loss → switch to the backup input after the debounce → cleared → switch back after the hold time', async () => {
    await control('alerts', { alertType: 'Video Not Detected', pipeline: '0' });
    const switched = await auditEntry((a) => a.action === 'SWITCH_INPUT → backup' && a.result !== 'PENDING');
    expect(switched).toMatchObject({ result: 'OK', rule: 'input-loss', trigger: { kind: 'timer' } });
    expect(await activeInput()).toEqual([BACKUP, BACKUP]);
    const schedule = await medialive.send(new DescribeScheduleCommand({ ChannelId: mlId }));
    expect(schedule.ScheduleActions?.map((a) => a.ScheduleActionSettings?.InputSwitchSettings?.InputAttachmentNameReference)).toEqual([BACKUP]);

    await control('alerts/clear', { alertType: 'Video Not Detected' });
    const back = await auditEntry((a) => a.action === 'SWITCH_INPUT → primary' && a.result !== 'PENDING');
    expect(back.result).toBe('OK');
    expect(await activeInput()).toEqual([`onair-${CHANNEL}-input`, `onair-${CHANNEL}-input`]);
    // Newest first; the whole story is on the channel.
    const decisions = (await audit()).map((a) => a.decision);
    expect(decisions.findIndex((d) => /switching back/.test(d))).toBeLessThan(decisions.findIndex((d) => /switching to the backup/.test(d)));
    expect(decisions.some((d) => /waiting 10 s before SWITCH_INPUT/.test(d))).toBe(true);
    expect(decisions.some((d) => /switching back to the primary input if it stays clear for 30 s/.test(d))).toBe(true);
  }, 30_000);

  it('shows each step in `onair events` (the CLI against the local API)', async () => {
    const api: LocalApi = await startLocalApi({ port: 0, endpoint: cloud().url, now: () => cloud().twin.clock.now() });
    try {
      let stdout = '';
      const code = await main(['events', CHANNEL, '--endpoint', api.url], {
        stdout: { write: (t: string) => { stdout += t; } },
        stderr: { write: () => undefined, isTTY: false },
        env: {},
        credentials: localCredentials(),
      });
      expect(code).toBe(0);
      const lines = stdout.split('\n');
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      expect(at(/Recovery \(newest first\)/)).toBeGreaterThan(-1);
      // Newest first: the switch back, the hold, the switch, the debounce.
      const order = [/switching back to the primary input\s+\[SWITCH_INPUT → primary → OK/, /cleared: switching back .* if it stays clear for 30 s/, /switching to the backup input\s+\[SWITCH_INPUT → backup → OK/, /waiting 10 s before SWITCH_INPUT/].map(at);
      expect({ order, stdout }).toEqual({ order: order.map((i) => (i > -1 ? i : 'missing')), stdout });
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(stdout).toMatch(/after: MediaLive alert SET "Video Not Detected" on pipeline 0/);
    } finally {
      await api.stop();
    }
  }, 30_000);

  it('a stopped pipeline is restarted and verified RUNNING', async () => {
    await control('pipelines/1/stop');
    const restarted = await auditEntry((a) => a.action === 'RESTART pipeline(s) 1' && a.result !== 'PENDING');
    expect(restarted.result).toBe('OK');
    await auditEntry((a) => /verified: every pipeline RUNNING/.test(a.decision));
    expect((await medialive.send(new DescribeChannelCommand({ ChannelId: mlId }))).PipelinesRunningCount).toBe(2);
  }, 30_000);

  it('a restart that keeps failing opens the circuit breaker and pages once with what was tried', async () => {
    // Let the earlier attempts leave the 15-minute window (twin time), so the breaker trips on failures.
    const rec = await record();
    const last = Math.max(...(rec.recovery?.attempts ?? []).map((a) => Date.parse(a.at)));
    await until('attempts window passed', async () => cloud().twin.clock.now() > last + 901_000, 30_000);
    const fault = cloud().twin.faults.inject({ service: 'medialive', operation: 'RestartChannelPipelines', error: { code: 'BadRequestException', message: 'pipeline cannot be restarted' }, always: true });
    try {
      const before = sns().published().length;
      await control('pipelines/1/stop');
      // The breaker's page. (At scale 400 the once-a-minute reconciler can see "1 of 2 pipelines" and
      // its 10 s debounce can run out before the pipeline's own event is decided: OnAir then first
      // tells a human "a pipeline is down", and restarts pipeline 1 once the event names it.)
      const page = await until('page', async () => sns().published().slice(before).find((n) => /automatic recovery gave up/.test(n.Subject ?? '')));
      expect(page.Subject).toMatch(/^OnAir \[dev\]: ACTION NEEDED - rcv-1: automatic recovery gave up/);
      expect(page.Message).toMatch(/3 failed attempt\(s\)/);
      expect(page.Message.match(/RESTART → FAILED/g)).toHaveLength(3);
      expect((await record()).recovery?.breaker).toBeDefined();
      const failed = (await audit()).filter((a) => a.action === 'RESTART pipeline(s) 1' && a.result === 'FAILED');
      expect(failed).toHaveLength(3);
      expect(failed[0].detail).toMatch(/BadRequestException: pipeline cannot be restarted/);
      // The breaker holds: no further restart however long it stays down.
      const seen = cloud().twin.requests.list().filter((r) => r.operation === 'RestartChannelPipelines').length;
      await new Promise((r) => setTimeout(r, 500));
      expect(cloud().twin.requests.list().filter((r) => r.operation === 'RestartChannelPipelines').length).toBe(seen);
      expect(sns().published().slice(before).filter((n) => /ACTION NEEDED/.test(n.Subject ?? ''))).toHaveLength(1);
    } finally {
      cloud().twin.faults.remove(fault.id);
    }
  }, 40_000);

  it('the reconciler catches an alert whose event never arrived (ListAlerts)', async () => {
    // Disable the MediaLive rule so the alert's event is lost, as EventBridge's best effort allows.
    const rule = cloud().workflows.rules.find((r) => r.target.key === 'recoveryEvents' && JSON.stringify(r.pattern).includes('aws.medialive'));
    expect(rule).toBeDefined();
    // Close the breaker of the previous test: a human restarted the channel's pipeline by hand.
    await until('breaker reset', async () => {
      const r = await record();
      const { breaker: _b, ...rest } = r.recovery!;
      await h().registry.saveRecovery(CHANNEL, r.recovery?.version ?? 0, { ...rest, attempts: [], pipelinesDown: [], rules: {}, timers: {} }, r.recoveryActions ?? []);
      return true;
    });
    cloud().eventBridge.putRule({ name: rule!.name, pattern: rule!.pattern, state: 'DISABLED', targets: [{ id: rule!.target.key, arn: rule!.target.arn }] });
    const mark = deps.now().toISOString();
    try {
      await control('alerts', { alertType: 'RTMP Stream Not Found', pipeline: '1' });
      const lambda = new LambdaClient(cloud().clientConfig);
      const out = await lambda.send(new InvokeCommand({ FunctionName: cloud().workflows.functions.recoveryReconcile?.name, Payload: Buffer.from('{}') }));
      expect(out.FunctionError).toBeUndefined();
      lambda.destroy();
      const switched = await auditEntry((a) => a.at >= mark && a.action === 'SWITCH_INPUT → backup' && a.result !== 'PENDING');
      expect(switched.result).toBe('OK');
      const fresh = (await audit()).filter((a) => a.at >= mark);
      expect(fresh.some((a) => a.trigger.kind === 'observed' && /RTMP Stream Not Found on pipeline 1/.test(a.decision))).toBe(true);
      expect(fresh.some((a) => a.trigger.kind === 'alert')).toBe(false); // the event itself never arrived
      expect(cloud().twin.requests.list().some((r) => r.operation === 'ListAlerts')).toBe(true);
    } finally {
      cloud().eventBridge.putRule({ name: rule!.name, pattern: rule!.pattern, state: 'ENABLED', targets: [{ id: rule!.target.key, arn: rule!.target.arn }] });
    }
  }, 30_000);
});
