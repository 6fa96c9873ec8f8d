// The release tarball as a new user gets it: packed with scripts/pack.mjs,
// installed into an empty project with no network and an empty npm cache,
// then `npx netgrade list` and `npx netgrade run … --start …` there.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS } from '../helpers/cli-process.js';

const ROOT = path.join(import.meta.dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/cli/cli.cjs');
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => statSync(path.join(d.parentPath, d.name)).mtimeMs),
  );
}

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for its own scripts. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...extra };
}

let tmp: string;
let tarball: string;
let project: string;
let installed: ReturnType<typeof spawnSync>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-install-'));
  // `npm test` has built it; a bare `vitest run` may find it missing or older than src.
  if (
    !existsSync(BUNDLE) ||
    statSync(BUNDLE).mtimeMs < Math.max(newest(path.join(ROOT, 'src')), newest(path.join(ROOT, 'reference')))
  ) {
    execFileSync(process.execPath, ['scripts/build-validator.mjs'], { cwd: ROOT });
    execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: ROOT });
  }
  tarball = execFileSync(process.execPath, ['scripts/pack.mjs', tmp], {
    cwd: ROOT,
    encoding: 'utf8',
    env: userEnv(),
  }).trim();
  project = path.join(tmp, 'course');
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'course', version: '1.0.0', private: true }) + '\n',
  );
  // An empty cache and --offline: nothing may come from a registry.
  installed = spawnSync(
    'npm',
    ['install', '--offline', '--cache', path.join(tmp, 'empty-cache'), '--no-audit', '--no-fund', '-D', tarball],
    { cwd: project, encoding: 'utf8', env: userEnv(), timeout: 120_000 },
  );
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npx = (args: string[]) =>
  spawnSync('npx', ['--offline', 'netgrade', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: userEnv(),
    timeout: 60_000,
  });

describe('the release tarball', () => {
  it('holds the bundle, the specs, the schema, LICENSE and README, and nothing of the sources or tests', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/cli/cli.cjs',
      'dist/schema/spec-validator.cjs',
      'schema/spec.schema.json',
      'specs/udp-echo.yaml',
      'specs/kv-http.yaml',
      'scripts/ci-grade.sh',
      'docs/protocols.md',
    ])
      expect(files).toContain(f);
    expect(
      files.filter((f) => /^(src|test|bench|reference)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map')),
    ).toEqual([]);
  });

  it('installs offline with no script to run or warn about, and no dependency to fetch', () => {
    expect(installed.status, String(installed.stderr)).toBe(0);
    expect(String(installed.stderr)).not.toMatch(/install.?script/i);
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/netgrade/package.json'), 'utf8'));
    expect(manifest.version).toBe(VERSION);
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.bin).toEqual({ netgrade: 'dist/cli/cli.cjs' });
  });

  it('ships no source map, or none that points at a file it does not ship', () => {
    const dir = path.join(project, 'node_modules/netgrade');
    const js = readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
      (d) => d.isFile() && /\.c?js$/.test(d.name),
    );
    expect(js.length).toBeGreaterThan(1);
    for (const d of js) {
      const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(d.parentPath, d.name), 'utf8'));
      if (m && !m[1].startsWith('data:'))
        expect(existsSync(path.join(d.parentPath, m[1])), `${d.name} → ${m[1]}`).toBe(true);
    }
  });

  it('npx netgrade --version and list work in the project', () => {
    expect(npx(['--version']).stdout.trim()).toBe(VERSION);
    const list = npx(['list', 'udp-echo']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^udp-echo {2}\(udp, port 12000\)/);
    expect(list.stdout).toContain('udp.basic');
  });

  it('npx netgrade run … --start … grades a server in the project, and fails a broken one', () => {
    copyFileSync(path.join(SERVERS, 'mini-echo.mjs'), path.join(project, 'server.mjs'));
    const good = npx(['run', 'udp-echo', 'tcp-echo', '--start', 'node server.mjs upper {port:udp} {port:tcp}']);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/Score: 10\/10 points/);
    const bad = npx([
      'run',
      'tcp-echo',
      '--start',
      'node server.mjs newline - {port:tcp}',
      '--reporter',
      'json=report.json',
    ]);
    expect(bad.status).toBe(1);
    const report = JSON.parse(readFileSync(path.join(project, 'report.json'), 'utf8'));
    expect(report.cases.find((c: { id: string }) => c.id === 'tcp.basic')).toMatchObject({
      status: 'failed',
      message: 'the reply has 1 extra byte at the end: "\\n"',
    });
  });
});
