import { describe, it, expect } from 'vitest';
import { checkReply, describeDifference, expectedLength, type ReplyObservation } from '../../src/check/reply.js';

const b = (s: string) => Buffer.from(s, 'utf8');
/** What the server did: a complete reply in time, unless a test says otherwise. */
const obs = (reply: string | Buffer, more: Partial<ReplyObservation> = {}): ReplyObservation => ({
  bytes: typeof reply === 'string' ? b(reply) : reply,
  timedOut: false,
  timeoutMs: 2000,
  ...more,
});

describe('describeDifference', () => {
  it('extra bytes at the end, shown escaped', () => {
    expect(describeDifference(b('HELLO'), b('HELLO\n'))).toBe('the reply has 1 extra byte at the end: "\\n"');
    expect(describeDifference(b('HELLO'), b('HELLO\r\n'))).toBe('the reply has 2 extra bytes at the end: "\\r\\n"');
  });

  it('shows at most 64 of many extra bytes', () => {
    const msg = describeDifference(b('A'), b('A' + 'x'.repeat(100)));
    expect(msg).toBe(`the reply has 100 extra bytes at the end: "${'x'.repeat(64)}"`);
  });

  it('a reply cut short', () => {
    expect(describeDifference(b('HELLO WORLD'), b('HELLO'))).toBe('the reply is cut short: 5 of 11 bytes came');
  });

  it('a difference in letter case only, counting characters from 1', () => {
    expect(describeDifference(b('HELLO WORLD'), b('HELLO world'))).toBe(
      'the reply differs only in letter case, first at character 7: "w" where "W" was expected',
    );
  });

  it('text: the first character that differs, escaped, on both sides', () => {
    expect(describeDifference(b('HELLO WORLD'), b('HELLO_WORLD'))).toBe(
      'the reply differs at character 6: "_" where " " was expected',
    );
    expect(describeDifference(b('HELLO'), b('JELLO WORLD'))).toBe(
      'the reply differs at character 1: "J" where "H" was expected',
    );
    expect(describeDifference(b('HELLO\n'), b('HELLO\r\n'))).toBe(
      'the reply differs at character 6: "\\r" where "\\n" was expected',
    );
  });

  it('text: counts characters, not bytes, in UTF-8', () => {
    // "안녕" is 6 bytes; the difference is the 2nd character, not the 4th byte.
    expect(describeDifference(b('안녕 X'), b('안녀 X'))).toBe(
      'the reply differs at character 2: "녀" where "녕" was expected',
    );
  });

  it('text: a character outside the BMP counts as one, and the one after it is named whole', () => {
    expect(describeDifference(b('😀A😀'), b('😀A🙂'))).toBe(
      'the reply differs at character 3: "🙂" where "😀" was expected',
    );
  });

  it('a reply of a megabyte still gets the character where it parts from the expected one', () => {
    expect(describeDifference(b('HELLO WORLD'), b('HELLO_' + 'A'.repeat(1 << 20)))).toBe(
      'the reply differs at character 6: "_" where " " was expected',
    );
  });

  it('binary: the first byte that differs, counted from 1, with both lengths', () => {
    expect(describeDifference(Buffer.from([0x01, 0x02, 0xff]), Buffer.from([0x01, 0x03]))).toBe(
      'the reply differs from the expected bytes at byte 2 (expected 3 bytes, got 2)',
    );
  });
});

describe('checkReply', () => {
  const hello = { equals: b('HELLO WORLD') };

  it('passes a reply that is exactly the expected bytes', () => {
    expect(checkReply(hello, obs('HELLO WORLD'))).toBeUndefined();
  });

  it('equals: the difference, with expected and actual escaped', () => {
    expect(checkReply(hello, obs('HELLO WORLD\n'))).toStrictEqual({
      message: 'the reply has 1 extra byte at the end: "\\n"',
      expected: 'HELLO WORLD',
      actual: 'HELLO WORLD\\n',
    });
  });

  it('equals: a short reply at the deadline says that nothing more came', () => {
    expect(checkReply(hello, obs('HELLO', { timedOut: true }))).toStrictEqual({
      message: 'the reply is cut short: 5 of 11 bytes came, and nothing more came within 2000 ms',
      expected: 'HELLO WORLD',
      actual: 'HELLO',
    });
  });

  it('no reply: says how long it waited', () => {
    expect(checkReply(hello, obs('', { timedOut: true }))).toStrictEqual({
      message: 'no reply within 2000 ms',
      expected: 'HELLO WORLD',
      actual: '(nothing)',
    });
  });

  it('no reply over UDP: says how often it was sent', () => {
    expect(checkReply(hello, obs('', { timedOut: true, sends: 4 }))?.message).toBe(
      'no reply within 2000 ms (sent 4 times)',
    );
    expect(checkReply(hello, obs('', { timedOut: true, sends: 1 }))?.message).toBe('no reply within 2000 ms');
  });

  it('closed without a reply', () => {
    expect(checkReply(hello, obs('', { peerClosed: true }))).toStrictEqual({
      message: 'the server closed the connection without replying',
      expected: 'HELLO WORLD',
      actual: '(nothing, then close)',
    });
  });

  it('a connection error is the whole message when nothing came', () => {
    const error = {
      code: 'REFUSED',
      message: 'nothing is listening on 127.0.0.1:9/tcp: is your server running on that port?',
    };
    expect(checkReply(hello, obs('', { error }))).toStrictEqual({ message: error.message });
  });

  it('a reset after a wrong reply reports the wrong reply', () => {
    const error = { code: 'RESET', message: 'the server reset the connection (127.0.0.1:9/tcp)' };
    expect(checkReply(hello, obs('HELLO', { error }))?.message).toBe('the reply is cut short: 5 of 11 bytes came');
  });

  it('capped: the server sent more than netgrade keeps', () => {
    expect(checkReply(hello, obs('x'.repeat(600), { capped: true }))).toStrictEqual({
      message: 'the server sent more than 1 MiB in reply; netgrade stopped reading',
      actual: `${'x'.repeat(512)}… (600 bytes in all)`,
    });
  });

  it('noReply: passes on silence, fails on any reply', () => {
    expect(checkReply({ noReply: true }, obs('', { timedOut: true }))).toBeUndefined();
    expect(checkReply({ noReply: true }, obs('oops\x1b'))).toStrictEqual({
      message: 'a reply came where none was expected',
      expected: '(nothing)',
      actual: 'oops\\x1b',
    });
  });

  it('length', () => {
    expect(checkReply({ length: 5 }, obs('abc'))).toStrictEqual({
      message: 'the reply is 3 bytes; expected 5',
      expected: '5 bytes',
      actual: '3 bytes',
    });
    expect(checkReply({ length: 3 }, obs('abc'))).toBeUndefined();
  });

  it('contains', () => {
    expect(checkReply({ contains: 'OK\r\n' }, obs('ERR\r\n'))).toStrictEqual({
      message: 'the reply does not contain "OK\\r\\n"',
      expected: 'contains "OK\\r\\n"',
      actual: 'ERR\\r\\n',
    });
    expect(checkReply({ contains: 'OK' }, obs('fine, OK'))).toBeUndefined();
  });

  it('notContains', () => {
    expect(checkReply({ notContains: 'debug' }, obs('x debug y'))).toStrictEqual({
      message: 'the reply contains "debug", which it must not',
      expected: 'no "debug"',
      actual: 'x debug y',
    });
    expect(checkReply({ notContains: 'debug' }, obs('clean'))).toBeUndefined();
  });

  it('matches', () => {
    expect(checkReply({ matches: /^HELLO \d+$/u }, obs('HELLO x'))).toStrictEqual({
      message: 'the reply does not match /^HELLO \\d+$/',
      expected: 'matches /^HELLO \\d+$/',
      actual: 'HELLO x',
    });
    expect(checkReply({ matches: /^HELLO \d+$/u }, obs('HELLO 42'))).toBeUndefined();
  });

  it('no reply names what a matches/length expectation wanted', () => {
    expect(checkReply({ matches: /x/u }, obs(''))?.expected).toBe('matches /x/');
    expect(checkReply({ length: 7 }, obs(''))?.expected).toBe('7 bytes');
    expect(checkReply({ notContains: 'x' }, obs(''))?.expected).toBe('a reply');
  });

  it('replyWithinMs', () => {
    expect(checkReply({ ...hello, replyWithinMs: 1000 }, obs('HELLO WORLD', { elapsedMs: 1500 }))).toStrictEqual({
      message: 'the reply took 1500 ms; it must come within 1000 ms',
      expected: 'within 1000 ms',
      actual: '1500 ms',
    });
    expect(checkReply({ ...hello, replyWithinMs: 1000 }, obs('HELLO WORLD', { elapsedMs: 1000 }))).toBeUndefined();
  });

  it('closedWithinMs: still open', () => {
    expect(checkReply({ ...hello, closedWithinMs: 1000 }, obs('HELLO WORLD'))).toStrictEqual({
      message: 'the server did not close the connection within 1000 ms after replying',
      expected: 'close within 1000 ms',
      actual: 'still open 1000 ms after the reply',
    });
  });

  it('closedWithinMs: closed, but too late', () => {
    expect(checkReply({ ...hello, closedWithinMs: 1000 }, obs('HELLO WORLD', { closedAfterMs: 1200 }))).toStrictEqual({
      message: 'the server did not close the connection within 1000 ms after replying',
      expected: 'close within 1000 ms',
      actual: 'closed after 1200 ms',
    });
    expect(checkReply({ ...hello, closedWithinMs: 1000 }, obs('HELLO WORLD', { closedAfterMs: 3 }))).toBeUndefined();
  });

  it('names the most basic problem first: wrong bytes before slowness', () => {
    expect(checkReply({ ...hello, replyWithinMs: 10 }, obs('nope', { elapsedMs: 50 }))?.message).toBe(
      'the reply differs at character 1: "n" where "H" was expected',
    );
  });
});

describe('expectedLength', () => {
  it('comes from equals, else length, else is unknown', () => {
    expect(expectedLength({ equals: b('abc') })).toBe(3);
    expect(expectedLength({ length: 9 })).toBe(9);
    expect(expectedLength({ contains: 'x' })).toBeUndefined();
  });
});
