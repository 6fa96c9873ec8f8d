// Every degenerate server of the gauntlet, whichever protocol modules exist: http here, and
// the echo servers (test/gauntlet/echo-servers.ts) once that module is merged beside it.
import { HTTP_SERVERS, type GauntletServer } from './http-servers.js';

export type { GauntletServer };

/** Loads a gauntlet module if it is there; the specifier is computed so tsc does not require it. */
async function optional(name: string): Promise<GauntletServer[]> {
  const specifier = `./${name}.js`;
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    return Object.values(mod).filter((v): v is GauntletServer[] => Array.isArray(v) && v.every((s) => typeof s?.start === 'function')).flat();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return [];
    throw err;
  }
}

export async function gauntletServers(): Promise<GauntletServer[]> {
  return [...(await optional('echo-servers')), ...HTTP_SERVERS];
}
