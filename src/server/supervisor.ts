// A started server under watch, as a settling policy for the scheduler: when
// it dies, the cases that were in flight run again alone on a restarted
// server, so a crash never decides a grade by timing (README "How a verdict
// is reached"). Restarts are few and counted; the report states them.
import type { CaseResult, Failure } from '../model/result.js';
import type { Attempt, Before, SettlePolicy, Settled } from '../run/settle.js';
import type { ServiceName } from '../spec/types.js';
import type { Limits } from './limits.js';
import { startProcess, type ServerExit, type ServerProcess } from './process.js';
import { waitForPorts, type ReadyOutcome } from './ready.js';
import { exitSentence, failWith, notStartedMessage, stderrActual } from './verdicts.js';

/** How many times netgrade restarts a server that crashed, in one run. */
export const RESTART_BUDGET = 3;
const STDERR_LINES = 10;
/** How long a failed step waits for the server's exit to be noticed (ms). */
export const EXIT_NOTICE_MS = 30;
/**
 * How long a result that saw a connection refused, reset or cut waits for the server's exit
 * before it settles (ms): a dying server closes its sockets before netgrade hears of its exit,
 * and on a loaded machine that can take far longer than a step's short wait.
 */
const DEATH_NOTICE_MS = 300;
const CONNECTION_LOST = new Set(['REFUSED', 'RESET', 'INCOMPLETE']);

export interface SupervisorOptions {
  command: string;
  cwd?: string;
  limits?: Limits;
  graceMs?: number;
  host: string;
  ports: Partial<Record<ServiceName, number>>;
  startTimeoutMs: number;
  signal: AbortSignal;
}

/** One crash: how the server ended, its last stderr lines, and the case it died in when known. */
export interface Crash {
  exit: ServerExit;
  stderr: string[];
  during?: string;
}

export class Supervisor {
  /** Every process started, the first one first. */
  readonly procs: ServerProcess[] = [];
  readonly crashes: Crash[] = [];
  restarts = 0;
  /** Set when a restart did not listen: no more attempts. */
  private gaveUp?: Failure;
  /** Attempts run on the current process since it started. */
  private served = 0;
  /**
   * The current process was alive up to this time (Date.now()): results that ended before
   * need not wait for its exit.
   */
  private aliveUntil = 0;
  /** Whether each recovery attempt ran on a server that had served nothing before it. */
  private readonly fresh = new WeakMap<Attempt, { proc: ServerProcess; fresh: boolean }>();

  constructor(private readonly opts: SupervisorOptions) {
    this.spawn();
  }

  get proc(): ServerProcess {
    return this.procs[this.procs.length - 1];
  }

  /** The current process exited by itself (not stopped by netgrade). */
  dead(): boolean {
    return this.proc.exit() !== undefined && !this.proc.stopping();
  }

  private spawn(): void {
    const proc = startProcess({
      command: this.opts.command,
      cwd: this.opts.cwd,
      limits: this.opts.limits,
      graceMs: this.opts.graceMs,
    });
    this.procs.push(proc);
    this.served = 0;
    this.aliveUntil = 0;
    void proc.exited.then((exit) => {
      if (!proc.stopping()) this.crashes.push({ exit, stderr: proc.stderr.lastLines(STDERR_LINES) });
    });
  }

  waitReady(): Promise<ReadyOutcome> {
    return waitForPorts({
      host: this.opts.host,
      ports: this.opts.ports,
      timeoutMs: this.opts.startTimeoutMs,
      exited: this.proc.exited,
      signal: this.opts.signal,
      pgid: this.proc.pid,
    });
  }

  /**
   * Waits briefly for a dying server's exit to be noticed, so that its crash is seen with
   * the attempt that saw it die.
   */
  async noticeExit(): Promise<void> {
    if (!this.proc.exit()) await Promise.race([this.proc.exited, new Promise((r) => setTimeout(r, EXIT_NOTICE_MS))]);
  }

  private lastCrash(): Crash | undefined {
    return this.crashes[this.crashes.length - 1];
  }

  /** The failure of every case left once the budget is spent (or the server would not start again). */
  private budgetSpent(): Failure {
    const last = this.lastCrash()!;
    const message =
      `not run: your server crashed ${this.crashes.length} times ` +
      `and netgrade restarted it ${this.restarts} times, the most it does in one run; ` +
      `the last time ${exitSentence(last.exit, this.opts.limits?.wallSeconds)}`;
    return { message, actual: stderrActual(last.stderr) };
  }

  private async restart(): Promise<Failure | undefined> {
    const last = this.lastCrash();
    // A wall-clock limit bounds the whole submission: a restart would only extend it.
    if (last?.exit.wallLimit)
      return { message: exitSentence(last.exit, this.opts.limits?.wallSeconds), actual: stderrActual(last.stderr) };
    if (this.restarts >= RESTART_BUDGET) return this.budgetSpent();
    this.restarts++;
    await this.proc.stop();
    this.spawn();
    const ready = await this.waitReady();
    if (ready.ready) return undefined;
    const why =
      notStartedMessage({
        ...ready,
        timeoutMs: this.opts.startTimeoutMs,
        wallSeconds: this.opts.limits?.wallSeconds,
        stderr: this.proc.stderr.lastLines(STDERR_LINES),
      }) + (ready.diagnosis ? `; ${ready.diagnosis}` : '');
    return {
      message: `not run: netgrade restarted your server after a crash, and ${why}`,
      actual: stderrActual(this.proc.stderr.lastLines(STDERR_LINES)),
    };
  }

  /** The policy the scheduler settles with. */
  policy(): SettlePolicy {
    return {
      before: (a) => this.before(a),
      settle: (r, a) => this.settle(r, a),
    };
  }

  private async before(a: Attempt): Promise<Before> {
    if (this.opts.signal.aborted) return 'run';
    // After a crash nothing runs alongside anything: the cases wait for the recovery queue.
    if (a.mode !== 'recovery') return this.crashes.length > 0 || this.dead() ? 'defer' : 'run';
    if (this.gaveUp) return this.gaveUp;
    if (this.dead()) {
      const failure = await this.restart();
      if (failure) return (this.gaveUp = failure);
    }
    this.fresh.set(a, { proc: this.proc, fresh: this.served === 0 });
    this.served++;
    return 'run';
  }

  /** After a lost connection, waits until the server's exit is noticed or it has shown it lives on. */
  private async noticeDeath(r: CaseResult, a: Attempt): Promise<void> {
    const lost = r.status === 'failed' && CONNECTION_LOST.has(r.failure.cause ?? '');
    if (!lost || this.proc.exit() || a.startedAt + r.durationMs < this.aliveUntil) return;
    const proc = this.proc;
    const exited = await Promise.race([
      proc.exited.then(() => true),
      new Promise<false>((res) => setTimeout(() => res(false), DEATH_NOTICE_MS)),
    ]);
    if (!exited && proc === this.proc) this.aliveUntil = Date.now() - DEATH_NOTICE_MS;
  }

  private async settle(r: CaseResult, a: Attempt): Promise<Settled> {
    if (r.status !== 'passed') await this.noticeExit();
    await this.noticeDeath(r, a);
    if (a.mode !== 'recovery') return this.crashes.length > 0 || this.dead() ? 'defer' : r;
    const ran = this.fresh.get(a);
    const died = ran && ran.proc.exit() !== undefined && !ran.proc.stopping();
    if (!died || r.status === 'passed') return r;
    // A server that served an earlier case may have been dying of that one: only a fresh server's crash is this case's.
    if (!ran.fresh) return 'again';
    await ran.proc.exited;
    const crash = this.crashes.find((c) => c.exit === ran.proc.exit()) ?? this.lastCrash()!;
    crash.during = a.id;
    return failWith(r, {
      message: `your server crashed during this case: ${exitSentence(crash.exit, this.opts.limits?.wallSeconds)}`,
      actual: stderrActual(crash.stderr),
      step: r.failure?.step,
      stepLabel: r.failure?.stepLabel,
    });
  }

  /** One sentence on the crashes of the run, for the report. */
  summary(): string | undefined {
    if (this.crashes.length === 0) return undefined;
    const first = this.crashes[0];
    const during = this.crashes.filter((c) => c.during).map((c) => c.during);
    const where = during.length > 0 ? ` during ${[...new Set(during)].join(', ')}` : '';
    const restarted =
      this.restarts > 0 ? `; netgrade restarted it ${this.restarts} of at most ${RESTART_BUDGET} times` : '';
    return `${exitSentence(first.exit, this.opts.limits?.wallSeconds)}${where}${restarted}`;
  }

  /** Stops every process it started. */
  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
  }
}
