// Every flag's value parsed in one place: each parser returns a value or throws
// UsageError with a one-line message naming the flag. cli.ts declares the flags.
import type { CsvOptions } from '../grade/gradebook.js';
import type { Shard } from '../grade/roster.js';
import { DEFAULT_LIMITS, type Limits } from '../server/limits.js';
import { MAX_SEED } from '../spec/draw.js';
import type { ServiceName } from '../spec/types.js';
import { UsageError } from '../errors.js';

/** The flags that say what a run checks, shared by `run` and `grade`. */
export interface PlanFlags {
  tags?: string;
  skipTags?: string;
  grep?: string;
  timeout?: string;
  set?: string[];
  profile?: string;
  seed?: string;
}

/** The flags of a server netgrade starts itself (`run --start`, `grade`). */
export interface StartFlags {
  /** A command that starts the server under test, with {port:udp} {port:tcp} {port:http} placeholders. */
  start?: string;
  startTimeout?: string;
  limitMemory?: string;
  limitProcs?: string;
  limitWall?: string;
}

/** A positive number of `unit` from a flag, at most `max`. */
export function positive(text: string, flag: string, unit: string, max: number): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || n <= 0 || n > max)
    throw new UsageError(`${flag}: "${text}" is not a number of ${unit} (more than 0, at most ${max})`);
  return n;
}

export function parseStartTimeoutMs(flags: StartFlags): number {
  return flags.startTimeout === undefined
    ? 10_000
    : Math.round(positive(flags.startTimeout, '--start-timeout', 'seconds', 600) * 1000);
}

/** --limit-memory MB (default 2048; 0 lifts it), --limit-procs N, --limit-wall S. */
export function parseLimits(flags: StartFlags): Limits {
  const memoryMb =
    flags.limitMemory === '0'
      ? undefined
      : flags.limitMemory
        ? Math.round(positive(flags.limitMemory, '--limit-memory', 'MiB', 1 << 20))
        : DEFAULT_LIMITS.memoryMb;
  const procs = flags.limitProcs
    ? Math.round(positive(flags.limitProcs, '--limit-procs', 'processes', 1 << 20))
    : undefined;
  const wallSeconds = flags.limitWall ? positive(flags.limitWall, '--limit-wall', 'seconds', 86_400) : undefined;
  return { memoryMb, procs, wallSeconds };
}

export interface RunFlags extends PlanFlags, StartFlags {
  host: string;
  port?: string[];
  reporter?: string[];
  reference?: boolean;
  concurrency?: string;
  /** Stop at the first case that fails; the cases not run yet are skipped. */
  bail?: boolean;
  /** Every case in the console, and the transcripts of passing ones. */
  verbose?: boolean;
  /** With --start: run again whenever a file under the server's folder changes. */
  watch?: boolean;
}

export interface GradeFlags extends PlanFlags, StartFlags {
  submissions?: string;
  roster?: string;
  out?: string;
  jobs?: string;
  shard?: string;
  submissionTimeout?: string;
  reporter?: string[];
  concurrency?: string;
  gradebookFormat?: string;
  idColumn?: string;
}

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
    if (!SERVICES.includes(service))
      throw new UsageError(`--port ${v}: unknown service "${service}" (use udp, tcp or http)`);
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
  if (!Number.isFinite(n) || n <= 0 || n > 600_000)
    throw new UsageError(`${flag}: "${text}" is not a time in milliseconds (1-600000)`);
  return Math.round(n);
}

/** --seed N: the seed a run's payloads are drawn from, as printed in an earlier report. */
export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > MAX_SEED)
    throw new UsageError(
      `--seed: "${text}" is not a seed (a whole number from 0 to ${MAX_SEED}, as a report prints it)`,
    );
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

/** A whole number from 1 to 1024 (--jobs, --concurrency), or `fallback` when the flag is absent. */
export function parseCount(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1024)
    throw new UsageError(`${flag}: "${text}" is not a whole number from 1 to 1024`);
  return n;
}

/** --skip-tags a,b: the tags, blanks dropped; undefined when the flag is absent. */
export function parseTagList(text: string | undefined): string[] | undefined {
  return text
    ? text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : undefined;
}

/** --submission-timeout S: the most one submission may take, start to stop (default 120 s). */
export function parseSubmissionTimeoutMs(flags: { submissionTimeout?: string }): number {
  return flags.submissionTimeout
    ? Math.round(positive(flags.submissionTimeout, '--submission-timeout', 'seconds', 86_400) * 1000)
    : 120_000;
}

/** --shard i/n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard ${text}: expected i/n with 1 <= i <= n, e.g. 2/4`);
  return { index, count };
}

/** --gradebook-format and --id-column. */
export function parseCsvOptions(flags: { gradebookFormat?: string; idColumn?: string }): CsvOptions {
  const format = flags.gradebookFormat ?? 'csv';
  if (format !== 'csv' && format !== 'excel')
    throw new UsageError(`--gradebook-format: "${format}" is not csv or excel`);
  if (flags.idColumn !== undefined && flags.idColumn.trim() === '')
    throw new UsageError('--id-column: give the column name the LMS expects (e.g. github_username)');
  return { format, idColumn: flags.idColumn };
}
