import { consoleReporter } from './console.js';
import { jsonReporter } from './json.js';
import { ReporterError, type Reporter, type ReporterEnv } from './reporter.js';

type Factory = (arg: string | undefined, env: ReporterEnv) => Reporter;

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

/** Every reporter by the name used on the command line. */
export const REPORTERS: Record<string, Factory> = {
  console: (_arg, env) => consoleReporter(env),
  json: (arg) => jsonReporter(needsFile('json', arg)),
  html: (arg) => {
    const file = needsFile('html', arg);
    return atEnd(async () => (await import('./html.js')).htmlReporter(file));
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
};

/** Parses `name` or `name=FILE` into a reporter; an unknown name is a usage error. */
export function makeReporter(spec: string, env: ReporterEnv): { name: string; reporter: Reporter } {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const arg = eq < 0 ? undefined : spec.slice(eq + 1);
  const factory = REPORTERS[name];
  if (!factory) throw new ReporterError(`unknown reporter "${name}" (known: ${Object.keys(REPORTERS).join(', ')})`);
  return { name, reporter: factory(arg, env) };
}
