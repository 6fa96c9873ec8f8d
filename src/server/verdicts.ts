// What a server's exit means for the cases (pure): a server that never
// listened fails every case with one plain sentence; one that exited mid-run
// fails the case it died in and the cases after it, naming that case, instead
// of letting each time out with a message about the network.
import { escapeBytes } from '../text/escape.js';
import type { CaseResult, Failure } from '../run/result.js';
import type { ServerExit } from './process.js';
import { constants } from 'node:os';

/** A case's final result with the time netgrade saw it end. */
export interface Ended {
  result: CaseResult;
  endedAt: number;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}

/** "the server exited with code 1", "… was killed by SIGSEGV", "… was stopped at its wall-clock limit (30 s)". */
export function exitSentence(exit: ServerExit, wallSeconds?: number): string {
  if (exit.spawnError) return `the start command could not be run (${exit.spawnError})`;
  if (exit.wallLimit) return `the server was stopped at its wall-clock limit (${wallSeconds ?? '?'} s)`;
  if (exit.signal) return `the server was killed by ${exit.signal}`;
  // The shell reports a child killed by signal N as 128+N.
  const sig = exit.code !== null && exit.code > 128 ? signalName(exit.code - 128) : undefined;
  return `the server exited with code ${exit.code}${sig ? ` (${sig})` : ''}`;
}

/** The server's last stderr lines as a failure's `actual` (escaped, one per line). */
export function stderrActual(lines: string[]): string {
  return lines.length === 0 ? '(nothing on stderr)' : lines.map((l) => escapeBytes(l)).join('\n');
}

export function failWith(r: CaseResult, failure: Failure): CaseResult {
  if (r.status === 'skipped' || r.status === 'passed') return r;
  return { ...r, status: 'failed', points: 0, failure };
}

export interface NotStarted {
  /** "12000/tcp" */
  pending: string;
  exit?: ServerExit;
  timeoutMs: number;
  wallSeconds?: number;
}

export function notStartedMessage(n: NotStarted): string {
  if (n.exit?.spawnError) return exitSentence(n.exit);
  if (n.exit) return `your server did not start listening on ${n.pending}: ${exitSentence(n.exit, n.wallSeconds).replace(/^the server /, 'it ')} first`;
  return `your server did not start listening on ${n.pending} within ${seconds(n.timeoutMs)}`;
}

/** The case whose last bytes went out last before the exit: the one the server died in (or after). */
export function culpritOf(ended: Ended[], exitAt: number): Ended | undefined {
  let best: { e: Ended; at: number } | undefined;
  for (const e of ended) {
    const startedAt = e.endedAt - e.result.durationMs;
    for (const ev of e.result.transcript) {
      const at = startedAt + ev.t;
      if (ev.kind === 'send' && at <= exitAt && (!best || at >= best.at)) best = { e, at };
    }
  }
  return best?.e;
}

export interface ExitVerdict {
  exit: ServerExit;
  wallSeconds?: number;
  stderrLines: string[];
}

/**
 * Rewrites the results of a run in which the server exited: the culprit (if it
 * did not pass) failed "during this case", every case that ended unpassed after
 * the exit failed "after <culprit>". Everything else stands. `summary` says it
 * in one sentence for the whole run.
 */
export function applyExit(ended: Ended[], v: ExitVerdict): { rewrites: Map<CaseResult, CaseResult>; summary: string } {
  const sentence = exitSentence(v.exit, v.wallSeconds);
  const actual = stderrActual(v.stderrLines);
  const culprit = culpritOf(ended, v.exit.at);
  const after = culprit ? `${sentence} after ${culprit.result.id}` : `${sentence} before the first case`;
  const rewrites = new Map<CaseResult, CaseResult>();
  for (const e of ended) {
    const r = e.result;
    if (e === culprit) rewrites.set(r, failWith(r, { message: `${sentence} during this case`, actual, step: r.failure?.step, stepLabel: r.failure?.stepLabel }));
    else if (e.endedAt >= v.exit.at) rewrites.set(r, failWith(r, { message: after, actual }));
  }
  return { rewrites, summary: culprit ? `${sentence} during ${culprit.result.id}` : after };
}
