// The same server earns the same verdicts in every run: each timing-sensitive
// server is graded 10 times through the CLI, and every run must give the
// verdicts of the first, which must fail what the server gets wrong.
// (`npm run test:stability`; CI runs it after `npm test`.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from '../helpers/cli-process.js';

const SERVERS = path.join(import.meta.dirname, 'servers.py');
const RUNS = 10;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-stability-'));
let n = 0;

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Report {
  cases: Array<{ id: string; status: string; message?: string }>;
  server?: { restarts?: { count: number } };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts `servers.py MODE` on a free port; resolves once it listens. */
async function startPython(mode: string): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn('python3', [SERVERS, mode, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`servers.py ${mode} exited with ${code}`)));
  });
  return { port, stop: () => child.kill('SIGKILL') };
}

/** One CLI run of tcp-echo --tags all; each case's verdict as "id status". */
async function verdicts(args: string[], messages: Record<string, string> = {}): Promise<string[]> {
  const file = path.join(tmp, `r${n++}.json`);
  const r = await cli(['run', 'tcp-echo', '--tags', 'all', ...args, '--reporter', `json=${file}`]);
  // Nothing on stderr but where the reports went.
  expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('netgrade: wrote '))).toStrictEqual([]);
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  // A verdict is the status; a failure's wording may name what the network did (a reset or a refusal).
  for (const [id, message] of Object.entries(messages))
    expect(report.cases.find((c) => c.id === id)?.message).toBe(message);
  return report.cases.map((c) => `${c.id} ${c.status}`);
}

/** The verdicts of RUNS runs, asserted identical; returns those of the first. */
async function stable(run: () => Promise<string[]>): Promise<string[]> {
  const all: string[][] = [];
  for (let i = 0; i < RUNS; i++) all.push(await run());
  for (let i = 1; i < RUNS; i++) expect(all[i], `run ${i + 1} of ${RUNS}`).toStrictEqual(all[0]);
  return all[0];
}

const failed = (v: string[]) => v.filter((l) => !l.endsWith(' passed')).map((l) => l.split(' ')[0]);

describe.concurrent(`the same verdicts in ${RUNS} runs`, () => {
  it('close() forgotten: tcp.closes fails every time (no other client makes the server drop the socket)', async () => {
    const v = await stable(async () => {
      const s = await startPython('forgot-close');
      try {
        return await verdicts(['--port', `tcp=${s.port}`], {
          'tcp.closes': 'the server did not close the connection within 1000 ms after replying',
        });
      } finally {
        s.stop();
      }
    });
    expect(failed(v)).toContain('tcp.closes');
    // Its recv()/send() meet the reset client's RST every time (a silent client holds it meanwhile), and
    // nothing catches the error: the server dies, so the next client is refused.
    expect(failed(v)).toContain('tcp.reset');
    expect(v).toContain('tcp.basic passed');
  }, 400_000);

  it('one client at a time: only the case that holds a silent client open fails', async () => {
    const s = await startPython('serial');
    try {
      const v = await stable(() => verdicts(['--port', `tcp=${s.port}`]));
      expect(failed(v)).toStrictEqual(['tcp.concurrent']);
    } finally {
      s.stop();
    }
  }, 400_000);

  it('serves one client, then exits: every case but at most the first fails', async () => {
    const v = await stable(async () => {
      const s = await startPython('one-client');
      try {
        return await verdicts(['--port', `tcp=${s.port}`]);
      } finally {
        s.stop();
      }
    });
    // One client is served: at most one case (one that needs a single connection) can pass.
    expect(v.filter((l) => l.endsWith(' passed')).length).toBeLessThanOrEqual(1);
    expect(failed(v).length).toBeGreaterThanOrEqual(v.length - 1);
  }, 400_000);

  it('with --start, crashes after its first client: restarted 3 times, then the rest fail saying so, the same way every time', async () => {
    const spent =
      'not run: your server crashed 4 times and netgrade restarted it 3 times, the most it does in one run; the last time the server exited with code 0';
    const v = await stable(() =>
      verdicts(['--start', `python3 ${SERVERS} one-client {port:tcp}`], {
        'tcp.sequential': spent,
        'tcp.reset': spent,
      }),
    );
    // Each start serves one client: only single-connection cases run on a fresh server can pass, at most one per start.
    const passed = v.filter((l) => l.endsWith(' passed')).length;
    expect(passed).toBeGreaterThan(0);
    expect(passed).toBeLessThanOrEqual(1 + 3);
  }, 400_000);

  it('600 ms per reply, a thread per client: every case passes', async () => {
    const s = await startPython('slow');
    try {
      const v = await stable(() => verdicts(['--port', `tcp=${s.port}`]));
      expect(failed(v)).toStrictEqual([]);
    } finally {
      s.stop();
    }
  }, 400_000);
});
