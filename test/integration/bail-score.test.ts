// --bail stops at the first failure; the cases it cut short read as skipped but keep their
// points (none earned), so the score is out of the same total as a whole run's.
import { createServer, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands/run.js';
import type { RunFlags } from '../../src/commands/flags.js';
import { KV_FAULTS } from '../helpers/kv-faults.js';

interface JsonCase {
  id: string;
  status: string;
  points: number;
  maxPoints: number;
  message?: string;
}
interface JsonRun {
  summary: { points: number; maxPoints: number; passed: number; failed: number; skipped: number };
  cases: JsonCase[];
}

/** `netgrade run kv-http --reporter json=-` in-process; the JSON it printed. */
async function runJson(port: number, more: Partial<RunFlags>): Promise<{ code: number; json: JsonRun }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const env = { stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() };
  const code = await runCommand(
    ['kv-http'],
    { host: '127.0.0.1', port: [`http=${port}`], reporter: ['json=-'], concurrency: '1', ...more },
    env,
    new AbortController().signal,
  );
  return { code, json: JSON.parse(out) as JsonRun };
}

describe('--bail', () => {
  it('scores the cases it cut short as 0 of their points, out of the same total as a whole run', async ({
    onTestFinished,
  }) => {
    const server = await KV_FAULTS.find((f) => f.id === 'kv.put.update')!.start();
    onTestFinished(() => server.close());
    const whole = await runJson(server.port, {});
    const bailed = await runJson(server.port, { bail: true });
    expect([whole.code, bailed.code]).toEqual([1, 1]);
    expect(whole.json.summary.failed).toBe(1);

    const cut = bailed.json.cases.filter(
      (c) => c.message === 'not run: --bail stopped the run when kv.put.update failed',
    );
    expect(cut.length).toBeGreaterThan(0);
    expect(bailed.json.cases.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['kv.put.update']);
    const worth = new Map(whole.json.cases.map((c) => [c.id, c.maxPoints]));
    for (const c of cut)
      expect({ id: c.id, status: c.status, points: c.points, maxPoints: c.maxPoints }).toEqual({
        id: c.id,
        status: 'skipped',
        points: 0,
        maxPoints: worth.get(c.id),
      });
    expect(cut.some((c) => c.maxPoints > 0)).toBe(true);

    expect(bailed.json.summary.maxPoints).toBe(whole.json.summary.maxPoints);
    expect(bailed.json.summary.points).toBeLessThan(whole.json.summary.points);
    expect(bailed.json.summary.points).toBeLessThan(bailed.json.summary.maxPoints);
  });

  it('reads the cases stopped because the server went quiet as cut short, not failed', async ({ onTestFinished }) => {
    // Accepts connections and never answers: the first case waits out its deadline and bails.
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((s) => void sockets.add(s.on('error', () => {})));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    onTestFinished(() => {
      for (const s of sockets) s.destroy();
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const bailed = await runJson(port, { bail: true, timeout: '300' });
    expect(bailed.code).toBe(1);
    const failed = bailed.json.cases.filter((c) => c.status === 'failed');
    expect(failed).toHaveLength(1);
    const rest = bailed.json.cases.filter((c) => c.status !== 'failed' && !c.message?.startsWith('not selected'));
    expect(rest.length).toBeGreaterThan(5);
    for (const c of rest)
      expect({ status: c.status, message: c.message }).toEqual({
        status: 'skipped',
        message: `not run: --bail stopped the run when ${failed[0].id} failed`,
      });
  });
});
