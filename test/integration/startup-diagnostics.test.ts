// Why a started server did not become ready, read from /proc and said in one
// sentence: it listens on a hard-coded port instead of the one given, or its
// port is held only by TIME_WAIT connections and it binds without
// SO_REUSEADDR. Real Python servers that do each; Linux only (/proc). The
// start timeouts are generous: on a loaded machine Python itself can take seconds.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/run/run.js';
import { choosePorts, heldOnlyByTimeWait } from '../../src/server/ports.js';
import { runWithServer } from '../../src/server/session.js';
import { loadSpecs } from '../../src/spec/load.js';
import { SERVERS } from '../helpers/cli-process.js';

const LINUX = existsSync('/proc/net/tcp');
const FIXED = path.join(SERVERS, 'fixed-port.py');
const UPPER = path.join(SERVERS, 'tcp-upper.py');

const plan = (spec: string, ports: Record<string, number>) => ({
  specs: loadSpecs([spec]),
  host: '127.0.0.1',
  ports,
  selection: { tags: ['core'] as string[] },
  concurrency: 4,
});

/** A port nothing uses, for the server to hard-code. */
async function spare(): Promise<number> {
  return (await choosePorts(['tcp'], {}, '127.0.0.1')).tcp!;
}

/**
 * Leaves `port` with server-side TIME_WAIT connections and nothing listening:
 * a server that answers and closes first, as the lab's does, then exits.
 */
async function timeWaitPort(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.end('HI'); // the server's FIN goes first: its side ends in TIME_WAIT
  });
  const port = await spare();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.resume();
      c.on('end', () => c.end());
      c.on('close', () => resolve());
    });
  }
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe.skipIf(!LINUX)('start-up diagnostics', () => {
  it('says where a server listens when it ignores the TCP port it was given', { timeout: 20_000 }, async () => {
    const fixed = await spare();
    const ports = await choosePorts(['tcp'], {}, '127.0.0.1');
    const result = await runWithServer({
      run: plan('tcp-echo', ports),
      start: { command: `FIXED_PORT=${fixed} exec python3 ${FIXED} ${ports.tcp} tcp`, startTimeoutMs: 6000 },
    });
    expect(result.server.status).toBe('did not start');
    expect(result.server.message).toBe(
      `your server did not start listening on ${ports.tcp}/tcp within 6 s; your server listens on ${fixed}/tcp, not on the port given (${ports.tcp}): read the port from the command line (e.g. int(sys.argv[1]))`,
    );
    expect(
      result.cases.filter((c) => c.status === 'failed').every((c) => c.failure!.message === result.server.message),
    ).toBe(true);
  });

  it('says so for a UDP server on a hard-coded port too', { timeout: 20_000 }, async () => {
    const fixed = await spare();
    const ports = await choosePorts(['udp'], {}, '127.0.0.1');
    const result = await runWithServer({
      run: plan('udp-echo', ports),
      start: { command: `FIXED_PORT=${fixed} exec python3 ${FIXED} ${ports.udp} udp`, startTimeoutMs: 6000 },
    });
    expect(result.server.status).toBe('did not start');
    expect(result.server.message).toContain(
      `your server listens on ${fixed}/udp, not on the port given (${ports.udp}): read the port from the command line`,
    );
  });

  it('starts a server on a port held only by TIME_WAIT, and names SO_REUSEADDR when its bind() fails there', {
    timeout: 20_000,
  }, async () => {
    const port = await timeWaitPort();
    expect(heldOnlyByTimeWait(port)).toBe(true);
    // Not refused up front as "already in use": nothing listens there.
    expect(await choosePorts(['tcp'], { tcp: port }, '127.0.0.1')).toEqual({ tcp: port });

    const without = await runWithServer({
      run: plan('tcp-echo', { tcp: port }),
      start: { command: `REUSEADDR=0 exec python3 ${UPPER} ${port}`, startTimeoutMs: 5000 },
    });
    expect(without.server.status).toBe('did not start');
    expect(without.server.stderrTail).toContain('Address already in use');
    expect(without.server.message).toBe(
      `your server did not start listening on ${port}/tcp: it exited with code 1 first; port ${port}/tcp is held only by connections in TIME_WAIT (left by earlier closes; nothing listens there): set SO_REUSEADDR before bind(), e.g. s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)`,
    );

    // The same server with SO_REUSEADDR binds there and passes.
    const withReuse = await runWithServer({
      run: plan('tcp-echo', { tcp: port }),
      start: { command: `exec python3 ${UPPER} ${port}`, startTimeoutMs: 5000 },
    });
    expect(withReuse.server.status).toBe('ran');
    expect(withReuse.summary).toMatchObject({ passed: 5, failed: 0 });
  });

  it('still refuses a port something listens on', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(choosePorts(['tcp'], { tcp: port }, '127.0.0.1')).rejects.toThrow(
        `--start: port ${port}/tcp is already in use; stop what listens there or leave --port out`,
      );
      // A listener is not a run's business either: the run against it is unaffected.
      expect(
        (await run({ ...plan('tcp-echo', { tcp: port }), concurrency: 1, timeoutMs: 300 })).server,
      ).toBeUndefined();
    } finally {
      server.close();
    }
  });
});
