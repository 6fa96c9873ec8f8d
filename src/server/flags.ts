// The flags shared by `run --start` and `grade`: parsed into values or a
// one-line UsageError, and the start command prepared for one server.
import type { ServiceName, Spec } from '../spec/types.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { choosePorts, fillTemplate, placeholderServices, type Ports } from './ports.js';
import { UsageError } from '../errors.js';

export interface StartFlags {
  startTimeout?: string;
  limitMemory?: string;
  limitProcs?: string;
  limitWall?: string;
}

/** A positive number of `unit` from a flag, at most `max`. */
export function positive(text: string, flag: string, unit: string, max: number): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || n <= 0 || n > max) throw new UsageError(`${flag}: "${text}" is not a number of ${unit} (more than 0, at most ${max})`);
  return n;
}

export function parseStartTimeoutMs(flags: StartFlags): number {
  return flags.startTimeout === undefined ? 10_000 : Math.round(positive(flags.startTimeout, '--start-timeout', 'seconds', 600) * 1000);
}

/** --limit-memory MB (default 2048; 0 lifts it), --limit-procs N, --limit-wall S. */
export function parseLimits(flags: StartFlags): Limits {
  const memoryMb = flags.limitMemory === '0' ? undefined : flags.limitMemory ? Math.round(positive(flags.limitMemory, '--limit-memory', 'MiB', 1 << 20)) : DEFAULT_LIMITS.memoryMb;
  const procs = flags.limitProcs ? Math.round(positive(flags.limitProcs, '--limit-procs', 'processes', 1 << 20)) : undefined;
  const wallSeconds = flags.limitWall ? positive(flags.limitWall, '--limit-wall', 'seconds', 86_400) : undefined;
  return { memoryMb, procs, wallSeconds };
}

export interface Prepared {
  /** The ports the server was given, per service. */
  ports: Ports;
  /** The command with its placeholders filled. */
  command: string;
}

/** Picks ports for the specs' services and those the template names, and fills the template. */
export async function prepareStart(opts: { template: string; specs: Spec[]; given: Ports; host: string; dir?: string }): Promise<Prepared> {
  if (opts.template.trim() === '') throw new UsageError('--start: the command is empty');
  const services: ServiceName[] = [...opts.specs.map((s) => s.service), ...placeholderServices(opts.template)];
  const ports = await choosePorts(services, opts.given, opts.host);
  return { ports, command: fillTemplate(opts.template, { ports, dir: opts.dir }) };
}
