/** The ffmpeg command lines the media plane builds from a channel's EncoderSettings (local/media/settings.ts). */
import { encoderArgs, ladderOf, loopList, loopReaderArgs, packagerArgs, publisherArgs, sourceArgs } from '../../../../local/media/settings';
import { parsePlaylist } from '../../../../local/media/pipeline';
import { encoderSettings } from '../services/media-fixtures';

/** The value after a flag (first occurrence). */
function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('ladderOf: the channel as MediaLive holds it', () => {
  it('reads every rung (highest bitrate first), GOP in frames, the AAC track and the output group segment length', () => {
    const ladder = ladderOf(encoderSettings({ gopSeconds: 2, segmentSeconds: 4 }));
    expect(ladder.video.map((r) => [r.index, r.name, r.width, r.height, r.bitrate, r.gopFrames, r.profile])).toEqual([
      [1, 'video_1080p30', 1920, 1080, 5_000_000, 60, 'high'],
      [2, 'video_720p30', 1280, 720, 3_000_000, 60, 'high'],
      [3, 'video_480p30', 854, 480, 1_200_000, 60, 'high'],
    ]);
    expect(ladder.audio).toEqual({ bitrate: 128000, sampleRate: 48000, channels: 2 });
    expect(ladder.segmentSeconds).toBe(4);
  });

  it('QVBR caps at MaxBitrate, GOP in FRAMES is taken as is, 29.97 fps keeps its fraction, and the loss colour comes from InputLossBehavior', () => {
    const enc = encoderSettings();
    const vds = enc.VideoDescriptions as { CodecSettings: { H264Settings: Record<string, unknown> } }[];
    Object.assign(vds[0]!.CodecSettings.H264Settings, { RateControlMode: 'QVBR', MaxBitrate: 6_000_000, Bitrate: undefined, GopSize: 90, GopSizeUnits: 'FRAMES', FramerateNumerator: 30000, FramerateDenominator: 1001, Level: 'H264_LEVEL_4_1' });
    enc.GlobalConfiguration = { InputLossBehavior: { InputLossImageType: 'COLOR', InputLossImageColor: '333333' } };
    const ladder = ladderOf(enc);
    const top = ladder.video.find((r) => r.name === 'video_1080p30')!;
    expect([top.bitrate, top.maxBitrate, top.gopFrames, top.fpsNum, top.fpsDen, top.level]).toEqual([6_000_000, 6_000_000, 90, 30000, 1001, '4.1']);
    expect(ladder.lossColor).toBe('0x333333');
  });
});

describe('encoderArgs: exactly the ladder, once', () => {
  const ladder = ladderOf(encoderSettings({ gopSeconds: 2, segmentSeconds: 6 }));
  const args = encoderArgs(ladder, { kind: 'rtmp', url: 'rtmp://127.0.0.1:1935/demo/primary' });

  it('one scaled chain and one libx264 stream per rung with its bitrate, VBV and GOP; fixed GOPs; AAC as described; MPEG-TS on stdout', () => {
    const graph = after(args, '-filter_complex')!;
    // Video and audio start at 0 in every run, whatever the source (the DASH init's edit list).
    expect(graph).toContain('fps=30/1:start_time=0');
    expect(after(args, '-af')).toBe('aresample=async=1:first_pts=0');
    expect(graph).toContain('split=3[s0][s1][s2]');
    expect(graph).toContain('[s0]scale=1920:1080');
    expect(graph).toContain('[s2]scale=854:480');
    expect(after(args, '-b:v:0')).toBe('5000000');
    expect(after(args, '-b:v:2')).toBe('1200000');
    expect(after(args, '-maxrate:v:1')).toBe('3000000');
    expect(after(args, '-bufsize:v:1')).toBe('6000000');
    expect(after(args, '-g:v:0')).toBe('60');
    expect(after(args, '-keyint_min:v:2')).toBe('60');
    expect(after(args, '-profile:v:1')).toBe('high');
    expect(after(args, '-sc_threshold')).toBe('0');
    expect(after(args, '-preset')).toBe('superfast');
    expect(after(args, '-tune')).toBe('zerolatency');
    expect(after(args, '-b:a')).toBe('128000');
    expect(after(args, '-ar')).toBe('48000');
    expect(after(args, '-ac')).toBe('2');
    expect(after(args, '-i')).toBe('rtmp://127.0.0.1:1935/demo/primary');
    expect(args.slice(-5)).toEqual(['-f', 'mpegts', '-muxdelay', '0', 'pipe:1']);
    expect(args.filter((a) => a === 'libx264')).toHaveLength(3);
  });

  it('generated sources are paced at real time and carry silence or a tone; the loop is encoded as fast as possible with a duration', () => {
    expect(sourceArgs({ kind: 'loss' }, ladder, true)).toEqual(['-re', '-f', 'lavfi', '-i', 'color=c=0x000000:size=1920x1080:rate=30/1', '-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=48000']);
    const loop = encoderArgs(ladder, { kind: 'synthetic', seconds: 12 }, { seconds: 12, burnIn: { font: '/f.ttf' } });
    expect(loop).not.toContain('-re');
    expect(after(loop, '-t')).toBe('12');
    expect(after(loop, '-filter_complex')).toContain("drawtext=fontfile=/f.ttf:text='video_1080p30 1920x1080");
    // Live: the wall clock at encode time is now. A pre-encoded loop replays later: no clock, a label saying so.
    expect(after(loop, '-filter_complex')).toContain('%{localtime');
    const cached = after(encoderArgs(ladder, { kind: 'synthetic', seconds: 12 }, { seconds: 12, burnIn: { font: '/f.ttf', clock: false } }), '-filter_complex');
    expect(cached).toContain("text='video_1080p30 1920x1080  pre-encoded loop'");
    expect(cached).not.toContain('localtime');
    expect(after(encoderArgs(ladder, { kind: 'file', path: '/slate.mp4' }), '-stream_loop')).toBe('-1');
  });
});

describe('packagerArgs: copies, never re-encodes', () => {
  const ladder = ladderOf(encoderSettings({ segmentSeconds: 6 }));
  it('HLS TS and fMP4 mux the audio into every variant with the segment length; DASH has a video and an audio adaptation set', () => {
    const ts = packagerArgs('ts', ladder, '/d', 1);
    expect(after(ts, '-c')).toBe('copy');
    expect(after(ts, '-hls_time')).toBe('6');
    expect(after(ts, '-var_stream_map')).toBe('v:0,a:0 v:1,a:1 v:2,a:2');
    expect(after(ts, '-hls_flags')).toContain('program_date_time');
    expect(ts).not.toContain('-hls_segment_type');
    const cmaf = packagerArgs('cmaf', ladder, '/d', 1);
    expect(after(cmaf, '-hls_segment_type')).toBe('fmp4');
    const dash = packagerArgs('dash', ladder, '/d', 3);
    expect(after(dash, '-seg_duration')).toBe('6');
    expect(after(dash, '-adaptation_sets')).toBe('id=0,streams=0,1,2 id=1,streams=3');
    expect(after(dash, '-media_seg_name')).toBe('r3-chunk-$RepresentationID$-$Number%05d$.m4s');
    // The same initialization segment in every run (dash.ts, one Period): the ladder's bitrates in the
    // muxer (esds, MPD bandwidth), not the TS demuxer's estimate; no version string or creation time.
    expect(ladder.video.map((r, i) => after(dash, `-b:v:${i}`) === String(r.bitrate))).toEqual(ladder.video.map(() => true));
    expect(after(dash, '-b:a')).toBe(String(ladder.audio.bitrate));
    expect(dash.join(' ')).toContain('-fflags +bitexact -flags +bitexact');
    for (const a of [ts, cmaf, dash]) expect(a).not.toContain('libx264');
  });

  it('loop mode replays the cached ladder by copy, each repetition exactly the loop length (concat demuxer durations)', () => {
    const reader = loopReaderArgs('/c/list.concat');
    expect(after(reader, '-f')).toBe('concat');
    expect(after(reader, '-c')).toBe('copy');
    expect(reader).not.toContain('libx264');
    expect(loopList("/c/it's.ts", 12, 2)).toBe("file '/c/it'\\''s.ts'\nduration 12\nfile '/c/it'\\''s.ts'\nduration 12\n");
  });

  it('the demo publisher pushes H.264/AAC in FLV to the URL it is given', () => {
    const p = publisherArgs('rtmp://127.0.0.1:1/demo/primary');
    expect(after(p, '-f')).toBe('lavfi');
    expect(p.slice(-3)).toEqual(['-f', 'flv', 'rtmp://127.0.0.1:1/demo/primary']);
  });
});

describe('parsePlaylist', () => {
  it('reads ffmpeg playlists, ignores an unterminated last line (a playlist caught mid-rewrite) and keeps PDT in ISO 8601', () => {
    const text = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-MAP:URI="init_0.mp4"\n#EXTINF:2.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-04T16:28:59.000+0000\ns0_4.m4s\n#EXTINF:2.000000,\ns0_5.m4s\n#EXTINF:2.0,\ns0_';
    expect(parsePlaylist(text)).toEqual([
      { seq: 4, uri: 's0_4.m4s', duration: 2, pdt: '2026-12-04T16:28:59.000Z', map: 'init_0.mp4' },
      { seq: 5, uri: 's0_5.m4s', duration: 2, pdt: undefined, map: 'init_0.mp4' },
    ]);
  });
});
