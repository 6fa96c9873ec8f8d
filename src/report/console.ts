import { inert } from '../text/escape.js';
import type { CaseResult, RunResult } from '../run/result.js';
import type { Reporter, ReporterEnv, RunInfo } from './reporter.js';
import { STATUS_WORDS } from './status.js';
import { excerpt } from './transcript-text.js';

const CODES = { green: 32, red: 31, yellow: 33, gray: 90, bold: 1, dim: 2 } as const;
type Style = keyof typeof CODES;

export interface ConsoleOptions {
  /** Colour output; default: on a TTY, unless NO_COLOR is set (FORCE_COLOR forces it). */
  color?: boolean;
  /** Print passing cases too (default: yes). */
  showPassed?: boolean;
}

function useColor(env: ReporterEnv): boolean {
  if (env.env.NO_COLOR) return false;
  if (env.env.FORCE_COLOR && env.env.FORCE_COLOR !== '0') return true;
  return Boolean(env.stdout.isTTY);
}

/** Failure messages shared by three or more cases (a server that is not running, say), most common first. */
function commonCauses(bad: CaseResult[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of bad) if (r.failure) counts.set(r.failure.message, (counts.get(r.failure.message) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1]);
}

/** The human reporter: a line per case as it ends, then each failure in full, then the totals. */
export function consoleReporter(env: ReporterEnv, opts: ConsoleOptions = {}): Reporter {
  const color = opts.color ?? useColor(env);
  const paint = (s: string, style: Style) => (color ? `\x1b[${CODES[style]}m${s}\x1b[0m` : s);
  // Every string passes through inert(): server bytes were escaped already, but a spec or
  // an error message must not be able to put a control sequence on the terminal either.
  const out = (line = '') => env.stdout.write(inert(line) + '\n');
  const outRaw = (line: string) => env.stdout.write(line + '\n');

  const caseLine = (r: CaseResult) => {
    const s = STATUS_WORDS[r.status];
    const mark = paint(s.mark, s.color);
    const time = paint(`(${r.durationMs} ms)`, 'gray');
    outRaw(`${mark} ${inert(r.id)}  ${inert(r.title)} ${time}`);
  };

  const failureBlock = (r: CaseResult) => {
    const s = STATUS_WORDS[r.status];
    const loc = `${r.location.file}:${r.location.line}:${r.location.col}`;
    outRaw(`${paint(s.word, s.color)}  ${paint(inert(r.id), 'bold')}  ${inert(r.title)}  ${paint(inert(`(${loc})`), 'gray')}`);
    out(`  requirement: ${r.requirement}`);
    if (r.failure) out(`  ${r.failure.stepLabel ? `${r.failure.stepLabel}: ` : ''}${r.failure.message}`);
    if (r.failure?.expected !== undefined) out(`  expected: ${r.failure.expected}`);
    if (r.failure?.actual !== undefined) out(`  actual:   ${r.failure.actual}`);
    if (r.transcript.length > 0) {
      out('  transcript:');
      for (const line of excerpt(r.transcript)) out(`  ${line}`);
    }
    if (r.hint) out(`  hint: ${r.hint}`);
    out();
  };

  return {
    onRunStart(info: RunInfo) {
      const ports = Object.entries(info.target.ports).map(([s, p]) => `${s} ${p}`).join(', ');
      out(`netgrade: ${info.selected} check${info.selected === 1 ? "" : "s"} against ${info.target.host} (${ports})`);
      out();
    },
    onCaseEnd(r) {
      if (r.status === 'skipped') return;
      if (r.status === 'passed' && opts.showPassed === false) return;
      caseLine(r);
    },
    onRunEnd(result: RunResult) {
      const bad = result.cases.filter((c) => c.status === 'failed' || c.status === 'errored');
      if (bad.length > 0) {
        out();
        for (const r of bad) failureBlock(r);
      }
      const { passed, failed, errored, skipped, points, maxPoints, durationMs } = result.summary;
      for (const [message, n] of commonCauses(bad)) outRaw(paint(inert(`${n} checks failed with the same cause: ${message}`), "bold"));
      out();
      // The seed on the score line: a student who reports a failure can hand it on, and --seed repeats the run.
      out(`Score: ${points}/${maxPoints} points in ${durationMs} ms (seed ${result.seed}; --seed ${result.seed} repeats these payloads)`);
      if (errored > 0) out(`${errored} could not be tested (errored; counted as failed below)`);
      const tail = skipped > 0 ? `, ${skipped} skipped` : '';
      outRaw(`${passed} passed, ${failed + errored} failed${tail}`);
    },
  };
}
