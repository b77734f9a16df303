/**
 * What the player reports (player.ts), without DOM types: the browser tests and the operator
 * console read these shapes from outside the page.
 */
export type StreamKind = 'hls' | 'dash';

export interface Rendition {
  /** Position in the engine's list (hls.js level index, dash.js representation index). */
  index: number;
  width: number;
  height: number;
  /** Declared bitrate in bits per second (HLS BANDWIDTH, DASH @bandwidth). */
  bitrate: number;
  /** e.g. "720p · 3.0 Mb/s", or the stream's own NAME when it has one. */
  label: string;
  codecs?: string;
}

export interface PlayerError {
  fatal: boolean;
  type: string;
  details: string;
  /** Milliseconds since the player was mounted. */
  at: number;
}

export interface PlayerStats {
  engine: 'hls.js' | 'dash.js' | 'native';
  engineVersion: string;
  kind: StreamKind;
  src: string;
  state: 'loading' | 'playing' | 'waiting' | 'paused' | 'error';
  renditions: Rendition[];
  /** The rendition on screen (after the switch is rendered), or null before the first frame. */
  current: Rendition | null;
  /** Rendition switches rendered so far. */
  switches: number;
  /** The ABR's bandwidth estimate in bits per second, or null when the engine has none yet. */
  bandwidthEstimate: number | null;
  /** Seconds behind the live edge as the engine measures it (hls.js `latency`, dash.js `getCurrentLiveLatency`). */
  latency: number | null;
  /** Seconds of media buffered ahead of the playhead. */
  buffer: number;
  currentTime: number;
  droppedFrames: number;
  /** Every error the engine reported; `fatalError` is set once playback cannot go on. */
  errors: PlayerError[];
  fatalError: string | null;
}
