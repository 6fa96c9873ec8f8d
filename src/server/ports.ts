// Ports for a started server, and the start command with its placeholders
// filled: {port:udp} {port:tcp} {port:http}, {port} when one service is in
// play, {dir} (the submission's folder, shell-quoted).
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { ServiceName } from '../spec/types.js';
import { UsageError } from '../errors.js';

export type Ports = Partial<Record<ServiceName, number>>;

// Never hand out a port twice in one netgrade process: parallel submissions
// start at once, and a port freed by one probe could be picked by the next.
const handedOut = new Set<number>();

function bindable(kind: 'tcp' | 'udp', port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (kind === 'tcp') {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    } else {
      const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', () => {
        socket.close();
        resolve(false);
      });
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    }
  });
}

/**
 * Below the kernel's ephemeral range, so that netgrade's own client sockets
 * (which take ephemeral ports) never hold a port a server is about to bind.
 */
function candidateRange(): [number, number] {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > 12_000) return [10_000, low - 1];
  } catch {
    // not Linux: the usual IANA ephemeral range starts at 49152
  }
  return [20_000, 48_000];
}

/** A port free for both UDP and TCP, so {port:udp} and {port:tcp} can be one number as in the lab. */
async function freePort(host: string): Promise<number> {
  const [lo, hi] = candidateRange();
  for (let tries = 0; tries < 200; tries++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if ((await bindable('tcp', port, host)) && (await bindable('udp', port, host))) return port;
  }
  throw new Error('found no free port for the server after 200 tries');
}

/**
 * A port per service: the given one (which must be free, or the readiness
 * check would see someone else's server), else a free one. UDP and TCP share
 * a number; HTTP gets its own.
 */
export async function choosePorts(services: ServiceName[], given: Ports, host: string): Promise<Ports> {
  const out: Ports = {};
  for (const service of new Set(services)) {
    const port = given[service];
    if (port === undefined) continue;
    if (port === 0) throw new UsageError(`--port ${service}=0: with --start, leave --port out to get a free port`);
    const kind = service === 'udp' ? 'udp' : 'tcp';
    // TIME_WAIT leftovers of the server's own last run make the port look taken, but nothing listens:
    // start it anyway; if its bind() fails, the start-up diagnosis names SO_REUSEADDR.
    if (!(await bindable(kind, port, host)) && !(kind === 'tcp' && heldOnlyByTimeWait(port)))
      throw new UsageError(
        `--start: port ${port}/${kind} is already in use; stop what listens there or leave --port out`,
      );
    out[service] = port;
  }
  const wanted = [...new Set(services)].filter((s) => out[s] === undefined);
  const socket = wanted.filter((s) => s !== 'http');
  if (socket.length > 0) {
    const port = await freePort(host);
    for (const s of socket) out[s] = port;
  }
  if (wanted.includes('http')) out.http = await freePort(host);
  return out;
}

/** Single-quotes a word for sh: every character stays literal. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const PLACEHOLDER = /\{(port(?::(udp|tcp|http))?|dir)\}/g;

/** The services a template names ({port:tcp} → tcp); a bare {port} names none. */
export function placeholderServices(template: string): ServiceName[] {
  return [...template.matchAll(PLACEHOLDER)].flatMap((m) => (m[2] ? [m[2] as ServiceName] : []));
}

/** Fills the placeholders; a placeholder with no value is a usage error naming it. */
export function fillTemplate(template: string, values: { ports: Ports; dir?: string }): string {
  const services = Object.keys(values.ports) as ServiceName[];
  const distinct = new Set(Object.values(values.ports));
  return template.replace(PLACEHOLDER, (whole, name: string, service?: ServiceName) => {
    if (name === 'dir') {
      if (values.dir === undefined)
        throw new UsageError(`--start: ${whole} is only known when grading a folder of submissions`);
      return shellQuote(values.dir);
    }
    if (service) {
      const port = values.ports[service];
      if (port === undefined)
        throw new UsageError(`--start: no chosen spec uses the ${service} service, so ${whole} has no port`);
      return String(port);
    }
    if (distinct.size !== 1)
      throw new UsageError(
        `--start: {port} is ambiguous with services ${services.join(', ')}; use {port:udp}, {port:tcp} or {port:http}`,
      );
    return String([...distinct][0]);
  });
}

/** Throws the UsageError that filling `template` for these services would, without choosing ports. */
export function checkTemplate(template: string, services: ServiceName[]): void {
  const all = new Set([...services, ...placeholderServices(template)]);
  // As choosePorts gives them: UDP and TCP share a number, HTTP has its own.
  fillTemplate(template, { ports: Object.fromEntries([...all].map((s) => [s, s === 'http' ? 2 : 1])), dir: '/dir' });
}

// ---- what holds a port (Linux /proc) ----------------------------------------

/** One row of /proc/net/{tcp,tcp6,udp,udp6}: the local port, the state, the socket inode. */
export interface SocketRow {
  port: number;
  /** Kernel state, hex: 0A LISTEN, 06 TIME_WAIT, 07 UDP unconnected (bound). */
  state: string;
  inode: string;
}

export function parseSocketTable(text: string): SocketRow[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length > 9 && cols[1].includes(':'))
    .map((cols) => ({ port: parseInt(cols[1].split(':').pop()!, 16), state: cols[3], inode: cols[9] }));
}

/** The sockets of one protocol from /proc (IPv4 and IPv6), or undefined where /proc has no such table. */
export function socketRows(kind: 'tcp' | 'udp'): SocketRow[] | undefined {
  const tables = [kind, `${kind}6`].map((f) => {
    try {
      return readFileSync(`/proc/net/${f}`, 'utf8');
    } catch {
      return undefined;
    }
  });
  if (tables.every((t) => t === undefined)) return undefined;
  return tables.flatMap((t) => (t === undefined ? [] : parseSocketTable(t)));
}

/**
 * Whether a TCP port is held only by connections in TIME_WAIT: left by a
 * server's own active closes, they block a bind() without SO_REUSEADDR for
 * about a minute, but nothing listens there.
 */
export function heldOnlyByTimeWait(port: number, rows = socketRows('tcp')): boolean {
  const mine = (rows ?? []).filter((r) => r.port === port);
  return mine.length > 0 && mine.every((r) => r.state === '06');
}

/** The sentence for a port held only by TIME_WAIT connections. */
export function timeWaitAdvice(port: number): string {
  return (
    `port ${port}/tcp is held only by connections in TIME_WAIT (left by earlier closes; nothing listens there): ` +
    'set SO_REUSEADDR before bind(), e.g. s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)'
  );
}
