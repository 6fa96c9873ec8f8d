// Pure evaluation of one reply against a step's expectations:
// (what the step expects, what the server did) → a Failure or nothing.
// No sockets here, so every message a student reads is unit-tested.
import { escapeBytes, previewBytes } from '../text/escape.js';
import type { Failure } from '../run/result.js';

export interface ReplyExpect {
  equals?: Buffer;
  contains?: string;
  notContains?: string;
  matches?: RegExp;
  length?: number;
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

/** The first position where two strings differ, counted from 1, with what stands there on each side. */
function firstDifference(expected: string, actual: string): { at: number; want: string; got: string } {
  const e = [...expected];
  const a = [...actual];
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const esc = (c: string | undefined) => (c === undefined ? 'the end' : `"${escapeBytes(Buffer.from(c))}"`);
  return { at: i + 1, want: esc(e[i]), got: esc(a[i]) };
}

const isUtf8 = (b: Buffer) => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

/** Says where two byte strings part, the way a student would look for it (positions count from 1). */
export function describeDifference(expected: Buffer, actual: Buffer): string {
  if (actual.length > expected.length && actual.subarray(0, expected.length).equals(expected)) {
    const extra = actual.subarray(expected.length);
    return `the reply has ${extra.length} extra byte${extra.length === 1 ? '' : 's'} at the end: "${escapeBytes(extra.subarray(0, 64))}"`;
  }
  if (actual.length < expected.length && expected.subarray(0, actual.length).equals(actual)) {
    return `the reply is cut short: ${actual.length} of ${expected.length} bytes came`;
  }
  if (isUtf8(expected) && isUtf8(actual)) {
    const e = expected.toString('utf8');
    const a = actual.toString('utf8');
    const d = firstDifference(e, a);
    const caseOnly = e.length === a.length && e.toLowerCase() === a.toLowerCase();
    const what = caseOnly ? 'the reply differs only in letter case, first' : 'the reply differs';
    return `${what} at character ${d.at}: ${d.got} where ${d.want} was expected`;
  }
  const i = actual.findIndex((b, k) => b !== expected[k]);
  return `the reply differs from the expected bytes at byte ${i + 1} (expected ${expected.length} bytes, got ${actual.length})`;
}

const connectionError: Check = (_e, o) => (o.error && o.bytes.length === 0 ? { message: o.error.message } : undefined);

const capped: Check = (_e, o) => (o.capped ? { message: 'the server sent more than 1 MiB in reply; netgrade stopped reading', actual: show(o.bytes) } : undefined);

const noReply: Check = (e, o) => {
  if (e.noReply) return o.bytes.length === 0 ? undefined : { message: 'a reply came where none was expected', expected: '(nothing)', actual: show(o.bytes) };
  if (o.bytes.length > 0) return undefined;
  if (o.peerClosed) return { message: 'the server closed the connection without replying', expected: expectedText(e), actual: '(nothing, then close)' };
  const sends = o.sends && o.sends > 1 ? ` (sent ${o.sends} times)` : '';
  return { message: `no reply within ${o.timeoutMs} ms${sends}`, expected: expectedText(e), actual: '(nothing)' };
};

const equals: Check = (e, o) => {
  if (!e.equals || o.bytes.equals(e.equals)) return undefined;
  const waited = o.timedOut ? `, and nothing more came within ${o.timeoutMs} ms` : '';
  return { message: describeDifference(e.equals, o.bytes) + waited, expected: show(e.equals), actual: show(o.bytes) };
};

const length: Check = (e, o) =>
  e.length === undefined || o.bytes.length === e.length ? undefined : { message: `the reply is ${o.bytes.length} bytes; expected ${e.length}`, expected: `${e.length} bytes`, actual: `${o.bytes.length} bytes` };

const contains: Check = (e, o) => {
  const text = o.bytes.toString('utf8');
  if (e.contains !== undefined && !text.includes(e.contains)) return { message: `the reply does not contain "${escapeBytes(Buffer.from(e.contains))}"`, expected: `contains "${show(e.contains)}"`, actual: show(o.bytes) };
  if (e.notContains !== undefined && text.includes(e.notContains)) return { message: `the reply contains "${escapeBytes(Buffer.from(e.notContains))}", which it must not`, expected: `no "${show(e.notContains)}"`, actual: show(o.bytes) };
  if (e.matches && !e.matches.test(text)) return { message: `the reply does not match /${e.matches.source}/`, expected: `matches /${e.matches.source}/`, actual: show(o.bytes) };
  return undefined;
};

const timing: Check = (e, o) => {
  if (e.replyWithinMs !== undefined && o.elapsedMs !== undefined && o.elapsedMs > e.replyWithinMs) {
    return { message: `the reply took ${o.elapsedMs} ms; it must come within ${e.replyWithinMs} ms`, expected: `within ${e.replyWithinMs} ms`, actual: `${o.elapsedMs} ms` };
  }
  if (e.closedWithinMs !== undefined && (o.closedAfterMs === undefined || o.closedAfterMs > e.closedWithinMs)) {
    const actual = o.closedAfterMs === undefined ? `still open ${e.closedWithinMs} ms after the reply` : `closed after ${o.closedAfterMs} ms`;
    return { message: `the server did not close the connection within ${e.closedWithinMs} ms after replying`, expected: `close within ${e.closedWithinMs} ms`, actual };
  }
  return undefined;
};

function expectedText(e: ReplyExpect): string | undefined {
  if (e.equals) return show(e.equals);
  if (e.contains !== undefined) return `contains "${show(e.contains)}"`;
  if (e.matches) return `matches /${e.matches.source}/`;
  if (e.length !== undefined) return `${e.length} bytes`;
  return 'a reply';
}

/** Order matters: the first check that fails names the most basic problem. */
const CHECKS: Check[] = [connectionError, capped, noReply, equals, length, contains, timing];

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
