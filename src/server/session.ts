// One run against a server netgrade starts itself: start it, wait until it
// listens, run the cases, stop it. What the server did (never listened,
// exited mid-run) becomes plain case failures and a `server` record in the result.
import { run, type RunOptions } from '../run/run.js';
import { summarize, type CaseResult, type RunResult, type ServerReport } from '../run/result.js';
import type { ServiceName } from '../spec/types.js';
import type { Limits } from './limits.js';
import { startProcess, type ServerProcess } from './process.js';
import { waitForPorts } from './ready.js';
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

function report(proc: ServerProcess, command: string, status: ServerReport['status'], extra: { message?: string; readyMs?: number } = {}): ServerReport {
  const exit = proc.exit();
  return { command, pid: proc.pid, status, ...extra, exitCode: exit?.code ?? null, signal: exit?.signal ?? null, stdoutTail: proc.stdout.text(), stderrTail: proc.stderr.text() };
}

/** Runs `opts` with onCaseEnd seeing each result through `provisional`, then replaces results by `final`. */
async function runRewriting(opts: RunOptions, provisional: (r: CaseResult) => CaseResult, final: (ended: Ended[]) => Map<CaseResult, CaseResult>): Promise<RunResult> {
  const ended: Ended[] = [];
  const result = await run({
    ...opts,
    onCaseEnd: (r) => {
      ended.push({ result: r, endedAt: Date.now() });
      opts.onCaseEnd?.(provisional(r));
    },
  });
  const rewrites = final(ended);
  if (rewrites.size === 0) return result;
  const cases = result.cases.map((c) => rewrites.get(c) ?? c);
  return { ...result, cases, summary: summarize(cases, result.summary.durationMs) };
}

export async function runWithServer(opts: SessionOptions): Promise<RunResult & { server: ServerReport }> {
  const { start } = opts;
  const proc = startProcess({ command: start.command, cwd: start.cwd, limits: start.limits, graceMs: start.graceMs });
  // Our own controller: aborted by the caller (Ctrl-C, a deadline) or by the server's exit.
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
  const wallSeconds = start.limits?.wallSeconds;
  try {
    const ready = await waitForPorts({ host: opts.run.host, ports: tested, timeoutMs: start.startTimeoutMs, exited: proc.exited, signal: ac.signal });
    if (!ready.ready) {
      await proc.stop();
      const failure = outer?.aborted ? undefined : { message: notStartedMessage({ ...ready, timeoutMs: start.startTimeoutMs, wallSeconds }), actual: stderrActual(proc.stderr.lastLines(STDERR_LINES)) };
      ac.abort();
      // The run still plans, skips and grades every case; with the server gone each selected one fails at once.
      const rewrite = (r: CaseResult) => (failure ? failWith(r, failure) : r);
      const result = await runRewriting({ ...opts.run, signal: ac.signal }, rewrite, (ended) => new Map(ended.map((e) => [e.result, rewrite(e.result)])));
      return { ...result, server: report(proc, start.command, failure ? 'did not start' : 'stopped', { message: failure?.message }) };
    }

    const crashed = () => proc.exit() !== undefined && !proc.stopping();
    void proc.exited.then(() => crashed() && ac.abort());
    let message: string | undefined;
    const result = await runRewriting(
      { ...opts.run, signal: ac.signal },
      // Until every case has ended the culprit is unknown: reporters see the exit, the final result names the case.
      (r) => (crashed() ? failWith(r, { message: exitSentence(proc.exit()!, wallSeconds), actual: stderrActual(proc.stderr.lastLines(STDERR_LINES)) }) : r),
      (ended) => {
        if (!crashed()) return new Map();
        const verdict = applyExit(ended, { exit: proc.exit()!, wallSeconds, stderrLines: proc.stderr.lastLines(STDERR_LINES) });
        message = verdict.summary;
        return verdict.rewrites;
      },
    );
    const status = crashed() ? 'crashed' : outer?.aborted ? 'stopped' : 'ran';
    await proc.stop();
    return { ...result, server: report(proc, start.command, status, { message, readyMs: ready.ms }) };
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    await proc.stop();
  }
}
