import { startReference } from '../../reference/index.js';
import { Multiplexer } from '../report/reporter.js';
import { makeReporter } from '../report/index.js';
import type { ReporterEnv } from '../report/reporter.js';
import { run, UsageError, type RunOptions } from '../run/run.js';
import { DEFAULT_PROFILE, loadProfile } from '../run/grade.js';
import { builtinSpecNames, loadSpecs } from '../spec/load.js';
import { allTags, exclusionReason, parseTags } from '../spec/select.js';
import { tagsOf } from '../spec/tags.js';
import { didYouMean } from '../text/suggest.js';
import type { ServiceName, Spec } from '../spec/types.js';
import { parseLimits, parseStartTimeoutMs, prepareStart, type StartFlags } from '../server/flags.js';
import { runWithServer } from '../server/session.js';
import { randomSeed } from '../spec/draw.js';
import { parseMs, parsePorts, parseRegex, parseSeed, parseSets } from './options.js';

export interface RunFlags extends StartFlags {
  /** A command that starts the server under test, with {port:udp} {port:tcp} {port:http} placeholders. */
  start?: string;
  host: string;
  port?: string[];
  tags?: string;
  grep?: string;
  timeout?: string;
  set?: string[];
  reporter?: string[];
  reference?: boolean;
  concurrency?: string;
  profile?: string;
  skipTags?: string;
  seed?: string;
}

export function checkVars(specs: Spec[], sets: Record<string, string>): void {
  const declared = new Set(specs.flatMap((s) => Object.keys(s.vars)));
  for (const name of Object.keys(sets)) {
    if (!declared.has(name)) throw new UsageError(`--set ${name}: no chosen spec has a variable "${name}" (declared: ${[...declared].join(', ') || 'none'})`);
  }
}

/** --tags and --skip-tags name tags some chosen case carries; a typo gets a suggestion. */
export function checkTags(specs: Spec[], tags: string[] | 'all', flag = '--tags'): void {
  if (tags === 'all') return;
  const known = allTags(specs);
  const unknown = tags.filter((t) => !known.includes(t));
  if (unknown.length === 0) return;
  const named = unknown.map((t) => `${t}${didYouMean(t, known)}`).join(', ');
  throw new UsageError(`${flag}: no case has tag ${named} (tags: ${known.join(', ')}${flag === '--tags' ? ', or all' : ''})`);
}

/** The flags that say what a run checks, shared by `run` and `grade`. */
export type PlanFlags = Pick<RunFlags, 'tags' | 'skipTags' | 'grep' | 'set' | 'profile' | 'timeout' | 'seed'>;

/** Specs, selection, variables, profile and timeout from the flags, each checked with a one-line usage error. */
export function resolvePlan(specArgs: string[], flags: PlanFlags) {
  const specs = loadSpecs(specArgs.length > 0 ? specArgs : builtinSpecNames());
  // A profile may name any tag the chosen specs know and weigh any built-in or chosen spec.
  const profile = flags.profile ? loadProfile(flags.profile, { tags: tagsOf(specs), specs: [...new Set([...builtinSpecNames(), ...specs.map((s) => s.name)])] }) : DEFAULT_PROFILE;
  // A profile that grades more than core runs what it grades unless --tags says otherwise.
  const tags = flags.tags ? parseTags(flags.tags) : flags.profile ? profile.tags : parseTags(undefined);
  const skipTags = flags.skipTags ? flags.skipTags.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
  const selection = { tags, grep: parseRegex(flags.grep), skipTags };
  checkTags(specs, selection.tags);
  if (skipTags) checkTags(specs, skipTags, '--skip-tags');
  const vars = parseSets(flags.set ?? []);
  checkVars(specs, vars);
  const timeoutMs = flags.timeout ? parseMs(flags.timeout, '--timeout') : undefined;
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : randomSeed();
  return { specs, selection, vars, profile, timeoutMs, seed };
}

/** `netgrade run`: specs → run → reporters → exit code (0 all passed, 1 some failed). */
export async function runCommand(specArgs: string[], flags: RunFlags, env: ReporterEnv, signal: AbortSignal): Promise<number> {
  const { specs, selection, vars, profile, timeoutMs, seed } = resolvePlan(specArgs, flags);
  let ports = parsePorts(flags.port ?? []);
  if (flags.start !== undefined && flags.reference) throw new UsageError('--start and --reference both start a server: choose one');
  const startOptions = flags.start !== undefined ? { startTimeoutMs: parseStartTimeoutMs(flags), limits: parseLimits(flags) } : undefined;
  const started = flags.start !== undefined ? await prepareStart({ template: flags.start, specs, given: ports, host: flags.host }) : undefined;
  if (started) ports = started.ports;
  const defaults = env.env.GITHUB_ACTIONS === 'true' ? ['console', 'github'] : ['console'];
  const names = flags.reporter?.length ? flags.reporter : defaults;
  const reporters = new Multiplexer(names.map((n) => makeReporter(n, env)), env.stderr);

  const reference = flags.reference ? await startReference({ host: flags.host, ports: Object.fromEntries(specs.map((s) => [s.service, 0])) as Partial<Record<ServiceName, number>> }) : undefined;
  if (reference) ports = reference.ports;
  try {
    const selected = specs.reduce((n, s) => n + s.cases.filter((c) => !exclusionReason(c, selection)).length, 0);
    const target = { host: flags.host, ports: Object.fromEntries(specs.map((s) => [s.service, ports[s.service] ?? s.port])) };
    reporters.onRunStart({ specs: specs.map((s) => ({ name: s.name, title: s.title, file: s.file, service: s.service })), target, selected });
    const runOptions: RunOptions = {
      specs,
      host: flags.host,
      ports,
      selection,
      vars,
      timeoutMs,
      seed,
      concurrency: flags.concurrency ? Number(flags.concurrency) : undefined,
      signal,
      profile,
      onCaseEnd: (r) => reporters.onCaseEnd(r),
    };
    const result = started && startOptions ? await runWithServer({ run: runOptions, start: { command: started.command, ...startOptions } }) : await run(runOptions);
    await reporters.onRunEnd(result);
    const { failed, errored } = result.summary;
    return failed + errored > 0 || reporters.failures > 0 ? 1 : 0;
  } finally {
    await reference?.close();
  }
}
