// One run against a server netgrade starts itself: start it, wait until it
// listens, run the cases, stop it. What the server did (never listened,
// exited mid-run) becomes plain case failures and a `server` record in the result.
import type { StepRunner } from '../run/case.js';
import { httpStepRunner } from '../run/http.js';
import { run, type RunOptions } from '../run/run.js';
import { runSocketStep } from '../run/socket.js';
import { summarize, type CaseResult, type RunResult, type ServerReport } from '../run/result.js';
import type { ServiceName } from '../spec/types.js';
import type { Limits } from './limits.js';
import { startProcess, type ServerProcess } from './process.js';
import { waitForPorts, type ReadyOutcome } from './ready.js';
import { applyExit, exitSentence, failWith, notStartedMessage, stderrActual, type Ended } from './verdicts.js';

export interface StartOptions {
  /** The start command with its placeholders filled (run with sh -c). */
  command: string;
  cwd?: string;
  /** How long the server has to listen on every port (ms). */
  startTimeoutMs: number;
  limits?: Limits;
  /** SIGTERM → SIGKILL grace when stopping (ms). */
  graceMs?: number;
}

export interface SessionOptions {
  /** The run; `ports` must hold the ports the command was given. */
  run: RunOptions;
  start: StartOptions;
}

const STDERR_LINES = 10;
/** How long a failed step waits for the server's exit to be noticed (ms). */
const EXIT_NOTICE_MS = 30;

/**
 * The step runners, each made to wait briefly after a failed step: a server
 * that died closes its sockets a moment before netgrade hears of its exit,
 * and in that moment the scheduler would otherwise retry the case against a
 * dead server and lose the transcript that shows what killed it.
 */
function noticingExit(runners: RunOptions['stepRunners'], proc: ServerProcess): Record<ServiceName, StepRunner> {
  const base: Record<ServiceName, StepRunner> = { udp: runSocketStep, tcp: runSocketStep, http: httpStepRunner, ...runners };
  const wrap = (runner: StepRunner): StepRunner => async (ctx, step) => {
    try {
      await runner(ctx, step);
    } catch (err) {
      if (!proc.exit()) await Promise.race([proc.exited, new Promise((r) => setTimeout(r, EXIT_NOTICE_MS))]);
      throw err;
    }
  };
  return { udp: wrap(base.udp), tcp: wrap(base.tcp), http: wrap(base.http) };
}

function report(proc: ServerProcess, command: string, status: ServerReport['status'], extra: { message?: string; readyMs?: number } = {}): ServerReport {
  const exit = proc.exit();
  return { command, pid: proc.pid, status, ...extra, exitCode: exit?.code ?? null, signal: exit?.signal ?? null, stdoutTail: proc.stdout.text(), stderrTail: proc.stderr.text() };
}

const caseKey = (c: { spec: string; id: string }) => `${c.spec}\0${c.id}`;

/** Runs `opts` with onCaseEnd seeing each result through `provisional`, then replaces results by `final`. */
async function runRewriting(opts: RunOptions, provisional: (r: CaseResult) => CaseResult, final: (ended: Ended[]) => Map<CaseResult, CaseResult>): Promise<RunResult> {
  const ended: Ended[] = [];
  const startedAt = new Map<string, number>();
  const result = await run({
    ...opts,
    onCaseStart: (c) => {
      startedAt.set(caseKey(c), Date.now());
      opts.onCaseStart?.(c);
    },
    onCaseEnd: (r) => {
      // A case failed without an attempt (its service was silent) is placed where it was settled.
      ended.push({ result: r, startedAt: startedAt.get(caseKey(r)) ?? Date.now() - r.durationMs });
      opts.onCaseEnd?.(provisional(r));
    },
  });
  const rewrites = final(ended);
  if (rewrites.size === 0) return result;
  const cases = result.cases.map((c) => rewrites.get(c) ?? c);
  return { ...result, cases, summary: summarize(cases, result.summary.durationMs) };
}

interface Started {
  opts: SessionOptions;
  proc: ServerProcess;
  /** Aborts the run: the caller's signal or the server's exit. */
  ac: AbortController;
}

/** The server never listened: every selected case fails with why, and its last stderr lines. */
async function runNotStarted({ opts, proc, ac }: Started, ready: Extract<ReadyOutcome, { ready: false }>): Promise<RunResult & { server: ServerReport }> {
  const { start } = opts;
  await proc.stop();
  const interrupted = opts.run.signal?.aborted;
  const why = notStartedMessage({ ...ready, timeoutMs: start.startTimeoutMs, wallSeconds: start.limits?.wallSeconds }) + (ready.diagnosis ? `; ${ready.diagnosis}` : '');
  const failure = interrupted ? undefined : { message: why, actual: stderrActual(proc.stderr.lastLines(STDERR_LINES)) };
  ac.abort();
  // The run still plans, skips and grades every case; with the server gone each selected one fails at once.
  const rewrite = (r: CaseResult) => (failure ? failWith(r, failure) : r);
  const result = await runRewriting({ ...opts.run, signal: ac.signal }, rewrite, (ended) => new Map(ended.map((e) => [e.result, rewrite(e.result)])));
  return { ...result, server: report(proc, start.command, failure ? 'did not start' : 'stopped', { message: failure?.message }) };
}

/** The server listens: run, and if it exits before the end, stop the run and say where it died. */
async function runListening({ opts, proc, ac }: Started, readyMs: number): Promise<RunResult & { server: ServerReport }> {
  const wallSeconds = opts.start.limits?.wallSeconds;
  const crashed = () => proc.exit() !== undefined && !proc.stopping();
  void proc.exited.then(() => crashed() && ac.abort());
  const stderrLines = () => proc.stderr.lastLines(STDERR_LINES);
  let message: string | undefined;
  const result = await runRewriting(
    { ...opts.run, signal: ac.signal, stepRunners: noticingExit(opts.run.stepRunners, proc) },
    // Until every case has ended the culprit is unknown: reporters see the exit, the final result names the case.
    (r) => (crashed() ? failWith(r, { message: exitSentence(proc.exit()!, wallSeconds), actual: stderrActual(stderrLines()) }) : r),
    (ended) => {
      if (!crashed()) return new Map();
      const verdict = applyExit(ended, { exit: proc.exit()!, wallSeconds, stderrLines: stderrLines() });
      message = verdict.summary;
      return verdict.rewrites;
    },
  );
  const status = crashed() ? 'crashed' : opts.run.signal?.aborted ? 'stopped' : 'ran';
  await proc.stop();
  return { ...result, server: report(proc, opts.start.command, status, { message, readyMs }) };
}

/** Starts the server, waits until it listens, runs, stops it; never leaves its process group behind. */
export async function runWithServer(opts: SessionOptions): Promise<RunResult & { server: ServerReport }> {
  const { start } = opts;
  const proc = startProcess({ command: start.command, cwd: start.cwd, limits: start.limits, graceMs: start.graceMs });
  const ac = new AbortController();
  const outer = opts.run.signal;
  const onOuterAbort = () => {
    ac.abort();
    // Cases in flight then end at once (refused) instead of running out their deadlines.
    void proc.stop();
  };
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const tested = Object.fromEntries(opts.run.specs.map((s) => [s.service, opts.run.ports?.[s.service] ?? s.port])) as Partial<Record<ServiceName, number>>;
  try {
    const ready = await waitForPorts({ host: opts.run.host, ports: tested, timeoutMs: start.startTimeoutMs, exited: proc.exited, signal: ac.signal, pgid: proc.pid });
    return ready.ready ? await runListening({ opts, proc, ac }, ready.ms) : await runNotStarted({ opts, proc, ac }, ready);
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    await proc.stop();
  }
}
