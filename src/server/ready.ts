// Waiting until a started server listens. TCP: on Linux the kernel's socket
// table says whether a port is in LISTEN without connecting, which matters
// because a probe connection would look to the server like tcp.empty's empty
// connection and could crash it before the first case; elsewhere, a connect.
// UDP has no listen state: a probe datagram to a connected socket is refused
// (ICMP port unreachable) while nothing is bound; a reply or 300 ms of silence
// means something is.
import dgram from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { ServiceName } from '../spec/types.js';
import { heldOnlyByTimeWait, socketRows, timeWaitAdvice } from './ports.js';
import type { ServerExit } from './process.js';

export interface ReadyOptions {
  host: string;
  ports: Partial<Record<ServiceName, number>>;
  timeoutMs: number;
  /** Settles if the server exits: waiting stops at once. */
  exited: Promise<ServerExit>;
  signal?: AbortSignal;
  /** The server's process group, so that a failure can say where it listens instead. */
  pgid?: number;
}

export type ReadyOutcome =
  /** Every port accepts. */
  | { ready: true; ms: number }
  /** `pending` ("12000/tcp") never did: the server exited first, or time ran out. */
  | { ready: false; pending: string; exit?: ServerExit; diagnosis?: string };

const POLL_MS = 20;
const UDP_SILENCE_MS = 300;

async function listeningInProc(port: number): Promise<boolean | undefined> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => undefined)),
  );
  if (tables.every((t) => t === undefined)) return undefined;
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  // Columns: sl local_address rem_address st ...; st 0A is TCP_LISTEN.
  return tables.some((t) =>
    t?.split('\n').some((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A';
    }),
  );
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function tcpUp(host: string, port: number): Promise<boolean> {
  return (await listeningInProc(port)) ?? tcpConnects(host, port);
}

function udpUp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let timer: NodeJS.Timeout | undefined;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.once('error', () => done(false)); // ECONNREFUSED: nothing bound yet
    socket.once('message', () => done(true));
    socket.connect(port, host, () => {
      socket.send('netgrade probe', (err) => {
        if (err) return done(false);
        timer = setTimeout(() => done(true), UDP_SILENCE_MS);
      });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every port until all are up, the server exits, the signal aborts or time runs out. */
export async function waitForPorts(opts: ReadyOptions): Promise<ReadyOutcome> {
  const start = Date.now();
  let exit: ServerExit | undefined;
  void opts.exited.then((e) => (exit = e));
  for (const [service, port] of Object.entries(opts.ports) as Array<[ServiceName, number]>) {
    const up = () => (service === 'udp' ? udpUp(opts.host, port) : tcpUp(opts.host, port));
    const name = `${port}/${service === 'udp' ? 'udp' : 'tcp'}`;
    const notReady = (): ReadyOutcome => ({
      ready: false,
      pending: name,
      exit,
      diagnosis: diagnoseNotReady({ pgid: opts.pgid, pending: name, exited: exit !== undefined }),
    });
    for (;;) {
      if (exit) return notReady();
      if (await up()) break;
      if (exit || opts.signal?.aborted || Date.now() - start >= opts.timeoutMs) return notReady();
      await sleep(POLL_MS);
    }
  }
  return { ready: true, ms: Date.now() - start };
}

// ---- why a server did not become ready (Linux /proc) ------------------------

/** Pids in process group `pgid` (the started server and everything it forked). */
function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSafe('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Socket inodes open in the given processes. */
function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of readdirSafe(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** Ports the process group listens on: "12000/tcp" (LISTEN) and "12000/udp" (bound), or undefined without /proc. */
export function listeningPorts(pgid: number): string[] | undefined {
  const tcp = socketRows('tcp');
  const udp = socketRows('udp');
  if (tcp === undefined && udp === undefined) return undefined;
  const inodes = socketInodes(groupPids(pgid));
  const out = new Set<string>();
  for (const r of tcp ?? []) if (r.state === '0A' && inodes.has(r.inode)) out.add(`${r.port}/tcp`);
  for (const r of udp ?? []) if (r.state === '07' && inodes.has(r.inode) && r.port !== 0) out.add(`${r.port}/udp`);
  return [...out];
}

/**
 * Why `pending` ("26098/udp") never came up, when /proc shows it: the server
 * listens elsewhere (a hard-coded port), or the port was held only by
 * TIME_WAIT connections (a bind() without SO_REUSEADDR fails on those).
 */
export function diagnoseNotReady(opts: { pgid?: number; pending: string; exited: boolean }): string | undefined {
  const [portText, kind] = opts.pending.split('/');
  const port = Number(portText);
  if (opts.pgid !== undefined && !opts.exited) {
    const elsewhere = (listeningPorts(opts.pgid) ?? []).filter((p) => p.endsWith(`/${kind}`) && p !== opts.pending);
    if (elsewhere.length > 0)
      return (
        `your server listens on ${elsewhere.join(', ')}, not on the port given (${port}): ` +
        'read the port from the command line (e.g. int(sys.argv[1]))'
      );
  }
  if (kind === 'tcp' && heldOnlyByTimeWait(port)) return timeWaitAdvice(port);
  return undefined;
}
