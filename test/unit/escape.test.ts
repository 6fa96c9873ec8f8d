import { describe, it, expect } from 'vitest';
import { escapeBytes, escapeText, inert, previewBytes } from '../../src/text/escape.js';

const bytes = (...b: number[]) => Buffer.from(b);

describe('escapeBytes', () => {
  it('keeps printable ASCII as it is', () => {
    expect(escapeBytes(Buffer.from('HELLO, World! 123 ~x_y'))).toBe('HELLO, World! 123 ~x_y');
  });

  it('writes ESC as \\x1b, so a colour sequence shows as text', () => {
    expect(escapeBytes(Buffer.from('\x1b[31mred\x1b[0m'))).toBe('\\x1b[31mred\\x1b[0m');
  });

  it('names CR, LF, TAB and backslash; other C0 controls and DEL become \\xNN', () => {
    expect(escapeBytes(Buffer.from('a\r\n\tb\\c'))).toBe('a\\r\\n\\tb\\\\c');
    expect(escapeBytes(bytes(0x00, 0x07, 0x08, 0x1f, 0x7f))).toBe('\\x00\\x07\\x08\\x1f\\x7f');
  });

  it('keeps valid UTF-8 text, Korean and accents included', () => {
    expect(escapeBytes(Buffer.from('HÉLLO WÖRLD STRASSE 안녕'))).toBe('HÉLLO WÖRLD STRASSE 안녕');
    expect(escapeBytes(Buffer.from('😀'))).toBe('😀');
  });

  it('escapes each byte of invalid UTF-8', () => {
    expect(escapeBytes(bytes(0xff, 0x41))).toBe('\\xffA');
    // A lone continuation byte, and a 3-byte sequence cut after two bytes ("안" is EC 95 88).
    expect(escapeBytes(bytes(0x80))).toBe('\\x80');
    expect(escapeBytes(bytes(0xec, 0x95))).toBe('\\xec\\x95');
    // Overlong "/" (C0 AF) is not UTF-8.
    expect(escapeBytes(bytes(0xc0, 0xaf))).toBe('\\xc0\\xaf');
    // An 8-bit CSI byte alone is invalid UTF-8, so it cannot reach a terminal either.
    expect(escapeBytes(bytes(0x9b, 0x33, 0x31, 0x6d))).toBe('\\x9b31m');
  });

  it('escapes bidi overrides and invisible code points', () => {
    expect(escapeBytes(Buffer.from('abc\u202Edef'))).toBe('abc\\u{202e}def');
    expect(escapeBytes(Buffer.from('\u200B\u200F\u2066\uFEFF'))).toBe('\\u{200b}\\u{200f}\\u{2066}\\u{feff}');
    expect(escapeBytes(Buffer.from('a\u061Cb'))).toBe('a\\u{61c}b');
  });

  it('escapes C1 controls encoded as UTF-8', () => {
    // U+009B is CSI, U+0085 is NEL: C2 9B and C2 85.
    expect(escapeBytes(bytes(0xc2, 0x9b, 0xc2, 0x85))).toBe('\\u{9b}\\u{85}');
  });

  it('takes a string as its UTF-8 bytes', () => {
    expect(escapeBytes('tab\there')).toBe('tab\\there');
  });

  it('escapeText is the same for text that did not come from a socket', () => {
    expect(escapeText('bad \x1b[2J spec\u202E')).toBe('bad \\x1b[2J spec\\u{202e}');
  });
});

describe('previewBytes', () => {
  it('shows short data whole', () => {
    expect(previewBytes(Buffer.from('abc'), 3)).toBe('abc');
  });

  it('cuts long data and says how long it was', () => {
    expect(previewBytes(Buffer.from('abcdefgh'), 3)).toBe('abc… (8 bytes in all)');
  });

  it('counts the cut in bytes, escaping before it is shown', () => {
    expect(previewBytes(Buffer.from('\x1b\x1b\x1b\x1b'), 2)).toBe('\\x1b\\x1b… (4 bytes in all)');
  });

  it('cuts at 2048 bytes by default', () => {
    const shown = previewBytes(Buffer.alloc(3000, 0x61));
    expect(shown).toBe('a'.repeat(2048) + '… (3000 bytes in all)');
  });
});

describe('inert', () => {
  it('escapes control characters and invisible code points in text', () => {
    expect(inert('a\x1b[31mb\x07\r')).toBe('a\\x1b[31mb\\x07\\x0d');
    expect(inert('x\u202Ey\u0085')).toBe('x\\u{202e}y\\u{85}');
  });

  it('keeps newlines, tabs, Unicode text and the backslashes of earlier escapes', () => {
    expect(inert('line 1\n\tline 2 안녕 \\x1b')).toBe('line 1\n\tline 2 안녕 \\x1b');
  });

  it('leaves nothing for a terminal to act on', () => {
    const hostile = '\x1b]0;owned\x07\x1b[2J\x9b31m\u202E';
    expect(inert(hostile)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/u);
  });
});
