/**
 * What the video element shows, read from its frame: the page draws the current frame into a
 * 160 × 90 canvas (MediaSource video does not taint a canvas), and `classifyPicture` tells the
 * pictures the local cloud's media plane encodes apart by their colours:
 *
 * - `feed`: the publisher's testsrc2 (local/media/settings.ts publisherArgs): six full-intensity
 *   vertical bars, red, green, yellow, blue, magenta, cyan, under a moving stripe and checkerboard;
 * - `slate`: the slate card (settings.ts sourceArgs `slate-card`: ffmpeg's smptehdbars): 40 % grey
 *   sides and seven 75 % bars, grey, yellow, cyan, green, magenta, red, blue, in the upper part;
 * - `other`: anything else (the input-loss image, black; a frame mid-switch; nothing yet).
 */
import type { Page } from 'puppeteer-core';

export type Picture = 'feed' | 'slate' | 'other';

export interface Frame {
  width: number;
  height: number;
  /** RGB, row by row. */
  rgb: number[];
}

type Rgb = [number, number, number];

const W = 160;
const H = 90;

/** The current frame of the page's video, scaled to 160 × 90, or an empty frame before the first one. */
export async function samplePicture(page: Page): Promise<Frame> {
  return page.evaluate((w: number, h: number) => {
    // DOM shapes, declared here: the root tsconfig has no DOM library (this runs in the page).
    interface Ctx { drawImage(v: unknown, x: number, y: number, w: number, h: number): void; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } }
    interface Doc { querySelector(s: string): { videoWidth: number } | null; createElement(t: 'canvas'): { width: number; height: number; getContext(k: '2d'): Ctx | null } }
    const doc = (globalThis as unknown as { document: Doc }).document;
    const video = doc.querySelector('video');
    if (!video || !video.videoWidth) return { width: 0, height: 0, rgb: [] };
    const canvas = doc.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return { width: 0, height: 0, rgb: [] };
    ctx.drawImage(video, 0, 0, w, h);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    const rgb: number[] = [];
    for (let i = 0; i < rgba.length; i += 4) rgb.push(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!);
    return { width: w, height: h, rgb };
  }, W, H);
}

/** Mean colour of the 3 × 3 pixels around a point given as fractions of the width and height. */
function at(f: Frame, x: number, y: number): Rgb {
  const cx = Math.min(f.width - 2, Math.max(1, Math.floor(x * f.width)));
  const cy = Math.min(f.height - 2, Math.max(1, Math.floor(y * f.height)));
  const sum: Rgb = [0, 0, 0];
  for (let dy = -1; dy <= 1; dy += 1) {
    for (let dx = -1; dx <= 1; dx += 1) {
      const i = ((cy + dy) * f.width + cx + dx) * 3;
      for (let c = 0; c < 3; c += 1) sum[c] += f.rgb[i + c]!;
    }
  }
  return sum.map((v) => v / 9) as Rgb;
}

/** Within `tolerance` on every channel (encoding, scaling and YUV→RGB move colours a little). */
function near(a: Rgb, b: Rgb, tolerance = 60): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** smptehdbars at 30 % of the height: side grey, then the seven 75 % bars (measured from ffmpeg's own output). */
const SLATE_ROW: { x: number; rgb: Rgb }[] = [
  { x: 0.06, rgb: [101, 101, 101] },
  ...([[189, 189, 189], [188, 203, 6], [15, 210, 187], [13, 222, 4], [174, 0, 185], [173, 0, 1], [0, 0, 182]] as Rgb[])
    .map((rgb, i) => ({ x: 0.125 + ((i + 0.5) * 0.75) / 7, rgb })),
  { x: 0.94, rgb: [101, 101, 101] },
];

/** testsrc2's six bars, each a sixth of the width, full intensity. */
const FEED_COLUMNS: Rgb[] = [[255, 0, 0], [0, 255, 0], [255, 255, 0], [0, 0, 255], [255, 0, 255], [0, 255, 255]];

export function classifyPicture(f: Frame): Picture {
  if (f.width === 0 || f.rgb.length !== f.width * f.height * 3) return 'other';
  if (SLATE_ROW.every((s) => [0.2, 0.3, 0.4].every((y) => near(at(f, s.x, y), s.rgb)))) return 'slate';
  // testsrc2's stripe and checkerboard move across the bars: the median of nine points down each column is the bar.
  const feed = FEED_COLUMNS.every((rgb, i) => {
    const samples = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((y) => at(f, (i + 0.5) / 6, y));
    return near([0, 1, 2].map((c) => median(samples.map((s) => s[c]!))) as Rgb, rgb);
  });
  return feed ? 'feed' : 'other';
}
