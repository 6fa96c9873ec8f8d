// A whole `--tags all` run against a server that hangs, floods, resets, sends
// garbage, drips or lies about Content-Length: it ends, passes nothing, and
// every report it writes is well-formed. (Wall time and memory against their
// targets are figures in `npm run bench`, not assertions.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from '../helpers/cli-process.js';
import { HOSTILE_MODES, hostileRunArgs, startHostile } from '../helpers/hostile-servers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-hostile-'));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
// Control characters other than tab, LF and CR: server bytes must reach a report escaped.
const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent('a whole run against a hostile server', () => {
  it.for(HOSTILE_MODES)(
    '%s: passes nothing, ends, and writes well-formed reports',
    { timeout: 60_000 },
    async (mode, { onTestFinished }) => {
      const server = await startHostile(mode);
      onTestFinished(() => server.close());
      const file = (ext: string) => path.join(tmp, `${mode}.${ext}`);
      const r = await cli([
        ...hostileRunArgs(server),
        '--reporter',
        `json=${file('json')}`,
        '--reporter',
        `junit=${file('xml')}`,
        '--reporter',
        `html=${file('html')}`,
      ]);
      expect(r.code).toBe(1);
      // Nothing on stderr but where the reports went.
      expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('netgrade: wrote '))).toStrictEqual([]);
      expect(r.stdout).not.toMatch(RAW_CONTROL);

      const report = JSON.parse(readFileSync(file('json'), 'utf8')) as {
        summary: { passed: number; skipped: number };
        cases: Array<{ id: string; status: string }>;
      };
      expect(report.cases.filter((c) => c.status === 'passed').map((c) => c.id)).toStrictEqual([]);
      expect(report.summary).toMatchObject({ passed: 0, skipped: 0 });

      const xml = readFileSync(file('xml'), 'utf8');
      expect(xml).not.toMatch(RAW_CONTROL);
      if (hasXmllint) expect(spawnSync('xmllint', ['--noout', file('xml')], { encoding: 'utf8' }).stderr).toBe('');
      expect(xml.match(/<testcase /g)).toHaveLength(report.cases.length);

      const html = readFileSync(file('html'), 'utf8');
      expect(html).not.toMatch(RAW_CONTROL);
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html.trimEnd()).toMatch(/<\/html>$/);
    },
  );
});
