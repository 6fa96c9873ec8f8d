// Who is graded: a folder with one sub-folder per submission, or a roster
// file (CSV or YAML) naming each student's folder, start command, or the
// host:port of a server that already runs. Also --shard i/n.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseCsv } from './csv.js';
import { UsageError } from '../errors.js';

export interface Submission {
  student: string;
  /** The submission's folder (absolute): the server's working directory and {dir}. */
  dir?: string;
  /** This student's start command; default: --start. */
  start?: string;
  /** A server that already runs: tested where it is, not started. */
  target?: { host: string; port: number };
}

/** Student ids sort by code unit, so every machine (and every shard) agrees on the order. */
export const byStudent = (a: { student: string }, b: { student: string }) =>
  a.student < b.student ? -1 : a.student > b.student ? 1 : 0;

/** One submission per visible sub-folder, named after it. */
export function scanFolder(dir: string): Submission[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--submissions ${dir}: not a folder`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => ({ student: d.name, dir: path.resolve(dir, d.name) }))
    .sort(byStudent);
}

function parseTarget(text: string, where: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`${where}: "${text}" is not host:port (e.g. 127.0.0.1:12000 or [::1]:8080)`);
  return { host: m[1] ?? m[2], port };
}

interface RawEntry {
  student?: unknown;
  dir?: unknown;
  start?: unknown;
  target?: unknown;
}

const COLUMNS = ['student', 'dir', 'start', 'target'] as const;
// Header words a roster exported from elsewhere may use for the same columns.
const ALIASES: Record<string, (typeof COLUMNS)[number]> = {
  id: 'student',
  student: 'student',
  folder: 'dir',
  dir: 'dir',
  directory: 'dir',
  start: 'start',
  command: 'start',
  target: 'target',
  address: 'target',
};

function csvEntries(text: string): RawEntry[] {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => ALIASES[h.trim().toLowerCase()]);
  // With a header the columns may come in any order; without one they are student, dir, start, target.
  const columns = header?.[0] && header.every(Boolean) ? header : undefined;
  return (columns ? rows.slice(1) : rows).map((row) =>
    Object.fromEntries((columns ?? COLUMNS).map((c, i) => [c, row[i]?.trim() || undefined])),
  );
}

function yamlEntries(text: string, file: string): RawEntry[] {
  const data = parseYaml(text) as unknown;
  const list = Array.isArray(data) ? data : (data as { students?: unknown })?.students;
  if (!Array.isArray(list)) throw new UsageError(`--roster ${file}: expected a list of students (or students: [...])`);
  return list as RawEntry[];
}

/** Reads a roster; folders are relative to the roster file. Every problem names the file and entry. */
export function loadRoster(file: string): Submission[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--roster ${file}: ${(err as Error).message}`);
  }
  const entries = /\.ya?ml$/i.test(file) ? yamlEntries(text, file) : csvEntries(text);
  const base = path.dirname(path.resolve(file));
  const subs = entries.map((e, i): Submission => {
    const where = `--roster ${file}: entry ${i + 1}`;
    for (const key of COLUMNS)
      if (e?.[key] !== undefined && typeof e[key] !== 'string') throw new UsageError(`${where}: ${key} must be text`);
    const student = (e?.student as string | undefined)?.trim();
    if (!student) throw new UsageError(`${where}: no student id`);
    const dir = e.dir ? path.resolve(base, e.dir as string) : undefined;
    const target = e.target ? parseTarget(e.target as string, `${where} (${student})`) : undefined;
    return { student, dir, start: (e.start as string | undefined) || undefined, target };
  });
  const seen = new Set<string>();
  for (const s of subs) {
    if (seen.has(s.student)) throw new UsageError(`--roster ${file}: student "${s.student}" is listed twice`);
    seen.add(s.student);
  }
  return subs.sort(byStudent);
}

export interface Shard {
  /** 1-based, as in vitest and Playwright. */
  index: number;
  count: number;
}

/**
 * Sorted by student id, every n-th from the i-th: the shards are disjoint, cover everyone,
 * and differ in size by one at most.
 */
export function takeShard(subs: Submission[], shard: Shard): Submission[] {
  return [...subs].sort(byStudent).filter((_, i) => i % shard.count === shard.index - 1);
}
