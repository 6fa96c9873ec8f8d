import path from 'node:path';
import { consoleReporter } from './console.js';
import { jsonReporter } from './json.js';
import type { ReporterName } from './names.js';
import type { Reporter, ReporterEnv } from './reporter.js';
import { ReporterError } from '../errors.js';

/** How the run was asked to report, beyond the reporter's own argument. */
export interface ReporterFlags {
  /** --verbose: every case, and the transcripts of passing ones. */
  verbose?: boolean;
}

type Factory = (arg: string | undefined, env: ReporterEnv, flags: ReporterFlags) => Reporter;

function needsFile(name: string, arg: string | undefined): string {
  if (!arg) throw new ReporterError(`the ${name} reporter writes a file: use --reporter ${name}=FILE`);
  return arg;
}

/**
 * A reporter that only writes at the end, loaded then: the CLI's start-up stays
 * free of XML and HTML code a run without those reports never needs.
 */
function atEnd(load: () => Promise<Reporter>): Reporter {
  return { onRunEnd: async (result) => (await load()).onRunEnd(result) };
}

/** Every reporter by the name used on the command line: exactly the names `--help` lists (names.ts). */
export const REPORTERS: Record<string, Factory> = {
  console: (_arg, env, flags) => consoleReporter(env, { verbose: flags.verbose }),
  json: (arg, env) => jsonReporter(needsFile('json', arg), env.stdout),
  html: (arg, env) => {
    const file = needsFile('html', arg);
    const subject = env.subject ?? path.basename(env.cwd);
    return atEnd(async () => (await import('./html.js')).htmlReporter(file, { subject }));
  },
  junit: (arg) => {
    const file = needsFile('junit', arg);
    return atEnd(async () => (await import('./junit.js')).junitReporter(file));
  },
  gradescope: (arg) => {
    const file = needsFile('gradescope', arg);
    return atEnd(async () => (await import('./gradescope.js')).gradescopeReporter(file));
  },
  github: (_arg, env) => atEnd(async () => (await import('./github.js')).githubReporter(env)),
} satisfies Record<ReporterName, Factory>;

/**
 * The reporters of a run: the console stays on beside file reporters (it goes
 * only when stdout carries `json=-`), and GitHub's joins inside Actions.
 */
export function chooseReporters(given: string[] | undefined, env: ReporterEnv): string[] {
  const names = [...(given ?? [])];
  const toStdout = names.some((n) => n === 'json=-');
  if (!toStdout && !names.some((n) => n === 'console')) names.unshift('console');
  if (env.env.GITHUB_ACTIONS === 'true' && !names.includes('github') && !toStdout) names.push('github');
  return names;
}

/** Parses `name` or `name=FILE` into a reporter; an unknown name is a usage error. */
export function makeReporter(
  spec: string,
  env: ReporterEnv,
  flags: ReporterFlags = {},
): { name: string; reporter: Reporter; file?: string } {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const arg = eq < 0 ? undefined : spec.slice(eq + 1);
  const factory = REPORTERS[name];
  if (!factory) throw new ReporterError(`unknown reporter "${name}" (known: ${Object.keys(REPORTERS).join(', ')})`);
  const file = name === 'console' || name === 'github' || arg === undefined ? undefined : arg;
  return { name, reporter: factory(arg, env, flags), file };
}
