// Checks over every value a capture collected in one step (e.g. the session
// ids of 20 new sessions): pure, so each message is unit-tested.
import type { CollectCheck } from '../spec/types.js';
import type { Failure } from '../model/result.js';
import { escapeBytes } from '../text/escape.js';

const show = (values: string[]) =>
  values
    .slice(0, 5)
    .map((v) => escapeBytes(Buffer.from(v)))
    .join(', ') + (values.length > 5 ? ', …' : '');

/** True when the values are a counter: the same prefix and a number that rises by a fixed step. */
export function countsUp(values: string[]): boolean {
  if (values.length < 3) return false;
  const asNumbers = (parts: Array<bigint | undefined>) => {
    if (parts.some((p) => p === undefined)) return false;
    // Rising by small steps is a counter even when other clients take numbers in between.
    const steps = parts.slice(1).map((p, k) => p! - parts[k]!);
    return steps.every((s) => s > 0n && s <= 1000n);
  };
  const tails = values.map((v) => /^(.*?)(\d+)$/.exec(v));
  if (tails.every((m) => m && m[1] === tails[0]![1]) && asNumbers(tails.map((m) => BigInt(m![2])))) return true;
  const hex = values.map((v) => (/^[0-9a-f]+$/i.test(v) ? BigInt('0x' + v) : undefined));
  return asNumbers(hex);
}

type Key = string | bigint;

/** Whether every value is above (or every one below) the one before it. */
function monotone(keys: Key[]): 'rising' | 'falling' | undefined {
  const steps = keys.slice(1).map((k, i) => (k > keys[i] ? 1 : k < keys[i] ? -1 : 0));
  if (steps.every((d) => d === 1)) return 'rising';
  if (steps.every((d) => d === -1)) return 'falling';
  return undefined;
}

/**
 * How values issued one after another are ordered, if they are: as strings, as decimal or hex
 * numbers, or as the number after a common prefix ("s-9", "s-10"). 20 random ids are all rising
 * by chance once in 20! (about 4e-19); ids built from a clock or a counter always are.
 */
export function orderOf(values: string[]): string | undefined {
  if (values.length < 3) return undefined;
  const orders: Array<[string, Key[] | undefined]> = [
    ['as strings', values],
    ['as numbers', values.every((v) => /^\d+$/.test(v)) ? values.map((v) => BigInt(v)) : undefined],
    [
      'as hexadecimal numbers',
      values.every((v) => /^[0-9a-f]+$/i.test(v)) ? values.map((v) => BigInt('0x' + v)) : undefined,
    ],
  ];
  const tails = values.map((v) => /^(.*?)(\d+)$/.exec(v));
  if (tails.every((m) => m && m[1] === tails[0]![1]))
    orders.push(['as the number at their end', tails.map((m) => BigInt(m![2]))]);
  for (const [how, keys] of orders) {
    const dir = keys && monotone(keys);
    if (dir) return `${dir} ${how}`;
  }
  return undefined;
}

export function checkCollection(name: string, c: CollectCheck, values: string[]): Failure | undefined {
  if (c.count !== undefined && values.length !== c.count)
    return {
      message: `collected ${values.length} values of ${name}; expected ${c.count}`,
      expected: `${c.count} values`,
      actual: show(values),
    };
  if (c.distinct) {
    const dupes = values.filter((v, i) => values.indexOf(v) !== i);
    if (dupes.length > 0)
      return {
        message:
          `the values of ${name} repeat: ${new Set(values).size} distinct of ${values.length} (e.g. ` +
          `"${escapeBytes(Buffer.from(dupes[0]))}" twice)`,
        expected: `${values.length} distinct values`,
        actual: show(values),
      };
  }
  if (c.minLength !== undefined) {
    const short = values.find((v) => v.length < c.minLength!);
    if (short !== undefined)
      return {
        message:
          `${name} "${escapeBytes(Buffer.from(short))}" is ${short.length} characters; at least ` +
          `${c.minLength} are needed to be unguessable`,
        expected: `at least ${c.minLength} characters`,
        actual: show(values),
      };
  }
  if (c.notCountingUp && countsUp(values))
    return {
      message:
        `the values of ${name} count up (${show(values.slice(0, 3))}), so the next one is easy to guess; use ` +
        `a random 128-bit value`,
      expected: 'unpredictable values',
      actual: show(values),
    };
  if (c.unordered) {
    const order = orderOf(values);
    if (order)
      return {
        message:
          `the ${values.length} values of ${name} are all ${order} (${show(values.slice(0, 3))}), as a clock ` +
          `or a counter gives, so the next one is easy to guess; use a random 128-bit value`,
        expected: 'values in no order (random)',
        actual: show(values),
      };
  }
  return undefined;
}
