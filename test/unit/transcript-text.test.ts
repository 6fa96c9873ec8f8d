import { describe, expect, it } from 'vitest';
import { eventLine } from '../../src/report/transcript-text.js';

describe('eventLine cuts long data', () => {
  it('a 4 KiB event is cut to the first units, never inside an escape', () => {
    const data = '\\x1b'.repeat(2000) + 'tail';
    const line = eventLine({ t: 5, client: 'c', kind: 'recv', data, bytes: 2004 }, 3);
    expect(line).toBe('     5 ms  c        ← "\\x1b\\x1b\\x1b…" (2004 bytes)');
  });

  it('data no longer than the limit in units is shown whole', () => {
    const line = eventLine({ t: 0, client: 'c', kind: 'recv', data: '\\u{10ffff}ab', bytes: 6 }, 3);
    expect(line).toBe('     0 ms  c        ← "\\u{10ffff}ab" (6 bytes)');
  });
});
