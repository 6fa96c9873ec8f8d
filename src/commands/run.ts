import { startReference } from '../../reference/index.js';
import { Multiplexer } from '../report/reporter.js';
import { chooseReporters, makeReporter } from '../report/index.js';
import type { ReporterEnv } from '../report/reporter.js';
import { run, type RunOptions } from '../run/run.js';
import type { RunResult } from '../model/result.js';
import { bailOnFirstFailure } from '../run/bail.js';
import { hookedRunners } from '../run/steps/index.js';
import type { ServiceName } from '../spec/types.js';
import { prepareStart } from '../server/prepare.js';
import { runWithServer } from '../server/session.js';
import { parseLimits, parsePorts, parseStartTimeoutMs, type RunFlags } from './flags.js';
import { resolvePlan } from './plan.js';
import { UsageError } from '../errors.js';

/** `netgrade run`: specs → run → reporters → exit code (0 all passed, 1 some failed). */
export async function runCommand(
  specArgs: string[],
  flags: RunFlags,
  env: ReporterEnv,
  signal: AbortSignal,
): Promise<number> {
  if (flags.watch) {
    const { watchCommand } = await import('./watch.js');
    return watchCommand(flags.start, env, signal, (s) => runOnce(specArgs, { ...flags, watch: false }, env, s));
  }
  return runOnce(specArgs, flags, env, signal);
}

/** One run of `netgrade run`. */
async function runOnce(specArgs: string[], flags: RunFlags, env: ReporterEnv, signal: AbortSignal): Promise<number> {
  const { specs, selection, vars, profile, timeoutMs, seed } = resolvePlan(specArgs, flags);
  let ports = parsePorts(flags.port ?? []);
  if (flags.start !== undefined && flags.reference)
    throw new UsageError('--start and --reference both start a server: choose one');
  const startOptions =
    flags.start !== undefined ? { startTimeoutMs: parseStartTimeoutMs(flags), limits: parseLimits(flags) } : undefined;
  const started =
    flags.start !== undefined
      ? await prepareStart({ template: flags.start, specs, given: ports, host: flags.host })
      : undefined;
  if (started) ports = started.ports;
  const made = chooseReporters(flags.reporter, env).map((n) => makeReporter(n, env, { verbose: flags.verbose }));
  const reporters = new Multiplexer(made, env.stderr);

  const reference = flags.reference
    ? await startReference({
        host: flags.host,
        ports: Object.fromEntries(specs.map((s) => [s.service, 0])) as Partial<Record<ServiceName, number>>,
      })
    : undefined;
  if (reference) ports = reference.ports;
  // --bail: the first failure stops the run, as Ctrl-C would.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();
  const bail = flags.bail ? bailOnFirstFailure(() => stop.abort()) : undefined;
  try {
    const runOptions: RunOptions = {
      specs,
      host: flags.host,
      ports,
      selection,
      vars,
      timeoutMs,
      seed,
      concurrency: flags.concurrency ? Number(flags.concurrency) : undefined,
      signal: stop.signal,
      profile,
      // --bail stops at the first failed step, not when the scheduler settles the case (which
      // waits for its phase to end, to retry a failure alone); what the stop cut short settles as skipped.
      stepRunners: bail ? hookedRunners((err, ctx) => bail.onThrow(err, ctx)) : undefined,
      settle: bail?.policy,
      onRunStart: (info) => reporters.onRunStart(info),
      onCaseEnd: (r) => reporters.onCaseEnd(r),
    };
    let result: RunResult =
      started && startOptions
        ? await runWithServer({ run: runOptions, start: { command: started.command, ...startOptions } })
        : await run(runOptions);
    result = { ...result, profile: { name: profile.name, tags: profile.tags } };
    await reporters.onRunEnd(result);
    for (const m of made) if (m.file && m.file !== '-') env.stderr.write(`netgrade: wrote ${m.file}\n`);
    const { failed, errored } = result.summary;
    return failed + errored > 0 || reporters.failures > 0 ? 1 : 0;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await reference?.close();
  }
}
