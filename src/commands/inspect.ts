import { inert } from '../text/escape.js';
import { builtinSpecNames, loadSpec, loadSpecs } from '../spec/load.js';
import type { ReporterEnv } from '../report/reporter.js';
import type { Spec } from '../spec/types.js';
import { SpecError, formatProblem, UsageError } from '../errors.js';

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

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The specs' cases as Markdown: a heading and a table per spec (README's catalogue is this, generated). */
export function catalogueMarkdown(specs: Spec[]): string {
  const out: string[] = [];
  for (const spec of specs) {
    const doc = spec.cases.map((c) => /^(docs\/[\w./-]+\.md#[\w-]+)/.exec(c.source ?? '')?.[1]).find(Boolean);
    out.push(
      `#### ${spec.name} (service \`${spec.service}\`, default port ${spec.port})${doc ? ` · [protocol](${doc})` : ''}`,
      '',
    );
    out.push('| id | tags | points | what must hold |', '|---|---|---|---|');
    for (const c of spec.cases)
      out.push(`| \`${c.id}\` | ${cell(c.tags.join(', '))} | ${c.points} | ${cell(c.requirement)} |`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * `netgrade list`: ids, titles, tags and points of the chosen (default: built-in) specs;
 * `--format markdown` for docs.
 */
export function listCommand(specArgs: string[], env: ReporterEnv, format = 'text'): number {
  const specs = loadSpecs(specArgs.length > 0 ? specArgs : builtinSpecNames());
  if (format === 'markdown') {
    env.stdout.write(catalogueMarkdown(specs));
    return 0;
  }
  if (format !== 'text') throw new UsageError(`--format: "${format}" is not a format (text, markdown)`);
  for (const spec of specs) {
    env.stdout.write(inert(`${spec.name}  (${spec.service}, port ${spec.port})  ${spec.title}\n`));
    const width = Math.max(...spec.cases.map((c) => c.id.length));
    for (const c of spec.cases) {
      env.stdout.write(inert(`  ${c.id.padEnd(width)}  ${c.points}pt  [${c.tags.join(', ')}]  ${c.title}\n`));
    }
  }
  return 0;
}
