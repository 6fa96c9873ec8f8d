// Parsing of the flag values shared by several commands. Each returns a value
// or throws UsageError with a one-line message.
import { MAX_SEED } from '../spec/draw.js';
import type { ServiceName } from '../spec/types.js';
import { UsageError } from '../errors.js';

const SERVICES: ServiceName[] = ['udp', 'tcp', 'http'];

function parsePortNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`${flag}: "${text}" is not a port number (0-65535)`);
  return n;
}

/** --port udp=12000 --port tcp=12000, or a bare --port N for every service. */
export function parsePorts(values: string[]): Partial<Record<ServiceName, number>> {
  const out: Partial<Record<ServiceName, number>> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) {
      const n = parsePortNumber(v, '--port');
      for (const s of SERVICES) out[s] = n;
      continue;
    }
    const service = v.slice(0, eq) as ServiceName;
    if (!SERVICES.includes(service)) throw new UsageError(`--port ${v}: unknown service "${service}" (use udp, tcp or http)`);
    out[service] = parsePortNumber(v.slice(eq + 1), `--port ${service}`);
  }
  return out;
}

/** --set name=value, repeatable. */
export function parseSets(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${v}: expected name=value`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function parseMs(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 600_000) throw new UsageError(`${flag}: "${text}" is not a time in milliseconds (1-600000)`);
  return Math.round(n);
}

/** --seed N: the seed a run's payloads are drawn from, as printed in an earlier report. */
export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > MAX_SEED) throw new UsageError(`--seed: "${text}" is not a seed (a whole number from 0 to ${MAX_SEED}, as a report prints it)`);
  return n;
}

export function parseRegex(text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text, 'i');
  } catch (err) {
    throw new UsageError(`--grep: ${(err as Error).message}`);
  }
}

