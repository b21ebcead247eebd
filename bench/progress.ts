/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per 10% otherwise). */
export class ProgressBar {
  private readonly started = Date.now();
  private lastTenth = -1;

  constructor(private readonly label: string, private readonly total: number) {
    this.update(0);
  }

  update(done: number): void {
    const fraction = this.total ? Math.min(1, done / this.total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `
      + `${done.toLocaleString('en')}/${this.total.toLocaleString('en')} cases  ${seconds.toFixed(1)} s  ${rate.toLocaleString('en')}/s`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}`);
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth !== this.lastTenth) process.stderr.write(`${line}\n`);
      this.lastTenth = tenth;
    }
  }

  done(): void {
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}
