// Drawn values (a spec's `draw:`): their shapes, and that they are a pure function
// of the seed and the place they are used, so --seed repeats a run exactly.
import { describe, expect, it } from 'vitest';
import { caseUid, drawnVars, drawValue, randomSeed, type Generator } from '../../src/spec/draw.js';
import { parseSpec } from '../../src/spec/load.js';
import { renderTemplate } from '../../src/spec/template.js';
import { SpecError } from '../../src/errors.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** 300 values of one generator, each at its own place. */
const many = (gen: Generator) => Array.from({ length: 300 }, (_, k) => drawValue(gen, `key ${k}`));

describe('sentences', () => {
  it('lower: lowercase words, digits, punctuation and single spaces, 10-60 bytes, starting with a word', () => {
    for (const s of many({ sentence: 'lower' })) {
      expect(s).toMatch(/^[a-z][a-z0-9,.!?;:~_'/&#%+=-]*( [a-z0-9,.!?;:~_'/&#%+=-]+)*$/);
      expect(bytes(s)).toBeGreaterThanOrEqual(10);
      expect(bytes(s)).toBeLessThanOrEqual(60);
    }
  });

  it('lower: lengths spread over the range, and digits and punctuation appear', () => {
    const all = many({ sentence: 'lower' });
    expect(Math.min(...all.map(bytes))).toBeLessThanOrEqual(15);
    expect(Math.max(...all.map(bytes))).toBeGreaterThanOrEqual(55);
    expect(all.filter((s) => /\d/.test(s)).length).toBeGreaterThan(100);
    expect(all.filter((s) => /[^a-z0-9 ]/.test(s)).length).toBeGreaterThan(100);
    expect(new Set(all).size).toBe(all.length);
  });

  it('mixed: a capital, a lowercase letter, a digit and a punctuation mark in every one, at most 60 bytes', () => {
    for (const s of many({ sentence: 'mixed' })) {
      expect(s).toMatch(/[A-Z]/);
      expect(s).toMatch(/[a-z]/);
      expect(s).toMatch(/\d/);
      expect(s).toMatch(/[,.!?;:~_'/&#%+=-]/);
      expect(s.toUpperCase()).not.toBe(s);
      expect(bytes(s)).toBeGreaterThanOrEqual(10);
      expect(bytes(s)).toBeLessThanOrEqual(60);
    }
  });

  it('unicode: a non-ASCII word whose upper-case form differs, 10-60 UTF-8 bytes', () => {
    for (const s of many({ sentence: 'unicode' })) {
      const nonAscii = s.split(' ').filter((w) => /[^\x00-\x7f]/.test(w));
      expect(nonAscii.some((w) => w.toUpperCase() !== w)).toBe(true);
      expect(bytes(s)).toBeGreaterThanOrEqual(10);
      expect(bytes(s)).toBeLessThanOrEqual(60);
    }
  });

  it('letters: exactly that many lowercase ASCII letters', () => {
    const s = drawValue({ letters: 2048 }, 'k');
    expect(s).toMatch(/^[a-z]{2048}$/);
    // Random, not a repeated alphabet: every letter occurs, none fills a quarter.
    const counts = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => s.split(c).length - 1);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(512);
  });
});

describe('where values come from', () => {
  const draws: Record<string, Generator> = { s: { sentence: 'lower' }, t: { sentence: 'lower' }, big: { letters: 64 } };
  const place = { seed: 7, spec: 'udp-echo', caseId: 'udp.basic' };

  it('the same seed and place give the same values, computed alone or among others', () => {
    const once = drawnVars(draws, place);
    expect(drawnVars(draws, { ...place })).toStrictEqual(once);
    // A name's value does not depend on which other names are drawn beside it.
    expect(drawnVars({ t: draws.t }, place).t).toBe(once.t);
  });

  it('another seed, case, spec, name, client or repeat draws another value', () => {
    const base = drawnVars(draws, place).s;
    expect(drawnVars(draws, place).t).not.toBe(base);
    expect(drawnVars(draws, { ...place, seed: 8 }).s).not.toBe(base);
    expect(drawnVars(draws, { ...place, caseId: 'udp.mixed' }).s).not.toBe(base);
    expect(drawnVars(draws, { ...place, spec: 'tcp-echo' }).s).not.toBe(base);
    expect(drawnVars(draws, place, { client: '2', i: '1' }).s).not.toBe(base);
    expect(drawnVars(draws, place, { client: '1', i: '2' }).s).not.toBe(base);
    // Client 1, repeat 1 is what a step that is neither repeated nor a group sees.
    expect(drawnVars(draws, place, { client: '1', i: '1' }).s).toBe(base);
  });

  it('uid: from the seed and the case, and another one for each attempt', () => {
    expect(caseUid(place, 0)).toMatch(/^[0-9a-f]{8}0$/);
    expect(caseUid(place, 0)).toBe(caseUid({ ...place }, 0));
    expect(caseUid(place, 1)).not.toBe(caseUid(place, 0));
    expect(caseUid({ ...place, seed: 8 }, 0)).not.toBe(caseUid(place, 0));
    expect(caseUid({ ...place, caseId: 'udp.mixed' }, 0)).not.toBe(caseUid(place, 0));
  });

  it('a random seed is a whole number that fits a report', () => {
    const seeds = Array.from({ length: 20 }, randomSeed);
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});

describe('the half filter', () => {
  it('splits a value in two by characters, the first half the longer', () => {
    const vars = { s: 'abcde', u: 'héllo' };
    expect(renderTemplate('{{s|half:1}}|{{s|half:2}}', vars)).toBe('abc|de');
    expect(renderTemplate('{{u|half:1}}|{{u|half:2}}', vars)).toBe('hél|lo');
    expect(() => renderTemplate('{{s|half:3}}', vars)).toThrow(
      'the half filter takes 1 or 2 (the first or second half), not "3"',
    );
  });
});

describe('draw: in a spec', () => {
  const spec = (draw: string, send = '"{{s}}"') => `name: d
title: D
service: udp
port: 1
vars: { greeting: hi }
draw:
${draw}
cases:
  - id: d.one
    title: one
    requirement: r
    tags: [core]
    steps:
      - send: ${send}
        expect: { equals: "{{s|upper}}" }
`;
  const problems = (text: string) => {
    try {
      parseSpec(text, 'd.yaml');
    } catch (err) {
      if (err instanceof SpecError) return err.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
      throw err;
    }
    return [];
  };

  it('loads the generators and lets the steps use their names', () => {
    const loaded = parseSpec(spec('  s: { sentence: mixed }\n  big: { letters: 2048 }'), 'd.yaml');
    expect(loaded.draw).toStrictEqual({ s: { sentence: 'mixed' }, big: { letters: 2048 } });
  });

  it('refuses a generator it does not know, at its line', () => {
    expect(problems(spec('  s: { sentence: shouty }'))).toStrictEqual([
      '7:18 must be one of "lower", "mixed", "unicode"',
    ]);
    expect(problems(spec('  s: { words: 3 }'))).toStrictEqual([
      '7:6 missing required property "sentence"',
      '7:8 unknown property "words"',
    ]);
  });

  it('refuses a capture into a drawn name, which the drawn value would hide', () => {
    const text = spec('  s: { sentence: lower }')
      .replace('service: udp', 'service: http')
      .replace(/steps:[\s\S]*$/, 'steps:\n      - request: { target: / }\n        capture: { s: { header: ETag } }\n');
    expect(problems(text)).toStrictEqual(['15:20 "s" is a drawn value (under "draw"); capture into another name']);
  });

  it('refuses a drawn name that a variable already has', () => {
    expect(
      problems(spec('  s: { sentence: lower }\n  uid: { sentence: lower }\n  greeting: { letters: 3 }')),
    ).toStrictEqual([
      '8:3 "uid" is already a built-in variable; give the drawn value another name',
      '9:3 "greeting" is already a variable under "vars"; give the drawn value another name',
    ]);
  });
});
