// A correct UDP server that answers within the deadline but slower than netgrade's resend
// interval answers every copy: a late answer to message 1 is never read as the answer to
// message 2. The server binds 127.0.0.1 port 0 and is always closed.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { drawnFor, runSpec, SEED } from '../helpers/run-spec.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Answers every datagram, upper-cased, `latencyMs` after it came (each on its own timer). */
async function slowUdp(latencyMs: number, reply: (text: string) => string = (t) => t.toUpperCase()): Promise<number> {
  const socket = dgram.createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  socket.on('message', (msg, from) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      socket.send(Buffer.from(reply(msg.toString('utf8'))), from.port, from.address);
    }, latencyMs);
    timers.add(timer);
  });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  closers.push(() => {
    timers.forEach(clearTimeout);
    return new Promise<void>((r) => socket.close(() => r()));
  });
  return socket.address().port;
}

describe('udp.sequential and resends', () => {
  it('passes a correct server that answers each datagram after 600 ms (within the 2 s deadline)', async () => {
    const port = await slowUdp(600);
    const result = await runSpec('udp-echo', { udp: port }, { selection: { tags: 'all', grep: /^udp\.sequential$/ } });
    const c = result.cases.find((x) => x.id === 'udp.sequential')!;
    expect({ status: c.status, message: c.failure?.message }).toEqual({ status: 'passed', message: undefined });
  });

  it('still fails a server that answers every message with the first answer it gave', async () => {
    let first: string | undefined;
    const port = await slowUdp(10, (t) => (first ??= t.toUpperCase()));
    const result = await runSpec(
      'udp-echo',
      { udp: port },
      { selection: { tags: 'all', grep: /^udp\.sequential$/ }, seed: SEED },
    );
    const c = result.cases.find((x) => x.id === 'udp.sequential')!;
    expect(c.status).toBe('failed');
    const [one, two] = [1, 2].map((i) => drawnFor('udp-echo', 'udp.sequential', 's', { i }).toUpperCase());
    expect(c.failure).toMatchObject({
      message: expect.stringMatching(/^message 2 of 5: the reply /),
      expected: two,
      actual: one,
    });
  });
});
