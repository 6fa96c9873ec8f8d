// Progress while a class is graded: on a TTY one line redrawn in place
// (done/total, elapsed, the slowest submission still running); otherwise a
// plain line per finished submission, which reads well in a CI log.
import { inert } from '../text/escape.js';
import type { GradeRow } from './gradebook.js';

export interface Progress {
  started(student: string): void;
  finished(row: GradeRow): void;
  /** Clears the bar; call once at the end. */
  close(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  total: number;
  tty?: boolean;
  now?: () => number;
}

export const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function rowLine(row: GradeRow, done: number, total: number): string {
  const width = String(total).length;
  const note = row.status === 'graded' ? '' : `  ${row.status}`;
  return inert(
    `[${String(done).padStart(width)}/${total}] ${row.student}  ${row.points}/${row.maxPoints}${note}` +
      `  (${(row.durationMs / 1000).toFixed(1)} s)`,
  );
}

export function makeProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const begin = now();
  const running = new Map<string, number>();
  let done = 0;
  const tty = opts.tty ?? Boolean(opts.stream.isTTY);

  const bar = () => {
    const width = 20;
    const filled = opts.total === 0 ? width : Math.round((done / opts.total) * width);
    const slowest = [...running].sort((a, b) => a[1] - b[1])[0];
    const slow = slowest ? `  slowest: ${slowest[0]} (${clock(now() - slowest[1])})` : '';
    const line = inert(
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${opts.total}  ${clock(now() - begin)}${slow}`,
    );
    opts.stream.write(`\r\x1b[2K${line.slice(0, (opts.stream.columns ?? 100) - 1)}`);
  };
  const timer = tty ? setInterval(bar, 250) : undefined;
  timer?.unref();

  return {
    started(student) {
      running.set(student, now());
      if (tty) bar();
    },
    finished(row) {
      running.delete(row.student);
      done++;
      if (!tty) return void opts.stream.write(rowLine(row, done, opts.total) + '\n');
      // Submissions that did not get graded stay on screen above the bar.
      if (row.status !== 'graded') opts.stream.write(`\r\x1b[2K${rowLine(row, done, opts.total)}\n`);
      bar();
    },
    close() {
      clearInterval(timer);
      if (tty) opts.stream.write('\r\x1b[2K');
    },
  };
}
