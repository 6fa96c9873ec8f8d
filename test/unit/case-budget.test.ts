// A case that overruns its time budget is cut off with an error, and no socket
// it opened outlives it (a hung step must not keep a connection to the server).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCase } from '../../src/run/case.js';
import { TcpClient } from '../../src/transport/tcp.js';
import type { CaseDef, Spec } from '../../src/spec/types.js';

describe('the case budget', () => {
  it('errors a case whose step never ends and destroys the sockets it opened', async () => {
    let serverSide: net.Socket | undefined;
    let closed!: Promise<void>;
    const server = net.createServer((s) => {
      serverSide = s;
      s.on('error', () => undefined);
      closed = new Promise((resolve) => s.on('close', () => resolve()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const def: CaseDef = {
      id: 'x.hang',
      title: 'hangs',
      requirement: 'r',
      tags: ['core'],
      points: 1,
      exclusive: false,
      timeoutMs: 100,
      steps: [{ send: 'x' }],
      location: { file: 'x.yaml', line: 1, col: 1 },
    };
    const spec: Spec = { name: 'x', title: 'x', service: 'tcp', port, vars: {}, cases: [def], file: 'x.yaml' };
    const result = await runCase({
      spec,
      def,
      endpoint: { host: '127.0.0.1', address: '127.0.0.1', family: 4, port },
      vars: {},
      defaultTimeoutMs: 100,
      signal: new AbortController().signal,
      seed: 1,
      // A step that opens a connection and then never finishes, as a bug in a step would.
      stepRunner: async (ctx) => {
        ctx.opened.add(await TcpClient.connect({ endpoint: ctx.endpoint, deadline: Date.now() + 1000 }));
        await new Promise(() => undefined);
      },
    });
    expect(result.status).toBe('errored');
    expect(result.failure?.message).toBe(
      'netgrade could not run this case: the case did not finish within its 5600 ms budget',
    );
    await closed; // the server saw the connection end: netgrade let go of it
    expect(serverSide?.destroyed).toBe(true);
    server.close();
  }, 15_000);
});
