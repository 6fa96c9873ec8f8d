// --reporter gradescope: results.json in Gradescope's documented format, and
// docs/gradescope/run_autograder run against a folder laid out as Gradescope
// lays it out (/autograder/submission, /autograder/results), in a temp dir.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradescopeResults } from '../../src/report/gradescope.js';
import { sampleRun } from '../fixtures/golden/sample-run.js';
import { CLI, ensureBuilt, SERVERS } from '../helpers/cli-process.js';

const ROOT = path.join(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/gradescope/results.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
  schema,
);
const valid = (data: unknown) => (validate(data) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

let tmp: string;
beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-gradescope-'));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the gradescope reporter', () => {
  it("writes results that Gradescope's documented format accepts", () => {
    const results = gradescopeResults(sampleRun());
    expect(valid(results)).toEqual([]);
    expect(results.score).toBe(1);
    expect(results.tests.map((t) => [t.number, t.status, t.score, t.max_score])).toEqual([
      ['1.1', 'passed', 1, 1],
      ['1.2', 'failed', 0, 2],
      ['1.3', 'failed', 0, 1],
    ]);
  });

  it('the schema refuses what Gradescope would not read (so the check above can fail)', () => {
    expect(valid({ tests: [{ name: 'x', status: 'pass' }] })).not.toEqual([]);
    expect(valid({ score: 1, tests: [], output_format: 'markdown' })).not.toEqual([]);
    expect(valid({ score: 1, test_count: 3 })).not.toEqual([]);
  });

  it("puts what was sent, what came back and the hint in a failed test's output", () => {
    const mixed = gradescopeResults(sampleRun()).tests.find((t) => t.name.startsWith('tcp.mixed:'))!;
    expect(mixed.output).toContain('step 1: the reply differs from the expected one at byte 0');
    expect(mixed.output).toContain('What was sent and what came back:');
    expect(mixed.output).toContain('→ "Hello, World! 123 ~x_y" (22 bytes)');
    expect(mixed.output).toContain('expected: HELLO, WORLD! 123 ~X_Y');
    expect(mixed.output).toContain('actual:   \\x00\\x1b[31mHELLO');
    expect(mixed.output).toContain('hint: Use `upper()` on the whole string');
    expect(mixed.tags).toEqual(['core', 'text']);
  });
});

describe('docs/gradescope/run_autograder', () => {
  /** /autograder as Gradescope lays it out, in a temp dir, with the student's server in submission/. */
  function layout(name: string, mode: string, extra: Record<string, string> = {}) {
    const root = path.join(tmp, name);
    for (const d of ['source', 'submission', 'results']) mkdirSync(path.join(root, d), { recursive: true });
    copyFileSync(path.join(SERVERS, 'mini-echo.mjs'), path.join(root, 'submission', 'server.mjs'));
    const r = spawnSync('bash', [path.join(ROOT, 'docs/gradescope/run_autograder')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        AUTOGRADER: root,
        NETGRADE: `node ${CLI}`,
        NETGRADE_START: `node server.mjs ${mode} {port:udp} {port:tcp}`,
        GITHUB_ACTIONS: '',
        ...extra,
      },
    });
    return { r, results: JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) };
  }

  it('grades a correct submission: full score, valid results.json', () => {
    const { r, results } = layout('good', 'upper');
    expect(r.status).toBe(0);
    expect(valid(results)).toEqual([]);
    expect(results.score).toBe(results.tests.reduce((n: number, t: { max_score: number }) => n + t.max_score, 0));
    expect(results.score).toBeGreaterThan(0);
    expect(results.tests.every((t: { status: string }) => t.status === 'passed')).toBe(true);
  });

  it('grades a broken submission: the failing tests say what came back and what was expected', () => {
    const { r, results } = layout('newline', 'newline');
    expect(r.status).toBe(0);
    expect(valid(results)).toEqual([]);
    const failed = results.tests.filter((t: { status: string }) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(results.score).toBeLessThan(
      results.tests.reduce((n: number, t: { max_score: number }) => n + t.max_score, 0),
    );
    expect(failed[0].output).toMatch(/actual: {3}.*\\n/);
    expect(failed[0].output).toContain('expected: ');
  });

  it("NETGRADE_LIMIT_MEMORY sets the server's address-space limit; unset, netgrade's 2048 MB", () => {
    const start = `sh -c 'echo "address space: $(ulimit -v) KiB" >&2; exit 1'`;
    expect(layout('limit', 'upper', { NETGRADE_START: start, NETGRADE_LIMIT_MEMORY: '3000' }).r.stdout).toContain(
      `address space: ${3000 * 1024} KiB`,
    );
    expect(layout('nolimit', 'upper', { NETGRADE_START: start }).r.stdout).toContain(
      `address space: ${2048 * 1024} KiB`,
    );
  });

  it("the guide's packing steps run in a fresh folder and leave the three files in my-autograder/", () => {
    const guide = readFileSync(path.join(ROOT, 'docs/gradescope.md'), 'utf8');
    const block = /```sh\n(npm ci && npm run pack[^\n]*\n[\s\S]*?)```/.exec(guide)![1];
    const dir = path.join(tmp, 'pack');
    mkdirSync(path.join(dir, 'docs', 'gradescope'), { recursive: true });
    for (const f of ['setup.sh', 'run_autograder'])
      copyFileSync(path.join(ROOT, 'docs/gradescope', f), path.join(dir, 'docs/gradescope', f));
    writeFileSync(path.join(dir, 'netgrade-0.2.0.tgz'), 'not a real tarball');
    // The pack itself (npm) is netgrade's build, tested elsewhere; zip may be absent here.
    const steps = block
      .split('\n')
      .slice(1)
      .join('\n')
      .replace(/ && zip .*/, '');
    const r = spawnSync('bash', ['-eo', 'pipefail', '-c', steps], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(path.join(dir, 'my-autograder')).sort()).toEqual([
      'netgrade-0.2.0.tgz',
      'run_autograder',
      'setup.sh',
    ]);
  });

  it('setup.sh installs Node when the image has one older than 20.19, and keeps 20.19, 21 or 22', () => {
    const installsNode = (version: string) => {
      const dir = path.join(tmp, `setup-${version}`);
      mkdirSync(path.join(dir, 'bin'), { recursive: true });
      const log = path.join(dir, 'calls');
      // Stand-ins that only record their calls: the test never installs anything.
      const fakes: Record<string, string> = {
        node: `echo ${version}`,
        'apt-get': `echo "apt-get $*" >> ${log}`,
        curl: 'true',
        npm: 'true',
        netgrade: 'true',
      };
      for (const [name, body] of Object.entries(fakes)) {
        writeFileSync(path.join(dir, 'bin', name), `#!/bin/sh\n${body}\n`);
        chmodSync(path.join(dir, 'bin', name), 0o755);
      }
      const r = spawnSync('bash', [path.join(ROOT, 'docs/gradescope/setup.sh')], {
        encoding: 'utf8',
        env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, AUTOGRADER_SOURCE: dir },
      });
      expect(r.status, r.stderr).toBe(0);
      return existsSync(log) && readFileSync(log, 'utf8').includes('install -y -qq nodejs');
    };
    expect(installsNode('18.20.4')).toBe(true);
    expect(installsNode('20.5.0')).toBe(true);
    expect(installsNode('20.18.9')).toBe(true);
    expect(installsNode('20.19.0')).toBe(false);
    expect(installsNode('21.0.0')).toBe(false);
    expect(installsNode('22.11.0')).toBe(false);
  });

  it('the guide shows the same setup.sh and run_autograder that are tested', () => {
    const guide = readFileSync(path.join(ROOT, 'docs/gradescope.md'), 'utf8');
    for (const file of ['setup.sh', 'run_autograder'])
      expect(guide).toContain(readFileSync(path.join(ROOT, 'docs/gradescope', file), 'utf8'));
  });
});
