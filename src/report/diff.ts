// Expected next to actual, shaped so the difference is what a reader sees:
// long payloads are cut around their first difference (with byte offsets),
// multi-line messages (HTTP) are shown line by line. Works on the escaped
// text results carry, unit by unit, so a cut never splits `\x1b`. Pure: every
// text reporter formats a Failure through this; the JSON keeps the full text.
import { cells, units } from './html/markup.js';

/** How much of a long payload shows around its first difference, in units: a terminal line by default. */
export interface WindowSize {
  before: number;
  after: number;
}
const TERMINAL: WindowSize = { before: 24, after: 40 };
/** Lines shown of a multi-line message. */
const MAX_LINES = 24;

/** How many bytes of the server's data one escaped unit stands for. */
export function unitBytes(u: string): number {
  if (u.startsWith('\\x') && u.length === 4) return 1;
  if (u.startsWith('\\u{')) return Buffer.byteLength(String.fromCodePoint(parseInt(u.slice(3, -1), 16)), 'utf8');
  if (u.length === 2 && u[0] === '\\') return 1;
  return Buffer.byteLength(u, 'utf8');
}

const byteLength = (u: string[]) => u.reduce((n, x) => n + unitBytes(x), 0);

/** Index of the first unit where the two differ (the shorter's length when one is a prefix of the other). */
export function firstDifference(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Escaped text as lines: a break after each `\n` escape (kept, so CRLF stays visible) and at each real newline. */
export function messageLines(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const u of units(text)) {
    if (u === '\n') {
      out.push(line);
      line = '';
      continue;
    }
    line += u;
    if (u === '\\n') {
      out.push(line);
      line = '';
    }
  }
  if (line !== '' || out.length === 0) out.push(line);
  return out;
}

/** Whether text reads better as lines: it has real newlines or a CRLF (an HTTP message). */
export function isMultiLine(text: string | undefined): boolean {
  return text !== undefined && (text.includes('\n') || text.includes('\\r\\n'));
}

export interface PairView {
  /** Lines of the expected side (absent when the failure has none). */
  expected?: string[];
  actual?: string[];
  /** Single-line views: the column of the first difference, when a caret under it helps. */
  caret?: number;
  /** "first difference at byte 1000 (expected 1024 bytes, actual 1025)", when it helps. */
  note?: string;
  /** Where the sides part: a unit index into the single line shown, or the first differing line of a lines view. */
  at?: number;
}

function capLines(lines: string[]): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [
    ...lines.slice(0, MAX_LINES - 1),
    `… ${lines.length - MAX_LINES + 1} more lines (the JSON report has them all)`,
  ];
}

function linesView(expected: string | undefined, actual: string | undefined): PairView {
  const e = expected === undefined ? undefined : messageLines(expected);
  const a = actual === undefined ? undefined : messageLines(actual);
  let note: string | undefined;
  if (e && a) {
    const line = firstDifference(e, a);
    if (line < Math.max(e.length, a.length)) note = `first difference on line ${line + 1}`;
  }
  return { expected: e && capLines(e), actual: a && capLines(a), note, at: e && a ? firstDifference(e, a) : undefined };
}

/** The window of `u` from `start`, with `…` where it was cut. */
function window(u: string[], start: number, size: WindowSize): string {
  const end = start + size.before + size.after;
  return `${start > 0 ? '…' : ''}${u.slice(start, end).join('')}${end < u.length ? '…' : ''}`;
}

/** Text past this many characters is not looked at: a reader sees the first difference long before. */
const MAX_VIEWED = 256 * 1024;
const bounded = (s: string | undefined) => (s !== undefined && s.length > MAX_VIEWED ? s.slice(0, MAX_VIEWED) : s);

/** Expected and actual shaped for reading; see the file comment. */
export function viewPair(
  expectedText: string | undefined,
  actualText: string | undefined,
  size: WindowSize = TERMINAL,
): PairView {
  // A payload longer than this (in units) is cut around its first difference.
  const long = size.before + size.after + 16;
  const expected = bounded(expectedText);
  const actual = bounded(actualText);
  // A reply with one CRLF at its end is still one line: it reads best as one, with a caret.
  const lines = (t: string | undefined) => (t === undefined ? 0 : messageLines(t).length);
  if ((isMultiLine(expected) || isMultiLine(actual)) && Math.max(lines(expected), lines(actual)) > 1)
    return linesView(expected, actual);
  if (expected === undefined || actual === undefined)
    return {
      expected: expected === undefined ? undefined : [expected],
      actual: actual === undefined ? undefined : [actual],
    };
  const e = units(expected);
  const a = units(actual);
  const at = firstDifference(e, a);
  const differ = at < Math.max(e.length, a.length);
  // A caret only where the sides share a beginning: under "status 200" / "HTTP/1.1 404" it would say nothing.
  if (e.length <= long && a.length <= long)
    return {
      expected: [expected],
      actual: [actual],
      caret: differ && at >= 3 ? cells(e.slice(0, at).join('')) : undefined,
      at,
    };
  const start = Math.max(0, at - size.before);
  const sizes = `expected ${byteLength(e)} bytes, actual ${byteLength(a)}`;
  const note = differ ? `first difference at byte ${byteLength(e.slice(0, at))} (${sizes})` : undefined;
  return {
    expected: [window(e, start, size)],
    actual: [window(a, start, size)],
    caret: differ ? cells(e.slice(start, at).join('')) + (start > 0 ? 1 : 0) : undefined,
    note,
    at: at - start + (start > 0 ? 1 : 0),
  };
}

/** The pair as plain text lines with `expected:`/`actual:` labels, for JUnit, GitHub and the console. */
export function pairLines(expected: string | undefined, actual: string | undefined): string[] {
  const v = viewPair(expected, actual);
  const out: string[] = [];
  const side = (label: string, lines: string[] | undefined) => {
    if (!lines) return;
    lines.forEach((l, i) => out.push(`${i === 0 ? label : ' '.repeat(label.length)}${l}`));
  };
  side('expected: ', v.expected);
  side('actual:   ', v.actual);
  if (v.caret !== undefined) out.push(`${' '.repeat('actual:   '.length + v.caret)}^${v.note ? ` ${v.note}` : ''}`);
  else if (v.note) out.push(`          (${v.note})`);
  return out;
}
