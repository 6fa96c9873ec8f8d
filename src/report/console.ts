// The human reporter, one story per run: the banner when the server itself is
// the problem, the specs in spec order with the cases that need work, each
// failure once (grouped when one cause explains several), then the score,
// what earns points and what was skipped and why.
import { inert } from '../text/escape.js';
import type { CaseResult, RunInfo, RunResult } from '../model/result.js';
import { groupByCause, hintFor, type CauseGroup } from './causes.js';
import { pairLines } from './diff.js';
import type { Reporter, ReporterEnv } from './reporter.js';
import { sourceText } from './source.js';
import { STATUS_WORDS } from './status.js';
import { bannerOf, scoreLine, skippedLine, skipReason, specGroups, type Banner } from './story.js';
import { excerptLines } from './transcript-text.js';

const CODES = { green: 32, red: 31, yellow: 33, gray: 90, bold: 1, dim: 2 } as const;
type Style = keyof typeof CODES;

export interface ConsoleOptions {
  /** Colour output; default: on a TTY, unless NO_COLOR is set (FORCE_COLOR forces it). */
  color?: boolean;
  /** Every case under its spec, with the transcripts of passing cases too. */
  verbose?: boolean;
  /** A one-line status rewritten in place while cases run; default: on a TTY. */
  progress?: boolean;
}

function useColor(env: ReporterEnv): boolean {
  if (env.env.NO_COLOR) return false;
  if (env.env.FORCE_COLOR && env.env.FORCE_COLOR !== '0') return true;
  return Boolean(env.stdout.isTTY);
}

/** Units of data shown per transcript line in the console. */
const TRANSCRIPT_DATA = 100;

const bad = (c: CaseResult) => c.status === 'failed' || c.status === 'errored';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A GitHub Actions runner takes any stdout line whose trimmed start is `::` as a workflow
 * command, so server bytes could forge a "Points 10/10" notice: the first ':' is shown escaped.
 */
function unCommand(text: string): string {
  return text.replace(/^([^\S\n]*):(?=:)/gm, '$1\\x3a');
}

/** The console reporter; see the file comment. */
export function consoleReporter(env: ReporterEnv, opts: ConsoleOptions = {}): Reporter {
  const color = opts.color ?? useColor(env);
  const progress = opts.progress ?? Boolean(env.stdout.isTTY);
  const paint = (s: string, style: Style) => (color ? `\x1b[${CODES[style]}m${s}\x1b[0m` : s);
  // Every string passes through inert(): server bytes were escaped already, but a spec or
  // an error message must not be able to put a control sequence on the terminal either.
  const out = (line = '', style?: Style) => {
    const text = unCommand(inert(line));
    env.stdout.write((style ? paint(text, style) : text) + '\n');
  };
  const raw = (line: string) => env.stdout.write(line + '\n');
  let selected = 0;
  let stderrShown = '';
  let done = 0;
  let failing = 0;

  const mark = (r: CaseResult) => paint(STATUS_WORDS[r.status].mark, STATUS_WORDS[r.status].color);
  const idList = (cases: CaseResult[]) => cases.map((c) => c.id).join(', ');

  const bannerBlock = (b: Banner) => {
    raw(`${paint('✗', 'red')} ${paint(inert(b.title), 'bold')}`);
    out(`  ${b.cause}`);
    if (b.command) out(`  command: ${b.command}`);
    if (b.stderr && b.stderr.length > 0) {
      out(
        `  ${b.stream ?? 'stderr'} (last ${plural(b.stderr.length, 'line')}` +
          `${b.stderrOmitted ? ` of ${b.stderr.length + b.stderrOmitted}` : ''}):`,
      );
      for (const l of b.stderr) out(`  │ ${l}`);
    } else if (b.kind !== 'not listening') out('  stderr: (nothing)');
    if (b.advice) out(`  ${b.advice}`);
    out();
  };

  const failureBlock = (r: CaseResult, group?: CauseGroup) => {
    const s = STATUS_WORDS[r.status];
    const loc = `${r.location.file}:${r.location.line}:${r.location.col}`;
    raw(
      `${paint(s.word, s.color)}  ${paint(inert(r.id), 'bold')}  ` +
        `${inert(r.title)}  ${paint(inert(`(${loc})`), 'gray')}`,
    );
    out(`  requirement: ${r.requirement}`);
    const source = sourceText(r.source, env.cwd);
    if (source) out(`  see: ${source}`, 'gray');
    if (r.failure) out(`  ${r.failure.stepLabel ? `${r.failure.stepLabel}: ` : ''}${r.failure.message}`);
    // The server's stderr is in the banner already: a failure whose actual is that output points there.
    const shownAbove = r.failure?.actual !== undefined && stderrShown !== '' && stderrShown.includes(r.failure.actual);
    if (r.failure)
      for (const l of pairLines(
        r.failure.expected,
        shownAbove ? "(the server's stderr, shown above)" : r.failure.actual,
      ))
        out(`  ${l}`);
    if (r.transcript.length > 0) {
      out('  transcript:');
      // A terminal line, not the whole payload: the diff above shows where it differs, the JSON has every byte.
      for (const line of excerptLines(r.transcript, 24, TRANSCRIPT_DATA)) out(`  ${line}`);
    }
    const hint = group ? undefined : hintFor(r);
    if (hint) out(`  hint: ${hint}`);
    out();
  };

  const groupBlock = (g: CauseGroup) => {
    out(`${plural(g.cases.length, 'check')} fail for one reason: ${g.cause.headline}`, 'bold');
    if (g.cause.hint) out(`  fix: ${g.cause.hint}`);
    out(`  ${idList(g.cases)}`);
    out();
  };

  const passedBlock = (r: CaseResult) => {
    for (const line of excerptLines(r.transcript, 24, TRANSCRIPT_DATA)) out(`      ${line}`, 'gray');
  };

  return {
    onRunStart(info: RunInfo) {
      selected = info.selected;
      const ports = Object.entries(info.target.ports)
        .map(([s, p]) => `${s} ${p}`)
        .join(', ');
      out(`netgrade: ${plural(info.selected, 'check')} against ${info.target.host} (${ports})`);
      out();
    },
    onCaseEnd(r) {
      if (!progress || r.status === 'skipped') return;
      done++;
      if (bad(r)) failing++;
      // A status line rewritten in place: the story itself waits for the run's end, in spec order.
      env.stdout.write(
        `\r\x1b[2K${inert(`running ${done}/${selected}${failing ? `, ${failing} failing` : ''}: ${r.id}`)}`,
      );
    },
    onRunEnd(result: RunResult) {
      if (progress && done > 0) env.stdout.write('\r\x1b[2K');
      const banner = bannerOf(result);
      const decided = new Set(banner?.decided ?? []);
      if (banner) bannerBlock(banner);
      stderrShown = banner?.stderr?.join('\n') ?? '';

      for (const { spec, cases } of specGroups(result)) {
        const ran = cases.filter((c) => c.status !== 'skipped');
        const passed = ran.filter((c) => c.status === 'passed').length;
        const points = cases.reduce((n, c) => n + c.points, 0);
        const max = cases.reduce((n, c) => n + c.maxPoints, 0);
        const ok = ran.every((c) => c.status === 'passed');
        const head =
          `${spec.name}  ${spec.title}  ${passed}/${ran.length} passed` +
          `${max > 0 ? `, ${points}/${max} points` : ''}`;
        if (ran.length === 0) raw(paint(inert(`- ${spec.name}  ${spec.title}  not run`), 'gray'));
        else raw(`${paint(ok ? '✓' : '✗', ok ? 'green' : 'red')} ${paint(inert(head), ok ? 'green' : 'bold')}`);
        const shown = cases.filter((c) => (opts.verbose ? true : bad(c)) && !decided.has(c));
        for (const c of shown) {
          const extra =
            c.status === 'skipped' ? `  (${skipReason(c)})` : c.status === 'passed' ? ` (${c.durationMs} ms)` : '';
          raw(`    ${mark(c)} ${inert(c.id)}  ${inert(c.title)}${paint(inert(extra), 'gray')}`);
          if (opts.verbose && c.status === 'passed') passedBlock(c);
        }
        const byBanner = cases.filter((c) => decided.has(c));
        if (byBanner.length > 0)
          raw(
            `    ${paint('✗', 'red')} ${inert(`${byBanner.length} not passed (${banner!.kind}): ${idList(byBanner)}`)}`,
          );
      }
      out();

      const rest = result.cases.filter((c) => bad(c) && !decided.has(c));
      const { groups, alone } = groupByCause(rest);
      for (const g of groups) groupBlock(g);
      // A grouped case still shows its first example in full: the exchange is the evidence.
      const examples = new Set(groups.map((g) => g.cases[0]));
      for (const r of rest.filter((c) => alone.includes(c) || examples.has(c)))
        failureBlock(
          r,
          groups.find((g) => g.cases[0] === r),
        );

      const { passed, failed, errored, durationMs } = result.summary;
      out(`${scoreLine(result)} in ${durationMs} ms`);
      // The seed on a line of its own: a student who reports a failure can hand it on, and --seed repeats the run.
      if (result.seed !== undefined) out(`seed ${result.seed} (--seed ${result.seed} repeats these payloads)`);
      if (errored > 0) out(`${errored} could not be tested (errored; counted as failed below)`);
      const skipped = skippedLine(result);
      raw(`${passed} passed, ${failed + errored} failed${skipped ? `, ${inert(skipped)}` : ''}`);
    },
  };
}
