// `netgrade init`: the files that make the loop one command. For a student,
// netgrade.config (the specs and the start command), so that `npx netgrade`
// alone starts the server and runs the checks; for a course, a starter spec,
// a grading profile and a workflow that grades every push.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { ReporterEnv } from '../report/reporter.js';
import { builtinSpecNames, loadSpecs } from '../spec/load.js';
import { checkTemplate } from '../server/ports.js';
import { UsageError } from '../errors.js';
import { netgradeVersion } from '../version.js';

export const CONFIG_FILE = 'netgrade.config';

export interface InitFlags {
  course?: boolean;
  start?: string;
  force?: boolean;
}

/** What `npx netgrade` with no command runs: `run` with these. */
export interface Config {
  specs: string[];
  start?: string;
  tags?: string;
}

/** A start command for the one Python/Node/Java server file in `dir`, if there is exactly one candidate. */
export function guessStart(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => /server.*\.(py|js|mjs)$/i.test(f));
  if (files.length !== 1) return undefined;
  const f = files[0];
  return f.endsWith('.py') ? `python3 ${f} {port}` : `node ${f} {port}`;
}

function write(file: string, text: string, force: boolean, env: ReporterEnv): void {
  if (existsSync(file) && !force)
    throw new UsageError(`${path.relative(env.cwd, file)} exists already (use --force to replace it)`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  env.stdout.write(`wrote ${path.relative(env.cwd, file)}\n`);
}

function studentConfig(specArgs: string[], flags: InitFlags, env: ReporterEnv): string {
  const specs = specArgs.length > 0 ? specArgs : ['udp-echo', 'tcp-echo'];
  const services = loadSpecs(specs).map((s) => s.service);
  const start = flags.start ?? guessStart(env.cwd);
  if (start === undefined)
    throw new UsageError(
      'init: say how your server starts, e.g. netgrade init --start "python3 server.py {port}" ' +
        '(netgrade fills in {port})',
    );
  checkTemplate(start, services);
  const config: Config = { specs, start };
  return (
    '# Read by `npx netgrade` (no command): it starts your server with `start`\n' +
    '# ({port} is a free port netgrade picks) and runs `specs` against it.\n' +
    `# Add --watch to run again whenever you save: npx netgrade --watch\n${stringify(config)}`
  );
}

const STARTER_SPEC = `# yaml-language-server: $schema=https://unpkg.com/netgrade/schema/spec.schema.json
# A starter spec: one check per behaviour your lab asks for. \`netgrade validate\`
# checks it; \`netgrade list\` shows its cases; docs/protocols.md in the netgrade
# package shows the built-in labs these follow.
name: my-lab
title: My lab's TCP server
service: tcp
port: 12000
cases:
  - id: lab.basic
    title: Upper-cases a sentence
    requirement: A connection that sends "hello world" gets back exactly "HELLO WORLD".
    source: the lab handout, part 1
    tags: [core]
    hint: Send sentence.upper() on the connection socket and nothing else (no newline).
    steps:
      - send: hello world
        expect:
          equals: HELLO WORLD
`;

const PROFILE = `# Which checks earn points: tags that count, and a weight per spec (default 1).
name: my-course
tags: [core]
weights:
  my-lab: 2
`;

/** The course workflow: the netgrade Action at this version (netgrade is in no package registry). */
const workflow = (version: string) => `# Grades the student's server on every push: netgrade starts it, runs the
# course's spec, and reports points to GitHub Classroom and the job summary.
name: Autograding
on: [push, workflow_dispatch]
permissions:
  contents: read
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
      - name: Grade
        id: netgrade
        # CHANGE: OWNER is the GitHub account that holds the course's copy of netgrade.
        uses: OWNER/netgrade@v${version}
        with:
          specs: netgrade/my-lab.yaml
          profile: netgrade/profile.yaml
          # CHANGE: the start command of the students' servers ({port} is chosen by netgrade).
          start: python3 server.py {port}
          html: report.html
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: netgrade-report
          path: report.html
`;

/** `netgrade init [--course]`. */
export function initCommand(specArgs: string[], flags: InitFlags, env: ReporterEnv): number {
  const force = Boolean(flags.force);
  const at = (f: string) => path.join(env.cwd, f);
  if (flags.course) {
    write(at('netgrade/my-lab.yaml'), STARTER_SPEC, force, env);
    write(at('netgrade/profile.yaml'), PROFILE, force, env);
    write(at('.github/workflows/netgrade.yml'), workflow(netgradeVersion()), force, env);
    env.stdout.write(
      'next: edit netgrade/my-lab.yaml, then: netgrade validate netgrade/my-lab.yaml\n' +
        `(built-in specs to copy from: ${builtinSpecNames().join(', ')})\n`,
    );
    return 0;
  }
  write(at(CONFIG_FILE), studentConfig(specArgs, flags, env), force, env);
  env.stdout.write('next: npx netgrade            (or npx netgrade --watch to run again on every save)\n');
  return 0;
}

/** The `run` arguments a netgrade.config in `cwd` stands for, or undefined when there is none. */
export function configArgs(
  cwd: string,
  read: (f: string) => string = (f) => readFileSync(f, 'utf8'),
): string[] | undefined {
  const file = path.join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  return argsOf(read(file));
}

/** netgrade.config text → `run` arguments; a malformed file is a usage error naming it. */
export function argsOf(text: string): string[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new UsageError(`${CONFIG_FILE}: ${(err as Error).message}`);
  }
  const c = (data ?? {}) as Partial<Config>;
  if (
    typeof c !== 'object' ||
    (c.specs !== undefined && !Array.isArray(c.specs)) ||
    (c.start !== undefined && typeof c.start !== 'string')
  ) {
    throw new UsageError(`${CONFIG_FILE}: expected "specs: [names]" and "start: command"`);
  }
  return [
    ...(c.specs ?? []).map(String),
    ...(c.start ? ['--start', c.start] : []),
    ...(c.tags ? ['--tags', String(c.tags)] : []),
  ];
}
