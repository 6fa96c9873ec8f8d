// `netgrade run --start`: netgrade starts the server under test in its own
// process group, waits until it listens, turns "never listened" and "exited
// mid-run" into plain failures, and leaves no process behind, however it ends.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, groupGone, running, SERVERS, startCli } from '../helpers/cli-process.js';

const ECHO = `node ${path.join(SERVERS, 'echo.mjs')}`;
const MINI = `node ${path.join(SERVERS, 'mini-echo.mjs')}`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-start-'));
let n = 0;
const jsonFile = () => path.join(tmp, `report-${n++}.json`);

interface Report {
  target: { ports: Record<string, number> };
  summary: { passed: number; failed: number; errored: number };
  cases: Array<{ id: string; status: string; message?: string; actual?: string }>;
  server: {
    command: string;
    pid: number;
    status: string;
    message?: string;
    exitCode: number | null;
    signal: string | null;
    stdoutTail: string;
    stderrTail: string;
    restarts?: { count: number; budget: number };
  };
}
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;
const ran = (r: Report) => r.cases.filter((c) => c.status !== 'skipped');

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('run --start with the reference servers', () => {
  it('udp and tcp echo: every case passes, the ports go into the command, the group is gone afterwards', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'udp-echo',
      'tcp-echo',
      '--tags',
      'all',
      '--start',
      `${ECHO} {port:udp} {port:tcp}`,
      '--reporter',
      `json=${file}`,
    ]);
    expect(r.stderr).toBe(`netgrade: wrote ${file}\n`);
    expect(r.code).toBe(0);
    const report = read(file);
    const { udp, tcp } = report.target.ports;
    expect(udp).toBe(tcp); // one free number for both, as in the lab
    expect(report.summary).toMatchObject({ passed: 17, failed: 0, errored: 0 });
    expect(report.server).toMatchObject({
      command: `${ECHO} ${udp} ${tcp}`,
      status: 'ran',
      stdoutTail: `echo.mjs: listening on udp ${udp} tcp ${tcp}\n`,
      stderrTail: '',
    });
    expect(await groupGone(report.server.pid)).toBe('ESRCH');
  });

  it('kv-http with {port:http}', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'kv-http',
      '--start',
      `node ${path.join(SERVERS, 'http.mjs')} {port:http}`,
      '--reporter',
      `json=${file}`,
    ]);
    expect(r.code).toBe(0);
    const report = read(file);
    expect(ran(report).every((c) => c.status === 'passed')).toBe(true);
    expect(report.server.command).toBe(`node ${path.join(SERVERS, 'http.mjs')} ${report.target.ports.http}`);
  });
});

describe('a server that does not start', () => {
  it('never listens: every case fails with one plain sentence and its stderr, within the start timeout', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'tcp-echo',
      '--start',
      `echo 'OSError: [Errno 98] Address already in use' >&2; sleep 30`,
      '--start-timeout',
      '1',
      '--reporter',
      `json=${file}`,
      '--reporter',
      'console',
    ]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(6000);
    const report = read(file);
    const port = report.target.ports.tcp;
    const failure = {
      status: 'failed',
      message: `your server did not start listening on ${port}/tcp within 1 s`,
      actual: 'OSError: [Errno 98] Address already in use',
    };
    expect(
      ran(report).map((c) => ({ id: c.id, status: c.status, message: c.message, actual: c.actual })),
    ).toStrictEqual(
      ['tcp.basic', 'tcp.mixed', 'tcp.closes', 'tcp.sequential', 'tcp.max-size'].map((id) => ({ id, ...failure })),
    );
    expect(report.server).toMatchObject({
      status: 'did not start',
      message: failure.message,
      stderrTail: 'OSError: [Errno 98] Address already in use\n',
    });
    // One banner with the cause and the stderr tail; the cases it decided in one line.
    expect(r.stdout).toContain(
      `✗ Your server did not start\n  your server did not start listening on ${port}/tcp within 1 s\n  command: `,
    );
    expect(r.stdout).toContain('  stderr (last 1 line):\n  │ OSError: [Errno 98] Address already in use\n');
    expect(r.stdout).toContain(
      '    ✗ 5 not passed (did not start): tcp.basic, tcp.mixed, tcp.closes, tcp.sequential, tcp.max-size\n',
    );
    expect(await groupGone(report.server.pid)).toBe('ESRCH'); // the sleep too
  });

  it('exits before it listens: the cases say so at once', async () => {
    const file = jsonFile();
    const r = await cli(['run', 'tcp-echo', '--start', 'echo boom >&2; exit 3', '--reporter', `json=${file}`]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(5000);
    const report = read(file);
    const message = `your server did not start listening on ${report.target.ports.tcp}/tcp: it exited with code 3 first`;
    expect(new Set(ran(report).map((c) => `${c.status}: ${c.message} / ${c.actual}`))).toStrictEqual(
      new Set([`failed: ${message} / boom`]),
    );
    expect(report.server).toMatchObject({ status: 'did not start', exitCode: 3, signal: null });
  });
});

describe('a server that crashes mid-run', () => {
  it('is restarted: the case that crashes it alone fails with its stderr, every other case gets its own verdict', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'tcp-echo',
      '--tags',
      'all',
      '--start',
      `${MINI} crash-on-long - {port:tcp}`,
      '--reporter',
      `json=${file}`,
      '--reporter',
      'console',
    ]);
    expect(r.code).toBe(1);
    const report = read(file);
    const traceback =
      'Traceback (most recent call last):\n  File "server.py", line 12, in <module>\nBufferError: message too long';
    expect(
      ran(report).map((c) => ({ id: c.id, status: c.status, message: c.message, actual: c.actual })),
    ).toStrictEqual(
      [
        'tcp.basic',
        'tcp.mixed',
        'tcp.closes',
        'tcp.sequential',
        'tcp.max-size',
        'tcp.utf8',
        'tcp.concurrent',
        'tcp.segmented',
        'tcp.empty',
        'tcp.reset',
      ].map((id) =>
        id === 'tcp.max-size'
          ? {
              id,
              status: 'failed',
              message: 'your server crashed during this case: the server exited with code 1',
              actual: traceback,
            }
          : { id, status: 'passed', message: undefined, actual: undefined },
      ),
    );
    expect(report.server).toMatchObject({
      status: 'crashed',
      message: expect.stringMatching(
        /^the server exited with code 1 during tcp\.max-size; netgrade restarted it [1-3] of at most 3 times$/,
      ),
      exitCode: 1,
    });
    expect(r.stdout).toMatch(
      /✗ Your server crashed\n {2}the server exited with code 1 during tcp\.max-size; netgrade restarted it [1-3] of at most 3 times\n/,
    );
    expect(r.stdout).toContain('  │ BufferError: message too long\n');
    expect(r.stdout).toContain(
      "  step 1: your server crashed during this case: the server exited with code 1\n  actual:   (the server's stderr, shown above)\n",
    );
    expect(await groupGone(report.server.pid)).toBe('ESRCH');
  });
});

describe('no process is left behind', () => {
  it('a server that ignores SIGTERM and forks a child: both are gone after the run (SIGKILL after the grace period)', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'tcp-echo',
      '--start',
      `${ECHO} - {port:tcp} --child --ignore-term`,
      '--reporter',
      `json=${file}`,
    ]);
    expect(r.code).toBe(0);
    const report = read(file);
    const child = Number(/^child (\d+)$/m.exec(report.server.stdoutTail)?.[1]);
    expect(child).toBeGreaterThan(0);
    expect(report.server.stderrTail).toBe('echo.mjs: ignoring SIGTERM\n');
    expect(r.ms).toBeGreaterThanOrEqual(2000); // the grace period between SIGTERM and SIGKILL
    expect(running(child)).toBe(false);
    expect(await groupGone(report.server.pid)).toBe('ESRCH');
  });

  /** A hanging server whose shell writes its pid ($$, the group id) to a file; resolves once it listens. */
  async function startHanging(opts: { ignoreTerm?: boolean } = {}) {
    const pidFile = path.join(tmp, `pid-${n++}`);
    // node resets its signal dispositions at start, but the shell and sleep keep `trap '' TERM`: the group outlives SIGTERM.
    const command = opts.ignoreTerm
      ? `trap '' TERM; echo $$ > ${pidFile}; ${MINI} hang - {port:tcp}; sleep 100`
      : `echo $$ > ${pidFile}; exec ${MINI} hang - {port:tcp}`;
    const run = startCli(['run', 'tcp-echo', '--timeout', '20000', '--start', command]);
    let pgid = 0;
    for (let i = 0; i < 100 && !pgid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pgid = Number(readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' }).trim());
    }
    await new Promise((r) => setTimeout(r, 500)); // listening, and the cases in flight
    return { ...run, pgid };
  }

  it('Ctrl-C once: netgrade stops the server, reports what it has, and exits', async () => {
    const { child, done, pgid } = await startHanging();
    expect(pgid).toBeGreaterThan(0);
    expect(running(pgid)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(15_000); // well before the 20 s deadlines of the cases
    expect(r.stderr).toContain('netgrade: interrupted; finishing the report');
    expect(await groupGone(pgid)).toBe('ESRCH');
  });

  it('Ctrl-C twice while the server ignores SIGTERM: netgrade leaves at once and its exit hook kills the group', async () => {
    const { child, done, pgid } = await startHanging({ ignoreTerm: true });
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300)); // inside the 2 s grace period of the stop the first Ctrl-C began
    expect(running(pgid)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(await groupGone(pgid)).toBe('ESRCH');
  });
});

describe('limits on the started server', () => {
  it('--limit-memory and --limit-procs reach the server (as /proc/self/limits shows)', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'tcp-echo',
      '--limit-memory',
      '1500',
      '--limit-procs',
      '4000',
      '--start',
      `grep -E 'Max (processes|address space)' /proc/self/limits >&2; exec ${ECHO} - {port:tcp}`,
      '--reporter',
      `json=${file}`,
    ]);
    expect(r.code).toBe(0);
    const limits = read(file)
      .server.stderrTail.split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s{2,}/).slice(0, 3));
    expect(limits).toStrictEqual([
      ['Max processes', '4000', '4000'],
      ['Max address space', String(1500 * 1024 * 1024), String(1500 * 1024 * 1024)],
    ]);
  });

  it('--limit-wall kills the server, and the cases after say so', async () => {
    const file = jsonFile();
    const r = await cli([
      'run',
      'tcp-echo',
      '--limit-wall',
      '1',
      '--timeout',
      '3000',
      '--start',
      `${MINI} hang - {port:tcp}`,
      '--reporter',
      `json=${file}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(6000);
    const report = read(file);
    expect(report.server.status).toBe('crashed');
    // A wall-clock limit bounds the whole submission: netgrade does not restart the server after it.
    expect(report.server).toMatchObject({
      message: 'the server was stopped at its wall-clock limit (1 s)',
      restarts: { count: 0, budget: 3 },
    });
    for (const c of ran(report)) expect(c.message).toBe('the server was stopped at its wall-clock limit (1 s)');
    expect(await groupGone(report.server.pid)).toBe('ESRCH');
  });
});

describe('usage errors', () => {
  it('--start with --reference', async () => {
    const r = await cli(['run', 'tcp-echo', '--reference', '--start', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netgrade: --start and --reference both start a server: choose one\n');
  });

  it('--port names a port that is in use', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await cli(['run', 'tcp-echo', '--port', `tcp=${port}`, '--start', `${ECHO} - {port:tcp}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `netgrade: --start: port ${port}/tcp is already in use; stop what listens there or leave --port out\n`,
      );
    } finally {
      server.close();
    }
  });

  it('{port} with two port numbers in play', async () => {
    const r = await cli(['run', 'tcp-echo', 'kv-http', '--start', 'serve {port}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'netgrade: --start: {port} is ambiguous with services tcp, http; use {port:udp}, {port:tcp} or {port:http}\n',
    );
  });
});
