import { startReference, type ReferenceService } from '../../reference/index.js';
import type { ReporterEnv } from '../report/reporter.js';
import { parsePorts } from './flags.js';

const DEFAULT_PORTS: Record<ReferenceService, number> = { udp: 12000, tcp: 12000, http: 10000 };

/** `netgrade serve`: the reference servers until interrupted; prints the ports it chose. */
export async function serveCommand(
  flags: { host: string; port?: string[] },
  env: ReporterEnv,
  signal: AbortSignal,
): Promise<number> {
  const ports = { ...DEFAULT_PORTS, ...parsePorts(flags.port ?? []) };
  const ref = await startReference({ host: flags.host, ports });
  for (const [service, port] of Object.entries(ref.ports))
    env.stdout.write(`reference ${service} server listening on ${flags.host}:${port}\n`);
  env.stdout.write('press Ctrl-C to stop\n');
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await ref.close();
  return 0;
}
