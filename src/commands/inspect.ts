import { inert } from '../text/escape.js';
import { SpecError, formatProblem } from '../spec/errors.js';
import { builtinSpecNames, loadSpec, loadSpecs } from '../spec/load.js';
import type { ReporterEnv } from '../report/reporter.js';

/** `netgrade validate`: every problem of every file, exit 0 only when all are valid. */
export function validateCommand(files: string[], env: ReporterEnv): number {
  let bad = 0;
  for (const f of files) {
    try {
      const spec = loadSpec(f);
      env.stdout.write(inert(`ok  ${spec.file}: ${spec.cases.length} cases\n`));
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      bad++;
      for (const p of err.problems) env.stderr.write(inert(formatProblem(p)) + '\n');
    }
  }
  return bad > 0 ? 2 : 0;
}

/** `netgrade list`: ids, titles, tags and points of the chosen (default: built-in) specs. */
export function listCommand(specArgs: string[], env: ReporterEnv): number {
  const specs = loadSpecs(specArgs.length > 0 ? specArgs : builtinSpecNames());
  for (const spec of specs) {
    env.stdout.write(inert(`${spec.name}  (${spec.service}, port ${spec.port})  ${spec.title}\n`));
    const width = Math.max(...spec.cases.map((c) => c.id.length));
    for (const c of spec.cases) {
      env.stdout.write(inert(`  ${c.id.padEnd(width)}  ${c.points}pt  [${c.tags.join(', ')}]  ${c.title}\n`));
    }
  }
  return 0;
}
