// action.yml's steps run the way a runner runs a composite action: each `run`
// step through `bash --noprofile --norc -eo pipefail`, its `${{ }}` expressions
// filled in from the inputs, with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
// GITHUB_WORKSPACE files and folders of a temp dir. (`uses` steps are
// GitHub's own, e.g. setup-node, and are not run here.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVERS } from '../helpers/cli-process.js';

const ROOT = path.join(import.meta.dirname, '../..');
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

interface Step {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

/** `${{ inputs.x }}` and `${{ github.action_path }}`, the only expressions the run steps use. */
function expand(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'github.action_path') return ROOT;
    if (expr.startsWith('inputs.')) {
      const name = expr.slice('inputs.'.length);
      if (!(name in inputs)) throw new Error(`action.yml uses an undeclared input: ${name}`);
      return inputs[name];
    }
    throw new Error(`expression not handled by this test: ${expr}`);
  });
}

interface Ran {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs every `run` step in order, as a runner would, in a workspace; stops at the first failing step. */
function runAction(workspace: string, given: Record<string, string>): Ran {
  const inputs: Record<string, string> = Object.fromEntries(
    Object.entries(action.inputs as Record<string, { default?: string }>).map(([k, v]) => [k, v.default ?? '']),
  );
  Object.assign(inputs, given);
  const runner = path.join(workspace, '..', `runner-${Math.random().toString(36).slice(2)}`);
  mkdirSync(runner);
  const summaryFile = path.join(runner, 'step_summary');
  let stdout = '';
  let code: number | null = 0;
  const outputs: Record<string, string> = {};
  for (const step of action.runs.steps as Step[]) {
    if (!step.run) continue;
    expect(step.shell).toBe('bash');
    const outputFile = path.join(runner, `output-${step.id ?? 'step'}`);
    writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|GITHUB_)/i.test(k))),
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      NO_COLOR: '1',
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), inputs)])),
    };
    const cwd = path.resolve(workspace, expand(step['working-directory'] ?? '.', inputs));
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run, inputs)], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    stdout += r.stdout;
    if (step.id) {
      for (const line of readFileSync(outputFile, 'utf8').split('\n').filter(Boolean))
        outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
    code = r.status;
    if (code !== 0) break;
  }
  const declared = action.outputs as Record<string, { value: string }>;
  const values = Object.fromEntries(
    Object.entries(declared).map(([k, v]) => [k, outputs[/steps\.grade\.outputs\.([\w-]+)/.exec(v.value)![1]]]),
  );
  return {
    code,
    stdout,
    outputs: values as Record<string, string>,
    summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
  };
}

let tmp: string;
let workspace: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-action-'));
  workspace = path.join(tmp, 'student-repo');
  mkdirSync(path.join(workspace, 'server', 'tests'), { recursive: true });
  copyFileSync(path.join(SERVERS, 'mini-echo.mjs'), path.join(workspace, 'server', 'server.mjs'));
  // A course's own spec inside the repository: its annotations land on it.
  writeFileSync(
    path.join(workspace, 'server', 'tests', 'own.yaml'),
    readFileSync(path.join(ROOT, 'specs', 'tcp-echo.yaml'), 'utf8')
      .replace(/^name: tcp-echo$/m, 'name: own-tcp')
      .replace(/id: tcp\./g, 'id: own.'),
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('action.yml', () => {
  it('declares the inputs and outputs the docs name', () => {
    for (const i of ['specs', 'start', 'tags', 'profile', 'seed', 'limit-memory', 'working-directory', 'junit', 'html'])
      expect(Object.keys(action.inputs)).toContain(i);
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['points', 'max-points', 'result']));
    expect(action.runs.using).toBe('composite');
  });

  it('a passing server: exit 0, outputs points/max-points/result, a job summary, JUnit and HTML in the working directory', () => {
    const r = runAction(workspace, {
      specs: 'udp-echo tcp-echo',
      start: 'node server.mjs upper {port:udp} {port:tcp}',
      'working-directory': 'server',
    });
    expect(r.code).toBe(0);
    expect(r.outputs.points).toBe('10');
    expect(r.outputs['max-points']).toBe('10');
    const result = JSON.parse(Buffer.from(r.outputs.result, 'base64').toString('utf8'));
    expect(result).toMatchObject({ version: 1, status: 'pass', max_score: 10 });
    expect(result.tests).toHaveLength(10);
    expect(r.summary).toContain('## netgrade: 10/10 points');
    expect(r.stdout).toContain('::notice title=Autograding complete::Points 10/10');
    expect(readFileSync(path.join(workspace, 'server', 'netgrade-reports', 'junit.xml'), 'utf8')).toContain(
      '<testsuite name="udp-echo"',
    );
    expect(existsSync(path.join(workspace, 'server', 'netgrade-reports', 'report.html'))).toBe(true);
  });

  it('a failing server: the step fails, annotations land on the workspace spec and not on a built-in, outputs still set', () => {
    const r = runAction(workspace, {
      specs: 'tcp-echo tests/own.yaml',
      start: 'node server.mjs newline - {port:tcp}',
      'working-directory': 'server',
      html: '',
    });
    expect(r.code).toBe(1);
    expect(r.outputs.points).toBe('0');
    expect(r.outputs['max-points']).toBe('10');
    expect(JSON.parse(Buffer.from(r.outputs.result, 'base64').toString('utf8')).status).toBe('fail');
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors.some((l) => l.startsWith('::error file=server/tests/own.yaml,line='))).toBe(true);
    // tcp-echo is netgrade's own spec, outside the student's repository: no file= that could land on theirs.
    const builtin = errors.filter((l) => l.includes('title=FAILED tcp.'));
    expect(builtin.length).toBeGreaterThan(0);
    for (const l of builtin) expect(l).not.toContain('file=');
  });

  it('fail-on-failure: false keeps the step green and the score in the outputs', () => {
    const r = runAction(workspace, {
      specs: 'tcp-echo',
      start: 'node server.mjs newline - {port:tcp}',
      'working-directory': 'server',
      'fail-on-failure': 'false',
      html: '',
      junit: '',
    });
    expect(r.code).toBe(0);
    expect(r.outputs.points).toBe('0');
    expect(r.outputs['exit-code']).toBe('1');
  });

  it("limit-memory reaches the started server as its address-space limit; empty keeps netgrade's 2048 MB", () => {
    const start = `sh -c 'echo "address space: $(ulimit -v) KiB" >&2; exit 1'`;
    const given = (extra: Record<string, string>) =>
      runAction(workspace, { specs: 'tcp-echo', start, 'working-directory': 'server', html: '', junit: '', ...extra });
    expect(given({ 'limit-memory': '3000' }).stdout).toContain(`address space: ${3000 * 1024} KiB`);
    expect(given({}).stdout).toContain(`address space: ${2048 * 1024} KiB`);
  });

  it('a usage error fails the step whatever fail-on-failure says', () => {
    const r = runAction(workspace, {
      specs: 'no-such-spec',
      start: 'node server.mjs upper {port:udp} {port:tcp}',
      'working-directory': 'server',
      'fail-on-failure': 'false',
    });
    expect(r.code).toBe(2);
  });
});
