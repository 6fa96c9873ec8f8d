// Conditional GET (RFC 9110 §13): entity-tags, If-None-Match, If-Modified-Since.
import { createHash } from 'node:crypto';
import { parseHttpDate } from './date.js';
import type { RequestHead } from './request.js';

export interface Validators {
  /** A strong entity-tag, quotes included. */
  etag: string;
  /** Epoch milliseconds of the last change. */
  lastModifiedMs: number;
}

/** A strong validator (RFC 9110 §8.8.3): a hash of the exact representation bytes. */
export function strongEtag(representation: string): string {
  return `"${createHash('sha1').update(representation, 'utf8').digest('base64url')}"`;
}

/**
 * RFC 9110 §13.2.2, steps 3 and 4 for GET and HEAD (we implement neither If-Match nor
 * If-Unmodified-Since, so steps 1 and 2 never apply): true when the answer is 304.
 */
export function isNotModified(req: RequestHead, v: Validators): boolean {
  const inm = req.headers.get('if-none-match');
  if (inm) return ifNoneMatchFails(inm.join(', '), v.etag);
  return ifModifiedSinceFails(req.headers.get('if-modified-since'), v.lastModifiedMs);
}

// RFC 9110 §13.1.2: the condition is false (→ 304) when the value is "*" or any listed tag
// matches the current one by the weak comparison (§8.8.3.2: opaque-tags equal, W/ ignored).
function ifNoneMatchFails(value: string, etag: string): boolean {
  if (value.trim() === '*') return true;
  const current = opaqueTag(etag);
  return parseEntityTags(value).some((tag) => opaqueTag(tag) === current);
}

// RFC 9110 §13.1.3: ignored unless exactly one member that is a valid HTTP-date; false (→ 304)
// when the last modification is earlier than or equal to that date. HTTP-dates have whole
// seconds, so Last-Modified is compared at that resolution, as it was sent.
function ifModifiedSinceFails(values: string[] | undefined, lastModifiedMs: number): boolean {
  if (values?.length !== 1) return false;
  const since = parseHttpDate(values[0]);
  if (since === undefined) return false;
  return Math.floor(lastModifiedMs / 1000) * 1000 <= since;
}

/**
 * `#entity-tag` (RFC 9110 §8.8.3, §5.6.1): list members separated by commas with OWS. A comma
 * may sit inside a quoted tag, so scan rather than split; malformed members are skipped.
 */
export function parseEntityTags(value: string): string[] {
  const tags: string[] = [];
  let i = 0;
  for (;;) {
    while (i < value.length && ' \t,'.includes(value[i])) i++;
    if (i >= value.length) return tags;
    const quote = value.startsWith('W/', i) ? i + 2 : i;
    const close = value[quote] === '"' ? value.indexOf('"', quote + 1) : -1;
    if (close >= 0) tags.push(value.slice(i, close + 1));
    const next = close >= 0 ? close + 1 : value.indexOf(',', i);
    i = next < 0 ? value.length : next;
  }
}

function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
