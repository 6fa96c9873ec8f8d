// The GitHub reporter (workflow commands, job summary, Classroom notices) and
// scripts/ci-grade.sh, the script the classroom workflow runs.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startReference } from '../../reference/index.js';
import { runCommand } from '../../src/commands/run.js';
import {
  annotation,
  classroomLines,
  codeBlock,
  githubReporter,
  jobSummary,
  mdText,
  SUMMARY_LIMIT,
  workflowCommand,
} from '../../src/report/github.js';
import type { ReporterEnv } from '../../src/report/reporter.js';
import type { CaseResult, RunResult } from '../../src/model/result.js';
import { sampleRun } from '../fixtures/golden/sample-run.js';

const ROOT = path.join(import.meta.dirname, '../..');
const GOLDEN = path.join(ROOT, 'test/fixtures/golden');
const MiB = 1024 * 1024;

function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** A ReporterEnv whose stdout is kept as text. */
function captureEnv(vars: NodeJS.ProcessEnv = {}): { env: ReporterEnv; out: () => string } {
  let text = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { env: { stdout, stderr: stdout, env: vars, cwd: ROOT }, out: () => text };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-github-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const byId = (id: string): CaseResult => sampleRun().cases.find((c) => c.id === id)!;

describe('workflow commands', () => {
  it('escape data as the Actions toolkit does: %, CR, LF', () => {
    expect(workflowCommand('notice', {}, '100% done\r\nnext: a, b')).toBe('::notice::100%25 done%0D%0Anext: a, b');
  });

  it('escape properties additionally: `:` and `,`', () => {
    const line = workflowCommand(
      'error',
      { file: 'specs/a,b:c.yaml', line: 3, col: 5, title: '50%: one, two\nthree\r' },
      'm',
    );
    expect(line).toBe('::error file=specs/a%2Cb%3Ac.yaml,line=3,col=5,title=50%25%3A one%2C two%0Athree%0D::m');
  });

  it('annotate a failed case at its spec line, with requirement, message, expected, actual and hint', () => {
    expect(annotation(byId('tcp.mixed'), 'specs/tcp-echo.yaml')).toBe(
      '::error file=specs/tcp-echo.yaml,line=22,col=5,title=FAILED tcp.mixed%3A Leaves digits%2C punctuation & capitals <alone>::' +
        'Only lowercase letters change; "digits" & <punctuation> come back as they were.%0A' +
        'step 1: the reply differs from the expected one at byte 0%0A' +
        'expected: HELLO, WORLD! 123 ~X_Y%0A' +
        'actual:   \\x00\\x1b[31mHELLO]]><script>alert("x")</script>]]>&amp;\uFFFE\\xff\\r\\n```%0A' +
        'hint: Use `upper()` on the whole string | not a hand-made table.',
    );
  });

  it('annotate an errored case as one netgrade could not test; a raw CR or ESC in its message is made inert first', () => {
    expect(annotation(byId('tcp.max-size'), 'specs/tcp-echo.yaml')).toBe(
      '::error file=specs/tcp-echo.yaml,line=56,col=5,title=ERROR tcp.max-size%3A Answers a 1024-byte sentence in full::' +
        'A sentence of 1024 lowercase letters in one write is answered with the same 1024 letters upper-cased.%0A' +
        'netgrade could not test this case: variable "size" is not a number:\\x0d\\x1b[2J 12x',
    );
  });

  it('give GitHub Classroom the score in the two notices it reads', () => {
    expect(classroomLines(7, 10)).toEqual([
      '::notice title=Autograding complete::Points 7/10',
      '::notice title=Autograding report::{"totalPoints":7,"maxPoints":10}',
    ]);
  });
});

describe('Markdown', () => {
  it('shows server text literally: HTML, backticks, pipes and backslashes escaped, controls inert', () => {
    expect(mdText('<script>a|b</script> `x` & \\x00 *y*\x1b')).toBe(
      '&lt;script&gt;a\\|b&lt;/script&gt; \\`x\\` &amp; \\\\x00 \\*y\\*\\\\x1b',
    );
  });

  it('fences a code block with more backticks than any run inside, so ``` cannot close it', () => {
    expect(codeBlock('a ``` b\n````')).toBe('`````text\na ``` b\n````\n`````\n');
    expect(codeBlock('plain')).toBe('```text\nplain\n```\n');
  });
});

describe('the reporter', () => {
  it('prints annotations for failed and errored cases, then the Classroom notices; appends the summary', async () => {
    const summary = path.join(tmp, 'summary.md');
    writeFileSync(summary, 'written by an earlier tool\n');
    const { env, out } = captureEnv({ GITHUB_STEP_SUMMARY: summary });
    await githubReporter(env).onRunEnd(sampleRun());
    expect(out().split('\n')).toEqual([
      annotation(byId('tcp.mixed')),
      annotation(byId('tcp.max-size')),
      ...classroomLines(1, 4),
      '',
    ]);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('written by an earlier tool\n')).toBe(true);
    expectGolden('github-summary.md', text.slice('written by an earlier tool\n'.length));
  });

  it('writes no summary when GITHUB_STEP_SUMMARY is not set', async () => {
    const { env, out } = captureEnv({});
    await githubReporter(env).onRunEnd(sampleRun());
    expect(out()).toContain('::notice title=Autograding complete::Points 1/4');
  });

  it('keeps the summary under 1 MiB however much a run produces, and says what it left out', async () => {
    const huge = 'A'.repeat(200_000); // one string, shared by every case
    const template = byId('tcp.mixed');
    const cases: CaseResult[] = Array.from({ length: 3000 }, (_, i) => ({
      ...template,
      status: 'failed' as const,
      id: `big.${i}`,
      failure: { ...template.failure!, actual: huge },
    }));
    const run: RunResult = { ...sampleRun(), cases };
    const summary = path.join(tmp, 'huge.md');
    const { env, out } = captureEnv({ GITHUB_STEP_SUMMARY: summary });
    await githubReporter(env).onRunEnd(run);
    const lines = out().trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(10);
    expect(lines.at(-3)).toBe(
      '::notice title=netgrade::2990 more cases failed; GitHub shows 10 annotations per step: the job summary and the reports list them all',
    );
    expect(lines[0]).toContain(
      `actual:   ${'A'.repeat(1024)}… (198976 more characters; the JUnit and JSON reports have them all)%0Ahint:`,
    );
    const size = statSync(summary).size;
    expect(size).toBeLessThan(MiB);
    expect(size).toBeGreaterThan(MiB - 64 * 1024);
    const text = readFileSync(summary, 'utf8');
    expect(text).toContain('A'.repeat(4096) + '… (195904 more characters; the JUnit and JSON reports have them all)');
    expect(text).toMatch(
      /> \*\*Summary cut short:\*\* a job summary holds at most 1 MiB; 0 table rows and \d+ failure details are left out\. The JUnit and JSON reports have every case\.\n$/,
    );
  });

  it('counts what the step summary file already holds', async () => {
    const summary = path.join(tmp, 'full.md');
    const left = 600;
    writeFileSync(summary, 'x'.repeat(SUMMARY_LIMIT - left));
    expect(Buffer.byteLength(jobSummary(sampleRun()))).toBeGreaterThan(left); // so it has to be cut
    const { env } = captureEnv({ GITHUB_STEP_SUMMARY: summary });
    await githubReporter(env).onRunEnd(sampleRun());
    expect(statSync(summary).size).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(readFileSync(summary, 'utf8')).toMatch(/^x+## netgrade: 1\/4 points\n[^]*Summary cut short[^]*\n$/);
  });

  it('is on by default when GITHUB_ACTIONS=true, next to the console reporter', async () => {
    const { env, out } = captureEnv({ GITHUB_ACTIONS: 'true' });
    const code = await runCommand(
      ['tcp-echo'],
      { host: '127.0.0.1', port: [], set: [], reporter: [], reference: true },
      env,
      new AbortController().signal,
    );
    expect(code).toBe(0);
    expect(out()).toMatch(/^Score: (\d+)\/\1 points/m);
    expect(out()).toMatch(/^::notice title=Autograding report::\{"totalPoints":(\d+),"maxPoints":\1\}$/m);
  });

  it('is off by default elsewhere', async () => {
    const { env, out } = captureEnv({});
    await runCommand(
      ['tcp-echo'],
      { host: '127.0.0.1', port: [], set: [], reporter: [], reference: true },
      env,
      new AbortController().signal,
    );
    expect(out()).not.toContain('::notice');
  });
});

// ---- scripts/ci-grade.sh ----------------------------------------------------

const CLI = path.join(ROOT, 'dist/src/cli.js');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script in `cwd` with netgrade from dist/ and no GitHub variables of the outer CI. */
async function ciGrade(cwd: string, vars: Record<string, string>): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NETGRADE_CMD: `${process.execPath} ${CLI}`, ...vars };
  delete env.GITHUB_ACTIONS;
  delete env.GITHUB_STEP_SUMMARY;
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [path.join(ROOT, 'scripts/ci-grade.sh')], {
      cwd,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function expectWellFormed(file: string): void {
  const xml = readFileSync(file, 'utf8');
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="netgrade"')).toBe(true);
  if (hasXmllint) expect(spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' }).stderr).toBe('');
}

/** A port that was free a moment ago (bound to 0, then closed). */
function freePort(): Promise<number> {
  const server = net.createServer();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

describe('scripts/ci-grade.sh', () => {
  beforeAll(() => {
    const junitJs = path.join(ROOT, 'dist/src/report/junit.js');
    if (!existsSync(CLI) || !existsSync(junitJs))
      throw new Error(`${CLI} or ${junitJs} is missing: build first (npx tsc -p tsconfig.json)`);
  });

  it('grades the reference server: exit 0, and a well-formed reports/junit.xml', async () => {
    const ref = await startReference({ ports: { udp: 0, tcp: 0 } });
    const cwd = mkdtempSync(path.join(tmp, 'ok-'));
    try {
      const r = await ciGrade(cwd, {
        NETGRADE_PORTS: `udp=${ref.ports.udp} tcp=${ref.ports.tcp}`,
        NETGRADE_SPECS: 'udp-echo tcp-echo',
        NETGRADE_REPORTERS: 'console junit=reports/junit.xml json=reports/report.json',
      });
      expect(r.stderr).toContain(`ci-grade: tcp port ${ref.ports.tcp} is ready`);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Score: (\d+)\/\1 points/m);
      expectWellFormed(path.join(cwd, 'reports/junit.xml'));
      expect(readFileSync(path.join(cwd, 'reports/junit.xml'), 'utf8')).toMatch(
        /<testsuites name="netgrade" tests="\d+" failures="0" errors="0"/,
      );
      expect(JSON.parse(readFileSync(path.join(cwd, 'reports/report.json'), 'utf8')).summary.failed).toBe(0);
    } finally {
      await ref.close();
    }
  });

  it('waits for a server that starts late', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(path.join(tmp, 'late-'));
    const running = ciGrade(cwd, {
      NETGRADE_PORTS: `tcp=${port}`,
      NETGRADE_SPECS: 'tcp-echo',
      NETGRADE_REPORTERS: 'junit=reports/junit.xml',
    });
    await new Promise((r) => setTimeout(r, 800));
    const ref = await startReference({ ports: { tcp: port } });
    try {
      const r = await running;
      expect(r.stderr).toContain(`ci-grade: tcp port ${port} is ready`);
      expect(r.code).toBe(0);
    } finally {
      await ref.close();
    }
  });

  it('runs netgrade anyway when nothing starts, so the report says so, and exits 1', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(path.join(tmp, 'dead-'));
    const r = await ciGrade(cwd, {
      NETGRADE_PORTS: `tcp=${port}`,
      NETGRADE_SPECS: 'tcp-echo',
      NETGRADE_REPORTERS: 'junit=reports/junit.xml',
      NETGRADE_WAIT_SECONDS: '1',
    });
    expect(r.stderr).toContain(
      `ci-grade: nothing bound to tcp port ${port} on 127.0.0.1 after 1 s: did the server start? (running netgrade anyway)`,
    );
    expect(r.code).toBe(1);
    const xml = readFileSync(path.join(cwd, 'reports/junit.xml'), 'utf8');
    expect(xml).toContain(`nothing is listening on 127.0.0.1:${port}/tcp: is your server running on that port?`);
    expectWellFormed(path.join(cwd, 'reports/junit.xml'));
  });

  it('refuses a malformed port list with exit 2', async () => {
    const r = await ciGrade(tmp, { NETGRADE_PORTS: 'tcp:12000' });
    expect(r).toMatchObject({ code: 2, stderr: 'ci-grade: NETGRADE_PORTS: "tcp:12000" is not service=port\n' });
  });
});

describe('docs/classroom-workflow.yml', () => {
  // What education/autograding-grading-reporter reads: a check run named after the job
  // (Classroom's template job id), checks: write, GITHUB_TOKEN, and <ID>_RESULTS per runner.
  it("is the workflow Classroom expects: job, permissions, the action's result wired to the grading reporter", () => {
    const wf = parse(readFileSync(path.join(ROOT, 'docs/classroom-workflow.yml'), 'utf8'));
    expect(wf.name).toBe('Autograding Tests');
    expect(wf.permissions).toMatchObject({ checks: 'write', actions: 'read', contents: 'read' });
    const job = wf.jobs['run-autograding-tests'];
    expect(job.name).toBeUndefined(); // the check run is named by the job id
    const steps: Array<Record<string, any>> = job.steps;
    const uses = (name: string) => steps.find((s) => String(s.uses ?? '').startsWith(`${name}@`));
    expect(uses('actions/checkout')).toBeDefined();
    const grader = steps.find((s) => /\/netgrade@/.test(String(s.uses ?? '')))!;
    expect(grader.id).toBe('netgrade');
    expect(grader.with).toMatchObject({
      specs: expect.any(String),
      start: expect.stringContaining('{port:tcp}'),
      'fail-on-failure': 'false',
    });
    const reporter = uses('education/autograding-grading-reporter')!;
    const runners = String(reporter.with.runners)
      .split(',')
      .map((r) => r.trim());
    expect(runners).toEqual(['netgrade']);
    for (const id of runners)
      expect(reporter.env[`${id.toUpperCase()}_RESULTS`]).toBe(`\${{ steps.${id}.outputs.result }}`);
    expect(reporter.env.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(steps.indexOf(reporter)).toBe(steps.length - 1);
    expect(uses('actions/upload-artifact')).toMatchObject({ if: 'always()', with: { path: 'netgrade-reports/' } });
  });
});

describe('the job summary when the server was the problem', () => {
  it('puts the banner first, with the stderr tail, and details only the case the server died in', async () => {
    const { crashedRun } = await import('../fixtures/console/crashed.js');
    const text = jobSummary(crashedRun());
    const [head, rest] = text.split('### tcp-echo');
    expect(head).toContain(
      '> [!CAUTION]\n> **Your server crashed:** the server exited with code 1 during tcp.empty\n> command: `python3 server.py 40123`\n> 3 checks could not pass because of this: tcp.closes, tcp.sequential, tcp.max-size\n',
    );
    expect(head).toContain('Last 15 lines of its stderr:\n\n```text\nline 28 of the log: served a client\n');
    expect(head).toContain('ZeroDivisionError: division by zero\n```\n');
    expect([...rest.matchAll(/^#### (.*)$/gm)].map((m) => m[1])).toEqual(['❌ tcp.empty: Title of tcp.empty']);
  });

  it('annotates the banner once, and only the case it died in besides', async () => {
    const { crashedRun } = await import('../fixtures/console/crashed.js');
    const { env, out } = captureEnv({});
    await githubReporter(env).onRunEnd(crashedRun());
    const errors = out()
      .split('\n')
      .filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(
      '::error title=netgrade%3A Your server crashed::the server exited with code 1 during tcp.empty%0Acommand: python3 server.py 40123%0Alast lines of its stderr:%0A' +
        [
          'line 36 of the log: served a client',
          'Traceback (most recent call last):',
          '  File "server.py", line 12, in <module>',
          '    handle(conn)',
          '  File "server.py", line 7, in handle',
          '    rate = len(data) / len(sentence)',
          'ZeroDivisionError: division by zero',
        ].reduce((a, l) => `${a}${l}%0A`, 'line 35 of the log: served a client%0A') +
        '3 checks could not pass because of this: tcp.closes, tcp.sequential, tcp.max-size',
    );
    expect(errors[1]).toContain('title=FAILED tcp.empty%3A Title of tcp.empty::');
  });
});
