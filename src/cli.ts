#!/usr/bin/env node
// Flags → a command → an exit code: 0 all passed, 1 some failed, 2 usage or spec error (EXIT_BY_CODE).
// Each command's code is imported when that command runs: `--help`, `list` or a
// student's `run` pay only for what they use (start-up, see `npm run bench`).
import { Command, CommanderError, Option } from 'commander';
import type { GradeFlags, RunFlags } from './commands/flags.js';
import { REPORTER_USAGE } from './report/names.js';
import type { ReporterEnv } from './report/reporter.js';
import { inert } from './text/escape.js';
import { netgradeVersion } from './version.js';

/** Collects a repeatable option's values. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

// `netgrade list | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const env: ReporterEnv = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
const version = netgradeVersion();

/** Ctrl-C once: stop the run and report what finished; twice: leave at once. */
function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  process.on('SIGINT', () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\nnetgrade: interrupted; finishing the report (Ctrl-C again to quit now)\n');
    ac.abort();
  });
  process.on('SIGTERM', () => {
    ac.abort();
    // Finish the report if that is quick; never outlive a SIGTERM by more than a few seconds.
    setTimeout(() => process.exit(143), 5000).unref();
  });
  return ac.signal;
}

const RUN_EXAMPLES = `
Examples:
  $ netgrade run --reference --tags all            every built-in spec against the bundled reference server
  $ netgrade run udp-echo tcp-echo --port udp=12000 --port tcp=12000
  $ netgrade run kv-http --host ::1 --port http=8080 --tags core,robust
  $ netgrade run my-course.yaml --set resource=/index.html --reporter json=out.json
  $ netgrade run --grep '^tcp\\.' --timeout 5000`;

/** Flags for a server netgrade starts itself (run --start, grade). */
function startFlags(cmd: Command): Command {
  return cmd
    .option('--start-timeout <s>', 'seconds the started server has to listen on its ports (default: 10)')
    .option('--limit-memory <MB>', 'address-space limit of the started server in MiB (default: 2048; 0: none)')
    .option(
      '--limit-procs <n>',
      "process limit (RLIMIT_NPROC) of the started server; counts all of the user's processes",
    )
    .option('--limit-wall <s>', 'kill the started server after this many seconds');
}

/** The flags that say what a run checks, declared once for `run` and `grade`; only the seed's words differ. */
function planFlags(cmd: Command, seedHelp: string): Command {
  return cmd
    .option('--tags <list>', 'comma-separated tags to run, or "all" (default: core)')
    .option('--skip-tags <list>', 'leave out cases with any of these tags (e.g. kv on a static-file server)')
    .option('--profile <file>', 'grading profile (YAML: tags that earn points, weights per spec); default grades core')
    .option('--grep <pattern>', 'run only cases whose id or title matches this regular expression')
    .option('--timeout <ms>', 'deadline of each step that names none (default: 2000)')
    .option('--set <name=value>', 'set a spec variable; repeatable', collect)
    .option('--seed <n>', seedHelp);
}

/** `--reporter`'s help for `run`, from the reporter registry's names. */
const RUN_REPORTERS =
  `${Object.values(REPORTER_USAGE).join(', ')}; repeatable; ` + 'the console stays on unless json=- takes stdout';

const GRADE_EXAMPLES = `
Examples:
  $ netgrade grade udp-echo tcp-echo --submissions hw1/ --start "python3 {dir}/server.py {port:tcp}" --out grades/
  $ netgrade grade kv-http --roster roster.csv --out grades/ --jobs 4 --shard 2/4
  $ netgrade merge shard-1 shard-2 shard-3 shard-4 --out grades/`;

const program = new Command()
  .name('netgrade')
  .description('Conformance checks for network servers: UDP/TCP echo, KV-HTTP, conditional GET, cookies.')
  .version(version)
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

const runCmd = program
  .command('run')
  .description('run specs (built-in names or paths; default: every built-in spec) against a server')
  .argument('[spec...]', 'built-in spec name (udp-echo, tcp-echo, kv-http, ...) or path to a .yaml file')
  .option('--host <host>', 'host name, IPv4 or IPv6 address of the server', '127.0.0.1')
  .option('--port <service=port>', 'port of a service (udp, tcp, http); repeatable', collect);
planFlags(runCmd, 'draw the payloads from this seed, as a report printed it, to repeat a run (default: a random one)')
  .option('--reporter <name[=file]>', RUN_REPORTERS, collect)
  .option('--reference', 'start the bundled reference servers on free ports and test them')
  .option(
    '--start <command>',
    'start the server under test (sh -c); {port:udp} {port:tcp} {port:http} become its ports',
  )
  .option('--bail', 'stop at the first case that fails')
  .option('--watch', "with --start: run again whenever a file in the server's folder changes")
  .option('--verbose', 'list every case, with the transcripts of passing ones')
  .addOption(new Option('--concurrency <n>', 'cases in flight at once').default('16').hideHelp())
  .addHelpText('after', RUN_EXAMPLES)
  .action(async (specs: string[], flags: RunFlags) => {
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(specs, flags, env, interruptSignal());
  });
startFlags(runCmd);

const gradeCmd = program
  .command('grade')
  .description("grade a class: start each submission's server, run the specs, write reports and gradebook.csv")
  .argument('[spec...]', 'built-in spec name or path to a .yaml file (default: every built-in spec)')
  .option('--submissions <dir>', 'a folder with one sub-folder per submission (the student id is its name)')
  .option('--roster <file>', 'roster.csv or .yaml: student, dir, start, target (host:port of a running server)')
  .option(
    '--start <command>',
    'start command; {dir} {port:udp} {port:tcp} {port:http} {port} are filled per submission',
  )
  .option('--out <dir>', 'where reports, gradebook.csv and grades.json go')
  .option('--jobs <n>', 'submissions graded at once (default: the number of cores)')
  .option('--shard <i/n>', 'grade the i-th of n shards (sorted by student id, every n-th)')
  .option('--submission-timeout <s>', 'the most one submission may take, start to stop (default: 120)');
planFlags(gradeCmd, "draw every submission's payloads from this seed (default: a random one, in every report)")
  .option(
    '--reporter <name>',
    'per-student files besides report.json: junit, html (default: every one available); repeatable',
    collect,
  )
  .option('--id-column <name>', "name of gradebook.csv's first column, as the LMS expects it (default: student)")
  .option('--gradebook-format <format>', 'csv, or excel (UTF-8 with a byte-order mark, for Excel on Windows)')
  .addOption(new Option('--concurrency <n>', 'cases in flight at once per submission').hideHelp())
  .addHelpText('after', GRADE_EXAMPLES)
  .action(async (specs: string[], flags: GradeFlags) => {
    const { gradeCommand } = await import('./commands/grade.js');
    process.exitCode = await gradeCommand(specs, flags, env, interruptSignal());
  });
startFlags(gradeCmd);

program
  .command('init')
  .description(
    'write netgrade.config (the specs and your start command) so that `npx netgrade` alone runs them; ' +
      '--course: a starter spec, profile and workflow',
  )
  .argument('[spec...]', 'the specs your server must pass (default: udp-echo tcp-echo)')
  .option('--start <command>', 'how your server starts; {port} becomes the port netgrade picks')
  .option('--course', 'for an instructor: a starter spec, a grading profile and a GitHub workflow')
  .option('--force', 'replace files that exist')
  .action(async (specs: string[], flags: { start?: string; course?: boolean; force?: boolean }) => {
    const { initCommand } = await import('./commands/init.js');
    process.exitCode = initCommand(specs, flags, env);
  });

program
  .command('merge')
  .description('join the out folders of sharded grade runs into one folder and one gradebook')
  .argument('<dirs...>', "the shards' --out folders")
  .option('--out <dir>', 'the merged folder')
  .option('--id-column <name>', "name of gradebook.csv's first column (default: student)")
  .option('--gradebook-format <format>', 'csv, or excel (UTF-8 with a byte-order mark)')
  .action(async (dirs: string[], flags: { out?: string; gradebookFormat?: string; idColumn?: string }) => {
    const { mergeCommand } = await import('./commands/merge.js');
    process.exitCode = mergeCommand(dirs, flags, env);
  });

program
  .command('validate')
  .description('check spec files against the schema; prints file:line:col for every problem')
  .argument('<files...>')
  .action(async (files: string[]) => {
    const { validateCommand } = await import('./commands/inspect.js');
    process.exitCode = validateCommand(files, env);
  });

program
  .command('list')
  .description('list the cases of specs: id, points, tags, title')
  .argument('[spec...]')
  .option('--format <format>', "text, or markdown (the README's check catalogue)", 'text')
  .action(async (specs: string[], flags: { format: string }) => {
    const { listCommand } = await import('./commands/inspect.js');
    process.exitCode = listCommand(specs, env, flags.format);
  });

program
  .command('serve')
  .description('run the reference servers (udp and tcp echo on 12000, KV-HTTP on 10000)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <service=port>', 'port of a service; 0 picks a free one; repeatable', collect)
  .action(async (flags: { host: string; port?: string[] }) => {
    const { serveCommand } = await import('./commands/serve.js');
    process.exitCode = await serveCommand(flags, env, interruptSignal());
  });

function fail(message: string, status = 2): void {
  process.stderr.write(`netgrade: ${inert(message)}\n`);
  process.exitCode = status;
}

/** `npx netgrade [--flags]` in a folder with netgrade.config runs what it says. */
async function withConfig(argv: string[]): Promise<string[]> {
  const first = argv[2];
  if (first !== undefined && (!first.startsWith('-') || ['-h', '--help', '-V', '--version'].includes(first)))
    return argv;
  const { configArgs } = await import('./commands/init.js');
  const args = configArgs(process.cwd());
  return args ? [...argv.slice(0, 2), 'run', ...args, ...argv.slice(2)] : argv;
}

// No top-level await: the published bundle's entry is CommonJS, which starts faster (npm run bench).
async function main(): Promise<void> {
  try {
    await program.parseAsync(await withConfig(process.argv));
    // The command is done and its reports are written: a socket a misbehaving server left
    // half-open must not keep netgrade alive. (stdout and stderr are synchronous here.)
    setTimeout(() => process.exit(), 2000).unref();
  } catch (err) {
    if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : 2;
    else failWith(err);
  }
}
void main();

/**
 * Exit status and the words before the message, by error code (src/errors.ts, or Node's errno):
 * the one place an error becomes an exit code. Matched by code, not class: the bundled entry and
 * the lazily loaded chunks each hold their own copy of the classes.
 */
const EXIT_BY_CODE: Record<string, { status: number; prefix?: string }> = {
  USAGE: { status: 2 },
  REPORTER: { status: 2 },
  SPEC_INVALID: { status: 2, prefix: 'invalid input:\n' },
  EADDRINUSE: { status: 2, prefix: 'a port is already in use: ' },
};

/** An error as one line and its exit status; anything without a code in the table is an internal error. */
function failWith(err: unknown): void {
  const code = (err as { code?: unknown } | undefined)?.code;
  const known = typeof code === 'string' && Object.hasOwn(EXIT_BY_CODE, code) ? EXIT_BY_CODE[code] : undefined;
  if (known) fail(`${known.prefix ?? ''}${(err as Error).message}`, known.status);
  else fail(`internal error: ${(err as Error)?.stack ?? String(err)}`);
}
