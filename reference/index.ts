import { startTcpEcho, startUdpEcho, type RunningServer } from './echo.js';
import { startHttpServer } from './http/server.js';

export type ReferenceService = 'udp' | 'tcp' | 'http';

export interface ReferenceOptions {
  host?: string;
  /** Port per service; 0 picks any free port; a service left out is not started. */
  ports: Partial<Record<ReferenceService, number>>;
}

export interface RunningReference {
  host: string;
  ports: Partial<Record<ReferenceService, number>>;
  close(): Promise<void>;
}

const STARTERS: Record<ReferenceService, (host: string, port: number) => Promise<RunningServer>> = {
  udp: (host, port) => startUdpEcho({ host, port }),
  tcp: (host, port) => startTcpEcho({ host, port }),
  http: (host, port) => startHttpServer({ host, port }),
};

/** Starts the reference servers for the services asked for; closes what started if one fails. */
export async function startReference(opts: ReferenceOptions): Promise<RunningReference> {
  const host = opts.host ?? '127.0.0.1';
  const started: Array<[ReferenceService, RunningServer]> = [];
  try {
    for (const [service, port] of Object.entries(opts.ports) as Array<[ReferenceService, number]>) {
      started.push([service, await STARTERS[service](host, port)]);
    }
  } catch (err) {
    await Promise.all(started.map(([, s]) => s.close()));
    throw err;
  }
  return {
    host,
    ports: Object.fromEntries(started.map(([service, s]) => [service, s.port])),
    close: async () => void (await Promise.all(started.map(([, s]) => s.close()))),
  };
}
