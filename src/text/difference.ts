// Where two byte strings part, said the way a student looks for it. Used for every
// subject a spec compares (a reply, a body, a header or cookie value), so the same
// wrong byte gets the same sentence wherever it appears.
import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import { escapeBytes } from './escape.js';

/** The first position where two strings differ, counted from 1, with what stands there on each side. */
function firstDifference(expected: string, actual: string): { at: number; want: string; got: string } {
  // Walked in place: spreading both strings into arrays of code points cost ~8 bytes per character,
  // megabytes for the 1 MiB reply of a flooding server.
  let i = 0;
  let at = 0;
  while (i < expected.length && i < actual.length) {
    const e = expected.codePointAt(i)!;
    if (e !== actual.codePointAt(i)) break;
    i += e > 0xffff ? 2 : 1;
    at++;
  }
  const charAt = (s: string) => (i < s.length ? String.fromCodePoint(s.codePointAt(i)!) : undefined);
  const esc = (c: string | undefined) => (c === undefined ? 'the end' : `"${escapeBytes(Buffer.from(c))}"`);
  return { at: at + 1, want: esc(charAt(expected)), got: esc(charAt(actual)) };
}

// Native check (no decoded copy): the same answer as a UTF-8 round trip, surrogates and overlongs refused.
export const isUtf8 = (b: Buffer) => nodeIsUtf8(b);

/**
 * Says where `actual` parts from `expected`; `subject` names it ("the reply", "the body", "ETag").
 * Positions count from 1.
 */
export function describeDifference(expected: Buffer, actual: Buffer, subject = 'the reply'): string {
  if (actual.length > expected.length && actual.subarray(0, expected.length).equals(expected)) {
    const extra = actual.subarray(expected.length);
    return (
      `${subject} has ${extra.length} extra byte${extra.length === 1 ? '' : 's'} at the end: ` +
      `"${escapeBytes(extra.subarray(0, 64))}"`
    );
  }
  if (actual.length < expected.length && expected.subarray(0, actual.length).equals(actual)) {
    return `${subject} is cut short: ${actual.length} of ${expected.length} bytes came`;
  }
  if (isUtf8(expected) && isUtf8(actual)) {
    const e = expected.toString('utf8');
    const a = actual.toString('utf8');
    const d = firstDifference(e, a);
    const caseOnly = e.length === a.length && e.toLowerCase() === a.toLowerCase();
    const what = caseOnly ? `${subject} differs only in letter case, first` : `${subject} differs`;
    return `${what} at character ${d.at}: ${d.got} where ${d.want} was expected`;
  }
  const i = actual.findIndex((b, k) => b !== expected[k]);
  return (
    `${subject} differs from the expected bytes at byte ${i + 1} ` +
    `(expected ${expected.length} bytes, got ${actual.length})`
  );
}
