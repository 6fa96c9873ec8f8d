// A case that overruns its time budget is cut off with an error, and no socket
// it opened outlives it (a hung step must not keep a connection to the server).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCase } from '../../src/run/case.js';
import { stepClient } from '../../src/run/steps/common.js';
import { TcpClient } from '../../src/transport/tcp.js';
import type { CaseDef, Spec } from '../../src/spec/types.js';

/** runCase's options for a one-step tcp case (send `x`) against `port`, but its step runner. */
function tcpCase(id: string, port: number, timeoutMs?: number) {
  const def: CaseDef = {
    id,
    title: id,
    requirement: 'r',
    tags: ['core'],
    points: 1,
    exclusive: false,
    timeoutMs,
    steps: [{ send: 'x' }],
    location: { file: 'x.yaml', line: 1, col: 1 },
  };
  const spec: Spec = { name: 'x', title: 'x', service: 'tcp', port, vars: {}, cases: [def], file: 'x.yaml' };
  return {
    spec,
    def,
    endpoint: { host: '127.0.0.1', address: '127.0.0.1', family: 4 as const, port },
    vars: {},
    defaultTimeoutMs: timeoutMs ?? 1000,
    signal: new AbortController().signal,
    seed: 1,
  };
}

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
    const result = await runCase({
      ...tcpCase('x.hang', port, 100),
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

  it('closes a connection that completes after the scheduler discarded the attempt', async () => {
    const sides: net.Socket[] = [];
    const server = net.createServer((s) => {
      sides.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const discard = new AbortController();
    let connected!: (c: TcpClient) => void;
    const late = new Promise<TcpClient>((resolve) => (connected = resolve));
    let stepEnded!: Promise<unknown>;
    const result = await runCase({
      ...tcpCase('x.slow-connect', port),
      discard: discard.signal,
      // The connect completes only after the discard: the case has ended and closed what it knew of.
      stepRunner: async (ctx) => {
        const open = async () => {
          discard.abort();
          await new Promise((r) => setTimeout(r, 20));
          const c = await TcpClient.connect({ endpoint: ctx.endpoint, deadline: Date.now() + 1000 });
          connected(c);
          return c;
        };
        stepEnded = stepClient(ctx, { named: undefined, kind: TcpClient, mismatch: '', open }).catch((e) => e);
        await stepEnded;
      },
    });
    expect(result.failure?.message).toBe('netgrade could not run this case: the scheduler discarded this attempt');
    const client = await late;
    expect(((await stepEnded) as Error).message).toBe('the case ended while this step was connecting');
    expect(client.open).toBe(false);
    await expect.poll(() => sides.length === 1 && sides[0].destroyed).toBe(true);
    server.close();
  });
});
