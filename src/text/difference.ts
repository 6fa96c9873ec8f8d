// Where two byte strings part, said the way a student looks for it. Used for every
// subject a spec compares (a reply, a body, a header or cookie value), so the same
// wrong byte gets the same sentence wherever it appears.
import { escapeBytes } from './escape.js';

/** The first position where two strings differ, counted from 1, with what stands there on each side. */
function firstDifference(expected: string, actual: string): { at: number; want: string; got: string } {
  const e = [...expected];
  const a = [...actual];
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const esc = (c: string | undefined) => (c === undefined ? 'the end' : `"${escapeBytes(Buffer.from(c))}"`);
  return { at: i + 1, want: esc(e[i]), got: esc(a[i]) };
}

export const isUtf8 = (b: Buffer) => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

/** Says where `actual` parts from `expected`; `subject` names it ("the reply", "the body", "ETag"). Positions count from 1. */
export function describeDifference(expected: Buffer, actual: Buffer, subject = 'the reply'): string {
  if (actual.length > expected.length && actual.subarray(0, expected.length).equals(expected)) {
    const extra = actual.subarray(expected.length);
    return `${subject} has ${extra.length} extra byte${extra.length === 1 ? '' : 's'} at the end: "${escapeBytes(extra.subarray(0, 64))}"`;
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
  return `${subject} differs from the expected bytes at byte ${i + 1} (expected ${expected.length} bytes, got ${actual.length})`;
}
