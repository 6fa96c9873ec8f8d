// The one predicate module: judges a subject (reply bytes, an HTTP body, a header's
// or a cookie's value) against the matchers a step wrote, in the table's order, so
// every subject gets the same sentences (src/spec/matchers.ts holds the table).
import {
  MATCHERS,
  MATCHER_KEYWORDS,
  type ArgKind,
  type Matcher,
  type MatchSet,
  type MatcherKeyword,
  type Subject,
} from '../spec/matchers.js';
import { previewBytes } from '../text/escape.js';

export type { MatchSet, Subject } from '../spec/matchers.js';

export interface Mismatch {
  /** The matcher that failed. */
  keyword: MatcherKeyword;
  message: string;
  expected: string;
  actual: string;
}

const entry = (k: MatcherKeyword) => MATCHERS[k] as Matcher<ArgKind>;

/** The first matcher the subject fails, or undefined when it meets them all. */
export function judge(set: MatchSet, subject: Subject): Mismatch | undefined {
  for (const keyword of MATCHER_KEYWORDS) {
    const want = set[keyword];
    if (want === undefined) continue;
    const m = entry(keyword);
    const judgement = m.test(want as never, subject);
    if (judgement === undefined) continue;
    const { message, actual } =
      typeof judgement === 'string' ? { message: judgement, actual: previewBytes(subject.bytes, 512) } : judgement;
    return { keyword, message, expected: m.expected(want as never), actual };
  }
  return undefined;
}

/** What a set of matchers asks for, for a failure where no value came at all. */
export function wanted(set: MatchSet): string | undefined {
  const k = MATCHER_KEYWORDS.find((k) => set[k] !== undefined && !entry(k).negative);
  return k === undefined ? undefined : entry(k).expected(set[k] as never);
}

/** Every matcher's `expected`, for a one-line summary of what a header should be. */
export function wantedAll(set: MatchSet): string[] {
  return MATCHER_KEYWORDS.filter((k) => set[k] !== undefined).map((k) => entry(k).expected(set[k] as never));
}
