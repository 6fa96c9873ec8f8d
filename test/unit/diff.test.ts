// Expected next to actual so that the difference is what shows: long payloads
// cut around the first difference with byte offsets, messages line by line,
// and the cause behind several failures named once with the hint that fits it.
import { describe, expect, it } from 'vitest';
import { causeOf, groupByCause, hintFor } from '../../src/report/causes.js';
import { messageLines, pairLines, viewPair } from '../../src/report/diff.js';
import type { CaseResult } from '../../src/model/result.js';

function failed(id: string, expected: string, actual: string, hint = `case hint of ${id}`): CaseResult {
  return {
    id,
    spec: 'tcp-echo',
    title: id,
    requirement: 'r',
    tags: ['core'],
    location: { file: 'f', line: 1, col: 1 },
    durationMs: 1,
    maxPoints: 1,
    points: 0,
    transcript: [],
    hint,
    status: 'failed',
    failure: { message: `${id} differs`, expected, actual },
  };
}

describe('viewPair and pairLines', () => {
  it('cuts a long payload around its first difference, which stays in view, and gives its byte offset', () => {
    const expected = 'A'.repeat(1000) + 'B'.repeat(24);
    const actual = 'A'.repeat(1000) + 'b'.repeat(24) + '\\n';
    const lines = pairLines(expected, actual);
    expect(lines).toEqual([
      `expected: …${'A'.repeat(24)}${'B'.repeat(24)}`,
      `actual:   …${'A'.repeat(24)}${'b'.repeat(24)}\\n`,
      `${' '.repeat(10 + 25)}^ first difference at byte 1000 (expected 1024 bytes, actual 1025)`,
    ]);
  });

  it('counts bytes, not characters or escapes, in the offset', () => {
    // "é" is 2 bytes, "\x00" one byte written as four characters.
    const head = 'é'.repeat(50) + '\\x00'.repeat(50);
    const v = viewPair(`${head}xyz${'q'.repeat(100)}`, `${head}XYZ${'q'.repeat(100)}`);
    expect(v.note).toBe('first difference at byte 150 (expected 253 bytes, actual 253)');
    expect(v.actual![0].startsWith(`…${'\\x00'.repeat(24)}XYZ`)).toBe(true);
  });

  it('never cuts inside an escape', () => {
    const v = viewPair('\\x1b'.repeat(200) + 'a', '\\x1b'.repeat(200) + 'b');
    expect(v.expected![0]).toBe(`…${'\\x1b'.repeat(24)}a`);
  });

  it('shows an HTTP message line by line, CRLF kept visible, and says on which line they part', () => {
    const expected = 'status 200';
    const actual = 'HTTP/1.1 404 Not Found\\r\\nContent-Length: 0\\r\\n\\r\\n';
    expect(messageLines(actual)).toEqual(['HTTP/1.1 404 Not Found\\r\\n', 'Content-Length: 0\\r\\n', '\\r\\n']);
    expect(pairLines(expected, actual)).toEqual([
      'expected: status 200',
      'actual:   HTTP/1.1 404 Not Found\\r\\n',
      '          Content-Length: 0\\r\\n',
      '          \\r\\n',
      '          (first difference on line 1)',
    ]);
  });

  it('leaves short single-line pairs whole, with a caret only where they share a beginning', () => {
    expect(pairLines('HELLO WORLD', 'HELLO WORLD\\n')).toEqual([
      'expected: HELLO WORLD',
      'actual:   HELLO WORLD\\n',
      `${' '.repeat(21)}^`,
    ]);
    expect(pairLines('status 200', 'HTTP/1.1 404')).toEqual(['expected: status 200', 'actual:   HTTP/1.1 404']);
  });
});

describe('causes', () => {
  it("names a newline the client did not send, and gives that hint instead of the case's", () => {
    const r = failed('tcp.basic', 'HELLO WORLD', 'HELLO WORLD\\n');
    expect(causeOf(r)?.key).toBe('extra-newline');
    expect(hintFor(r)).toMatch(/^send back exactly the upper-cased bytes: no "\\n" added/);
    expect(hintFor(failed('x', 'HELLO', 'HELLP'))).toBe('case hint of x');
  });

  it('groups five failures that one newline explains, and leaves the unrelated one alone', () => {
    const bad = [
      failed('a', 'A', 'A\\n'),
      failed('b', 'BB', 'BB\\r\\n'),
      failed('c', 'C C', 'C C\\n'),
      failed('d', 'D', 'D\\n'),
      failed('e', 'E', 'E\\n'),
      failed('f', 'HELLO', 'hello'),
    ];
    const { groups, alone } = groupByCause(bad);
    expect(groups.map((g) => [g.cause.key, g.cases.map((c) => c.id)])).toEqual([
      ['extra-newline', ['a', 'b', 'c', 'd', 'e']],
    ]);
    expect(alone.map((c) => c.id)).toEqual(['f']);
    expect(causeOf(bad[5])?.key).toBe('not-uppercased');
  });

  it('recognises a reply cut short, and not a placeholder such as "(nothing)"', () => {
    expect(causeOf(failed('m', 'A'.repeat(2048), 'A'.repeat(1024)))?.key).toBe('cut-short');
    expect(causeOf(failed('n', 'HELLO', '(nothing)'))).toBeUndefined();
  });
});
