// One run against a server netgrade starts itself: start it, wait until it
// listens, run the cases, stop it. What the server did (never listened,
// crashed mid-run) reaches the cases through the scheduler's settling policy,
// never by rewriting results afterwards, and a `server` record in the result.
import { run, targetOf, type RunOptions } from '../run/run.js';
import { hookedRunners } from '../run/steps/index.js';
import type { RunResult } from '../model/result.js';
import type { ServerReport } from '../model/server-report.js';
import { composePolicies } from '../run/settle.js';
import type { Limits } from './limits.js';
import type { ReadyOutcome } from './ready.js';
import { RESTART_BUDGET, Supervisor } from './supervisor.js';
import { notStartedMessage, stderrActual } from './verdicts.js';

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

function report(
  sup: Supervisor,
  command: string,
  status: ServerReport['status'],
  extra: { message?: string; readyMs?: number } = {},
): ServerReport {
  const first = sup.procs[0];
  const exit = sup.crashes[0]?.exit ?? sup.proc.exit();
  // Every start's output, in order: the first crash's traceback is the one a student needs.
  const tail = (pick: (p: Supervisor['proc']) => string) =>
    sup.procs.map(pick).join('[netgrade restarted the server]\n');
  return {
    command,
    pid: first.pid,
    status,
    ...extra,
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    stdoutTail: tail((p) => p.stdout.text()),
    stderrTail: tail((p) => p.stderr.text()),
    restarts: { count: sup.restarts, budget: RESTART_BUDGET },
  };
}

/** The server never listened: every selected case fails with why, and its last stderr lines, without running. */
async function runNotStarted(
  opts: SessionOptions,
  sup: Supervisor,
  ready: Extract<ReadyOutcome, { ready: false }>,
): Promise<RunResult & { server: ServerReport }> {
  const { start } = opts;
  await sup.stopAll();
  const interrupted = opts.run.signal?.aborted;
  const why =
    notStartedMessage({
      ...ready,
      timeoutMs: start.startTimeoutMs,
      wallSeconds: start.limits?.wallSeconds,
      stderr: sup.proc.stderr.lastLines(STDERR_LINES),
    }) + (ready.diagnosis ? `; ${ready.diagnosis}` : '');
  const failure = interrupted
    ? undefined
    : { message: why, actual: stderrActual(sup.proc.stderr.lastLines(STDERR_LINES)) };
  const result = await run({
    ...opts.run,
    settle: composePolicies({ before: () => failure ?? 'run' }, opts.run.settle),
  });
  return {
    ...result,
    server: report(sup, start.command, failure ? 'did not start' : 'stopped', { message: failure?.message }),
  };
}

/** Starts the server, waits until it listens, runs, stops it; never leaves a process group behind. */
export async function runWithServer(opts: SessionOptions): Promise<RunResult & { server: ServerReport }> {
  const { start } = opts;
  const outer = opts.run.signal ?? new AbortController().signal;
  const tested = targetOf(opts.run.specs, opts.run.host, opts.run.ports).ports;
  const sup = new Supervisor({ ...start, host: opts.run.host, ports: tested, signal: outer });
  // Cases in flight then end at once (refused) instead of running out their deadlines.
  const onOuterAbort = () => void sup.stopAll();
  if (outer.aborted) onOuterAbort();
  outer.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const ready = await sup.waitReady();
    if (!ready.ready) return await runNotStarted(opts, sup, ready);
    // A server that died closes its sockets a moment before netgrade hears of its exit: a failed
    // step waits for that, so the crash is seen with the attempt that saw it die.
    const stepRunners = hookedRunners(() => sup.noticeExit(), opts.run.stepRunners);
    const result = await run({
      ...opts.run,
      signal: outer,
      stepRunners,
      settle: composePolicies(sup.policy(), opts.run.settle),
    });
    const status = sup.crashes.length > 0 ? 'crashed' : outer.aborted ? 'stopped' : 'ran';
    await sup.stopAll();
    return { ...result, server: report(sup, start.command, status, { message: sup.summary(), readyMs: ready.ms }) };
  } finally {
    outer.removeEventListener('abort', onOuterAbort);
    await sup.stopAll();
  }
}
