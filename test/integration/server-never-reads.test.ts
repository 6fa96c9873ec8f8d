// A server that accepts and never reads: a large send fails at the step's deadline (the
// server's fault, said so), and no socket stays open to keep netgrade alive after the report.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/run/run.js';
import { parseSpec } from '../../src/spec/load.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function neverReads(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    s.pause();
    s.on('error', () => undefined);
    sockets.add(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as net.AddressInfo).port;
}

const BIG = 16 * 1024 * 1024;

const spec = (service: 'tcp' | 'http') =>
  parseSpec(
    `
name: big-${service}
title: A big send
service: ${service}
port: 1
cases:
  - id: big.${service}
    title: A big send
    requirement: The server reads what it is sent.
    tags: [core]
    timeoutMs: 500
    steps:
${
  service === 'tcp'
    ? `      - send: { repeat: abc, bytes: ${BIG} }\n        expect: { length: 1 }`
    : `      - request: { method: POST, target: /create, body: { repeat: abc, bytes: ${BIG} } }\n        expect: { status: 200 }`
}
`,
    `big-${service}.yaml`,
  );

describe('a server that never reads', () => {
  for (const service of ['tcp', 'http'] as const) {
    it(`fails the ${service} step at its deadline, saying so, and leaves no socket behind`, async () => {
      const port = await neverReads();
      const before = (process as unknown as { getActiveResourcesInfo(): string[] })
        .getActiveResourcesInfo()
        .filter((r) => r === 'TCPSocketWrap').length;
      const result = await run({
        specs: [spec(service)],
        host: '127.0.0.1',
        ports: { [service]: port },
        selection: { tags: 'all' },
      });
      const c = result.cases[0];
      const request =
        service === 'tcp'
          ? BIG
          : BIG +
            'POST /create HTTP/1.1\r\nHost: 127.0.0.1:\r\nContent-Length: \r\nConnection: close\r\n\r\n'.length +
            String(port).length +
            String(BIG).length;
      expect({ status: c.status, message: c.failure?.message }).toEqual({
        status: 'failed',
        message: `the server stopped reading: netgrade could not finish writing ${request} bytes within 500 ms`,
      });
      // It ends at its deadline, counted from the connect (building 16 MiB before it takes a while under load).
      const connected = c.transcript.find((ev) => ev.kind === 'connect')!.t;
      expect(c.durationMs - connected).toBeLessThan(1500);
      // netgrade's own socket is destroyed shortly after the case (close() gives it 200 ms).
      await new Promise((r) => setTimeout(r, 400));
      const after = (process as unknown as { getActiveResourcesInfo(): string[] })
        .getActiveResourcesInfo()
        .filter((r) => r === 'TCPSocketWrap').length;
      expect(after).toBeLessThanOrEqual(before + 1); // + the server's accepted socket, paused
    });
  }
});
