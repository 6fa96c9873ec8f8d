// The CLI as a student runs it: `node dist/src/cli.js ...` in a child process,
// checking exit codes and the exact lines on stdout/stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it, expect } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { REPORTERS } from '../../src/report/index.js';
import { drawnFor } from '../helpers/run-spec.js';

const CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');

/** The newest modification time of any file under a directory. */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => statSync(path.join(d.parentPath, d.name)).mtimeMs),
  );
}

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` may find dist missing or older than src.
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest(path.join(PACKAGE_ROOT, 'src'))) return;
  const tsc = spawnSync(
    process.execPath,
    [path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    { cwd: PACKAGE_ROOT, encoding: 'utf8' },
  );
  // tsc emits even with type errors elsewhere in the tree; what these tests need is the CLI.
  if (!existsSync(CLI)) throw new Error(`could not build ${CLI}:\n${tsc.stdout}${tsc.stderr}`);
}, 120_000);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, to look for raw control bytes. */
  raw: Buffer;
}

/** Runs the CLI without blocking, so in-test servers keep answering while it runs. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: PACKAGE_ROOT, env: childEnv });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
  });
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');
const STACK = /^\s+at /m;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A raw TCP server on 127.0.0.1, port 0, that answers every connection with `reply` and closes. */
async function tcpServer(reply: Buffer): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', () => s.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('netgrade validate', () => {
  it('a bad spec: exit 2 and one file:line:col line per problem on stderr, no stack trace', async () => {
    const r = await cli(['validate', 'test/fixtures/specs/bad-connect.yaml', 'test/fixtures/specs/bad-udp-then.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toStrictEqual([
      'test/fixtures/specs/bad-connect.yaml:11:9 /cases/0/steps/0: "connect" needs "client" too',
      'test/fixtures/specs/bad-udp-then.yaml:12:9 /cases/0/steps/0: udp steps do not use "then" (tcp steps do)',
    ]);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a YAML syntax error is located too', async () => {
    const r = await cli(['validate', 'test/fixtures/specs/bad-yaml.yaml']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toStrictEqual([
      'test/fixtures/specs/bad-yaml.yaml:7:12 /: YAML: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('a valid spec: exit 0 and an ok line', async () => {
    const r = await cli(['validate', 'test/fixtures/specs/valid-tcp.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok  test/fixtures/specs/valid-tcp.yaml: 2 cases\n');
    expect(r.stderr).toBe('');
  });
});

describe('usage errors exit 2 with one line', () => {
  it('run --tags nosuch', async () => {
    const r = await cli(['run', '--tags', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^netgrade: --tags: no case has tag nosuch \(tags: [a-z0-9, -]+, or all\)\n$/);
  });

  it('run udp-echo tcp-echo --tags nosuch names the tags of those specs', async () => {
    const r = await cli(['run', 'udp-echo', 'tcp-echo', '--tags', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netgrade: --tags: no case has tag nosuch (tags: core, robust, unicode, or all)\n');
  });

  it('run --port udp=99999', async () => {
    const r = await cli(['run', 'udp-echo', '--port', 'udp=99999']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('netgrade: --port udp: "99999" is not a port number (0-65535)\n');
  });

  it('an invalid spec given to run', async () => {
    const r = await cli(['run', 'test/fixtures/specs/bad-connect.yaml']);
    expect(r.code).toBe(2);
    const [head, ...problems] = lines(r.stderr);
    expect(head).toMatch(/^netgrade: invalid /);
    expect(problems).toStrictEqual([
      'test/fixtures/specs/bad-connect.yaml:11:9 /cases/0/steps/0: "connect" needs "client" too',
    ]);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('netgrade list', () => {
  it('prints each case with its points and tags', async () => {
    const r = await cli(['list', 'udp-echo']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toStrictEqual([
      'udp-echo  (udp, port 12000)  UDP uppercase echo',
      '  udp.basic        1pt  [core]  Upper-cases a sentence',
      '  udp.mixed        1pt  [core]  Leaves digits, punctuation and capitals alone',
      '  udp.sequential   1pt  [core]  Answers several sentences from one socket in turn',
      '  udp.two-clients  1pt  [core]  Answers each client at its own address',
      '  udp.max-size     1pt  [core]  Answers a 2048-byte datagram in full',
      '  udp.utf8         1pt  [unicode]  Upper-cases UTF-8 text',
      '  udp.burst        1pt  [robust]  Answers a burst of 100 datagrams from 10 clients',
    ]);
  });
});

describe('netgrade run --help', () => {
  it('shows the examples', async () => {
    const r = await cli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: netgrade run [options] [spec...]');
    expect(r.stdout).toContain('\nExamples:\n  $ netgrade run --reference --tags all ');
    expect(r.stdout).toContain('  $ netgrade run udp-echo tcp-echo --port udp=12000 --port tcp=12000\n');
  });

  it('lists every reporter of the registry under --reporter, with its argument', async () => {
    const r = await cli(['run', '--help']);
    // The option's description, its wrapped lines joined: from --reporter to the next option.
    const described = /--reporter <name\[=file\]>([\s\S]*?)\n {2}--/.exec(r.stdout)?.[1].replace(/\s+/g, ' ') ?? '';
    const listed = described
      .split(';')[0]
      .split(',')
      .map((s) => s.trim().split(/[= ]/)[0]);
    expect(listed.sort()).toEqual(Object.keys(REPORTERS).sort());
    expect(described).toContain('json=FILE (json=- for stdout)');
  });
});

describe('netgrade run', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-cli-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('against the reference servers: exit 0 and a JSON report of the documented shape', async () => {
    const file = path.join(tmp, 'report.json');
    const r = await cli([
      'run',
      'udp-echo',
      'tcp-echo',
      '--reference',
      '--tags',
      'all',
      '--seed',
      '7',
      '--reporter',
      `json=${file}`,
    ]);
    // The console stays on beside a file reporter; stderr only says where the file went.
    expect(r.stderr).toBe(`netgrade: wrote ${file}\n`);
    expect(lines(r.stdout).at(-1)).toBe('17 passed, 0 failed');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(report)).toStrictEqual(['version', 'seed', 'target', 'summary', 'specs', 'cases', 'profile']);
    expect(report.profile).toStrictEqual({ name: 'default', tags: ['core'] });
    expect(report.version).toBe(1);
    expect(report.seed).toBe(7);
    expect(report.target.host).toBe('127.0.0.1');
    expect(Object.keys(report.target.ports)).toStrictEqual(['udp', 'tcp']);
    for (const port of Object.values(report.target.ports)) expect(port).toBeTypeOf('number');
    expect(Object.keys(report.summary)).toStrictEqual([
      'passed',
      'failed',
      'errored',
      'skipped',
      'points',
      'maxPoints',
      'durationMs',
    ]);
    expect(report.summary).toMatchObject({ passed: 17, failed: 0, errored: 0, skipped: 0 });
    // Which cases earn points is the grading profile's business; all passed means a full score.
    const casePoints = report.cases.reduce((n: number, c: { points: number }) => n + c.points, 0);
    expect(report.summary.maxPoints).toBeGreaterThan(0);
    expect(report.summary.points).toBe(report.summary.maxPoints);
    expect(report.summary.points).toBe(casePoints);
    expect(report.specs.map((s: { name: string }) => s.name)).toStrictEqual(['udp-echo', 'tcp-echo']);
    expect(report.cases).toHaveLength(17);
    const basic = report.cases[0];
    // A passed case has no failure fields; JSON leaves out the undefined ones.
    expect(Object.keys(basic)).toStrictEqual([
      'id',
      'spec',
      'title',
      'tags',
      'status',
      'durationMs',
      'points',
      'maxPoints',
      'requirement',
      'hint',
      'source',
      'location',
      'transcript',
    ]);
    expect(basic).toMatchObject({
      id: 'udp.basic',
      spec: 'udp-echo',
      title: 'Upper-cases a sentence',
      tags: ['core'],
      status: 'passed',
      points: 1,
      maxPoints: 1,
    });
    expect(basic.requirement).toMatch(/^Two datagrams, each holding a different sentence/);
    expect(basic.location).toStrictEqual({ file: 'specs/udp-echo.yaml', line: 21, col: 5 });
    // The sentences the seed draws, each answered upper-cased.
    const [s, t] = ['s', 't'].map((name) => drawnFor('udp-echo', 'udp.basic', name, { seed: 7 }));
    expect(basic.transcript.map((e: { kind: string; data: string }) => [e.kind, e.data])).toStrictEqual([
      ['send', s],
      ['recv', s.toUpperCase()],
      ['send', t],
      ['recv', t.toUpperCase()],
    ]);
    for (const c of report.cases) {
      expect(c.status).toBe('passed');
      expect(c.durationMs).toBeTypeOf('number');
      expect(Array.isArray(c.transcript)).toBe(true);
    }
  });

  it('prints the seed on a line under the score; --seed repeats it, and a run without one draws its own', async () => {
    const seeded = await cli(['run', 'udp-echo', '--reference', '--grep', '^udp\\.basic$', '--seed', '42']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(
      /^Score: 1\/1 points \(core checks earn points\) in \d+ ms\nseed 42 \(--seed 42 repeats these payloads\)$/m,
    );
    const drawn = await cli(['run', 'udp-echo', '--reference', '--grep', '^udp\\.basic$']);
    expect(drawn.stdout).toMatch(/^seed (\d+) \(--seed \1 repeats these payloads\)$/m);
  });

  it('--seed that is not a whole number: exit 2 and one line', async () => {
    const r = await cli(['run', 'udp-echo', '--seed', '4.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'netgrade: --seed: "4.5" is not a seed (a whole number from 0 to 9007199254740991, as a report prints it)\n',
    );
  });

  it('nothing listening: exit 1 and every case failed on the last line', async () => {
    const port = await closedPort();
    const r = await cli(['run', 'tcp-echo', '--port', `tcp=${port}`, '--tags', 'all']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout).at(-1)).toBe('0 passed, 10 failed');
    // One banner says it, and the cases it decided take one line, not a block each.
    expect(r.stdout).toContain(`✗ Nothing is listening\n  127.0.0.1 ${port}/tcp refused every connection\n`);
    expect(r.stdout).toContain(
      '    ✗ 10 not passed (not listening): tcp.basic, tcp.mixed, tcp.closes, tcp.sequential, tcp.max-size, tcp.utf8, tcp.concurrent, tcp.segmented, tcp.empty, tcp.reset\n',
    );
    expect(r.stdout).not.toContain('requirement:');
  });

  it('a server that replies with terminal escapes: shown as text, never a raw ESC byte', async () => {
    const port = await tcpServer(Buffer.from('\x1b[31mHELLO WORLD\x1b[0m'));
    const r = await cli(['run', 'tcp-echo', '--port', `tcp=${port}`, '--grep', '^tcp\\.basic$', '--seed', '7']);
    expect(r.code).toBe(1);
    expect(r.raw.includes(0x1b)).toBe(false);
    expect(r.stdout).toContain('\\x1b[31m');
    const first = drawnFor('tcp-echo', 'tcp.basic', 's', { seed: 7 })[0].toUpperCase();
    expect(r.stdout).toContain(`  step 1: the reply differs at character 1: "\\x1b" where "${first}" was expected\n`);
    expect(r.stdout).toContain('  actual:   \\x1b[31mHELLO WORLD\\x1b[0m\n');
    expect(r.stdout).toMatch(/ {2}← "\\x1b\[31mHELLO WORLD\\x1b\[0m" \(20 bytes\)\n/);
    expect(lines(r.stdout)[0]).toBe(`netgrade: 1 check against 127.0.0.1 (tcp ${port})`);
    expect(lines(r.stdout).at(-1)).toBe(
      '0 passed, 1 failed, 9 skipped: 5 tagged unicode, robust (run with --tags all); 4 not matching --grep',
    );
  });
});
