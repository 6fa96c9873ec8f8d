// One cause behind several failures, named once with the hint that fits it.
// A case's own hint guesses at what usually breaks that check; when expected
// and actual show the cause plainly (a newline the client never sent, a reply
// cut at the buffer size) that cause's hint is the one that helps. Pure.
import type { CaseResult } from '../model/result.js';

export interface Cause {
  /** Stable key: failures with the same key have one cause. */
  key: string;
  /** What is wrong, in one sentence about the server. */
  headline: string;
  /** What to change; replaces the cases' own hints. */
  hint?: string;
}

const NEWLINE = /(\\r)?\\n$/;

interface Pattern {
  key: string;
  test: (expected: string, actual: string) => boolean;
  headline: string;
  hint: string;
}

// Read from expected/actual alone, so they hold for any spec whose checks compare payloads.
const PATTERNS: Pattern[] = [
  {
    key: 'extra-newline',
    test: (e, a) => NEWLINE.test(a) && a.replace(NEWLINE, '') === e,
    headline: 'your replies end with a newline the client did not send',
    hint:
      'send back exactly the upper-cased bytes: no "\\n" added ' +
      '(print() and readline-style helpers add one; send(sentence.upper().encode()) adds nothing)',
  },
  {
    key: 'missing-newline',
    test: (e, a) => NEWLINE.test(e) && e.replace(NEWLINE, '') === a,
    headline: 'your replies lack the newline at the end of what the client sent',
    hint: 'do not strip the sentence before upper-casing it: strip()/rstrip() remove the newline the reply must keep',
  },
  {
    key: 'not-uppercased',
    test: (e, a) => a !== e && a.length > 0 && a.toUpperCase() === e,
    headline: 'your replies are not upper-cased',
    hint: 'upper-case the decoded text before sending it: sentence.decode().upper().encode()',
  },
  {
    key: 'cut-short',
    // The shorter side ends on a whole unit (escapes are never cut), so a plain prefix test suffices.
    test: (e, a) => a.length > 0 && a.length < e.length && e.startsWith(a),
    headline: 'your replies stop before the end of the message',
    hint:
      'read the whole message before answering: a receive buffer of at least 2048 bytes (recvfrom(2048)), ' +
      'and for TCP a loop on recv() until the client half-closes',
  },
];

const PLACEHOLDER = /^\(.*\)$/; // "(nothing)", "(no ETag header)": not bytes to compare
/** Longer texts are not classified: the patterns are for payloads a student's server echoes. */
const MAX_CLASSIFIED = 64 * 1024;

/** The cause of a failed case when its expected/actual or its network error shows one. */
export function causeOf(r: CaseResult): Cause | undefined {
  const f = r.failure;
  if (!f || (r.status !== 'failed' && r.status !== 'errored')) return undefined;
  if (f.cause === 'REFUSED') return { key: 'refused', headline: f.message };
  if (
    f.expected !== undefined &&
    f.actual !== undefined &&
    !PLACEHOLDER.test(f.actual) &&
    f.expected.length + f.actual.length <= MAX_CLASSIFIED
  ) {
    const p = PATTERNS.find((x) => x.test(f.expected!, f.actual!));
    if (p) return { key: p.key, headline: p.headline, hint: p.hint };
  }
  return undefined;
}

export interface CauseGroup {
  cause: Cause;
  cases: CaseResult[];
}

/**
 * Failures grouped by cause, biggest group first: a recognised cause shared by
 * two or more cases, or the very same message shared by three or more (a dead
 * server says the same thing to every case). The rest are left alone.
 */
export function groupByCause(bad: CaseResult[]): { groups: CauseGroup[]; alone: CaseResult[] } {
  const byKey = new Map<string, CauseGroup>();
  for (const r of bad) {
    const c = causeOf(r) ?? { key: `message:${r.failure?.message ?? ''}`, headline: r.failure?.message ?? '' };
    const g = byKey.get(c.key) ?? { cause: c, cases: [] };
    g.cases.push(r);
    byKey.set(c.key, g);
  }
  const groups = [...byKey.values()]
    .filter((g) => g.cases.length >= (g.cause.key.startsWith('message:') ? 3 : 2))
    .sort((a, b) => b.cases.length - a.cases.length);
  const grouped = new Set(groups.flatMap((g) => g.cases));
  return { groups, alone: bad.filter((r) => !grouped.has(r)) };
}

/** The hint to show for a case: its cause's when the cause is recognised, else its own. */
export function hintFor(r: CaseResult): string | undefined {
  return causeOf(r)?.hint ?? r.hint;
}
