import { describe, it, expect } from 'vitest';
import {
  parseResponse,
  header,
  headerAll,
  trailingBytesDeviation,
  contentLengthMismatch,
  type HttpResponse,
  type ParseOptions,
  type ParseResult,
} from '../../src/http/response.js';

// Fixtures are latin1 so every "\xNN" in a string is exactly one byte on the wire.
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const GET_OPEN: ParseOptions = { method: 'GET', closed: false };
const GET_CLOSED: ParseOptions = { method: 'GET', closed: true };

function complete(result: ParseResult): { response: HttpResponse; rest: Buffer } {
  if (result.state !== 'complete') throw new Error(`expected complete, got ${result.state}`);
  return { response: result.response, rest: result.rest };
}

const codes = (res: HttpResponse) => res.deviations.map((d) => d.code);

describe('parseResponse: well-formed responses', () => {
  const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';

  it('parses a normal CRLF response exactly', () => {
    const { response, rest } = complete(parseResponse(b(raw), GET_OPEN));
    expect(response).toEqual({
      statusLine: 'HTTP/1.1 200 OK',
      version: 'HTTP/1.1',
      status: 200,
      reason: 'OK',
      headers: [
        ['Content-Type', 'text/plain'],
        ['Content-Length', '5'],
      ],
      body: b('hello'),
      headerBytes: raw.length - 5,
      deviations: [],
      closeDelimited: false,
      method: 'GET',
    });
    expect(rest).toEqual(b(''));
  });

  it('is incomplete for every strict prefix while the peer is open', () => {
    for (let n = 1; n < raw.length; n++) {
      expect(parseResponse(b(raw.slice(0, n)), GET_OPEN)).toEqual({ state: 'incomplete' });
    }
  });

  it('trims OWS from values, keeps names as sent, and accepts an empty reason after the SP', () => {
    const { response } = complete(
      parseResponse(b('HTTP/1.1 200 \r\nX-A:\t spaced \t\r\nx-b:v\r\nContent-Length: 0\r\n\r\n'), GET_OPEN),
    );
    expect(response.reason).toBe('');
    expect(response.headers).toEqual([
      ['X-A', 'spaced'],
      ['x-b', 'v'],
      ['Content-Length', '0'],
    ]);
    expect(response.deviations).toEqual([]);
  });

  it('finds headers case-insensitively and collects repeated ones in order', () => {
    const { response } = complete(
      parseResponse(
        b('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nCONTENT-LENGTH: 0\r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\n\r\n'),
        GET_OPEN,
      ),
    );
    expect(header(response, 'content-length')).toBe('0');
    expect(header(response, 'Set-Cookie')).toBe('a=1');
    expect(header(response, 'X-Missing')).toBeUndefined();
    expect(headerAll(response, 'set-cookie')).toEqual(['a=1', 'b=2', 'c=3']);
    expect(headerAll(response, 'x-missing')).toEqual([]);
  });

  it('leaves a second keep-alive response in rest and parses it from there', () => {
    const second = 'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnope';
    const first = complete(parseResponse(b(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi${second}`), GET_OPEN));
    expect(first.response.body).toEqual(b('hi'));
    expect(first.rest).toEqual(b(second));
    const next = complete(parseResponse(first.rest, GET_OPEN));
    expect(next.response.status).toBe(404);
    expect(next.response.reason).toBe('Not Found');
    expect(next.response.body).toEqual(b('nop'));
    expect(next.rest).toEqual(b('e'));
  });
});

describe('parseResponse: line ends', () => {
  it('accepts LF-only responses and reports the first bare LF line', () => {
    const raw = 'HTTP/1.1 200 OK\nContent-Length: 2\n\nhi';
    const { response, rest } = complete(parseResponse(b(raw), GET_OPEN));
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([['Content-Length', '2']]);
    expect(response.body).toEqual(b('hi'));
    expect(response.headerBytes).toBe(raw.length - 2);
    expect(rest).toEqual(b(''));
    expect(response.deviations).toEqual([
      {
        code: 'lf-line-end',
        message: 'line 1 (the status line) ends in LF without CR, as do 2 more lines; every line must end in CRLF',
      },
    ]);
  });

  it('reports a single bare LF header line among CRLF lines', () => {
    const { response } = complete(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 2\nX-A: b\r\n\r\nhi'), GET_OPEN));
    expect(response.headers).toEqual([
      ['Content-Length', '2'],
      ['X-A', 'b'],
    ]);
    expect(response.body).toEqual(b('hi'));
    expect(response.deviations).toEqual([
      {
        code: 'lf-line-end',
        message: 'line 2 ("Content-Length: 2") ends in LF without CR; every line must end in CRLF',
      },
    ]);
  });

  it('recognises CRLF followed by a bare LF as the end of the header block', () => {
    const { response, rest } = complete(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\nhi!'), GET_OPEN));
    expect(response.body).toEqual(b('hi'));
    expect(rest).toEqual(b('!'));
    expect(response.deviations).toEqual([
      {
        code: 'lf-line-end',
        message: 'line 3 (the empty line that ends the headers) ends in LF without CR; every line must end in CRLF',
      },
    ]);
  });
});

describe('parseResponse: status line', () => {
  const status = (line: string) =>
    complete(parseResponse(b(`${line}\r\nContent-Length: 0\r\n\r\n`), GET_OPEN)).response;

  it('reports a missing reason phrase but keeps the status', () => {
    const res = status('HTTP/1.1 200');
    expect([res.version, res.status, res.reason]).toEqual(['HTTP/1.1', 200, null]);
    expect(res.deviations).toEqual([
      {
        code: 'missing-reason',
        message: 'status line "HTTP/1.1 200" has no reason phrase (expected "HTTP/1.1 200 OK")',
      },
    ]);
  });

  it('accepts HTTP/1.0 and reports it', () => {
    const res = status('HTTP/1.0 404 Not Found');
    expect([res.version, res.status, res.reason]).toEqual(['HTTP/1.0', 404, 'Not Found']);
    expect(res.deviations).toEqual([
      { code: 'bad-status-line', message: 'status line uses HTTP/1.0 instead of HTTP/1.1' },
    ]);
  });

  it('accepts an extra space before the status code and reports it', () => {
    const res = status('HTTP/1.1  200 OK');
    expect([res.status, res.reason]).toEqual([200, 'OK']);
    expect(res.deviations).toEqual([
      {
        code: 'bad-status-line',
        message:
          'status line "HTTP/1.1  200 OK" has 2 spaces between "HTTP/1.1" and the status code (expected exactly one space)',
      },
    ]);
  });

  it('reports a lowercase protocol name', () => {
    const res = status('http/1.1 200 OK');
    expect([res.version, res.status]).toEqual(['http/1.1', 200]);
    expect(res.deviations).toEqual([
      {
        code: 'bad-status-line',
        message: 'status line starts with "http/1.1", but the protocol name is case-sensitive: write "HTTP/1.1"',
      },
    ]);
  });

  it('extracts the code when the reason is glued to it', () => {
    const res = status('HTTP/1.1 200OK');
    expect([res.status, res.reason]).toEqual([200, 'OK']);
    expect(res.deviations).toEqual([
      {
        code: 'bad-status-line',
        message: 'status line "HTTP/1.1 200OK" has no space between the status code and the reason phrase',
      },
    ]);
  });

  it('gives status null when there is no numeric code', () => {
    const res = status('HTTP/1.1 OK');
    expect([res.status, res.reason]).toEqual([null, null]);
    expect(res.deviations).toEqual([
      { code: 'bad-status-line', message: 'status line "HTTP/1.1 OK" has no 3-digit status code' },
    ]);
  });
});

describe('parseResponse: responses without a body', () => {
  const HEAD_OPEN: ParseOptions = { method: 'HEAD', closed: false };

  it('returns 100 CONTINUE to HEAD as the final answer without waiting', () => {
    const { response, rest } = complete(parseResponse(b('HTTP/1.1 100 CONTINUE\r\n\r\n'), HEAD_OPEN));
    expect([response.status, response.reason]).toEqual([100, 'CONTINUE']);
    expect(response.body).toEqual(b(''));
    expect(rest).toEqual(b(''));
    expect(response.deviations).toEqual([
      { code: 'interim-status', message: 'got 100, a 1xx status is not a final response' },
    ]);
  });

  it('does not wait for the Content-Length bytes of a HEAD response', () => {
    const { response, rest } = complete(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'), HEAD_OPEN));
    expect(header(response, 'content-length')).toBe('1234');
    expect(response.body).toEqual(b(''));
    expect(response.deviations).toEqual([]);
    expect(rest).toEqual(b(''));
    expect(trailingBytesDeviation(response, rest)).toBeUndefined();
  });

  it('leaves stray body bytes after HEAD in rest for trailingBytesDeviation', () => {
    const buf = b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    const { response, rest } = complete(parseResponse(buf, { method: 'HEAD', closed: true }));
    expect(response.body).toEqual(b(''));
    expect(rest).toEqual(b('hello'));
    expect(trailingBytesDeviation(response, rest)).toEqual({
      code: 'body-not-allowed',
      message: '5 bytes came after a response to HEAD, which must not have a body',
    });
    const asGet = complete(parseResponse(buf, GET_CLOSED));
    expect(trailingBytesDeviation(asGet.response, b('x'))).toBeUndefined();
  });

  it('leaves body bytes after a 304 in rest', () => {
    const { response, rest } = complete(
      parseResponse(b('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\nhello'), GET_OPEN),
    );
    expect(response.headers).toEqual([['ETag', '"v1"']]);
    expect(response.body).toEqual(b(''));
    expect(rest).toEqual(b('hello'));
    expect(trailingBytesDeviation(response, rest)).toEqual({
      code: 'body-not-allowed',
      message: '5 bytes came after a 304 response, which must not have a body',
    });
  });

  it('treats 204 the same way', () => {
    const { response, rest } = complete(parseResponse(b('HTTP/1.1 204 No Content\r\n\r\nx'), GET_OPEN));
    expect(trailingBytesDeviation(response, rest)?.message).toBe(
      '1 byte came after a 204 response, which must not have a body',
    );
  });
});

describe('parseResponse: body length', () => {
  const noLength = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close';

  it('reads a body without Content-Length until the peer closes', () => {
    expect(parseResponse(b(noLength), GET_OPEN)).toEqual({ state: 'incomplete' });
    const { response, rest } = complete(parseResponse(b(noLength), GET_CLOSED));
    expect(response.body).toEqual(b('until close'));
    expect(response.closeDelimited).toBe(true);
    expect(rest).toEqual(b(''));
    expect(response.deviations).toEqual([
      {
        code: 'no-content-length',
        message:
          'the response has neither Content-Length nor Transfer-Encoding, so the body was read until the server closed the connection',
      },
    ]);
  });

  it('reports a Content-Length bigger than what came before close', () => {
    const buf = b(`HTTP/1.1 200 OK\r\nContent-Length: 120\r\n\r\n${'x'.repeat(114)}`);
    expect(parseResponse(buf, GET_OPEN)).toEqual({ state: 'incomplete' });
    const { response, rest } = complete(parseResponse(buf, GET_CLOSED));
    expect(response.body).toEqual(b('x'.repeat(114)));
    expect(response.closeDelimited).toBe(false);
    expect(rest).toEqual(b(''));
    expect(response.deviations).toEqual([
      {
        code: 'content-length-mismatch',
        message: 'Content-Length says 120 bytes but the server closed after 114',
      },
    ]);
  });

  it('lets the caller diagnose a Content-Length counted in characters', () => {
    const text = 'äöü ß 1234';
    expect([text.length, Buffer.byteLength(text)]).toEqual([10, 14]);
    const buf = Buffer.concat([b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'), Buffer.from(text, 'utf8')]);
    const { response, rest } = complete(parseResponse(buf, GET_CLOSED));
    expect(response.body).toEqual(Buffer.from(text, 'utf8').subarray(0, 10));
    expect(rest).toEqual(b('1234'));
    expect(response.deviations).toEqual([]);
    expect(contentLengthMismatch(response, rest)).toEqual({
      code: 'content-length-mismatch',
      message: 'Content-Length says 10 but the body that came before close is 14 bytes',
    });
    expect(contentLengthMismatch(response, b(''))).toBeUndefined();
  });

  it('reads an invalid Content-Length as close-delimited', () => {
    const { response } = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 5 bytes\r\n\r\nhello'), GET_CLOSED),
    );
    expect(response.body).toEqual(b('hello'));
    expect(response.closeDelimited).toBe(true);
    expect(response.deviations).toEqual([
      {
        code: 'bad-content-length',
        message:
          'Content-Length "5 bytes" is not a decimal number, so the body was read until the server closed the connection',
      },
    ]);
  });

  it('reports differing Content-Length values but accepts identical repeats', () => {
    const differing = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'), GET_CLOSED),
    );
    expect(differing.response.deviations.map((d) => d.message)).toEqual([
      'the response has several different Content-Length values (5, 6), so the body was read until the server closed the connection',
    ]);
    const same = complete(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello!'), GET_OPEN));
    expect(same.response.body).toEqual(b('hello'));
    expect(same.rest).toEqual(b('!'));
    expect(same.response.deviations).toEqual([]);
  });
});

describe('parseResponse: chunked', () => {
  const chunked =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';

  it('decodes chunks, skips extensions and trailers, and leaves what follows in rest', () => {
    const { response, rest } = complete(parseResponse(b(`${chunked}HTTP/1.1`), GET_OPEN));
    expect(response.body).toEqual(b('hello world'));
    expect(response.headers).toEqual([['Transfer-Encoding', 'chunked']]);
    expect(rest).toEqual(b('HTTP/1.1'));
    expect(response.deviations).toEqual([
      {
        code: 'chunked',
        message: 'the body was sent with Transfer-Encoding: chunked (2 chunks, 11 bytes) and was decoded',
      },
    ]);
  });

  it('waits for the whole chunked body while the peer is open', () => {
    for (let n = chunked.indexOf('\r\n\r\n') + 4; n < chunked.length; n++) {
      expect(parseResponse(b(chunked.slice(0, n)), GET_OPEN)).toEqual({ state: 'incomplete' });
    }
  });

  it('accepts LF-only chunk framing', () => {
    const { response } = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n'), GET_OPEN),
    );
    expect(response.body).toEqual(b('abc'));
    expect(codes(response)).toEqual(['chunked', 'lf-line-end']);
    expect(response.deviations[1].message).toBe(
      'the chunked body has lines that end in LF without CR; every line must end in CRLF',
    );
  });

  it('returns what came when the peer closes in the middle', () => {
    const { response } = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel'), GET_CLOSED),
    );
    expect(response.body).toEqual(b('hel'));
    expect(response.deviations).toEqual([
      {
        code: 'chunked',
        message: 'the body was sent with Transfer-Encoding: chunked (0 chunks, 3 bytes) and was decoded',
      },
      {
        code: 'truncated',
        message: 'the server closed the connection in the middle of the chunked body (after 3 bytes of data)',
      },
    ]);
  });

  it('stops at a chunk size that is not hex and leaves the rest', () => {
    const { response, rest } = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhello\r\n'), GET_OPEN),
    );
    expect(response.body).toEqual(b(''));
    expect(rest).toEqual(b('hello\r\n'));
    expect(response.deviations[1]).toEqual({
      code: 'bad-chunked',
      message: 'chunk size line "hello" is not a hexadecimal chunk size',
    });
  });

  it('stops when a chunk size is too small for its data', () => {
    const { response, rest } = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n'), GET_OPEN),
    );
    expect(response.body).toEqual(b('abc'));
    expect(rest).toEqual(b('d\r\n0\r\n\r\n'));
    expect(response.deviations[1]).toEqual({
      code: 'bad-chunked',
      message:
        'chunk 1 is not followed by CRLF after its 3 bytes; the chunk size must be the length of the data in bytes, in hex',
    });
  });
});

describe('parseResponse: garbage, empty, truncation and caps', () => {
  it('reports bytes that are not HTTP at all', () => {
    const garbage = b('\x00\xff garbage');
    expect(parseResponse(garbage, GET_OPEN)).toEqual({ state: 'incomplete' });
    const { response, rest } = complete(parseResponse(garbage, GET_CLOSED));
    expect([response.statusLine, response.version, response.status, response.reason]).toEqual([
      '\x00\xff garbage',
      null,
      null,
      null,
    ]);
    expect(response.headers).toEqual([]);
    expect(rest).toEqual(b(''));
    expect(response.deviations).toEqual([
      {
        code: 'not-http',
        message: 'the response does not start with "HTTP/" (it starts with "\\x00\\xff garbage")',
      },
    ]);
  });

  it('gives up waiting on garbage once a line end arrives', () => {
    const { response } = complete(parseResponse(b('hello world\r\nmore'), GET_OPEN));
    expect(response.statusLine).toBe('hello world');
    expect(response.body).toEqual(b('more'));
    expect(codes(response)).toEqual(['not-http']);
  });

  it('distinguishes empty from incomplete', () => {
    expect(parseResponse(b(''), GET_CLOSED)).toEqual({ state: 'empty' });
    expect(parseResponse(b(''), GET_OPEN)).toEqual({ state: 'incomplete' });
  });

  it('waits for an unfinished header block while open and reports it cut off when closed', () => {
    const partial = b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Half');
    expect(parseResponse(partial, GET_OPEN)).toEqual({ state: 'incomplete' });
    const { response, rest } = complete(parseResponse(partial, GET_CLOSED));
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([['Content-Length', '5']]);
    expect(response.headerBytes).toBe(partial.length);
    expect(rest).toEqual(b(''));
    expect(response.deviations).toEqual([
      {
        code: 'truncated',
        message: 'the server closed the connection before the header block ended (no empty line after the headers)',
      },
    ]);
  });

  it('stops at the header cap instead of waiting', () => {
    const buf = b(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100)}`);
    const { response } = complete(parseResponse(buf, { ...GET_OPEN, maxHeaderBytes: 64 }));
    expect(response.status).toBe(200);
    expect(response.deviations).toEqual([
      {
        code: 'header-too-large',
        message: 'the header block is longer than the 64-byte limit without reaching the empty line that ends it',
      },
    ]);
  });

  it('truncates a body over the cap, with and without Content-Length', () => {
    const tooLarge = {
      code: 'body-too-large',
      message: 'the body is larger than the 4-byte limit, so only the first 4 bytes were kept',
    };
    const withLength = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello'), { ...GET_OPEN, maxBodyBytes: 4 }),
    );
    expect(withLength.response.body).toEqual(b('hell'));
    expect(withLength.response.deviations).toEqual([tooLarge]);
    const untilClose = complete(parseResponse(b('HTTP/1.1 200 OK\r\n\r\nhello'), { ...GET_OPEN, maxBodyBytes: 4 }));
    expect(untilClose.response.body).toEqual(b('hell'));
    expect(codes(untilClose.response)).toEqual(['no-content-length', 'body-too-large']);
  });
});

describe('parseResponse: header lines', () => {
  it('reports lines without colon, whitespace before the colon and obs-fold', () => {
    const { response } = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nNoColon\r\nContent-Length : 2\r\nX-Long: a\r\n  b\r\n\r\nhi'), GET_OPEN),
    );
    expect(response.headers).toEqual([
      ['Content-Length', '2'],
      ['X-Long', 'a b'],
    ]);
    expect(response.body).toEqual(b('hi'));
    expect(response.deviations).toEqual([
      { code: 'bad-header-line', message: 'line 2 ("NoColon") has no colon, so it is not a header; it was ignored' },
      {
        code: 'bad-header-line',
        message:
          'line 3 ("Content-Length : 2") has whitespace between the header name and the colon, which RFC 9112 §5.1 forbids',
      },
      {
        code: 'bad-header-line',
        message:
          'line 5 ("  b") starts with whitespace, an obsolete way to continue the previous header (RFC 9112 §5.2); it was joined to that header',
      },
    ]);
  });
});

describe('parseResponse: field and reason-phrase characters (RFC 9110 §5.5, RFC 9112 §4)', () => {
  it('reports a header name that is not a token and a control character in a value', () => {
    const { response } = complete(
      parseResponse(
        b(
          'HTTP/1.1 200 OK\r\nX Trace: 1\r\nX-Note: a\x00b\r\nX-Tab: a\tb\r\nX-Latin: caf\xe9\r\nContent-Length: 0\r\n\r\n',
        ),
        GET_OPEN,
      ),
    );
    expect(response.deviations).toEqual([
      {
        code: 'bad-header-line',
        message:
          'line 2 ("X Trace: 1") has a header name that is not a token (letters, digits and !#$%&\'*+-.^_`|~ only, RFC 9110 §5.1)',
      },
      {
        code: 'bad-header-line',
        message:
          'line 3 ("X-Note: a\\x00b") has the control character "\\x00" in its value, which RFC 9110 §5.5 forbids',
      },
    ]);
  });

  it('accepts tabs, spaces, visible characters and obs-text in the reason phrase, and reports a control character', () => {
    expect(
      codes(complete(parseResponse(b('HTTP/1.1 200 All\tfine \xe9!\r\nContent-Length: 0\r\n\r\n'), GET_OPEN)).response),
    ).toEqual([]);
    const { response } = complete(parseResponse(b('HTTP/1.1 200 O\x7fK\r\nContent-Length: 0\r\n\r\n'), GET_OPEN));
    expect(response.deviations).toEqual([
      {
        code: 'bad-status-line',
        message:
          'the reason phrase "O\\x7fK" holds the control character "\\x7f"; only tabs, spaces and visible characters are allowed (RFC 9112 §4)',
      },
    ]);
  });

  it("quotes the server's bytes as every reporter does: UTF-8 readable, a lone byte as \\xNN, a backslash doubled", () => {
    const { response } = complete(
      parseResponse(b('HTTP/1.1 200 Caf\xc3\xa9 \xff\\\x7f\r\nContent-Length: 0\r\n\r\n'), GET_OPEN),
    );
    expect(response.deviations).toEqual([
      {
        code: 'bad-status-line',
        message:
          'the reason phrase "Café \\xff\\\\\\x7f" holds the control character "\\x7f"; only tabs, spaces and visible characters are allowed (RFC 9112 §4)',
      },
    ]);
  });
});

describe('parseResponse: robustness', () => {
  it('never throws on arbitrary bytes', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = [
      'HTTP/1.1 ',
      '200',
      ' OK',
      '\r\n',
      '\n',
      '\r',
      ':',
      ' ',
      'Content-Length: ',
      '5',
      'Transfer-Encoding: chunked',
      '0',
      'a',
      ';',
      '\x00',
      '\xff',
      'hello',
    ];
    for (let i = 0; i < 3000; i++) {
      let s = random() < 0.8 ? 'HTTP/1.1 ' : '';
      const n = Math.floor(random() * 30);
      for (let j = 0; j < n; j++) s += pieces[Math.floor(random() * pieces.length)];
      for (const method of ['GET', 'HEAD']) {
        for (const closed of [false, true]) {
          expect(() => parseResponse(b(s), { method, closed, maxHeaderBytes: 64, maxBodyBytes: 8 })).not.toThrow();
        }
      }
    }
  });
});
