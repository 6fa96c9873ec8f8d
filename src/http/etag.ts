// Entity tags (RFC 9110 §8.8.3) and the If-None-Match list (RFC 9110 §13.1.2).

export interface EntityTag {
  weak: boolean;
  // The opaque-tag including its double quotes, e.g. "\"abc\"".
  opaque: string;
}

// RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text (obs-text = %x80-FF); no spaces, no DQUOTE, no CTLs.
function isEtagc(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

// RFC 9110 §5.6.3: OWS = *( SP / HTAB ).
function skipOws(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

// Reads one entity-tag starting at i; returns it and the index just past it.
// Scanning (not splitting on ",") matters because etagc includes the comma.
function readEntityTag(s: string, i: number): { tag: EntityTag; end: number } | undefined {
  // RFC 9110 §8.8.3: weak = %s"W/" — case-sensitive, so "w/" is not a weak prefix.
  const weak = s.startsWith('W/', i);
  const start = weak ? i + 2 : i;
  if (s[start] !== '"') return undefined;
  for (let j = start + 1; j < s.length; j++) {
    if (s[j] === '"') return { tag: { weak, opaque: s.slice(start, j + 1) }, end: j + 1 };
    if (!isEtagc(s.charCodeAt(j))) return undefined;
  }
  return undefined; // no closing DQUOTE
}

/** Parses exactly one entity-tag: `[W/] DQUOTE *etagc DQUOTE` (RFC 9110 §8.8.3), nothing around it. */
export function parseEntityTag(s: string): EntityTag | undefined {
  const r = readEntityTag(s, 0);
  return r && r.end === s.length ? r.tag : undefined;
}

/**
 * Parses an If-Match / If-None-Match value: "*" or a comma list of entity-tags.
 * Returns undefined if any element is not an entity-tag.
 */
export function parseEtagList(s: string): EntityTag[] | '*' | undefined {
  // RFC 9110 §13.1.2: If-None-Match = "*" / #entity-tag — "*" stands alone, never inside a list.
  if (s.slice(skipOws(s, 0)).trimEnd() === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  for (;;) {
    i = skipOws(s, i);
    if (i >= s.length) return tags;
    // RFC 9110 §5.6.1.2: a recipient MUST parse and ignore a reasonable number of empty list elements.
    if (s[i] === ',') {
      i++;
      continue;
    }
    const r = readEntityTag(s, i);
    if (!r) return undefined;
    tags.push(r.tag);
    i = skipOws(s, r.end);
    // RFC 9110 §5.6.1: elements are separated by OWS "," OWS.
    if (i < s.length && s[i] !== ',') return undefined;
  }
}

/** RFC 9110 §8.8.3.2: strong comparison — both strong and opaque-tags identical. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** RFC 9110 §8.8.3.2: weak comparison — opaque-tags identical, the W/ prefix is ignored. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

/** Writes an entity-tag as it appears in an ETag field, e.g. `W/"abc"`. */
export function formatEntityTag(t: EntityTag): string {
  return `${t.weak ? 'W/' : ''}${t.opaque}`;
}

/** `"x"` → `W/"x"`; `W/"x"` stays; undefined if `s` is not an entity-tag. */
export function toWeak(s: string): string | undefined {
  const t = parseEntityTag(s);
  return t && formatEntityTag({ weak: true, opaque: t.opaque });
}

/**
 * True when an If-None-Match value matches the current representation's entity-tag,
 * i.e. the condition is false and a GET should get 304. An unparsable value never matches.
 */
export function ifNoneMatchMatches(headerValue: string, current: EntityTag): boolean {
  const list = parseEtagList(headerValue);
  if (list === undefined) return false;
  // RFC 9110 §13.1.2 step 1: with "*" the condition is false (it matches) whenever a representation exists.
  if (list === '*') return true;
  // RFC 9110 §13.1.2 step 2: false if any listed tag matches, using the weak comparison function.
  return list.some((t) => weakMatch(t, current));
}
