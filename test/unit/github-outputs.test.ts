// The github reporter's step outputs (points, max-points, Classroom's `result`)
// and where its annotations land relative to GITHUB_WORKSPACE.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotation, annotationFile, classroomResult, githubReporter } from '../../src/report/github.js';
import type { ReporterEnv } from '../../src/report/reporter.js';
import type { CaseResult, RunResult } from '../../src/model/result.js';
import { sampleRun } from '../fixtures/golden/sample-run.js';

function captureEnv(vars: NodeJS.ProcessEnv, cwd: string): { env: ReporterEnv; out: () => string } {
  let text = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { env: { stdout, stderr: stdout, env: vars, cwd }, out: () => text };
}

/** Reads a GITHUB_OUTPUT file of `name=value` lines as the runner does. */
function readOutputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-gh-out-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('step outputs', () => {
  it("writes points, max-points and a base64 result in the grading reporter's shape to GITHUB_OUTPUT", async () => {
    const output = path.join(tmp, 'output-1');
    writeFileSync(output, 'earlier=step\n');
    const { env } = captureEnv({ GITHUB_OUTPUT: output }, tmp);
    await githubReporter(env).onRunEnd(sampleRun());
    const outputs = readOutputs(output);
    expect(outputs.earlier).toBe('step');
    expect(outputs.points).toBe('1');
    expect(outputs['max-points']).toBe('4');
    const decoded = JSON.parse(Buffer.from(outputs.result, 'base64').toString('utf8'));
    expect(decoded).toEqual(classroomResult(sampleRun()));
    expect(decoded.version).toBe(1);
    expect(decoded.status).toBe('fail');
    expect(decoded.max_score).toBe(4);
    // What the grading reporter computes: the sum of test scores over max_score.
    expect(decoded.tests.reduce((n: number, t: { score: number }) => n + t.score, 0)).toBe(1);
    const mixed = decoded.tests.find((t: { name: string }) => t.name.startsWith('tcp.mixed:'));
    expect(mixed).toMatchObject({ status: 'fail', line_no: 22, execution_time: '1.534s', score: 0 });
    expect(mixed.message).toContain(
      'step 1: the reply differs from the expected one at byte 0\nexpected: HELLO, WORLD! 123 ~X_Y\nactual:   \\x00\\x1b[31mHELLO',
    );
    expect(mixed.message).toContain('hint: Use `upper()`');
    expect(decoded.tests.find((t: { name: string }) => t.name.startsWith('tcp.max-size:')).status).toBe('error');
    expect(decoded.tests.find((t: { name: string }) => t.name.startsWith('tcp.basic:'))).toMatchObject({
      status: 'pass',
      score: 1,
    });
  });

  it('says pass when every graded case passed, and leaves out skipped cases worth nothing', () => {
    const run = sampleRun();
    const cases = run.cases.filter((c) => c.status === 'passed' || (c.status === 'skipped' && c.maxPoints === 0));
    const result = classroomResult({ ...run, cases, summary: { ...run.summary, points: 1, maxPoints: 1 } });
    expect(result.status).toBe('pass');
    expect(result.tests.map((t) => t.status)).toEqual(['pass']);
  });

  it('keeps result small enough for the environment variable the workflow passes it in (Linux: 128 KiB)', async () => {
    const template = sampleRun().cases.find((c) => c.id === 'tcp.mixed')!;
    const cases: CaseResult[] = Array.from({ length: 200 }, (_, i) => ({
      ...template,
      status: 'failed' as const,
      id: `big.${i}`,
      failure: { ...template.failure!, actual: 'A'.repeat(50_000) },
    }));
    const output = path.join(tmp, 'output-big');
    const { env } = captureEnv({ GITHUB_OUTPUT: output }, tmp);
    await githubReporter(env).onRunEnd({ ...sampleRun(), cases });
    const { result } = readOutputs(output);
    expect(result.length).toBeLessThanOrEqual(96 * 1024);
    const decoded = JSON.parse(Buffer.from(result, 'base64').toString('utf8'));
    expect(decoded.tests).toHaveLength(200);
    expect(decoded.tests[0].message).toMatch(/^step 1: the reply differs/);
  });

  it('writes no outputs when GITHUB_OUTPUT is not set, and keeps the Points notice', async () => {
    const { env, out } = captureEnv({}, tmp);
    await githubReporter(env).onRunEnd(sampleRun());
    expect(out()).toContain('::notice title=Autograding complete::Points 1/4');
  });
});

describe('annotation paths', () => {
  it('are relative to GITHUB_WORKSPACE, not to the current folder', () => {
    expect(annotationFile('/home/runner/work/repo/repo/tests/my.yaml', '/home/runner/work/repo/repo')).toBe(
      'tests/my.yaml',
    );
  });

  it('are left out for a spec outside the workspace (node_modules elsewhere, a global install)', () => {
    expect(
      annotationFile('/usr/lib/node_modules/netgrade/specs/tcp-echo.yaml', '/home/runner/work/repo/repo'),
    ).toBeUndefined();
    expect(
      annotationFile('/home/runner/work/repo/repo-other/specs/x.yaml', '/home/runner/work/repo/repo'),
    ).toBeUndefined();
    expect(annotationFile(undefined, '/w')).toBeUndefined();
  });

  it('without a file, the annotation names the spec location in its message', () => {
    const c = sampleRun().cases.find((x) => x.id === 'tcp.mixed')!;
    const line = annotation(c);
    expect(line.startsWith('::error title=FAILED tcp.mixed%3A')).toBe(true);
    expect(line).not.toContain('file=');
    expect(line.endsWith('%0Aspec: specs/tcp-echo.yaml:22:5')).toBe(true);
  });

  it('the reporter run from a sub-folder points at the spec by its workspace path; a built-in outside gets no file=', async () => {
    const workspace = path.join(tmp, 'ws');
    mkdirSync(path.join(workspace, 'server', 'tests'), { recursive: true });
    const run = sampleRun();
    const own: RunResult = {
      ...run,
      specs: [{ ...run.specs[0], path: path.join(workspace, 'server', 'tests', 'tcp-echo.yaml') }],
    };
    const a = captureEnv({ GITHUB_WORKSPACE: workspace }, path.join(workspace, 'server'));
    await githubReporter(a.env).onRunEnd(own);
    expect(a.out()).toContain('::error file=server/tests/tcp-echo.yaml,line=22,col=5,');

    const builtin: RunResult = {
      ...run,
      specs: [{ ...run.specs[0], path: path.join(tmp, 'node_modules', 'netgrade', 'specs', 'tcp-echo.yaml') }],
    };
    const b = captureEnv({ GITHUB_WORKSPACE: workspace }, workspace);
    await githubReporter(b.env).onRunEnd(builtin);
    const errors = b
      .out()
      .split('\n')
      .filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(2);
    for (const l of errors) {
      expect(l).not.toContain('file=');
      expect(l).toContain('%0Aspec: specs/tcp-echo.yaml:');
    }
  });
});
