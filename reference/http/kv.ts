// The key/value store and its routes: GET|HEAD /, POST /create, PUT /update (PROTOCOLS.md §3).
import { isNotModified, strongEtag, type Validators } from './conditional.js';
import { formatHttpDate } from './date.js';
import type { HttpRequest, RequestHead } from './request.js';
import { textResponse, type HttpResponse } from './wire.js';

export type Pair = [key: string, value: string];

interface Snapshot extends Validators {
  listing: string;
}

export class KvStore {
  private readonly pairs = new Map<string, string>();
  private lastChangeMs: number;
  private snapshotCache?: Snapshot;

  constructor(private readonly clock: () => number) {
    this.lastChangeMs = clock();
  }

  has(key: string): boolean {
    return this.pairs.has(key);
  }

  /** Stores every pair; the caller has checked that all keys are new. */
  create(pairs: Pair[]): void {
    for (const [key, value] of pairs) this.pairs.set(key, value);
    this.touch();
  }

  /** Upsert. Last-Modified only moves when some value really changed. */
  update(pairs: Pair[]): void {
    const changed = pairs.some(([key, value]) => this.pairs.get(key) !== value);
    for (const [key, value] of pairs) this.pairs.set(key, value);
    if (changed) this.touch();
  }

  /** The listing with its validators, computed once per version of the store. */
  snapshot(): Snapshot {
    if (!this.snapshotCache) {
      const listing = [...this.pairs].map(([key, value]) => `${key}: ${value}\n`).join('');
      this.snapshotCache = { listing, etag: strongEtag(listing), lastModifiedMs: this.lastChangeMs };
    }
    return this.snapshotCache;
  }

  private touch(): void {
    // Never earlier than the previous change, even if the clock stepped back.
    this.lastChangeMs = Math.max(this.lastChangeMs, this.clock());
    this.snapshotCache = undefined;
  }
}

/**
 * `key: value&key2: value2`: split on '&', each on its first ':', both sides trimmed. Every pair
 * must have a ':' and a non-blank key. A line break would forge lines in the listing, so it is
 * refused too.
 */
export function parsePairs(body: string): Pair[] | { error: string } {
  if (body === '') return { error: 'empty body' };
  const pairs: Pair[] = [];
  for (const item of body.split('&')) {
    const colon = item.indexOf(':');
    if (colon < 0) return { error: `pair without ':': ${JSON.stringify(item)}` };
    const key = item.slice(0, colon).trim();
    const value = item.slice(colon + 1).trim();
    if (key === '') return { error: `blank key in ${JSON.stringify(item)}` };
    if (/[\r\n]/.test(key + value)) return { error: `line break in pair ${JSON.stringify(item)}` };
    pairs.push([key, value]);
  }
  return pairs;
}

/** GET / and HEAD /: the listing, conditional on its validators (RFC 9110 §13.2.2). */
export function listingRoute(req: RequestHead, store: KvStore): HttpResponse {
  const snap = store.snapshot();
  const headers: HttpResponse['headers'] = [
    ['ETag', snap.etag],
    ['Last-Modified', formatHttpDate(snap.lastModifiedMs)],
  ];
  // RFC 9110 §15.4.5: the 304 repeats ETag (and here Last-Modified), without content.
  if (isNotModified(req, snap)) return { status: 304, headers };
  return { status: 200, headers, body: snap.listing };
}

/** POST /create: all or nothing; every key must be new, also within this one body. */
export function createRoute(req: HttpRequest, store: KvStore): HttpResponse {
  const pairs = readPairs(req);
  if ('error' in pairs) return textResponse(400, pairs.error);
  const seen = new Set<string>();
  for (const [key] of pairs) {
    if (store.has(key)) return textResponse(400, `key exists: ${key}`);
    if (seen.has(key)) return textResponse(400, `key given twice: ${key}`);
    seen.add(key);
  }
  store.create(pairs);
  return textResponse(200, `created ${pairs.length}`);
}

/** PUT /update: existing keys take the new value, new keys are created; all or nothing. */
export function updateRoute(req: HttpRequest, store: KvStore): HttpResponse {
  const pairs = readPairs(req);
  if ('error' in pairs) return textResponse(400, pairs.error);
  store.update(pairs);
  return textResponse(200, `updated ${pairs.length}`);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function readPairs(req: HttpRequest): Pair[] | { error: string } {
  let body: string;
  try {
    body = UTF8.decode(req.body);
  } catch {
    return { error: 'body is not UTF-8' };
  }
  return parsePairs(body);
}
