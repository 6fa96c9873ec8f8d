// The spec language's one piece of syntax inside strings: {{name}} or
// {{name|filter}} / {{name|filter:arg}}. Kept tiny on purpose: what a spec
// cannot say with these, it says with steps, not with an expression language.

import { formatImfFixdate, parseHttpDate } from '../http/date.js';
import { toWeak } from '../http/etag.js';
import { FilterInputError, TemplateError } from '../errors.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*((?:\|\s*[a-z-]+(?::[^|}\s]+)?\s*)*)\}\}/g;

export interface TemplateRef {
  name: string;
  filters: Array<{ name: string; arg?: string }>;
}

export type Filter = (value: string, arg: string | undefined) => string;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `date:+1s`, `date:-1d`: an HTTP-date moved by an amount, written back as IMF-fixdate (RFC 9110 §5.6.7). */
function shiftDate(value: string, arg: string | undefined): string {
  const m = /^([+-]\d+)([smhd])$/.exec(arg ?? '');
  if (!m) throw new TemplateError(`the date filter takes an amount such as date:+1s or date:-1d, not "${arg ?? ''}"`);
  const parsed = parseHttpDate(value);
  if (!parsed) throw new FilterInputError(`"${value}" is not an HTTP date, so netgrade cannot compute a date from it`);
  return formatImfFixdate(new Date(parsed.date.getTime() + Number(m[1]) * UNITS[m[2]]));
}

// Each character class a lookalike keeps: hex letters stay hex, so an id of any form keeps its form.
const CLASSES = ['0123456789', 'abcdef', 'ghijklmnopqrstuvwxyz', 'ABCDEF', 'GHIJKLMNOPQRSTUVWXYZ'];

/** The value with its last letter or digit changed to the next one of its class: the same form, another value. */
function lookalike(value: string): string {
  for (let k = value.length - 1; k >= 0; k--) {
    const cls = CLASSES.find((c) => c.includes(value[k]));
    if (cls) return value.slice(0, k) + cls[(cls.indexOf(value[k]) + 1) % cls.length] + value.slice(k + 1);
  }
  throw new FilterInputError(`"${value}" has no letter or digit, so it has no lookalike`);
}

const BASE_FILTERS: Record<string, Filter> = {
  upper: (v) => v.toUpperCase(),
  lower: (v) => v.toLowerCase(),
  trim: (v) => v.trim(),
  // RFC 9110 §8.8.3: the weak form of an entity-tag, W/"x" from "x".
  weak: (v) => {
    const w = toWeak(v.trim());
    if (w === undefined) throw new FilterInputError(`"${v}" is not an entity-tag, so it has no weak form`);
    return w;
  },
  date: shiftDate,
  // A made-up session id a server that checks only the form of its ids would take for its own.
  lookalike,
  // half:1 and half:2 split a value in two by characters, to send a drawn sentence in two segments.
  half: (v, arg) => {
    if (arg !== '1' && arg !== '2')
      throw new TemplateError(`the half filter takes 1 or 2 (the first or second half), not "${arg ?? ''}"`);
    const chars = [...v];
    const mid = Math.ceil(chars.length / 2);
    return (arg === '1' ? chars.slice(0, mid) : chars.slice(mid)).join('');
  },
};

const filters: Record<string, Filter> = { ...BASE_FILTERS };

/** Lets a protocol module add filters (e.g. `weak` for entity-tags, `date:+1s`). */
export function registerFilter(name: string, fn: Filter): void {
  filters[name] = fn;
}

export function knownFilter(name: string): boolean {
  // Own keys only: `in` also found Object.prototype's "constructor", so {{uid|constructor}} passed the lint.
  return Object.hasOwn(filters, name);
}

function parseFilters(chain: string): TemplateRef['filters'] {
  return chain
    .split('|')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => {
      const colon = f.indexOf(':');
      return colon < 0 ? { name: f } : { name: f.slice(0, colon), arg: f.slice(colon + 1) };
    });
}

/** Every placeholder a string uses, for checking a spec before it runs. */
export function templateRefs(s: string): TemplateRef[] {
  return [...s.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1], filters: parseFilters(m[2]) }));
}

/** The string with every placeholder replaced by `by`, e.g. to compile a regex before the values are known. */
export function replacePlaceholders(s: string, by: string): string {
  return s.replace(PLACEHOLDER, () => by);
}

/** Fills in every placeholder; an unknown variable or filter is a spec error, never an empty string. */
/** Filled-in values placed in a regular expression match themselves literally. */
export const regexLiteral = (v: string): string => v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function renderTemplate(
  s: string,
  vars: Readonly<Record<string, string>>,
  encode: (v: string) => string = (v) => v,
): string {
  return s.replace(PLACEHOLDER, (_all, name: string, chain: string) => {
    // Own keys only, as in knownFilter: {{constructor}} must not render Object's source text.
    if (!Object.hasOwn(vars, name)) throw new TemplateError(`unknown variable {{${name}}}`);
    const value = parseFilters(chain).reduce((v, f) => {
      const fn = knownFilter(f.name) ? filters[f.name] : undefined;
      if (!fn) throw new TemplateError(`unknown filter "${f.name}" in {{${name}}}`);
      return fn(v, f.arg);
    }, vars[name]);
    return encode(value);
  });
}
