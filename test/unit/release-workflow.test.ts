// .github/workflows/release.yml: on a version tag it builds, tests, packs the
// tarball scripts/pack.mjs makes and attaches it to the release; LICENSE is the
// MIT that package.json declares.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.join(import.meta.dirname, '../..');

describe('the release workflow', () => {
  const wf = parse(readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8'));
  const steps: Array<Record<string, any>> = wf.jobs.release.steps;
  const runs = steps.map((s) => String(s.run ?? ''));
  const at = (re: RegExp) => runs.findIndex((r) => re.test(r));

  it('runs on version tags with permission to write the release', () => {
    expect(wf.on.push.tags).toEqual(['v*']);
    expect(wf.permissions).toEqual({ contents: 'write' });
  });

  it('installs, checks the tag against the version, tests, packs, then uploads the packed file', () => {
    const order = [
      at(/^npm ci$/),
      at(/package\.json"\)\.version/),
      at(/^npm test$/),
      at(/scripts\/pack\.mjs/),
      at(/gh release upload/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const pack = steps[at(/scripts\/pack\.mjs/)];
    expect(runs[at(/gh release upload/)]).toContain(`steps.${pack.id}.outputs.tarball`);
    expect(pack.run).toContain('>> "$GITHUB_OUTPUT"');
  });
});

describe('the licence', () => {
  it('LICENSE is the MIT licence package.json declares', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).license).toBe('MIT');
    const text = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(text.split('\n')[0]).toBe('MIT License');
    expect(text).toContain('Permission is hereby granted, free of charge');
  });
});
