// The student's loop through the CLI: init writes netgrade.config so that a
// bare `netgrade` starts the server and runs; --bail stops at the first
// failure; --watch runs again when the server's files change; json=- is the
// JSON on stdout; --verbose shows passing transcripts; init --course writes a
// spec that validates.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, SERVERS, startCli } from '../helpers/cli-process.js';
import { netgradeVersion } from '../../src/version.js';

const LAB = path.join(SERVERS, 'lab-server.py');
const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('the student loop', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-loop-'));
    copyFileSync(LAB, path.join(dir, 'server.py'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('init writes netgrade.config with the guessed start command, and a bare `netgrade` runs it', {
    timeout: 60_000,
  }, async () => {
    const init = await cli(['init', 'udp-echo', 'tcp-echo'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('wrote netgrade.config\n');
    const config = readFileSync(path.join(dir, 'netgrade.config'), 'utf8');
    expect(config).toContain('specs:\n  - udp-echo\n  - tcp-echo\nstart: python3 server.py {port}\n');

    const again = await cli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('netgrade: netgrade.config exists already (use --force to replace it)\n');

    const r = await cli(['--start-timeout', '20'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(lines(r.stdout).at(-1)).toBe('10 passed, 0 failed, 7 skipped: unicode, robust; run with --tags all');
    expect(r.code).toBe(0);
  });

  it('--bail stops at the first failed case and leaves the rest not run', { timeout: 60_000 }, async () => {
    const r = await cli([
      'run',
      'tcp-echo',
      '--start',
      `NEWLINE=1 exec python3 ${LAB} {port}`,
      '--start-timeout',
      '20',
      '--bail',
      '--concurrency',
      '1',
      '--reporter',
      'json=-',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(
      report.cases.filter((c: { status: string }) => c.status === 'failed').map((c: { id: string }) => c.id),
    ).toEqual(['tcp.basic']);
    const notRun = report.cases.filter(
      (c: { message?: string }) => c.message === 'not run: --bail stopped the run when tcp.basic failed',
    );
    expect(notRun.map((c: { id: string }) => c.id)).toEqual([
      'tcp.mixed',
      'tcp.closes',
      'tcp.sequential',
      'tcp.max-size',
    ]);
  });

  it('json=- writes the JSON to stdout and nothing else there', { timeout: 60_000 }, async () => {
    const r = await cli(['run', 'udp-echo', '--reference', '--reporter', 'json=-']);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(process.cwd(), '-'))).toBe(false);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ passed: 5, failed: 0 });
  });

  it('--verbose lists every case and the transcripts of passing ones', { timeout: 60_000 }, async () => {
    const r = await cli(['run', 'udp-echo', '--reference', '--verbose', '--grep', '^udp\\.basic$']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ {4}✓ udp\.basic {2}Upper-cases a sentence \(\d+ ms\)\n/);
    expect(r.stdout).toMatch(
      / {8}\s*\d+ ms {2}main {5}→ "[^"]+" \(\d+ bytes\)\n {8}\s*\d+ ms {2}main {5}← "[^"]+" \(\d+ bytes\)\n/,
    );
    expect(r.stdout).toContain(
      '    - udp.utf8  Upper-cases UTF-8 text  (tags unicode (run with --tags unicode or --tags all))\n',
    );
  });

  it('--watch without --start is a usage error', { timeout: 30_000 }, async () => {
    const r = await cli(['run', 'tcp-echo', '--watch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netgrade: --watch needs --start: netgrade restarts your server when its files change\n');
  });

  it('--watch restarts the server and runs again when a file under its folder changes', {
    timeout: 90_000,
  }, async () => {
    const watchDir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-watch-'));
    try {
      const server = path.join(watchDir, 'server.py');
      copyFileSync(LAB, server);
      const { child, done } = startCli(
        ['run', 'tcp-echo', '--start', 'python3 server.py {port}', '--start-timeout', '20', '--watch'],
        { cwd: watchDir },
      );
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const waitFor = async (text: string) => {
        const until = Date.now() + 40_000;
        while (!out.includes(text)) {
          if (Date.now() > until) throw new Error(`no "${text}" in:\n${out}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await waitFor('run 1: all passed · watching ./ for changes (Ctrl-C to quit)');
      // The student breaks the server: every reply gets a newline.
      writeFileSync(server, readFileSync(LAB, 'utf8').replace("else b''", "else b'\\n'"));
      await waitFor('run 2: some checks fail');
      expect(out).toContain('5 checks fail for one reason: your replies end with a newline the client did not send');
      child.kill('SIGINT');
      const ended = await done;
      expect(ended.code).toBe(1);
    } finally {
      rmSync(watchDir, { recursive: true, force: true });
    }
  });

  it('init --course writes a starter spec that validates, a profile and a workflow', { timeout: 60_000 }, async () => {
    const course = mkdtempSync(path.join(os.tmpdir(), 'netgrade-course-'));
    try {
      const r = await cli(['init', '--course'], { cwd: course });
      expect(r.code).toBe(0);
      expect(lines(r.stdout).slice(0, 3)).toEqual([
        'wrote netgrade/my-lab.yaml',
        'wrote netgrade/profile.yaml',
        'wrote .github/workflows/netgrade.yml',
      ]);
      const v = await cli(['validate', 'netgrade/my-lab.yaml'], { cwd: course });
      expect(v.stdout).toBe('ok  netgrade/my-lab.yaml: 1 cases\n');
      const flow = readFileSync(path.join(course, '.github/workflows/netgrade.yml'), 'utf8');
      // The Action at this version: netgrade is in no registry, so `npx netgrade@x` would 404.
      expect(flow).toContain(`uses: OWNER/netgrade@v${netgradeVersion()}`);
      expect(flow).toContain('profile: netgrade/profile.yaml');
      expect(flow).not.toMatch(/npx[^\n]*netgrade@/);
    } finally {
      rmSync(course, { recursive: true, force: true });
    }
  });
});
