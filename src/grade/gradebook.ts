// The class's results: one row per submission, kept as grades.json (what
// `merge` reads) and rendered as gradebook.csv (what a spreadsheet or an LMS
// imports: numbers in numeric columns only, so nothing turns into a date).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../report/files.js';
import type { RunResult } from '../model/result.js';
import { csvLine } from './csv.js';
import { byStudent } from './roster.js';
import { netgradeVersion } from '../version.js';
import { UsageError } from '../errors.js';

/** How grading a submission went, as a word in the gradebook. */
export type SubmissionStatus =
  /** Its server listened and every selected case ran. */
  | 'graded'
  /** Its server never listened on its ports (or its folder or command was missing). */
  | 'did not start'
  /** Its server exited during the run; cases from then on failed. */
  | 'crashed'
  /** The whole submission ran out of --submission-timeout; unfinished cases failed. */
  | 'timed out'
  /** Grading was interrupted (Ctrl-C) before it finished. */
  | 'interrupted'
  /** netgrade itself could not grade it (see message). */
  | 'error';

export interface GradeRow {
  student: string;
  status: SubmissionStatus;
  points: number;
  maxPoints: number;
  /** Points per spec, in the order of the class's specs. */
  specs: Record<string, { points: number; maxPoints: number }>;
  /** Ids of the cases that failed or errored, in run order. */
  failed: string[];
  /** Why the status is not "graded": the server's exit or start failure, the error. */
  message?: string;
  durationMs: number;
  /** the seed payloads were drawn from; --seed repeats it */
  seed?: number;
}

export interface Gradebook {
  version: 1;
  specs: string[];
  profile: string;
  rows: GradeRow[];
  /** The netgrade version that graded (absent in books written before 0.2). */
  netgrade?: string;
}

/**
 * How gradebook.csv is written: the first column's name, and `excel` for a UTF-8 BOM
 * (Excel on Windows reads UTF-8 only with one).
 */
export interface CsvOptions {
  idColumn?: string;
  format?: 'csv' | 'excel';
}

const round = (n: number) => Math.round(n * 100) / 100;

export function rowFromResult(
  student: string,
  result: RunResult,
  status: SubmissionStatus,
  message?: string,
): GradeRow {
  const specs = Object.fromEntries(result.specs.map((s) => [s.name, { points: 0, maxPoints: 0 }]));
  for (const c of result.cases) {
    specs[c.spec].points = round(specs[c.spec].points + c.points);
    specs[c.spec].maxPoints = round(specs[c.spec].maxPoints + c.maxPoints);
  }
  const failed = result.cases.filter((c) => c.status === 'failed' || c.status === 'errored').map((c) => c.id);
  return {
    student,
    status,
    points: round(result.summary.points),
    maxPoints: round(result.summary.maxPoints),
    specs,
    failed,
    message,
    durationMs: result.summary.durationMs,
    seed: result.seed,
  };
}

/** The reason column: empty when graded, else the first line of why (the crash names its case). */
export function reason(r: GradeRow): string {
  if (r.status === 'graded') return '';
  const first = (r.message ?? '').split('\n')[0].trim();
  return first || r.status;
}

/** A blank cell rather than 0 where a submission has no number (a spec it never ran). */
const num = (n: number | undefined): number | '' => (n === undefined ? '' : n);

export function gradebookCsv(book: Gradebook, opts: CsvOptions = {}): string {
  const specCols = book.specs.flatMap((s) => [s, `${s} max`]);
  const header = csvLine([
    opts.idColumn ?? 'student',
    'points',
    'max',
    ...specCols,
    'status',
    'reason',
    'failed',
    'seed',
    'netgrade version',
  ]);
  const version = book.netgrade ?? '';
  const rows = [...book.rows]
    .sort(byStudent)
    .map((r) =>
      csvLine([
        r.student,
        r.points,
        r.maxPoints,
        ...book.specs.flatMap((s) => [num(r.specs[s]?.points), num(r.specs[s]?.maxPoints)]),
        r.status,
        reason(r),
        r.failed.join(' '),
        num(r.seed),
        version,
      ]),
    );
  return (opts.format === 'excel' ? '\ufeff' : '') + header + rows.join('');
}

/** Writes DIR/grades.json and DIR/gradebook.csv from the same rows. */
export function writeGradebook(dir: string, book: Gradebook, opts: CsvOptions = {}): void {
  const sorted = { ...book, netgrade: book.netgrade ?? netgradeVersion(), rows: [...book.rows].sort(byStudent) };
  writeFileAtomic(path.join(dir, 'grades.json'), JSON.stringify(sorted, null, 2) + '\n');
  writeFileAtomic(path.join(dir, 'gradebook.csv'), gradebookCsv(sorted, opts));
}

/** --gradebook-format and --id-column, checked. */
export function readGradebook(dir: string): Gradebook {
  const file = path.join(dir, 'grades.json');
  let book: Gradebook;
  try {
    book = JSON.parse(readFileSync(file, 'utf8')) as Gradebook;
  } catch (err) {
    throw new UsageError(`${file}: not a netgrade grades file (${(err as Error).message})`);
  }
  if (book?.version !== 1 || !Array.isArray(book.rows) || !Array.isArray(book.specs))
    throw new UsageError(`${file}: not a netgrade grades file (version 1)`);
  return book;
}
