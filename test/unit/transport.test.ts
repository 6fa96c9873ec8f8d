// TcpClient and UdpClient against raw servers on 127.0.0.1, port 0. Every
// server and client a test opens is closed in afterEach, even when it fails.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, it, expect } from 'vitest';
import { MAX_EXCHANGE_BYTES, type Endpoint, type WireEvent } from '../../src/transport/errors.js';
import { TcpClient } from '../../src/transport/tcp.js';
import { UdpClient } from '../../src/transport/udp.js';
import { NetError } from '../../src/errors.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const endpoint = (port: number): Endpoint => ({ host: '127.0.0.1', address: '127.0.0.1', family: 4, port });
const soon = (ms: number) => Date.now() + ms;

/** A TCP server whose every connection is handed to `onConn`; closed after the test. */
async function tcpServer(onConn: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onConn(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

/** A port with nothing listening: bound once, then released. */
async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function connect(port: number, onWire?: (e: WireEvent) => void): Promise<TcpClient> {
  const client = await TcpClient.connect({ endpoint: endpoint(port), deadline: soon(2000), onWire });
  cleanups.push(() => client.destroy());
  return client;
}

describe('TcpClient', () => {
  it('connection refused is a NetError REFUSED with a sentence a student can act on', async () => {
    const port = await closedTcpPort();
    const err = await TcpClient.connect({ endpoint: endpoint(port), deadline: soon(2000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).code).toBe('REFUSED');
    expect((err as NetError).errno).toBe('ECONNREFUSED');
    expect((err as NetError).message).toBe(
      `nothing is listening on 127.0.0.1:${port}/tcp: is your server running on that port?`,
    );
  });

  it('reads until the done predicate holds, and leaves the rest for the next read', async () => {
    const port = await tcpServer((s) => s.on('data', () => s.write('HELLO\nWORLD\n')));
    const client = await connect(port);
    await client.write(Buffer.from('hi'));
    const line = (bytes: Buffer) => (bytes.includes(0x0a) ? bytes.indexOf(0x0a) + 1 : false);
    const first = await client.read(soon(2000), line);
    expect(first.bytes.toString()).toBe('HELLO\n');
    expect(first).toMatchObject({ satisfied: true, timedOut: false, capped: false });
    const second = await client.read(soon(2000), line);
    expect(second.bytes.toString()).toBe('WORLD\n');
  });

  it('reads to the peer close after a half-close, recording the events', async () => {
    const port = await tcpServer((s) => {
      const got: Buffer[] = [];
      s.on('data', (d) => got.push(d));
      s.on('end', () => s.end(Buffer.concat(got).toString().toUpperCase()));
    });
    const events: WireEvent[] = [];
    const client = await connect(port, (e) => events.push(e));
    await client.write(Buffer.from('hello world'));
    client.halfClose();
    const r = await client.read(soon(2000));
    expect(r.bytes.toString()).toBe('HELLO WORLD');
    expect(r.satisfied).toBe(false);
    expect(r.timedOut).toBe(false);
    expect(r.peerClosedAt).toBeTypeOf('number');
    expect(r.error).toBeUndefined();
    expect(events.map((e) => e.kind)).toStrictEqual(['connect', 'send', 'half-close', 'recv', 'peer-close']);
    expect(events[3].data?.toString()).toBe('HELLO WORLD');
  });

  it('a silent server: the read times out at its deadline with what came', async () => {
    const port = await tcpServer((s) => s.write('partial'));
    const client = await connect(port);
    const started = Date.now();
    const r = await client.read(started + 300, (bytes) => bytes.length >= 100);
    const took = Date.now() - started;
    expect(r).toMatchObject({ timedOut: true, satisfied: false, capped: false });
    expect(r.bytes.toString()).toBe('partial');
    expect(took).toBeGreaterThanOrEqual(299);
    expect(took).toBeLessThan(400);
  });

  it('stops at 1 MiB from a flooding server and says so', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const port = await tcpServer((s) => {
      // Write until the client goes away; every write callback queues the next one.
      const more = () => {
        if (!s.destroyed) s.write(chunk, more);
      };
      more();
    });
    const events: WireEvent[] = [];
    const client = await connect(port, (e) => events.push(e));
    const r = await client.read(soon(5000));
    expect(r.capped).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.bytes.length).toBe(MAX_EXCHANGE_BYTES);
    expect(MAX_EXCHANGE_BYTES).toBe(1024 * 1024);
    expect(events.at(-1)).toStrictEqual({
      kind: 'close',
      note: `stopped reading: the server sent more than ${MAX_EXCHANGE_BYTES} bytes`,
    });
    expect(client.open).toBe(false);
  });

  it('a server reset is a NetError RESET on the read', async () => {
    const port = await tcpServer((s) => s.on('data', () => s.resetAndDestroy()));
    const events: WireEvent[] = [];
    const client = await connect(port, (e) => events.push(e));
    await client.write(Buffer.from('hi'));
    const r = await client.read(soon(2000));
    expect(r.error).toBeInstanceOf(NetError);
    expect(r.error?.code).toBe('RESET');
    expect(r.error?.message).toBe(`the server reset the connection (127.0.0.1:${port}/tcp)`);
    expect(r.bytes.length).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(events.map((e) => e.kind)).toContain('peer-reset');
  });

  it('waitForClose gives the time the server closed, or undefined at the deadline', async () => {
    const port = await tcpServer((s) => s.on('data', (d) => (d.toString() === 'bye' ? s.end() : undefined)));
    const client = await connect(port);
    expect(await client.waitForClose(soon(100))).toBeUndefined();
    await client.write(Buffer.from('bye'));
    const closedAt = await client.waitForClose(soon(2000));
    expect(closedAt).toBeTypeOf('number');
    expect(closedAt).toBe(client.peerClosedAt);
  });

  // A request's later pieces written after the server closed never left: that is no success.
  it('a write after the server closed is "closed", a write it takes is "sent"', async () => {
    const port = await tcpServer((s) => s.once('data', () => s.end()));
    const client = await connect(port);
    expect(await client.write(Buffer.from('first'), soon(2000))).toBe('sent');
    await client.waitForClose(soon(2000));
    expect(await client.write(Buffer.from('second'), soon(2000))).toBe('closed');
  });
});

/** A UDP server that answers each datagram with `reply(msg)` (or not, when it returns undefined). */
async function udpServer(reply: (msg: Buffer) => Buffer | Buffer[] | undefined): Promise<number> {
  const server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const out = reply(msg);
    for (const d of out === undefined ? [] : Array.isArray(out) ? out : [out])
      server.send(d, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server.address().port;
}

async function closedUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function openUdp(port: number): Promise<UdpClient> {
  const client = await UdpClient.open(endpoint(port));
  cleanups.push(() => client.close());
  return client;
}

describe('TcpClient after netgrade closes', () => {
  it('keeps nothing a flooding server sends once the connection is released', async () => {
    const port = await tcpServer((s) => {
      const chunk = Buffer.alloc(64 * 1024, 'A');
      const pump = () => {
        while (!s.destroyed && s.write(chunk));
      };
      s.on('drain', pump);
      pump();
    });
    const client = await connect(port);
    const first = await client.read(soon(2000), (b) => b.length >= 1024);
    expect(first.bytes.length).toBeGreaterThanOrEqual(1024);
    client.close();
    const left = client.unread().length;
    await new Promise((r) => setTimeout(r, 50));
    expect(client.unread().length).toBe(left);
  });
});

describe('UdpClient', () => {
  it('sends a datagram and gets the answer', async () => {
    const port = await udpServer((m) => Buffer.from(m.toString().toUpperCase()));
    const client = await openUdp(port);
    await client.send(Buffer.from('hello'));
    const d = await client.next(soon(2000));
    expect(d?.data.toString()).toBe('HELLO');
    expect(d?.at).toBeTypeOf('number');
  });

  it('nothing listening: the ICMP port unreachable becomes REFUSED, without waiting out the deadline', async () => {
    const port = await closedUdpPort();
    const client = await openUdp(port);
    const started = Date.now();
    await client.send(Buffer.from('anyone?'));
    expect(await client.next(soon(2000))).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(client.error?.code).toBe('REFUSED');
    expect(client.error?.message).toBe(
      `nothing is listening on 127.0.0.1:${port}/udp: is your server running on that port?`,
    );
    client.clearError();
    expect(client.error).toBeUndefined();
  });

  it('a silent server: next() returns undefined at the deadline', async () => {
    const port = await udpServer(() => undefined);
    const client = await openUdp(port);
    await client.send(Buffer.from('x'));
    const started = Date.now();
    expect(await client.next(started + 200)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(199);
    expect(client.error).toBeUndefined();
  });

  it('drain() drops late datagrams and says how many', async () => {
    const port = await udpServer((m) => [Buffer.from('one'), Buffer.from('two'), Buffer.from(m)]);
    const client = await openUdp(port);
    await client.send(Buffer.from('three'));
    // Wait until all three have arrived, then read the first.
    const first = await client.next(soon(2000));
    for (let i = 0; i < 50 && client.pending() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(first?.data.toString()).toBe('one');
    expect(client.pending()).toBe(2);
    expect(client.drain()).toBe(2);
    expect(client.pending()).toBe(0);
    expect(await client.next(soon(50))).toBeUndefined();
  });

  it('after close, next() returns at once and send does nothing', async () => {
    const port = await udpServer((m) => m);
    const client = await openUdp(port);
    client.close();
    const started = Date.now();
    await client.send(Buffer.from('x'));
    expect(await client.next(soon(2000))).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(100);
  });
});
