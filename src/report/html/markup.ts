// Server bytes are data, never markup. Every string reaches the page through
// esc(), and the html`` template calls esc() on every interpolated value, so a
// fragment is raw only when it was itself built by html``.
import { inert } from '../../text/escape.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The one HTML escape: safe in text, in double- or single-quoted attributes and in SVG <text>/<title>. */
export function esc(value: string | number): string {
  // inert() first: a control character or a bidi override from a spec or an error message shows as an escape.
  return inert(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup built by html``: the only thing the template inserts without escaping. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = Html | string | number | false | null | undefined | Part[];

function render(part: Part): string {
  if (part === false || part === null || part === undefined) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return esc(part);
}

/** A markup template: every interpolated string or number is escaped, Html fragments go in as they are. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < parts.length; i++) out += render(parts[i]) + strings[i + 1];
  return new Html(out);
}

// One unit of escaped text: an escape the engine wrote (\xNN, \u{NNNN}, \n, \\) or one code point.
const UNITS = /\\x[0-9a-fA-F]{2}|\\u\{[0-9a-fA-F]+\}|\\[\s\S]|[\s\S]/gu;

/** Splits escaped text into units, so that cutting it never splits `\x1b` into `\x1`. */
export function units(s: string): string[] {
  return s.match(UNITS) ?? [];
}

/** The first `max` units of escaped text, and whether anything was left out. */
export function cut(s: string, max: number): { text: string; cut: boolean } {
  const u = units(s);
  return u.length <= max ? { text: s, cut: false } : { text: u.slice(0, max).join(''), cut: true };
}

// East Asian wide characters take two monospace cells.
const WIDE = new RegExp(
  '[\\u1100-\\u115f\\u2e80-\\ua4cf\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uff60\\uffe0-\\uffe6' +
    '\\u{1f300}-\\u{1faff}\\u{20000}-\\u{3fffd}]',
  'u',
);

/** How many monospace cells a string takes, near enough to size a diagram. */
export function cells(s: string): number {
  let n = 0;
  for (const ch of s) n += WIDE.test(ch) ? 2 : 1;
  return n;
}
