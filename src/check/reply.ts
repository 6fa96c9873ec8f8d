// Pure evaluation of one reply against a step's expectations:
// (what the step expects, what the server did) → a Failure or nothing.
// No sockets here, so every message a student reads is unit-tested.
import { previewBytes } from '../text/escape.js';
import type { Failure } from '../model/result.js';
import { judge, wanted, type MatchSet } from './predicate.js';

export { describeDifference } from '../text/difference.js';

/** The reply's matchers (src/spec/matchers.ts) and what only a socket reply has: timing and silence. */
export interface ReplyExpect extends MatchSet {
  replyWithinMs?: number;
  closedWithinMs?: number;
  noReply?: boolean;
}

export interface ReplyObservation {
  bytes: Buffer;
  /** The deadline passed before the reply was complete. */
  timedOut: boolean;
  timeoutMs: number;
  /** A connection-level error, already worded for a person (refused, reset). */
  error?: { code: string; message: string };
  /** The server sent more than netgrade keeps. */
  capped?: boolean;
  /** From the send to the end of the reply. */
  elapsedMs?: number;
  /** From the end of the reply to the server's close; undefined when it did not close in time. */
  closedAfterMs?: number;
  /** How many times the request was sent (UDP resends). */
  sends?: number;
  /** The server closed its side before the reply was complete. */
  peerClosed?: boolean;
}

type Check = (e: ReplyExpect, o: ReplyObservation) => Failure | undefined;

const show = (b: Buffer | string) => previewBytes(typeof b === 'string' ? Buffer.from(b) : b, 512);

const connectionError: Check = (_e, o) => (o.error && o.bytes.length === 0 ? { message: o.error.message } : undefined);

const capped: Check = (_e, o) =>
  o.capped
    ? { message: 'the server sent more than 1 MiB in reply; netgrade stopped reading', actual: show(o.bytes) }
    : undefined;

const noReply: Check = (e, o) => {
  if (e.noReply)
    return o.bytes.length === 0
      ? undefined
      : { message: 'a reply came where none was expected', expected: '(nothing)', actual: show(o.bytes) };
  if (o.bytes.length > 0) return undefined;
  if (o.peerClosed)
    return {
      message: 'the server closed the connection without replying',
      expected: expectedText(e),
      actual: '(nothing, then close)',
    };
  const sends = o.sends && o.sends > 1 ? ` (sent ${o.sends} times)` : '';
  return { message: `no reply within ${o.timeoutMs} ms${sends}`, expected: expectedText(e), actual: '(nothing)' };
};

/** The reply's bytes against its matchers; a short reply at the deadline says that nothing more came. */
const matchers: Check = (e, o) => {
  const m = judge(e, { kind: 'reply', name: 'the reply', bytes: o.bytes });
  if (!m) return undefined;
  const waited = o.timedOut && m.keyword === 'equals' ? `, and nothing more came within ${o.timeoutMs} ms` : '';
  return { message: m.message + waited, expected: m.expected, actual: m.actual };
};

const timing: Check = (e, o) => {
  if (e.replyWithinMs !== undefined && o.elapsedMs !== undefined && o.elapsedMs > e.replyWithinMs) {
    return {
      message: `the reply took ${o.elapsedMs} ms; it must come within ${e.replyWithinMs} ms`,
      expected: `within ${e.replyWithinMs} ms`,
      actual: `${o.elapsedMs} ms`,
    };
  }
  if (e.closedWithinMs !== undefined && (o.closedAfterMs === undefined || o.closedAfterMs > e.closedWithinMs)) {
    const actual =
      o.closedAfterMs === undefined
        ? `still open ${e.closedWithinMs} ms after the reply`
        : `closed after ${o.closedAfterMs} ms`;
    return {
      message: `the server did not close the connection within ${e.closedWithinMs} ms after replying`,
      expected: `close within ${e.closedWithinMs} ms`,
      actual,
    };
  }
  return undefined;
};

function expectedText(e: ReplyExpect): string {
  return wanted(e) ?? 'a reply';
}

/** Order matters: the first check that fails names the most basic problem. */
const CHECKS: Check[] = [connectionError, capped, noReply, matchers, timing];

export function checkReply(e: ReplyExpect, o: ReplyObservation): Failure | undefined {
  for (const check of CHECKS) {
    const f = check(e, o);
    if (f) return f;
  }
  return undefined;
}

/** How many bytes make the reply complete, when the expectation says (equals/length). */
export function expectedLength(e: ReplyExpect): number | undefined {
  return e.equals?.length ?? e.length;
}
