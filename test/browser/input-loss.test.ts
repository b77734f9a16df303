/**
 * Input loss, as a viewer sees it (issue 14 item 7): a real channel on the local cloud with media
 * on (local/media, live encoding), fed by a real RTMP publisher (ffmpeg's testsrc2, as
 * local/media/settings.ts publisherArgs pushes it), played by the viewer page (HLS, hls.js) in
 * headless Chromium.
 *
 * - the feed's picture is on screen (testsrc2's six full-intensity bars, read from the video frame);
 * - the publisher is killed: the local MediaLive raises its RTMP input-loss alerts, OnAir's recovery
 *   switches to the slate after the policy's debounce, and the slate (the colour-bars card the twin
 *   encodes for an https slate URL it cannot fetch offline) is on screen within the policy's time;
 *   an input-loss notice was published on the stack's SNS topic;
 * - the publisher comes back: after the policy's hold, recovery switches back and the feed's picture
 *   is on screen again.
 *
 * The channel: the default profile with a `recovery.slate` (so the input-loss rule is the slate
 * default's: SWITCH_INPUT → slate after 10 s, back after 30 s clear), plus a NOTIFY rule on the same
 * alerts — the slate rule switches without telling anyone (functions/lib/recovery/decide.ts:
 * SWITCH_INPUT plans no notice), and an operator who wants to hear about it adds that rule. A light
 * ladder (360p + 180p, 2 s segments) keeps the encoder small next to Chromium on 2 cores.
 *
 * HLS (hls.js) and DASH (dash.js) play the same channel side by side, each in a window of its own;
 * DASH is OnAir's endpoint as created (PeriodTriggers [] → one Period across the switches:
 * local/media/README.md, "DASH across an input switch"). Before issue 14's fix dash.js stalled at
 * the first switch (a 32 ms hole in the audio timeline, never asked for again).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DescribeInputCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Browser } from 'puppeteer-core';
import { ChannelRegistry } from '../../functions/lib/channel/registry';
import { deps } from '../../functions/recovery/deps';
import { defaultRecoveryRules } from '../../functions/lib/recovery/policy';
import type { AuditEntry } from '../../functions/lib/recovery/types';
import { ffmpegPath } from '../../local/media';
import { publisherArgs } from '../../local/media/settings';
import type { SnsService } from '../../local/services/sns';
import { startPlayerServer, type PlayerServer } from '../../player/server';
import type { PlayerStats } from '../../player/src/types';
import { withLocalCloud, type TestCloud } from '../integration/helpers/local-cloud';
import { chromiumMissing, launchChromium, openPlayer, type PlayerPage } from './harness/browser';
import { classifyPicture, samplePicture, type Picture } from './harness/picture';

const CHANNEL = 'browser-loss';
/**
 * npm start's pace (local/core/latency.ts DEFAULT_SCALE). Not the integration tests' 400: at ×400
 * CheckPlayback's bound (2100 AWS s) is 5 real seconds, less than a busy 2-core machine may take to
 * write a live channel's first real segment (local/media/README.md, "Two clocks"). At ×20 the
 * policy's 10 s debounce is 0.5 real seconds and its 30 s hold 1.5.
 */
const SCALE = 20;
const SEGMENT_SECONDS = 2;
const SLATE_RULE = defaultRecoveryRules(true)[0]!;
const overrides = {
  input: { allowedCidrs: ['127.0.0.1/32'] },
  channelClass: 'SINGLE_PIPELINE',
  segmentSeconds: SEGMENT_SECONDS,
  video: {
    gopSeconds: 1,
    renditions: [
      { name: 'video_360p', width: 640, height: 360, bitrate: 800_000, rateControl: 'CBR', h264Profile: 'MAIN' },
      { name: 'video_180p', width: 320, height: 180, bitrate: 300_000, rateControl: 'CBR', h264Profile: 'MAIN' },
    ],
  },
  audio: { bitrate: 96_000 },
  recovery: {
    slate: { url: 'https://media.example.com/slates/be-right-back.mp4' },
    // The defaults with a slate: switch to it after 10 s, and tell a human after 30 s (input-loss-notice).
  },
};
/**
 * How long a change of source may take to reach the screen, beyond the policy's own wait: the
 * encoder restarting on the new source and writing its first segment (~1–3 s), hls.js's live delay
 * (3 segments behind the edge) and a playlist reload, plus room for a busy 2-core machine.
 */
const TO_SCREEN_MS = (4 * SEGMENT_SECONDS + 10) * 1000;

let cloud: TestCloud & { cleanup(): Promise<void> };
let server: PlayerServer;
let browser: Browser;
let registry: ChannelRegistry;
const publishers: ChildProcess[] = [];

function ffmpegCannotRun(): string | undefined {
  try {
    const r = spawnSync(ffmpegPath(), ['-hide_banner', '-version'], { timeout: 10_000 });
    return r.status === 0 ? undefined : `exit ${String(r.status)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

beforeAll(async () => {
  // No browser or no ffmpeg: the test fails with how to get them (never a silent pass or skip).
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const noFfmpeg = ffmpegCannotRun();
  if (noFfmpeg) throw new Error(`ffmpeg (@ffmpeg-installer/ffmpeg) cannot run here: ${noFfmpeg}`);
  cloud = await withLocalCloud({ scale: SCALE, media: { mode: 'live' } });
  // The recovery handlers run in this process; their clock is the twin's (test/integration/recovery).
  deps.now = () => new Date(cloud.twin.clock.now());
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(cloud.clientConfig), { marshallOptions: { removeUndefinedValues: true } });
  registry = new ChannelRegistry({ ddb, tableName: String(cloud.environment.CHANNELS_TABLE) });
  [server, browser] = await Promise.all([startPlayerServer({ port: 0, cdn: cloud.url }), launchChromium()]);
}, 120_000);

afterAll(async () => {
  for (const p of publishers) if (p.exitCode === null) p.kill('SIGKILL');
  await browser?.close();
  await server?.stop();
  await cloud?.cleanup();
}, 60_000);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, detail?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${await detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function fatalProblems(s: PlayerStats, p: PlayerPage): string[] {
  return [
    ...s.errors.filter((e) => e.fatal).map((e) => `${e.type}: ${e.details}`),
    ...p.problems.filter((m) => /Content Security Policy|Uncaught|TypeError|ReferenceError/i.test(m)),
  ];
}

test('kill the feed → the slate on screen and an input-loss notice; feed back → its picture again', async () => {
  const sfn = new SFNClient(cloud.clientConfig);
  const medialive = new MediaLiveClient(cloud.clientConfig);
  const sns = cloud.twin.services.get('sns') as unknown as SnsService;
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn('provision'), input: JSON.stringify({ channelId: CHANNEL, profileName: 'default', overrides }) }));
    const exec = await until('provisioning', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== 'RUNNING' && d;
    }, 90_000);
    if (exec.status !== 'SUCCEEDED') {
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      console.log(`provisioning failed: ${JSON.stringify(history.events?.filter((e) => /Failed/.test(e.type ?? '')) ?? []).slice(0, 4000)}`);
    }
    expect({ status: exec.status, error: exec.error, cause: exec.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const record = await registry.get(CHANNEL);
    const input = await medialive.send(new DescribeInputCommand({ InputId: String(record.resources.inputId) }));
    const ingest = input.Destinations?.[0]?.Url ?? '';
    expect(ingest).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\//);
    const publish = (): void => { publishers.push(spawn(ffmpegPath(), publisherArgs(ingest, { width: 640, height: 360, bitrate: 1_000_000 }), { stdio: 'ignore' })); };
    const audit = async (): Promise<AuditEntry[]> => (await registry.get(CHANNEL)).recoveryActions ?? [];
    const trail = async (): Promise<string> => `recovery audit (newest first): ${(await audit()).map((a) => `${a.decision} [${a.action ?? ''} ${a.result}]`).join(' | ') || 'none'}`;

    publish();
    // The same channel in both players: HLS (hls.js) and DASH (dash.js, OnAir's one-Period MPD).
    const dashWindow = await browser.createBrowserContext();
    const players = { hls: await openPlayer(browser, server.urlFor(String(record.playback?.hls))), dash: await openPlayer(dashWindow, server.urlFor(String(record.playback?.dash))) };
    try {
      const onScreen = async (p: PlayerPage, want: Picture, timeoutMs: number): Promise<number> => {
        const from = Date.now();
        const picture = async (): Promise<Picture> => classifyPicture(await samplePicture(p.page));
        await until(`the ${want} on screen (${(await p.stats()).engine})`, async () => {
          const s = await p.stats();
          expect(fatalProblems(s, p)).toEqual([]);
          return s.state === 'playing' && (await picture()) === want;
        }, timeoutMs, async () => `picture ${await picture()}, player ${JSON.stringify({ ...(await p.stats()), renditions: undefined })}; ${await trail()}`);
        return Date.now() - from;
      };
      const both = async (want: Picture, timeoutMs: number): Promise<{ hls: number; dash: number }> => {
        const [hls, dash] = await Promise.all([onScreen(players.hls, want, timeoutMs), onScreen(players.dash, want, timeoutMs)]);
        return { hls, dash };
      };

      // The feed plays (the channel encoded the input-loss image until the publisher came).
      await both('feed', 45_000);
      const playingAt = { hls: (await players.hls.stats()).currentTime, dash: (await players.dash.stats()).currentTime };

      // Input loss: the publisher goes away.
      const noticesBefore = sns.published().length;
      publishers.at(-1)!.kill('SIGKILL');
      const toSlate = await both('slate', SLATE_RULE.debounceSeconds! * 1000 / SCALE + TO_SCREEN_MS);
      const switched = (await audit()).find((a) => a.action === 'SWITCH_INPUT → slate');
      expect(switched).toMatchObject({ rule: 'input-loss', result: 'OK' });
      const notice = sns.published().slice(noticesBefore).find((n) => (n.Subject ?? '').includes(`${CHANNEL}: input-loss-notice`));
      expect(notice?.Message).toContain('RTMP Stream Not Found');

      // The feed comes back: after the hold, recovery switches back to the primary input.
      publish();
      const toFeed = await both('feed', SLATE_RULE.holdSeconds! * 1000 / SCALE + TO_SCREEN_MS);
      expect((await audit()).find((a) => a.action === 'SWITCH_INPUT → primary')).toMatchObject({ rule: 'input-loss', result: 'OK' });
      for (const kind of ['hls', 'dash'] as const) {
        const end = await players[kind].stats();
        expect(fatalProblems(end, players[kind])).toEqual([]);
        expect({ kind, engine: end.engine, advanced: end.currentTime > playingAt[kind] }).toEqual({ kind, engine: kind === 'hls' ? 'hls.js' : 'dash.js', advanced: true });
      }
      const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
      console.log(`input loss in the browser: feed killed → slate on screen HLS ${s(toSlate.hls)}, DASH ${s(toSlate.dash)}; feed back → its picture HLS ${s(toFeed.hls)}, DASH ${s(toFeed.dash)} (policy: ${SLATE_RULE.debounceSeconds} s debounce, ${SLATE_RULE.holdSeconds} s hold, ×${SCALE})`);
    } finally {
      await players.hls.close();
      await players.dash.close();
      await dashWindow.close();
    }
  } finally {
    sfn.destroy();
    medialive.destroy();
  }
}, 150_000);
