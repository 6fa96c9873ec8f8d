// For each kv-http check, a server with one bug: that check fails with the
// message a student reads, and every other case still passes (docs/protocols.md#kv-http).
// The broken servers are in test/helpers/kv-faults.ts.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/result.js';
import { loadSpecs } from '../../src/spec/load.js';
import net from 'node:net';
import {
  joinHead,
  runKv,
  splitHead,
  startBrokenHttp,
  startProxiedHttp,
  startSilentServer,
  type BrokenServer,
} from '../helpers/broken-http.js';
import { KV_FAULTS as FAULTS } from '../helpers/kv-faults.js';
import { outcomes, passedExcept, type Outcome } from '../helpers/run-spec.js';

/** Answers 200 to the first bytes of every connection and closes, without reading the rest. */
function startEagerServer(): Promise<BrokenServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((r) => server.close(() => r()));
        },
      }),
    ),
  );
}

const failureOf = (result: RunResult, id: string) => result.cases.find((c) => c.id === id)?.failure;

describe.concurrent('kv-http against a server with one bug', () => {
  it('has a broken server for every case of the spec', () => {
    expect(FAULTS.map((f) => f.id)).toEqual(loadSpecs(['kv-http'])[0].cases.map((c) => c.id));
  });

  it.for(FAULTS)('$id fails, and only $id', async ({ id, start, message, stepLabel, also }, { onTestFinished }) => {
    const server = await start();
    onTestFinished(() => server.close());
    const result = await runKv(server.port);
    const failure: Outcome = {
      status: 'failed',
      message: typeof message === 'string' ? message : expect.stringMatching(message),
      stepLabel: stepLabel ?? 'step 1',
    };
    expect(outcomes(result)).toEqual(passedExcept(result, { [id]: failure }));
    also?.(failureOf(result, id)!.message);
  });

  it('kv.date fails a server whose Date is a constant in perfect form, and only kv.date', async ({
    onTestFinished,
  }) => {
    const constant = 'Sun, 06 Nov 1994 08:49:37 GMT';
    const server = await startBrokenHttp({
      bytes: (out) => {
        const { head, body } = splitHead(out);
        return joinHead(head.replace(/^Date: .*$/m, `Date: ${constant}`), body);
      },
    });
    onTestFinished(() => server.close());
    const result = await runKv(server.port);
    expect(outcomes(result)).toEqual(
      passedExcept(result, {
        'kv.date': {
          status: 'failed',
          message: expect.stringMatching(
            new RegExp(
              `^Date is "${constant}", \\d+ days before the response came \\([^)]+ GMT\\); ` +
                'it must be the time the response was sent, within 900 s$',
            ),
          ),
          stepLabel: 'step 1',
        },
      }),
    );
  });

  // What each case says when the server never answers: which step waited, and how long.
  const silent: Record<string, Partial<Outcome>> = {
    'kv.get': { stepLabel: 'POST /create' },
    'kv.head': { stepLabel: undefined },
    'kv.post.empty': { stepLabel: 'POST an empty body' },
    'kv.post.no-colon': { stepLabel: 'POST without a colon' },
    'kv.post.blank-key': { stepLabel: 'POST a blank key' },
    'kv.put.empty': { stepLabel: 'PUT an empty body' },
    'kv.put.no-colon': { stepLabel: 'PUT without a colon' },
    'kv.put.blank-key': { stepLabel: 'PUT a blank key' },
    'kv.path.unknown': { stepLabel: 'GET an unknown path' },
    'kv.method.allow': { stepLabel: 'PRRT /' },
    'kv.host.missing': { stepLabel: 'GET / without Host' },
    'kv.slow-request': { stepLabel: undefined },
    'kv.post.ok': { stepLabel: 'POST /create' },
    'kv.post.duplicate': { stepLabel: 'first POST' },
    'kv.post.atomic': { stepLabel: 'POST an existing key' },
    'kv.put.update': { stepLabel: 'POST' },
    'kv.put.create': { stepLabel: 'PUT' },
    'kv.path.mismatch': { stepLabel: 'PUT /create' },
    'kv.method.unknown': { stepLabel: 'PRRT /' },
    'kv.content-length': { stepLabel: 'POST a UTF-8 pair' },
    'kv.keep-alive': { stepLabel: undefined },
    'kv.garbage': { stepLabel: undefined },
    'kv.concurrent': { stepLabel: undefined },
  };
  const notRunAlone =
    'not run: the server answered none of the other http checks (no response within 2000 ms), so this one cannot pass';
  const stopped = 'stopped: the server sent nothing to the other http checks within 2000 ms, so this one cannot pass';

  it('every case fails plainly, and soon, when the server accepts and never answers', async ({ onTestFinished }) => {
    const server = await startSilentServer();
    onTestFinished(() => server.close());
    const result = await runKv(server.port);
    const cases = loadSpecs(['kv-http'])[0].cases;
    const exclusive = new Set(cases.filter((c) => c.exclusive).map((c) => c.id));
    // The first 16 shared cases start together; once the first ends silent, those not started and
    // those with a longer first deadline (kv.large-body's 5 s) stop.
    const waited = new Set(
      cases
        .filter((c) => !c.exclusive)
        .slice(0, 16)
        .filter((c) => (c.steps[0].timeoutMs ?? 2000) <= 2000)
        .map((c) => c.id),
    );
    const want = (id: string): Outcome =>
      exclusive.has(id)
        ? { status: 'failed', message: notRunAlone, stepLabel: undefined }
        : waited.has(id)
          ? { status: 'failed', message: 'no response within 2000 ms', stepLabel: 'step 1', ...silent[id] }
          : { status: 'failed', message: stopped, stepLabel: undefined };
    expect(outcomes(result)).toEqual(Object.fromEntries(result.cases.map((c) => [c.id, want(c.id)])));
    expect(result.summary.durationMs).toBeLessThan(10_000);
    expect(waited.size).toBeGreaterThan(0);
  });

  // A server that drips its answer one byte every 300 ms: the step fails at its deadline.
  it('a server that drips its answer fails at the deadline and does not hang the run', async ({ onTestFinished }) => {
    const server = await startProxiedHttp({ dripMs: 300 });
    onTestFinished(() => server.close());
    const result = await runKv(server.port, { selection: { tags: 'all', grep: /^kv\.(get|post\.ok|keep-alive)$/ } });
    const ran = result.cases.filter((c) => c.status !== 'skipped');
    expect(ran.map((c) => [c.id, c.status])).toEqual([
      ['kv.get', 'failed'],
      ['kv.post.ok', 'failed'],
      ['kv.keep-alive', 'failed'],
    ]);
    // No whole answer came to the shared cases: the exclusive one is not run alone to wait out its deadline too.
    expect(ran[2].failure?.message).toMatch(/^not run: the server answered none of the other http checks/);
    for (const c of ran.slice(0, 2)) expect(c.durationMs, c.id).toBeGreaterThanOrEqual(2000);
    for (const c of ran) expect(c.durationMs, c.id).toBeLessThan(3000);
    expect(result.summary.durationMs).toBeLessThan(3000);
  });

  // A server that answers as soon as the first piece of a request came: the answer must not
  // count, even though the request's later pieces then go to a closed connection.
  it('kv.slow-request fails a server that answers 200 after the first piece', async ({ onTestFinished }) => {
    const server = await startEagerServer();
    onTestFinished(() => server.close());
    const result = await runKv(server.port, { selection: { tags: 'all', grep: /^kv\.slow-request$/ } });
    expect(outcomes(result)['kv.slow-request']).toEqual({
      status: 'failed',
      message:
        'the server answered after piece 1 of 3, before the whole request had arrived; a server must keep reading until the empty line after the headers and then Content-Length bytes of body',
      stepLabel: 'POST in 3 pieces',
    });
  });

  // A response cut off by the deadline is never judged as if it were whole: a cut head
  // "HTTP/1.1 200 OK\r" must not pass a status check.
  it('a dripped answer is reported as incomplete at the deadline', async ({ onTestFinished }) => {
    const server = await startProxiedHttp({ dripMs: 300 });
    onTestFinished(() => server.close());
    const result = await runKv(server.port, { selection: { tags: 'all', grep: /^kv\.get$/ } });
    expect(failureOf(result, 'kv.get')?.message).toMatch(
      /^the response was not complete within 2000 ms \(\d+ bytes came\)$/,
    );
  });
});
