// Header values reach the checks decoded as latin1 (one char per byte); a value that is
// valid UTF-8 compares and shows as the UTF-8 text a spec writes, never as mojibake.
import { describe, expect, it } from 'vitest';
import { checkResponse, type HttpObservation } from '../../src/check/http.js';
import { parseResponse, type HttpResponse } from '../../src/http/response.js';

function response(head: Buffer): HttpResponse {
  const p = parseResponse(Buffer.concat([head, Buffer.from('\r\n\r\n')]), { method: 'HEAD', closed: true });
  if (p.state !== 'complete') throw new Error('incomplete');
  return p.response;
}

const observe = (res: HttpResponse): HttpObservation => ({
  response: res,
  deviations: res.deviations,
  timedOut: false,
  timeoutMs: 2000,
  peerClosed: true,
  now: new Date(),
});

const utf8Etag = response(Buffer.from('HTTP/1.1 200 OK\r\nETag: "straße"', 'utf8'));

describe('non-ASCII header values', () => {
  it('compare as the UTF-8 text a spec writes', () => {
    expect(
      checkResponse({ headers: [['ETag', { equals: Buffer.from('"straße"') }]] }, observe(utf8Etag)),
    ).toBeUndefined();
    expect(checkResponse({ headers: [['ETag', { contains: 'ß' }]] }, observe(utf8Etag))).toBeUndefined();
    expect(checkResponse({ headers: [['ETag', { entityTag: true }]] }, observe(utf8Etag))).toBeUndefined();
  });

  it('show as the text that was sent, in the message and in actual', () => {
    expect(checkResponse({ headers: [['ETag', { equals: Buffer.from('"x"') }]] }, observe(utf8Etag))).toEqual({
      message: 'ETag differs at character 2: "s" where "x" was expected',
      expected: 'ETag: "x"',
      actual: 'ETag: "straße"',
    });
  });

  it('bytes that are not UTF-8 stay escaped bytes', () => {
    const latin1 = response(Buffer.from('HTTP/1.1 200 OK\r\nETag: "stra\xdfe"', 'latin1'));
    expect(checkResponse({ headers: [['ETag', { equals: Buffer.from('"x"') }]] }, observe(latin1))?.actual).toBe(
      'ETag: "stra\\xdfe"',
    );
    // ...and equal the text a capture of them gives back, as they did when compared as text.
    expect(
      checkResponse({ headers: [['ETag', { equals: Buffer.from('"straße"') }]] }, observe(latin1)),
    ).toBeUndefined();
  });
});
