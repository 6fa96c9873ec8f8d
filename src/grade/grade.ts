// Grading a class: submissions in parallel (--jobs), each on its own ports
// under its own deadline, so that one that hangs, floods or crashes costs the
// others nothing; then the gradebook.
import type { GradeRow } from './gradebook.js';
import { writeGradebook, type CsvOptions } from './gradebook.js';
import type { Progress } from './progress.js';
import type { Submission } from './roster.js';
import { pool } from '../run/pool.js';
import { gradeSubmission, type ClassOptions } from './submission.js';

export interface GradeClassOptions extends ClassOptions {
  jobs: number;
  progress?: Progress;
  /** How gradebook.csv is written (--id-column, --gradebook-format). */
  csv?: CsvOptions;
}

/** Grades every submission (none after an interrupt) and writes DIR/grades.json and DIR/gradebook.csv. */
export async function gradeClass(subs: Submission[], opts: GradeClassOptions): Promise<GradeRow[]> {
  const rows: GradeRow[] = [];
  const grade = async (sub: Submission) => {
    opts.progress?.started(sub.student);
    const row = await gradeSubmission(sub, opts);
    rows.push(row);
    opts.progress?.finished(row);
  };
  await pool(subs, opts.jobs, grade, opts.signal);
  opts.progress?.close();
  writeGradebook(
    opts.out,
    { version: 1, specs: opts.run.specs.map((s) => s.name), profile: opts.run.profile?.name ?? 'default', rows },
    opts.csv,
  );
  return rows;
}
