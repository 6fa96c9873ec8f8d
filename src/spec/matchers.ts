// The one table of value matchers: keyword → what a spec writes (its JSON-schema
// fragment), which subjects it applies to, how it is judged, and what it means.
// A subject is a value a step extracted from what the server did (reply bytes, an
// HTTP body, a header's value, a cookie's value); src/check/predicate.ts judges
// every subject with this table, so the same wrong byte gets the same sentence.
//
// To add a matcher: add one entry below (keep the order: the first failing matcher
// names the most basic problem), then `npm run build`, which writes its schema
// fragment into schema/spec.schema.json (test/unit/matchers.test.ts fails until
// then). Its `arg` says how run/expect.ts fills in {{placeholders}}: pick an
// existing kind; a new kind needs a line in `WrittenArg`, `ArgValue` and renderArg.
//
// The table sits in spec/ because it defines the language; its judgements are
// pure functions over leaf helpers (text/, http/date, http/etag).
import { explainDate, isImfFixdate, parseHttpDate } from '../http/date.js';
import { parseEntityTag } from '../http/etag.js';
import { describeDifference, isUtf8 } from '../text/difference.js';
import { escapeBytes, previewBytes } from '../text/escape.js';
import type { Payload } from './types.js';

/** What a matcher can be asked about. */
export type SubjectKind = 'reply' | 'body' | 'header' | 'cookie';
export const SUBJECT_KINDS: SubjectKind[] = ['reply', 'body', 'header', 'cookie'];

/** A value taken from what the server did; extraction happens elsewhere, judging happens here only. */
export interface Subject {
  kind: SubjectKind;
  /** How messages name it: "the reply", "the body", "ETag", "the cookie sid". */
  name: string;
  bytes: Buffer;
  /** The other headers of the same response, for a matcher that compares with one (notAfter). */
  header?: (name: string) => string | undefined;
  /** When the response came, by netgrade's clock (nearNow). */
  receivedAt?: Date;
}

/** What a spec writes for each kind of argument. */
export interface WrittenArg {
  payload: Payload;
  text: string;
  regex: string;
  count: number;
  flag: true;
  texts: string[];
  each: { each: string; count: number };
  name: string;
}

/** The same argument with the case's {{variables}} filled in (src/run/expect.ts renderArg). */
export interface ArgValue {
  payload: Buffer;
  text: string;
  regex: RegExp;
  count: number;
  flag: true;
  texts: string[];
  each: string[];
  name: string;
}
export type ArgKind = keyof ArgValue;

/** A failed matcher: the sentence, and optionally an `actual` more telling than the value itself. */
export type Judgement = undefined | string | { message: string; actual: string };

export interface Matcher<K extends ArgKind> {
  arg: K;
  subjects: readonly SubjectKind[];
  description: string;
  /** The schema of the argument (its description is added from `description`). */
  schema: Record<string, unknown>;
  /** A negation (notEquals, notContains): it cannot say what a missing value should have been. */
  negative?: true;
  /** What the value should be, for a failure's `expected`. */
  expected: (want: ArgValue[K]) => string;
  /** Judges one subject: undefined when it holds, else why not. */
  test: (want: ArgValue[K], s: Subject) => Judgement;
}

const matcher = <K extends ArgKind>(m: Matcher<K>): Matcher<K> => m;

const ANY: readonly SubjectKind[] = SUBJECT_KINDS;
/** How much of a compared payload a failure keeps. */
const WHOLE = 64 * 1024;
const show = (b: Buffer | string, max = 512) => previewBytes(typeof b === 'string' ? Buffer.from(b, 'utf8') : b, max);
/** A value as text: UTF-8 when its bytes are, else one character per byte (how header fields arrive). */
export const textOf = (b: Buffer) => (isUtf8(b) ? b.toString('utf8') : b.toString('latin1'));
/**
 * A field value that is not UTF-8 is read one character per byte (RFC 9110 §5.5: historically
 * ISO-8859-1), and so is a {{capture}} of it: such a value equals the same text the spec writes.
 */
const sameFieldText = (w: Buffer, s: Subject) =>
  (s.kind === 'header' || s.kind === 'cookie') && !isUtf8(s.bytes) && textOf(s.bytes) === w.toString('utf8');
const tokenList = (value: string) =>
  value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);

export const MATCHERS = {
  equals: matcher({
    arg: 'payload',
    subjects: ANY,
    description: 'Exactly these bytes (text as UTF-8, or a payload such as {hex: "0d0a"}).',
    schema: { $ref: '#/definitions/payload' },
    // Both sides kept whole (to 64 KiB): a reporter cuts them around the first difference, the JSON keeps them.
    expected: (w) => show(w, WHOLE),
    test: (w, s) =>
      s.bytes.equals(w) || sameFieldText(w, s)
        ? undefined
        : { message: describeDifference(w, s.bytes, s.name), actual: show(s.bytes, WHOLE) },
  }),
  notEquals: matcher({
    arg: 'text',
    subjects: ANY,
    description: 'Anything but this text (e.g. a validator that must have changed).',
    schema: { type: 'string' },
    negative: true,
    expected: (w) => `not "${show(w)}"`,
    test: (w, s) =>
      textOf(s.bytes) !== w ? undefined : `${s.name} is still "${escapeBytes(s.bytes)}"; it must differ from that`,
  }),
  length: matcher({
    arg: 'count',
    subjects: ANY,
    description: 'Exactly this many bytes.',
    schema: { type: 'integer', minimum: 0 },
    expected: (w) => `${w} bytes`,
    test: (w, s) =>
      s.bytes.length === w
        ? undefined
        : { message: `${s.name} is ${s.bytes.length} bytes; expected ${w}`, actual: `${s.bytes.length} bytes` },
  }),
  contains: matcher({
    arg: 'text',
    subjects: ANY,
    description: 'Contains this text.',
    schema: { type: 'string' },
    expected: (w) => `contains "${show(w)}"`,
    test: (w, s) => (textOf(s.bytes).includes(w) ? undefined : `${s.name} does not contain "${show(w, 200)}"`),
  }),
  notContains: matcher({
    arg: 'text',
    subjects: ANY,
    description: 'Does not contain this text.',
    schema: { type: 'string' },
    negative: true,
    expected: (w) => `no "${show(w)}"`,
    test: (w, s) =>
      textOf(s.bytes).includes(w) ? `${s.name} contains "${show(w, 200)}", which it must not` : undefined,
  }),
  matches: matcher({
    arg: 'regex',
    subjects: ANY,
    description: 'Matches this regular expression (JavaScript syntax, u flag; {{placeholders}} are matched literally).',
    schema: { type: 'string' },
    expected: (w) => `matches /${w.source}/`,
    test: (w, s) => (w.test(textOf(s.bytes)) ? undefined : `${s.name} does not match /${w.source}/`),
  }),
  containsEach: matcher({
    arg: 'each',
    subjects: ['reply', 'body'],
    description: 'Contains `each` for every n = 1..count.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['each', 'count'],
      properties: { each: { type: 'string' }, count: { type: 'integer', minimum: 1, maximum: 100000 } },
    },
    expected: (w) => `all ${w.length} entries`,
    test: (w, s) => {
      const text = textOf(s.bytes);
      const missing = w.filter((x) => !text.includes(x));
      if (missing.length === 0) return undefined;
      return {
        message: `${s.name} lacks ${missing.length} of ${w.length} expected entries, e.g. "${show(missing[0], 200)}"`,
        actual: `${w.length - missing.length} of them; ${show(s.bytes, 256)}`,
      };
    },
  }),
  tokens: matcher({
    arg: 'texts',
    subjects: ['header'],
    description: 'A comma-separated list holding each of these (case-insensitive).',
    schema: { type: 'array', items: { type: 'string' } },
    expected: (w) => `listing ${w.join(', ')}`,
    test: (w, s) => {
      const have = tokenList(textOf(s.bytes));
      const missing = w.filter((t) => !have.includes(t.toLowerCase()));
      return missing.length === 0
        ? undefined
        : `${s.name} is "${escapeBytes(s.bytes)}"; it must list ${w.join(', ')} (missing ${missing.join(', ')})`;
    },
  }),
  imfFixdate: matcher({
    arg: 'flag',
    subjects: ['header'],
    description: 'An HTTP date in IMF-fixdate form (RFC 9110 §5.6.7).',
    schema: { const: true },
    expected: () => 'an IMF-fixdate',
    // The grammars are checked on the bytes as sent, one character per byte.
    test: (_w, s) =>
      isImfFixdate(s.bytes.toString('latin1'))
        ? undefined
        : `${s.name} ${explainDate(s.bytes.toString('latin1'))} ` +
          '(the form is "Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate)',
  }),
  entityTag: matcher({
    arg: 'flag',
    subjects: ['header'],
    description: 'A valid entity-tag, strong or weak (RFC 9110 §8.8.3).',
    schema: { const: true },
    expected: () => 'an entity-tag',
    test: (_w, s) =>
      parseEntityTag(s.bytes.toString('latin1'))
        ? undefined
        : `${s.name} is "${escapeBytes(s.bytes)}", which is not an entity-tag: ` +
          'it must be a quoted string such as "abc" or W/"abc"',
  }),
  notAfter: matcher({
    arg: 'name',
    subjects: ['header'],
    description: 'An HTTP date not later than the date in this other header (e.g. Date).',
    schema: { type: 'string' },
    expected: (w) => `not later than ${w}`,
    test: (other, s) => {
      const value = s.bytes.toString('latin1');
      const mine = parseHttpDate(value);
      const theirs = s.header?.(other);
      const ref = theirs === undefined ? undefined : parseHttpDate(theirs);
      if (!mine) return `${s.name} ${explainDate(value)}`;
      if (!ref) return `the response has no valid ${other} header to compare ${s.name} with`;
      return mine.date.getTime() > ref.date.getTime()
        ? `${s.name} (${value}) is later than ${other} (${theirs}); it must not be in the future`
        : undefined;
    },
  }),
  nearNow: matcher({
    arg: 'count',
    subjects: ['header'],
    description:
      "An HTTP date within this many seconds of netgrade's clock when the response came: a Date header is the time " +
      'the response was sent (RFC 9110 §6.6.1), not a constant.',
    schema: { type: 'integer', minimum: 1, maximum: 86400 },
    expected: (n) => `within ${n} s of the time the response came`,
    test: (n, s) => {
      const value = s.bytes.toString('latin1');
      const mine = parseHttpDate(value);
      if (!mine) return `${s.name} ${explainDate(value)}`;
      if (!s.receivedAt) return undefined;
      const off = Math.round((mine.date.getTime() - s.receivedAt.getTime()) / 1000);
      if (Math.abs(off) <= n) return undefined;
      const abs = Math.abs(off);
      const by =
        abs >= 2 * 86400
          ? `${Math.round(abs / 86400)} days`
          : abs >= 3600
            ? `${(abs / 3600).toFixed(1)} h`
            : `${abs} s`;
      return (
        `${s.name} is "${escapeBytes(s.bytes)}", ${by} ${off < 0 ? 'before' : 'after'} the response came ` +
        `(${s.receivedAt.toUTCString()}); it must be the time the response was sent, within ${n} s`
      );
    },
  }),
  laterThan: matcher({
    arg: 'text',
    subjects: ['header'],
    description: 'An HTTP date later than this one (e.g. a Last-Modified captured before a change).',
    schema: { type: 'string' },
    expected: (w) => `later than ${w}`,
    test: (before, s) => {
      const value = s.bytes.toString('latin1');
      const mine = parseHttpDate(value);
      if (!mine) return `${s.name} ${explainDate(value)}`;
      const ref = parseHttpDate(before);
      return ref && mine.date.getTime() > ref.date.getTime()
        ? undefined
        : `${s.name} is "${escapeBytes(s.bytes)}"; ` +
            `after the change it must be later than "${escapeBytes(Buffer.from(before))}"`;
    },
  }),
} as const;

export type MatcherKeyword = keyof typeof MATCHERS;
type ArgOf<K extends MatcherKeyword> = (typeof MATCHERS)[K]['arg'];
/** Matchers as a spec writes them. */
export type WrittenMatch = { [K in MatcherKeyword]?: WrittenArg[ArgOf<K>] };
/** Matchers with their placeholders filled in, ready to judge. */
export type MatchSet = { [K in MatcherKeyword]?: ArgValue[ArgOf<K>] };

export const MATCHER_KEYWORDS = Object.keys(MATCHERS) as MatcherKeyword[];
export const isMatcherKeyword = (k: string): k is MatcherKeyword => Object.hasOwn(MATCHERS, k);

/** The schema properties of the matchers a subject takes, in table order. */
export function matcherProperties(kind: SubjectKind): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const k of MATCHER_KEYWORDS) {
    const m = MATCHERS[k] as Matcher<ArgKind>;
    if (m.subjects.includes(kind)) out[k] = { ...m.schema, description: m.description };
  }
  return out;
}

/** Where the schema lists each subject's matchers: definition name → subject. */
export const MATCHER_HOMES: Record<string, SubjectKind> = {
  udpExpect: 'reply',
  tcpExpect: 'reply',
  bodyMatch: 'body',
  headerMatch: 'header',
  cookieValueMatch: 'cookie',
};

/**
 * The schema with each home's matcher properties written from the table (the other
 * properties of a home, such as replyWithinMs, stay as they are, after the matchers).
 */
export function syncMatcherSchema<T extends { definitions: Record<string, any> }>(schema: T): T {
  const definitions = { ...schema.definitions };
  for (const [home, kind] of Object.entries(MATCHER_HOMES)) {
    const def = definitions[home];
    if (!def) throw new Error(`schema/spec.schema.json has no definition "${home}" for the ${kind} matchers`);
    const others = Object.fromEntries(Object.entries(def.properties ?? {}).filter(([k]) => !isMatcherKeyword(k)));
    definitions[home] = { ...def, properties: { ...matcherProperties(kind), ...others } };
  }
  return { ...schema, definitions };
}
