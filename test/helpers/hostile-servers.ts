// Servers no student meant to write, each on udp, tcp and http ports at once:
// they hang, flood, reset, send garbage, drip a byte every 300 ms, or promise a
// Content-Length they never send. A whole run against any of them must end in
// bounded time and memory, pass nothing, and write well-formed reports
// (test/integration/hostile.test.ts; the figures in `npm run bench`).
import dgram from 'node:dgram';
import net from 'node:net';

export type HostileMode = 'hang' | 'flood' | 'reset' | 'garbage' | 'drip' | 'lie';
export const HOSTILE_MODES: HostileMode[] = ['hang', 'flood', 'reset', 'garbage', 'drip', 'lie'];

/** The arguments of a whole `--tags all` run against a hostile server, console report on. */
export function hostileRunArgs(server: HostileServer): string[] {
  const { udp, tcp, http } = server.ports;
  return [
    'run',
    '--tags',
    'all',
    '--port',
    `udp=${udp}`,
    '--port',
    `tcp=${tcp}`,
    '--port',
    `http=${http}`,
    '--reporter',
    'console',
  ];
}

export interface HostileServer {
  ports: { udp: number; tcp: number; http: number };
  close(): Promise<void>;
}

const GARBAGE = Buffer.from('\x00\xff\x1b[2J\r\nHTTP/1.1 \xfe garbage \x07', 'latin1');
const LIE = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nonly this',
  'latin1',
);
const DRIP = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1');
const FLOOD = Buffer.alloc(64 * 1024, 'A');

function onStream(mode: HostileMode, s: net.Socket, timers: Set<NodeJS.Timeout>): void {
  s.on('error', () => undefined);
  s.on('data', () => undefined);
  switch (mode) {
    case 'hang':
      return;
    case 'flood': {
      const pump = () => {
        while (!s.destroyed && s.write(FLOOD));
      };
      s.on('drain', pump);
      return pump();
    }
    case 'reset':
      return void s.resetAndDestroy();
    case 'garbage':
      return void s.end(GARBAGE);
    case 'lie':
      return void s.write(LIE);
    case 'drip': {
      let i = 0;
      const t = setInterval(() => {
        if (s.destroyed || i >= DRIP.length) return clearInterval(t);
        s.write(DRIP.subarray(i, ++i));
      }, 300);
      timers.add(t);
      s.on('close', () => clearInterval(t));
    }
  }
}

function onDatagram(mode: HostileMode, udp: dgram.Socket, from: dgram.RemoteInfo): void {
  const send = (b: Buffer) => udp.send(b, from.port, from.address, () => undefined);
  if (mode === 'flood') for (let i = 0; i < 200; i++) send(FLOOD.subarray(0, 8192));
  if (mode === 'garbage') send(GARBAGE);
  if (mode === 'lie') send(LIE);
  if (mode === 'drip') send(DRIP.subarray(0, 1));
}

const listen = (server: net.Server) =>
  new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));

export async function startHostile(mode: HostileMode): Promise<HostileServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stream = () =>
    net.createServer({ allowHalfOpen: true }, (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      onStream(mode, s, timers);
    });
  const tcp = stream();
  const http = stream();
  const udp = dgram.createSocket('udp4');
  udp.on('message', (_m, from) => onDatagram(mode, udp, from));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const udpPort = udp.address().port;
  // A resetting server has no UDP counterpart: its UDP port is closed, so datagrams are refused.
  if (mode === 'reset') udp.close();
  const ports = { udp: udpPort, tcp: await listen(tcp), http: await listen(http) };
  return {
    ports,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      if (mode !== 'reset') udp.close();
      await Promise.all([tcp, http].map((srv) => new Promise((r) => srv.close(r))));
    },
  };
}
