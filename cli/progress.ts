/**
 * The progress line while a workflow runs: spinner, workflow, current step, elapsed time —
 * redrawn in place on a TTY; on anything else (CI logs, pipes) one line per step change.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export interface Stream { write(text: string): unknown; isTTY?: boolean }

export class Progress {
  private frame = 0;
  private timer?: NodeJS.Timeout;
  private line = '';
  private lastStep?: string;
  private readonly started = Date.now();

  constructor(private readonly out: Stream, private readonly enabled: boolean) {}

  start(): void {
    if (this.enabled && this.out.isTTY) this.timer = setInterval(() => this.draw(), 100);
  }

  update(workflow: string, status: string, step: string | undefined): void {
    if (!this.enabled) return;
    this.line = `${workflow} · ${status}${step ? ` · ${step}` : ''}`;
    if (this.out.isTTY) { this.draw(); return; }
    if (step !== this.lastStep) this.out.write(`  ${formatElapsed(Date.now() - this.started).padStart(7)}  ${this.line}\n`);
    this.lastStep = step;
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.out.write(`\r\x1b[2K${FRAMES[this.frame]} ${this.line}  ${formatElapsed(Date.now() - this.started)}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled && this.out.isTTY) this.out.write('\r\x1b[2K');
  }
}
