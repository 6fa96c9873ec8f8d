// Gradescope's autograder results (results.json): a test per case with its
// score, status, tags and the failure a student reads (what was sent, what came
// back, the hint). Format: gradescope-autograders.readthedocs.io, "Autograder
// Specifications", output format.
import type { CaseResult, RunResult } from '../model/result.js';
import { inert } from '../text/escape.js';
import { writeFileAtomic } from './files.js';
import type { Reporter } from './reporter.js';
import { hintFor } from './causes.js';
import { pairLines } from './diff.js';
import { excerptLines } from './transcript-text.js';

/** One test as Gradescope shows it. */
export interface GradescopeTest {
  name: string;
  /** Orders the tests on the page: spec number.case number. */
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  tags: string[];
  visibility: 'visible';
}

export interface GradescopeResults {
  score: number;
  /** Seconds. */
  execution_time: number;
  output: string;
  output_format: 'text';
  test_output_format: 'text';
  /** run_autograder's stdout may hold the server's own log: the instructor's to see. */
  stdout_visibility: 'hidden';
  tests: GradescopeTest[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The failure as Gradescope's test output: why, the exchange, expected and actual, the hint. */
export function gradescopeOutput(c: CaseResult): string {
  if (c.status === 'passed') return c.requirement;
  const f = c.failure;
  const lines = [c.requirement, ''];
  if (c.status === 'errored') lines.push(`netgrade could not test this case: ${f?.message ?? ''}`);
  else if (c.status === 'skipped') lines.push(`not run: ${f?.message ?? 'not selected'}`);
  else lines.push(`${f?.stepLabel ? `${f.stepLabel}: ` : ''}${f?.message ?? ''}`);
  // HTTP messages line by line, a long payload cut at its first difference, the hint that fits the cause.
  if (c.transcript.length > 0) lines.push('', 'What was sent and what came back:', ...excerptLines(c.transcript));
  if (f && (f.expected !== undefined || f.actual !== undefined) && c.status !== 'skipped')
    lines.push('', ...pairLines(f.expected, f.actual));
  const hint = hintFor(c);
  if (hint) lines.push('', `hint: ${hint}`);
  lines.push('', `(${c.location.file}:${c.location.line})`);
  return inert(lines.join('\n'));
}

/** The run-level output: the score line and, when netgrade started the server, how that went. */
function runOutput(result: RunResult): string {
  const { passed, failed, errored, points, maxPoints } = result.summary;
  const lines = [
    `netgrade: ${round2(points)}/${round2(maxPoints)} points; ${passed} passed, ${failed} failed` +
      `${errored ? `, ${errored} could not be tested` : ''}.`,
    `seed ${result.seed} (--seed ${result.seed} repeats these payloads)`,
  ];
  const server = result.server;
  if (server && server.status !== 'ran')
    lines.push(`Your server ${server.status}${server.message ? `: ${server.message}` : ''}`);
  if (server?.stderrTail) lines.push('', 'The last of its stderr:', server.stderrTail.slice(-4000));
  return inert(lines.join('\n'));
}

export function gradescopeResults(result: RunResult): GradescopeResults {
  const specIndex = new Map(result.specs.map((s, i) => [s.name, i + 1]));
  const counters = new Map<string, number>();
  // A case not selected and worth nothing is not part of the grade: leaving it out keeps the page to what counts.
  const graded = result.cases.filter((c) => c.status !== 'skipped' || c.maxPoints > 0);
  const tests = graded.map((c): GradescopeTest => {
    const n = (counters.get(c.spec) ?? 0) + 1;
    counters.set(c.spec, n);
    return {
      name: inert(`${c.id}: ${c.title}`),
      number: `${specIndex.get(c.spec) ?? 0}.${n}`,
      score: round2(c.points),
      max_score: round2(c.maxPoints),
      status: c.status === 'passed' ? 'passed' : 'failed',
      output: gradescopeOutput(c),
      tags: c.tags,
      visibility: 'visible',
    };
  });
  return {
    score: round2(result.summary.points),
    execution_time: Math.round(result.summary.durationMs / 1000),
    output: runOutput(result),
    output_format: 'text',
    test_output_format: 'text',
    stdout_visibility: 'hidden',
    tests,
  };
}

/** `--reporter gradescope=results.json`. */
export function gradescopeReporter(file: string): Reporter {
  return {
    onRunEnd(result) {
      writeFileAtomic(file, JSON.stringify(gradescopeResults(result), null, 2) + '\n');
    },
  };
}
