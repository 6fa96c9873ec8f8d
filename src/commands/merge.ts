// `netgrade merge`: shards' out folders → one out folder and one gradebook.
import { mergeShards } from '../grade/merge.js';
import { summaryLines } from '../grade/summary.js';
import type { ReporterEnv } from '../report/reporter.js';
import { parseCsvOptions } from './flags.js';
import { UsageError } from '../errors.js';

export function mergeCommand(
  dirs: string[],
  flags: { out?: string; gradebookFormat?: string; idColumn?: string },
  env: ReporterEnv,
): number {
  if (!flags.out) throw new UsageError('merge: --out DIR is required');
  const book = mergeShards(dirs, flags.out, parseCsvOptions(flags));
  env.stdout.write([...summaryLines(book.rows), '', `gradebook: ${flags.out}/gradebook.csv`, ''].join('\n'));
  return 0;
}
