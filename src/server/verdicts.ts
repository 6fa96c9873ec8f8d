// What a server's exit means for the cases (pure): a server that never
// listened fails every case with one plain sentence; one that exited mid-run
// fails the case it died in and the cases after it, naming that case, instead
// of letting each time out with a message about the network.
import { constants } from 'node:os';
import type { CaseResult, Failure } from '../run/result.js';
import { escapeBytes } from '../text/escape.js';
import type { ServerExit } from './process.js';

/** A case's final result with the time (Date.now()) its final attempt started. */
export interface Ended {
  result: CaseResult;
  startedAt: number;
}

const endOf = (e: Ended) => e.startedAt + e.result.durationMs;

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

/** How close to the exit a case must have ended to have been in flight when the server died (ms). */
const IN_FLIGHT_SLACK_MS = 100;

/**
 * The case the server died in. With cases in flight together, the one whose
 * bytes went unanswered first: a server handles what it reads in order, so
 * the first request it never answered is the one it died on. When every send
 * was answered (it died after replying, or on a timer), the case that sent last.
 */
export function culpritOf(ended: Ended[], exitAt: number): Ended | undefined {
  let unanswered: { e: Ended; at: number } | undefined;
  let latest: { e: Ended; at: number } | undefined;
  for (const e of ended) {
    const events = e.result.transcript.map((ev) => ({ ...ev, at: e.startedAt + ev.t })).filter((ev) => ev.at <= exitAt);
    events.forEach((ev, i) => {
      if (ev.kind !== 'send') return;
      if (!latest || ev.at >= latest.at) latest = { e, at: ev.at };
      const answered = events.slice(i + 1).some((later) => later.kind === 'recv' && later.client === ev.client);
      const inFlight = endOf(e) >= exitAt - IN_FLIGHT_SLACK_MS;
      if (!answered && inFlight && (!unanswered || ev.at < unanswered.at)) unanswered = { e, at: ev.at };
    });
  }
  return (unanswered ?? latest)?.e;
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
    else if (endOf(e) >= v.exit.at) rewrites.set(r, failWith(r, { message: after, actual }));
  }
  return { rewrites, summary: culprit ? `${sentence} during ${culprit.result.id}` : after };
}
