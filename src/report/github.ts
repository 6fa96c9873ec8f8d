// GitHub Actions: an annotation per failed case pointing at the case in its
// spec, a Markdown job summary, the step outputs (points, max-points and the
// `result` GitHub Classroom's grading reporter reads), and the plain notices.
import { appendFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CaseResult, CaseStatus, RunResult } from '../model/result.js';
import { inert } from '../text/escape.js';
import type { Reporter, ReporterEnv } from './reporter.js';
import { hintFor } from './causes.js';
import { isMultiLine, pairLines } from './diff.js';
import { STATUS_WORDS } from './status.js';
import { bannerOf, type Banner } from './story.js';

/** GitHub keeps at most 1 MiB of summary per step; stay a little under it. */
export const SUMMARY_LIMIT = 1024 * 1024 - 1024;
/** Longest expected/actual shown in the summary, in characters. */
const FIELD_LIMIT = 4096;
/** Longest expected/actual in an annotation, in characters. */
const ANNOTATION_FIELD_LIMIT = 1024;
/** Lines of the server's stderr in the banner's annotation (the job summary has more). */
const ANNOTATION_STDERR_LINES = 8;
/** GitHub shows at most 10 error annotations per step; more would only fill the log. */
export const ANNOTATION_LIMIT = 10;

/** How each outcome reads in the job summary. */
export const SUMMARY_MARK: Record<CaseStatus, string> = { passed: '✅', failed: '❌', errored: '⚠️', skipped: '⏭️' };

// ---- workflow commands ------------------------------------------------------

// As @actions/core escapes them (packages/core/src/command.ts): a message may
// hold any text, a property additionally no `:` or `,`.
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One workflow command line: `::name k=v,k=v::message`. */
export function workflowCommand(name: string, props: Record<string, string | number>, message: string): string {
  const list = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${name}${list.length > 0 ? ` ${list.join(',')}` : ''}::${escapeData(message)}`;
}

/** At most `max` characters, never splitting a surrogate pair, saying how much was cut. */
function cut(s: string, max = FIELD_LIMIT): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return `${s.slice(0, end)}… (${s.length - end} more characters; the JUnit and JSON reports have them all)`;
}

/**
 * Where an annotation lands: the spec's path relative to GITHUB_WORKSPACE (the
 * checkout, which is what GitHub resolves `file=` against), or none when the
 * spec is outside it (a built-in in node_modules or a global install): a path
 * there could land on a student's own file of the same name.
 */
export function annotationFile(specPath: string | undefined, workspace: string | undefined): string | undefined {
  if (!specPath || !workspace) return undefined;
  const rel = path.relative(path.resolve(workspace), path.resolve(specPath));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** The annotation of a failed or errored case: at the case in its spec file when `file` is given, else on the run. */
export function annotation(r: CaseResult, file?: string): string {
  const f = r.failure;
  const why = `${f?.stepLabel ? `${f.stepLabel}: ` : ''}${f?.message ?? ''}`;
  const lines = [r.requirement, r.status === 'errored' ? `netgrade could not test this case: ${why}` : why];
  if (f?.expected !== undefined) lines.push(`expected: ${cut(f.expected, ANNOTATION_FIELD_LIMIT)}`);
  if (f?.actual !== undefined) lines.push(`actual:   ${cut(f.actual, ANNOTATION_FIELD_LIMIT)}`);
  if (r.hint) lines.push(`hint: ${r.hint}`);
  const { line, col } = r.location;
  const title = `${STATUS_WORDS[r.status].word} ${r.id}: ${r.title}`;
  if (file !== undefined)
    return workflowCommand('error', { file: inert(file), line, col, title: inert(title) }, inert(lines.join('\n')));
  // No file to point at: the message says where the case is.
  lines.push(`spec: ${r.location.file}:${line}:${col}`);
  return workflowCommand('error', { title: inert(title) }, inert(lines.join('\n')));
}

// ---- step outputs: GitHub Classroom ----------------------------------------

/** A case as Classroom's grading reporter reads it (education/autograding-grading-reporter). */
export interface ClassroomTest {
  name: string;
  status: 'pass' | 'fail' | 'error';
  message: string;
  line_no: number;
  /** As classroom-resources' command grader writes it: seconds with an `s`. */
  execution_time: string;
  score: number;
}

/** One runner's result: the reporter sums `score` over `tests` and `max_score` over runners. */
export interface ClassroomResult {
  version: 1;
  status: 'pass' | 'fail' | 'error';
  max_score: number;
  tests: ClassroomTest[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The failure as plain text: message, expected, actual, hint. */
export function failureText(r: CaseResult, limit = ANNOTATION_FIELD_LIMIT): string {
  const f = r.failure;
  if (!f) return '';
  const lines = [`${f.stepLabel ? `${f.stepLabel}: ` : ''}${f.message}`];
  if (f.expected !== undefined) lines.push(`expected: ${cut(f.expected, limit)}`);
  if (f.actual !== undefined) lines.push(`actual:   ${cut(f.actual, limit)}`);
  if (r.hint) lines.push(`hint: ${r.hint}`);
  return inert(lines.join('\n'));
}

const CLASSROOM_STATUS: Record<CaseStatus, ClassroomTest['status']> = {
  passed: 'pass',
  failed: 'fail',
  errored: 'error',
  skipped: 'fail',
};

/**
 * The workflow hands `result` to the grading reporter in an environment variable,
 * which Linux caps at 128 KiB: messages are cut to fit (the other reports have them whole).
 */
const RESULT_LIMIT = 96 * 1024;

/** The run as a Classroom runner result; a case skipped with points at stake scores 0 and counts as failed. */
export function classroomResult(result: RunResult, messageLimit = 600): ClassroomResult {
  const graded = result.cases.filter((c) => c.status !== 'skipped' || c.maxPoints > 0);
  const tests = graded.map((c) => ({
    name: `${c.id}: ${c.title}`,
    status: CLASSROOM_STATUS[c.status],
    message: cut(
      c.status === 'passed' ? c.requirement : failureText(c, 200) || (c.failure?.message ?? 'not run'),
      messageLimit,
    ),
    line_no: c.location.line,
    execution_time: `${(c.durationMs / 1000).toFixed(3)}s`,
    score: round2(c.points),
  }));
  const status = tests.some((t) => t.status === 'fail')
    ? 'fail'
    : tests.some((t) => t.status === 'error')
      ? 'error'
      : 'pass';
  return { version: 1, status, max_score: round2(result.summary.maxPoints), tests };
}

/** `points`, `max-points` and `result` (base64 JSON) as lines for $GITHUB_OUTPUT. */
export function outputLines(result: RunResult): string {
  const { points, maxPoints } = result.summary;
  const encode = (limit: number) =>
    Buffer.from(JSON.stringify(classroomResult(result, limit)), 'utf8').toString('base64');
  let encoded = encode(600);
  for (let limit = 200; encoded.length > RESULT_LIMIT && limit >= 25; limit = Math.floor(limit / 2))
    encoded = encode(limit);
  return `points=${round2(points)}\nmax-points=${round2(maxPoints)}\nresult=${encoded}\n`;
}

/** The notices GitHub Classroom's autograding reads the score from. */
export function classroomLines(points: number, maxPoints: number): string[] {
  return [
    workflowCommand('notice', { title: 'Autograding complete' }, `Points ${points}/${maxPoints}`),
    workflowCommand('notice', { title: 'Autograding report' }, JSON.stringify({ totalPoints: points, maxPoints })),
  ];
}

// ---- job summary ------------------------------------------------------------

/** Text as Markdown that shows it literally: server bytes are data, never markup or HTML. */
export function mdText(s: string): string {
  return inert(s)
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '<br>');
}

/** A fenced code block whose fence is longer than any run of backticks inside, so nothing can close it early. */
export function codeBlock(body: string): string {
  const text = inert(body);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}\n`;
}

function failureSection(r: CaseResult): string {
  const f = r.failure;
  const { file, line, col } = r.location;
  const out = [
    `#### ${SUMMARY_MARK[r.status]} ${mdText(r.id)}: ${mdText(r.title)}`,
    '',
    `${mdText(`${file}:${line}:${col}`)} · ${mdText(r.requirement)}`,
    '',
  ];
  const why = `${f?.stepLabel ? `${f.stepLabel}: ` : ''}${f?.message ?? ''}`;
  out.push(`**${r.status === 'errored' ? 'netgrade could not test this case' : 'Failed'}:** ${mdText(why)}`, '');
  // An HTTP message reads line by line; any other payload as before, cut at FIELD_LIMIT.
  const multi = isMultiLine(f?.expected) || isMultiLine(f?.actual);
  const shown =
    f && multi
      ? pairLines(f.expected, f.actual)
      : [
          f?.expected !== undefined ? `expected: ${cut(f.expected)}` : '',
          f?.actual !== undefined ? `actual:   ${cut(f.actual)}` : '',
        ].filter(Boolean);
  if (shown.length > 0) out.push(codeBlock(shown.join('\n')));
  const hint = hintFor(r);
  if (hint) out.push(`> **Hint:** ${mdText(hint)}`, '');
  return out.join('\n') + '\n';
}

/** The server itself was the problem: said once, first, with the tail of its output. */
function bannerMarkdown(b: Banner): string {
  const out = [`> [!CAUTION]`, `> **${mdText(b.title)}:** ${mdText(b.cause)}`];
  if (b.command) out.push(`> command: \`${b.command.replace(/`/g, "'")}\``);
  if (b.advice) out.push(`> ${mdText(b.advice)}`);
  if (b.decided.length > 0)
    out.push(
      `> ${b.decided.length} checks could not pass because of this: ${b.decided.map((c) => mdText(c.id)).join(', ')}`,
    );
  out.push('');
  if (b.stderr && b.stderr.length > 0)
    out.push(`Last ${b.stderr.length} lines of its ${b.stream ?? 'stderr'}:`, '', codeBlock(b.stderr.join('\n')));
  return out.join('\n') + '\n';
}

interface Chunk {
  text: string;
  kind: 'head' | 'row' | 'failure';
}

function summaryChunks(result: RunResult): Chunk[] {
  const { passed, failed, errored, skipped, points, maxPoints } = result.summary;
  const counts = [
    `${passed} passed`,
    `${failed} failed`,
    errored > 0 ? `${errored} could not be tested` : '',
    skipped > 0 ? `${skipped} skipped` : '',
  ].filter(Boolean);
  const seed = `seed ${result.seed} (\`--seed ${result.seed}\` repeats these payloads)`;
  const chunks: Chunk[] = [
    { kind: 'head', text: `## netgrade: ${points}/${maxPoints} points\n\n${counts.join(', ')}; ${seed}\n\n` },
  ];
  const banner = bannerOf(result);
  if (banner) chunks.push({ kind: 'head', text: bannerMarkdown(banner) });
  for (const spec of result.specs) {
    const cases = result.cases.filter((c) => c.spec === spec.name);
    chunks.push({
      kind: 'head',
      text: `### ${mdText(spec.name)}: ${mdText(spec.title)}\n\n| | Case | Title | Points |\n|---|---|---|---|\n`,
    });
    for (const c of cases)
      chunks.push({
        kind: 'row',
        text: `| ${SUMMARY_MARK[c.status]} | ${mdText(c.id)} | ${mdText(c.title)} | ${c.points}/${c.maxPoints} |\n`,
      });
    chunks.push({ kind: 'head', text: '\n' });
  }
  const decided = new Set(banner?.decided ?? []);
  const bad = result.cases.filter((c) => (c.status === 'failed' || c.status === 'errored') && !decided.has(c));
  if (bad.length > 0) chunks.push({ kind: 'head', text: '### Failures\n\n' });
  for (const c of bad) chunks.push({ kind: 'failure', text: failureSection(c) + '\n' });
  return chunks;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The summary in at most `budget` bytes: whole parts in order, then a note of what was left out. */
export function jobSummary(result: RunResult, budget = SUMMARY_LIMIT): string {
  const chunks = summaryChunks(result);
  const whole = chunks.map((c) => c.text).join('');
  if (bytes(whole) <= budget) return whole;
  const reserve = 400; // room for the note
  if (budget < reserve) return '';
  let out = '';
  let size = 0;
  let i = 0;
  for (; i < chunks.length; i++) {
    const n = bytes(chunks[i].text);
    if (size + n > budget - reserve) break;
    out += chunks[i].text;
    size += n;
  }
  const rest = chunks.slice(i);
  const rows = rest.filter((c) => c.kind === 'row').length;
  const failures = rest.filter((c) => c.kind === 'failure').length;
  return (
    `${out}\n\n> **Summary cut short:** a job summary holds at most 1 MiB; ` +
    `${rows} table rows and ${failures} failure details are left out. ` +
    'The JUnit and JSON reports have every case.\n'
  );
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The banner as one error annotation: the cause, the last lines of stderr, the checks it decided. */
export function bannerAnnotation(b: Banner): string {
  const lines = [b.cause];
  if (b.command) lines.push(`command: ${b.command}`);
  if (b.stderr && b.stderr.length > 0)
    lines.push(`last lines of its ${b.stream ?? 'stderr'}:`, ...b.stderr.slice(-ANNOTATION_STDERR_LINES));
  if (b.advice) lines.push(b.advice);
  if (b.decided.length > 0)
    lines.push(`${b.decided.length} checks could not pass because of this: ${b.decided.map((c) => c.id).join(', ')}`);
  return workflowCommand('error', { title: inert(`netgrade: ${b.title}`) }, inert(lines.join('\n')));
}

/** `--reporter github`: on by default when GITHUB_ACTIONS=true. */
export function githubReporter(env: ReporterEnv): Reporter {
  return {
    onRunEnd(result) {
      // The server itself was the problem: one annotation says so, and the cases it decided get none of their own.
      const banner = bannerOf(result);
      if (banner) env.stdout.write(bannerAnnotation(banner) + '\n');
      const decided = new Set(banner?.decided ?? []);
      const bad = result.cases.filter((c) => (c.status === 'failed' || c.status === 'errored') && !decided.has(c));
      const specPaths = new Map(result.specs.map((s) => [s.name, s.path]));
      const workspace = env.env.GITHUB_WORKSPACE || env.cwd;
      for (const c of bad.slice(0, ANNOTATION_LIMIT))
        env.stdout.write(annotation(c, annotationFile(specPaths.get(c.spec), workspace)) + '\n');
      if (bad.length > ANNOTATION_LIMIT) {
        const more =
          `${bad.length - ANNOTATION_LIMIT} more cases failed; ` +
          `GitHub shows ${ANNOTATION_LIMIT} annotations per step: the job summary and the reports list them all`;
        env.stdout.write(workflowCommand('notice', { title: 'netgrade' }, more) + '\n');
      }
      const file = env.env.GITHUB_STEP_SUMMARY;
      if (file) {
        // Other tools in this step may have written to the file already: their bytes count too.
        const budget = SUMMARY_LIMIT - fileSize(file);
        if (budget > 0) appendFileSync(file, jobSummary(result, budget));
      }
      // A plain `run:` step and the action both expose these as step outputs.
      if (env.env.GITHUB_OUTPUT) appendFileSync(env.env.GITHUB_OUTPUT, outputLines(result));
      const { points, maxPoints } = result.summary;
      for (const line of classroomLines(points, maxPoints)) env.stdout.write(line + '\n');
    },
  };
}
