// Values drawn per run (a spec's `draw:`): sentences and random letters that a
// server cannot know in advance, so an echo check proves the server computed
// its answer. Every value is a pure function of the run's seed and where it is
// used (spec, case, name, client, repeat), so `--seed N` repeats a run exactly
// and a case's values never depend on which other cases ran.
import { createHash, randomInt } from 'node:crypto';

/** What a `draw:` entry may ask for (schema/spec.schema.json `definitions/draw`). */
export type Generator = { sentence: 'lower' | 'mixed' | 'unicode' } | { letters: number };

/** Where a value is used: the same place under the same seed always gets the same value. */
export interface DrawPlace {
  seed: number;
  spec: string;
  caseId: string;
}

/** The largest seed `--seed` takes: any value a JSON number holds exactly. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A seed for a run that names none: printed in every report, so the run can be repeated. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32);
}

/**
 * A deterministic stream of numbers for one place: sfc32 (the Small Fast Counting generator
 * from PractRand) seeded with SHA-256 of the place. Hashing once and generating in JavaScript
 * keeps a 2048-letter payload cheap: a SHAKE256 stream that long cost ~0.3 ms per value.
 */
class Stream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(key: string) {
    const h = createHash('sha256').update(key).digest();
    [this.a, this.b, this.c, this.d] = [h.readInt32LE(0), h.readInt32LE(4), h.readInt32LE(8), h.readInt32LE(12)];
    for (let k = 0; k < 12; k++) this.next();
  }
  /** The next 32-bit unsigned value. */
  private next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 2 ** 32) * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
  chance(inN: number): boolean {
    return this.below(inN) === 0;
  }
}

const WORDS = [
  'apple',
  'blue',
  'cloud',
  'dance',
  'early',
  'field',
  'green',
  'house',
  'island',
  'jolly',
  'kite',
  'lemon',
  'metal',
  'night',
  'ocean',
  'paper',
  'quiet',
  'river',
  'stone',
  'train',
  'under',
  'violet',
  'water',
  'yellow',
  'zebra',
  'bread',
  'chair',
  'dream',
  'eagle',
  'fox',
  'grape',
  'honey',
  'ink',
  'jump',
  'knot',
  'light',
  'moon',
  'nest',
  'owl',
  'pine',
  'rain',
  'salt',
  'tiger',
  'wind',
];
/** Words whose upper-case form differs and is the same in Python's str.upper() and JavaScript's toUpperCase(). */
const UNICODE_WORDS = [
  'héllo',
  'wörld',
  'straße',
  'café',
  'naïve',
  'größe',
  'été',
  'façade',
  'smørrebrød',
  'ñandú',
  'λόγος',
  'привет',
  'åsa',
  'čaj',
];
/** ASCII punctuation with no meaning in YAML, JSON or a terminal, so transcripts stay readable. */
const PUNCT = [',', '.', '!', '?', ';', ':', '-', '~', '_', "'", '/', '&', '#', '%', '+', '='];

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function token(r: Stream, words: readonly string[]): string {
  const k = r.below(10);
  if (k < 6) return r.pick(words);
  if (k < 8) return String(r.below(10_000));
  return r.chance(2) ? r.pick(words) + r.pick(PUNCT) : r.pick(PUNCT) + r.pick(words);
}

/** Tokens joined by spaces until the sentence reaches a drawn length in [min, max] bytes; it starts with a word. */
function sentence(
  r: Stream,
  { min, max, words, first }: { min: number; max: number; words: readonly string[]; first: readonly string[] },
): string {
  const target = min + r.below(max - min + 1);
  let s = r.pick(first);
  while (bytes(s) < target) {
    const next = `${s} ${token(r, words)}`;
    if (bytes(next) > max) {
      if (bytes(s) >= min) break;
      continue;
    }
    s = next;
  }
  return s;
}

/** The lowercase sentence with capitals, and with at least one digit and one punctuation mark. */
function mixed(r: Stream): string {
  const words = sentence(r, { min: 10, max: 54, words: WORDS, first: WORDS }).split(' ');
  // The first word is capitalised, so there is always a capital; later ones sometimes, or in full.
  const cased = words.map((w, k) =>
    k === 0 || r.chance(3) ? w[0].toUpperCase() + w.slice(1) : r.chance(6) ? w.toUpperCase() : w,
  );
  let s = cased.join(' ');
  if (!/\d/.test(s)) s += ` ${r.below(100)}`;
  if (!/[^\w\s]|_/.test(s)) s += r.pick(PUNCT);
  return s;
}

/** One value drawn for `key` (a place); pure: the same key gives the same value. */
export function drawValue(gen: Generator, key: string): string {
  if ('letters' in gen) {
    const r = new Stream(key);
    const out = Buffer.alloc(gen.letters);
    for (let k = 0; k < out.length; k++) out[k] = 97 + r.below(26);
    return out.toString('latin1');
  }
  const r = new Stream(key);
  switch (gen.sentence) {
    case 'lower':
      return sentence(r, { min: 10, max: 60, words: WORDS, first: WORDS });
    case 'mixed':
      return mixed(r);
    case 'unicode':
      return sentence(r, { min: 10, max: 60, words: [...WORDS, ...UNICODE_WORDS], first: UNICODE_WORDS });
  }
}

/**
 * The drawn variables of a case at one client and repeat: each repeat (`{{i}}`) and each
 * client of a group (`{{client}}`) gets values of its own; elsewhere a name means one value.
 */
export function drawnVars(
  draws: Readonly<Record<string, Generator>>,
  place: DrawPlace,
  at: { client?: string; i?: string } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, gen] of Object.entries(draws)) {
    const key = JSON.stringify([place.seed, place.spec, place.caseId, name, at.client ?? '1', at.i ?? '1', gen]);
    out[name] = recent.get(key) ?? remember(key, drawValue(gen, key));
  }
  return out;
}

/** Values drawn lately: a step binds the same place several times (the case, its clients, each repeat). */
const recent = new Map<string, string>();
function remember(key: string, value: string): string {
  if (recent.size >= 1024) recent.delete(recent.keys().next().value!);
  recent.set(key, value);
  return value;
}

/** `{{uid}}`: unique to the case and the attempt, and the same for the same seed. */
export function caseUid(place: DrawPlace, attempt: number): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([place.seed, place.spec, place.caseId, 'uid']))
    .digest('hex')
    .slice(0, 8);
  return hex + attempt.toString(36);
}
