// The console's story of a run, as golden files: all passing, one failure,
// nothing listening, a server that did not start, and one that crashed. Times
// and ports are normalised; everything else is what a student reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference } from '../../reference/index.js';
import { consoleReporter } from '../../src/report/console.js';
import type { ReporterEnv } from '../../src/report/reporter.js';
import type { RunResult } from '../../src/model/result.js';
import { run, type RunOptions } from '../../src/run/run.js';
import { runWithServer } from '../../src/server/session.js';
import { choosePorts } from '../../src/server/ports.js';
import { loadSpecs } from '../../src/spec/load.js';
import { startBrokenTcp, startBrokenUdp, upper, deadPort } from '../helpers/broken-echo.js';
import { runJson } from '../../src/report/json.js';
import { githubReporter } from '../../src/report/github.js';
import { crashedRun } from '../fixtures/console/crashed.js';
import { drawnFor, SEED } from '../helpers/run-spec.js';

const GOLDEN = path.resolve('test/fixtures/console');

/** A reporter environment without a TTY whose stdout is kept in `chunks`. */
function capturedEnv(): { env: ReporterEnv; chunks: string[] } {
  const chunks: string[] = [];
  const env = {
    stdout: { write: (s: string) => chunks.push(s), isTTY: false },
    stderr: { write: () => true },
    env: {},
    cwd: process.cwd(),
  } as unknown as ReporterEnv;
  return { env, chunks };
}

/** What the console prints for a run (no colour, no progress line), times and ports normalised. */
export function consoleText(result: RunResult, opts: { verbose?: boolean } = {}): string {
  const { env, chunks } = capturedEnv();
  const reporter = consoleReporter(env, { color: false, progress: false, verbose: opts.verbose });
  const selected = result.cases.filter((c) => c.status !== 'skipped').length;
  reporter.onRunStart?.({ specs: result.specs, target: result.target, selected });
  void reporter.onRunEnd(result);
  return normalise(chunks.join(''), result);
}

export function normalise(text: string, result: RunResult): string {
  let out = text
    .replace(/\(\d+ ms\)/g, '(N ms)')
    .replace(/ in \d+ ms\b/g, ' in N ms')
    // Times are right-aligned in a fixed column: keep the column, whatever the number of digits.
    .replace(/^( *)(\d+) ms {2}/gm, (_, pad: string, t: string) => `${' '.repeat(pad.length + t.length - 2)}N ms  `)
    .replace(/within \d+(\.\d+)? s/g, 'within N s')
    .replace(/^seed \d+ \(--seed \d+ /m, 'seed N (--seed N ');
  for (const port of new Set(Object.values(result.target.ports))) out = out.replaceAll(String(port), 'PORT');
  return out;
}

// A fixed seed: the drawn sentences, and so the golden files, are the same every run.
const plan = (specs: string[], extra: Partial<RunOptions> = {}): RunOptions => ({
  specs: loadSpecs(specs),
  host: '127.0.0.1',
  selection: { tags: ['core'] },
  seed: SEED,
  ...extra,
});

describe('the console tells one story per run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-story-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('all passing: a line per spec, the score, what earns points and what was skipped', async () => {
    const ref = await startReference({ host: '127.0.0.1', ports: { udp: 0, tcp: 0 } });
    try {
      const result = await run(plan(['udp-echo', 'tcp-echo'], { ports: ref.ports }));
      const text = consoleText(result);
      expect(text.split('\n').at(-2)).toBe('10 passed, 0 failed, 7 skipped: unicode, robust; run with --tags all');
      await expect(text).toMatchFileSnapshot(path.join(GOLDEN, 'all-passing.txt'));
    } finally {
      await ref.close();
    }
  });

  it('one failure: its spec line, then the failure in full with a caret under the first difference', async () => {
    const basic = drawnFor('tcp-echo', 'tcp.basic', 's');
    const server = await startBrokenTcp({ reply: (t) => (t === basic ? `${upper(t)}\n` : upper(t)) });
    try {
      const result = await run(plan(['tcp-echo'], { ports: { tcp: server.port } }));
      const text = consoleText(result);
      expect(text).toContain(
        `  expected: ${upper(basic)}\n  actual:   ${upper(basic)}\\n\n${' '.repeat(12 + basic.length)}^\n`,
      );
      // The hint fits the cause seen in the bytes, not the check's usual suspect.
      expect(text).toContain('  hint: send back exactly the upper-cased bytes: no "\\n" added');
      await expect(text).toMatchFileSnapshot(path.join(GOLDEN, 'one-failure.txt'));
    } finally {
      await server.close();
    }
  });

  it('one cause behind five failures: named once with its hint; a long reply cut at its difference, whole in the JSON', async () => {
    const server = await startBrokenUdp({ reply: (t) => `${upper(t)}\n` });
    try {
      const result = await run(plan(['udp-echo'], { ports: { udp: server.port } }));
      const text = consoleText(result);
      expect(text).toContain(
        '5 checks fail for one reason: your replies end with a newline the client did not send\n  fix: send back exactly the upper-cased bytes',
      );
      expect(text).toContain('  udp.basic, udp.mixed, udp.sequential, udp.two-clients, udp.max-size\n');
      // The example block's hint is the cause's, given once above: the case's own hint about recvfrom is not repeated.
      expect(text).not.toContain('hint: ');
      const big = result.cases.find((c) => c.id === 'udp.max-size')!;
      const want = big.failure!.expected!;
      expect(want).toMatch(/^[A-Z]{2048}$/);
      expect(big.failure!.actual).toBe(`${want}\\n`);
      expect((runJson(result).cases.find((c) => c.id === 'udp.max-size') as { actual: string }).actual).toHaveLength(
        2048 + 2,
      );
      const shown = consoleText({ ...result, cases: [big] });
      expect(shown).toContain(`  expected: …${want.slice(-24)}\n  actual:   …${want.slice(-24)}\\n\n`);
      expect(shown).toContain('^ first difference at byte 2048 (expected 2048 bytes, actual 2049)\n');
    } finally {
      await server.close();
    }
  });

  it('nothing listening: one banner, the cases one line per spec, at most 15 lines for udp and tcp', async () => {
    const port = await deadPort('tcp');
    const result = await run(plan(['udp-echo', 'tcp-echo'], { ports: { udp: port, tcp: port } }));
    const text = consoleText(result);
    expect(text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length).toBeLessThanOrEqual(15);
    expect(text).not.toContain('transcript:');
    await expect(text).toMatchFileSnapshot(path.join(GOLDEN, 'nothing-listening.txt'));
  });

  it('did not start: the banner with the cause and the tail of stderr, then each spec in one line', async () => {
    const file = path.join(dir, 'server.py');
    writeFileSync(file, 'import socket, sys\nport = int(sys.argv[1]\nprint("never")\n');
    const ports = await choosePorts(['tcp'], {}, '127.0.0.1');
    const result = await runWithServer({
      run: plan(['tcp-echo'], { ports }),
      start: { command: `python3 ${file} ${ports.tcp}`, startTimeoutMs: 5000 },
    });
    const text = consoleText(result).replaceAll(dir, 'DIR');
    expect(text).toContain('SyntaxError');
    expect(text.match(/tcp\.basic/g)).toHaveLength(1);
    await expect(text).toMatchFileSnapshot(path.join(GOLDEN, 'did-not-start.txt'));
  });

  it('no line the console prints from server bytes is a workflow command, while the github reporter still annotates', async () => {
    const forged =
      'ok\r\n::notice title=Autograding complete::Points 10/10\r\n  ::stop-commands::x\n::error ::forged\n';
    const tcp = await startBrokenTcp({ reply: () => forged });
    const udp = await startBrokenUdp({ reply: () => forged });
    try {
      const result = await run(plan(['udp-echo', 'tcp-echo'], { ports: { udp: udp.port, tcp: tcp.port } }));
      expect(result.cases.some((c) => c.status === 'failed')).toBe(true);
      for (const verbose of [false, true]) {
        const text = consoleText(result, { verbose });
        expect(text).toContain('Points 10/10');
        expect(text.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
      }
      const { env, chunks } = capturedEnv();
      await githubReporter(env).onRunEnd(result);
      const lines = chunks.join('').split('\n');
      expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(
        result.cases.filter((c) => c.status === 'failed').length,
      );
      expect(lines.filter((l) => /^\s*::(notice|stop-commands)/.test(l) && l.includes('Points 10/10'))).toEqual([]);
    } finally {
      await tcp.close();
      await udp.close();
    }
    // Server stderr, shown in the did-not-start banner, is server bytes too.
    const ports = await choosePorts(['tcp'], {}, '127.0.0.1');
    const started = await runWithServer({
      run: plan(['tcp-echo'], { ports }),
      start: { command: `sh -c 'echo "  ::notice ::Points 10/10" >&2; exit 1'`, startTimeoutMs: 5000 },
    });
    const banner = consoleText(started);
    expect(banner).toContain('Points 10/10');
    expect(banner.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
  });

  it('did not start for want of address space: the banner names --limit-memory; another crash does not', async () => {
    const started = async (stderr: string) => {
      const ports = await choosePorts(['tcp'], {}, '127.0.0.1');
      return consoleText(
        await runWithServer({
          run: plan(['tcp-echo'], { ports }),
          start: { command: `sh -c 'echo "${stderr}" >&2; exit 1'`, startTimeoutMs: 5000 },
        }),
      );
    };
    const jvm = await started('Error occurred during initialization of VM');
    expect(jvm).toContain('Your server did not start');
    expect(jvm).toContain('raise --limit-memory');
    expect(await started('Traceback: SyntaxError')).not.toContain('--limit-memory');
  });

  it('crashed: the banner with the last lines of the traceback, the case it died in in full, the rest in one line', async () => {
    const text = consoleText(crashedRun());
    expect(text).toContain('  stderr (last 15 lines of 42):\n');
    expect(text).toContain('  │ ZeroDivisionError: division by zero\n');
    expect(text).not.toContain('line 1 of the log');
    expect(text).toContain('FAILED  tcp.empty');
    await expect(text).toMatchFileSnapshot(path.join(GOLDEN, 'crashed.txt'));
  });
});
