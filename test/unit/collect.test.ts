// Checks over the values one step collected: session ids must be in no order.
import { describe, expect, it } from 'vitest';
import { checkCollection, orderOf } from '../../src/check/collect.js';

// A small seeded generator, so the "random" ids are the same in every run.
function hexIds(n: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: n }, () =>
    Array.from({ length: 4 }, () => next().toString(16).padStart(8, '0')).join(''),
  );
}

describe('orderOf: ids that a clock or a counter made', () => {
  it('finds time.time_ns() ids rising as strings', () => {
    const ns = Array.from({ length: 20 }, (_, k) => String(1764300000000000000n + BigInt(k) * 731_337n));
    expect(orderOf(ns)).toBe('rising as strings');
  });

  it('finds a counter after a prefix even when other sessions took numbers in between', () => {
    expect(orderOf(['s-7', 's-9', 's-10', 's-31', 's-200'])).toBe('rising as the number at their end');
  });

  it('finds ids falling as hexadecimal numbers whose strings are not in order', () => {
    expect(orderOf(['ff', 'fe', '1a', '9', '3'])).toBe('falling as hexadecimal numbers');
  });

  it('finds nothing in random 128-bit ids', () => {
    expect(orderOf(hexIds(20, 42))).toBeUndefined();
  });
});

describe('checkCollection: unordered', () => {
  it('fails clock ids with the reason a student reads', () => {
    const ns = Array.from({ length: 20 }, (_, k) => String(1764300000000000000n + BigInt(k)));
    expect(checkCollection('sessionIds', { unordered: true }, ns)?.message).toBe(
      'the 20 values of sessionIds are all rising as strings (1764300000000000000, 1764300000000000001, 1764300000000000002), as a clock or a counter gives, so the next one is easy to guess; use a random 128-bit value',
    );
  });

  it('passes random ids', () => {
    expect(
      checkCollection('sessionIds', { count: 20, distinct: true, minLength: 16, unordered: true }, hexIds(20, 7)),
    ).toBeUndefined();
  });
});
