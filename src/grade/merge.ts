// Joining shards: each shard's out folder holds grades.json and a folder per
// student; the merged folder holds them all and one gradebook, as if the class
// had been graded in one run.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { readGradebook, writeGradebook, type CsvOptions, type Gradebook } from './gradebook.js';
import { safeName } from './submission.js';
import { UsageError } from '../errors.js';

export function mergeShards(dirs: string[], out: string, csv: CsvOptions = {}): Gradebook {
  if (dirs.length === 0) throw new UsageError("merge: name the shards' out folders");
  const target = path.resolve(out);
  if (dirs.some((d) => path.resolve(d) === target))
    throw new UsageError(`merge: --out ${out} is one of the shards; choose a new folder`);
  const books = dirs.map((d) => ({ dir: d, book: readGradebook(d) }));
  const first = books[0].book;
  const owner = new Map<string, string>();
  for (const { dir, book } of books) {
    if (book.specs.join(',') !== first.specs.join(',') || book.profile !== first.profile) {
      throw new UsageError(
        `merge: ${dir} was graded with specs ${book.specs.join(', ')} (profile ${book.profile}), ` +
          `${dirs[0]} with ${first.specs.join(', ')} (profile ${first.profile})`,
      );
    }
    for (const row of book.rows) {
      if (owner.has(row.student))
        throw new UsageError(`merge: student "${row.student}" is in both ${owner.get(row.student)} and ${dir}`);
      owner.set(row.student, dir);
    }
  }
  for (const { dir, book } of books) {
    for (const row of book.rows) {
      const from = path.join(dir, safeName(row.student));
      if (existsSync(from)) cpSync(from, path.join(out, safeName(row.student)), { recursive: true });
    }
  }
  const merged: Gradebook = {
    version: 1,
    specs: first.specs,
    profile: first.profile,
    rows: books.flatMap((b) => b.book.rows),
    netgrade: first.netgrade,
  };
  writeGradebook(out, merged, csv);
  return merged;
}
