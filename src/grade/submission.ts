// Grading one submission: start its server on its own ports (or test the one
// that runs at its target), run the specs under a deadline for the whole
// submission, write its reports. Never throws: whatever happens becomes a row.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeReporter } from '../report/index.js';
import { Multiplexer, type ReporterEnv } from '../report/reporter.js';
import type { RunResult } from '../model/result.js';
import { run, type RunOptions } from '../run/run.js';
import type { SettlePolicy } from '../run/settle.js';
import type { ServiceName } from '../spec/types.js';
import { prepareStart } from '../server/prepare.js';
import type { Limits } from '../server/limits.js';
import { shellQuote } from '../server/ports.js';
import { runWithServer } from '../server/session.js';
import { failWith } from '../server/verdicts.js';
import { rowFromResult, type GradeRow, type SubmissionStatus } from './gradebook.js';
import type { Submission } from './roster.js';

export interface ClassOptions {
  /** Everything of a run but where the server is: specs, selection, profile, vars, timeouts. */
  run: Omit<RunOptions, 'host' | 'ports' | 'signal' | 'onCaseEnd' | 'onCaseStart'>;
  /** The --start template, for submissions that bring none. */
  start?: string;
  startTimeoutMs: number;
  limits: Limits;
  /** The most a whole submission may take, start to stop (ms). */
  submissionTimeoutMs: number;
  /** The class's output folder. */
  out: string;
  /** File reporters per student, by REPORTERS name, with their file names (json → report.json). */
  reporters: Array<{ name: string; file: string }>;
  env: ReporterEnv;
  signal: AbortSignal;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A folder name for a student id: ids come from students and must not reach outside --out. */
export function safeName(student: string): string {
  const s = student.replace(/[^\p{L}\p{N}._@-]/gu, '_');
  return /^\.*$/.test(s) ? `_${s}` : s;
}

async function writeReports(sub: Submission, result: RunResult, opts: ClassOptions): Promise<void> {
  const dir = path.join(opts.out, safeName(sub.student));
  const reporters = new Multiplexer(
    opts.reporters.map((r) =>
      makeReporter(`${r.name}=${path.join(dir, r.file)}`, { ...opts.env, subject: sub.student }),
    ),
    opts.env.stderr,
  );
  // File reporters written after the run: onRunEnd tells them everything (the run's hooks went by).
  await reporters.onRunEnd(result);
}

/** The submission's deadline as a settling policy: a case not passed whose attempt ended after it fails, saying so. */
function deadlinePolicy(deadlineAt: number, timeoutMs: number): SettlePolicy {
  const message = `the submission did not finish within ${seconds(timeoutMs)} (--submission-timeout)`;
  return { settle: (r, a) => (a.startedAt + r.durationMs >= deadlineAt ? failWith(r, { message }) : r) };
}

async function runSubmission(
  sub: Submission,
  opts: ClassOptions,
  signal: AbortSignal,
  settle: SettlePolicy,
): Promise<{ result: RunResult; status: SubmissionStatus; message?: string }> {
  const base = { ...opts.run, signal, settle };
  if (sub.target) {
    const ports = Object.fromEntries(opts.run.specs.map((s) => [s.service, sub.target!.port])) as Partial<
      Record<ServiceName, number>
    >;
    return { result: await run({ ...base, host: sub.target.host, ports }), status: 'graded' };
  }
  const template = sub.start ?? opts.start;
  const missing = !template
    ? 'no start command (give --start or a start column in the roster)'
    : sub.dir && !existsSync(sub.dir)
      ? `the folder ${sub.dir} does not exist`
      : undefined;
  const host = '127.0.0.1';
  const prepared = await prepareStart({
    template: template || 'false',
    specs: opts.run.specs,
    given: {},
    host,
    dir: sub.dir,
  });
  // A missing folder or command is still a run, so that the row has every case, failed with the reason.
  const command = missing ? `echo ${shellQuote(`netgrade: ${missing}`)} >&2; exit 127` : prepared.command;
  const result = await runWithServer({
    run: { ...base, host, ports: prepared.ports },
    start: { command, cwd: missing ? undefined : sub.dir, startTimeoutMs: opts.startTimeoutMs, limits: opts.limits },
  });
  const { status, message } = result.server;
  if (status === 'did not start') return { result, status, message: missing ?? message };
  if (status === 'crashed') return { result, status, message };
  return { result, status: 'graded' };
}

/** Grades one submission within its deadline and writes its reports; returns its gradebook row. */
export async function gradeSubmission(sub: Submission, opts: ClassOptions): Promise<GradeRow> {
  const started = Date.now();
  const ac = new AbortController();
  const onOuter = () => ac.abort();
  opts.signal.addEventListener('abort', onOuter, { once: true });
  const timer = setTimeout(() => ac.abort(), opts.submissionTimeoutMs);
  try {
    let { result, status, message } = await runSubmission(
      sub,
      opts,
      ac.signal,
      deadlinePolicy(started + opts.submissionTimeoutMs, opts.submissionTimeoutMs),
    );
    if (opts.signal.aborted) {
      status = 'interrupted';
    } else if (ac.signal.aborted) {
      status = 'timed out';
      message = `the submission did not finish within ${seconds(opts.submissionTimeoutMs)}`;
    }
    await writeReports(sub, result, opts);
    // The row's time is the whole submission's, starting and stopping its server included.
    return { ...rowFromResult(sub.student, result, status, message), durationMs: Date.now() - started };
  } catch (err) {
    const message = `netgrade could not grade this submission: ${(err as Error)?.message ?? String(err)}`;
    return {
      student: sub.student,
      status: 'error',
      points: 0,
      maxPoints: 0,
      specs: {},
      failed: [],
      message,
      durationMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onOuter);
  }
}
