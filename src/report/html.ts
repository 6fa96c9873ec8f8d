// The HTML reporter: one self-contained page a student can open from disk.
import path from 'node:path';
import { writeFileAtomic } from './files.js';
import { renderHtml } from './html/page.js';
import type { Reporter } from './reporter.js';

export { renderHtml } from './html/page.js';

/** Writes the report to `file` once the run is over, whole or not at all. */
export function htmlReporter(file: string, opts: { subject?: string } = {}): Reporter {
  return {
    onRunEnd(result) {
      writeFileAtomic(file, renderHtml(result, { subject: opts.subject, dir: path.dirname(path.resolve(file)) }));
    },
  };
}
