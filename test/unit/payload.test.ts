import { describe, it, expect } from 'vitest';
import { renderBytes, renderWrites } from '../../src/run/payload.js';
import { TemplateError } from '../../src/errors.js';

const vars = { uid: 'ab12', empty: '' };
const text = (b: Buffer) => b.toString('utf8');
/** Writes as [delay, text] pairs: easy to read in an assertion. */
const writes = (...args: Parameters<typeof renderWrites>) =>
  renderWrites(...args).map((w) => [w.delayMs, text(w.data)]);

describe('renderWrites', () => {
  it('a plain string is one write with no pause, placeholders filled', () => {
    expect(writes('hello {{uid|upper}}', vars)).toStrictEqual([[0, 'hello AB12']]);
  });

  it('parts of a list are concatenated into one write', () => {
    expect(writes(['a', { text: 'b{{uid}}' }, { hex: '0d 0a' }], vars)).toStrictEqual([[0, 'abab12\r\n']]);
  });

  it('a delayMs element splits the writes, the pause going before the next one', () => {
    expect(writes(['hello ', { delayMs: 200 }, 'world'], vars)).toStrictEqual([
      [0, 'hello '],
      [200, 'world'],
    ]);
  });

  it('pauses in a row add up; a leading pause delays the first write', () => {
    expect(writes([{ delayMs: 5 }, 'a', { delayMs: 10 }, { delayMs: 20 }, 'b', 'c'], vars)).toStrictEqual([
      [5, 'a'],
      [30, 'bc'],
    ]);
  });

  it('a payload of only a pause is one empty write after it', () => {
    expect(writes([{ delayMs: 7 }], vars)).toStrictEqual([[7, '']]);
  });

  it('hex ignores whitespace and keeps every byte value', () => {
    const [w] = renderWrites({ hex: '00 1b\nff 7F' }, vars);
    expect([...w.data]).toStrictEqual([0x00, 0x1b, 0xff, 0x7f]);
  });
});

describe('repeat', () => {
  it('repeats the unit to exactly the byte count, cutting the last copy', () => {
    const b = renderBytes({ repeat: 'abc', bytes: 8 }, vars);
    expect(text(b)).toBe('abcabcab');
  });

  it('makes exactly 1024 bytes from the alphabet', () => {
    const b = renderBytes({ repeat: 'abcdefghijklmnopqrstuvwxyz', bytes: 1024 }, vars);
    expect(b.length).toBe(1024);
    expect(text(b.subarray(1020))).toBe('ghij');
  });

  it('counts bytes, not characters, with a multi-byte unit', () => {
    // "é" is C3 A9 and "안" is EC 95 88: the unit is 5 bytes; 12 bytes cut the third copy after "é".
    const b = renderBytes({ repeat: 'é안', bytes: 12 }, vars);
    expect(b.length).toBe(12);
    expect(b.toString('hex')).toBe('c3a9ec9588' + 'c3a9ec9588' + 'c3a9');
  });

  it('zero bytes is an empty payload', () => {
    expect(renderBytes({ repeat: 'x', bytes: 0 }, vars).length).toBe(0);
  });

  it('fills placeholders in the unit before repeating', () => {
    expect(text(renderBytes({ repeat: '{{uid}}-', bytes: 12 }, vars))).toBe('ab12-ab12-ab');
  });

  it('a unit that renders empty is a spec error, not an endless loop', () => {
    expect(() => renderBytes({ repeat: '{{empty}}', bytes: 4 }, vars)).toThrow(TemplateError);
    expect(() => renderBytes({ repeat: '{{empty}}', bytes: 4 }, vars)).toThrow(
      '"repeat: {{empty}}" is empty once filled in, so it cannot make 4 bytes',
    );
  });
});

describe('renderBytes', () => {
  it('concatenates every write, ignoring the pauses', () => {
    const b = renderBytes(['GET', { delayMs: 50 }, ' /', { delayMs: 50 }, { hex: '0a' }], vars);
    expect(text(b)).toBe('GET /\n');
  });

  it('an unknown variable throws, never sends an empty string', () => {
    expect(() => renderBytes('x {{nope}}', vars)).toThrow('unknown variable {{nope}}');
  });
});
