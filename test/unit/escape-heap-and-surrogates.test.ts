// escapeBytes is on the path of every transcript event a case keeps (400 of up to 4 KiB):
// its result is a flat string about the size of its text, and UTF-8-encoded surrogates
// show as the bytes sent.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeBytes } from '../../src/text/escape.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { ensureBuilt } from '../helpers/cli-process.js';

describe('escapeBytes memory', () => {
  beforeAll(() => ensureBuilt());

  it('keeps a 4 KiB preview in about 4 KiB of heap, not a rope of one node per byte', () => {
    const module = path.join(PACKAGE_ROOT, 'dist', 'src', 'text', 'escape.js');
    const script = `
      const { previewBytes } = await import(${JSON.stringify(module)});
      gc(); const before = process.memoryUsage().heapUsed;
      const kept = [];
      for (let i = 0; i < 400; i++) kept.push(previewBytes(Buffer.alloc(8192, 0x61 + (i % 3)), 4096));
      gc(); console.log(Math.round((process.memoryUsage().heapUsed - before) / kept.length));`;
    const out = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    // The string is ~4.1 KB; before the fix each one held ~131 KB.
    expect(Number(out.stdout)).toBeLessThan(16 * 1024);
  });
});

describe('escapeBytes on surrogates', () => {
  it('shows UTF-8-encoded surrogates (not UTF-8, RFC 3629 §3) as the bytes sent', () => {
    expect(escapeBytes(Buffer.from([0xed, 0xa0, 0x80, 0x41]))).toBe('\\xed\\xa0\\x80A');
  });

  it('escapes controls, invisible code points and backslashes and keeps other UTF-8 as text', () => {
    expect(escapeBytes(Buffer.from('GET / HTTP/1.1\r\nX: \x1b[31m\u202e안녕\\\x7f'))).toBe(
      'GET / HTTP/1.1\\r\\nX: \\x1b[31m\\u{202e}안녕\\\\\\x7f',
    );
  });
});
