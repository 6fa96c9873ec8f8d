// A server silent to the first case that ends stops the cases still waiting on it: their
// attempts are aborted, so their connections close then, not at their own deadlines.
// The server binds 127.0.0.1 port 0 and is always closed.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/run/run.js';
import { parseSpec } from '../../src/spec/load.js';

const SPEC = parseSpec(
  `
name: silent
title: A server that never answers
service: http
port: 10000
cases:
  - id: s.short
    title: Answers within 300 ms
    requirement: GET /short answers 200.
    tags: [core]
    timeoutMs: 300
    steps:
      - request: { target: /short }
        expect: { status: 200 }
  - id: s.long
    title: Answers within 5 s
    requirement: GET /long answers 200.
    tags: [core]
    timeoutMs: 5000
    steps:
      - request: { target: /long }
        expect: { status: 200 }
`,
  'silent.yaml',
);

describe('a stopped attempt', () => {
  it('closes its connection when the scheduler stops it, not at its 5 s deadline', async ({ onTestFinished }) => {
    const started = Date.now();
    const closedAt = new Map<string, number>();
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      let first = '';
      s.on('data', (d) => (first ||= /^GET (\S+)/.exec(d.toString('latin1'))?.[1] ?? '?'));
      const closed = () => void (closedAt.has(first) || closedAt.set(first, Date.now() - started));
      s.on('end', closed);
      s.on('close', closed);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const result = await run({
      specs: [SPEC],
      host: '127.0.0.1',
      ports: { http: (server.address() as net.AddressInfo).port },
      selection: { tags: 'all' },
    });
    expect(result.cases.map((c) => [c.id, c.failure?.message])).toEqual([
      ['s.short', 'no response within 300 ms'],
      ['s.long', 'stopped: the server sent nothing to the other http checks within 300 ms, so this one cannot pass'],
    ]);
    // The close reaches the server a moment after the stop (at ~300 ms).
    await new Promise((r) => setTimeout(r, 300));
    // An attempt left running would hold its connection until its own 5 s deadline.
    expect(closedAt.get('/long') ?? Infinity).toBeLessThan(1500);
  });
});
