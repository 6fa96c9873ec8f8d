// Figures for `netgrade grade`: 40 submissions, each a copy of the reference
// echo server started with --start, graded with --jobs 1 and --jobs 2. Prints
// wall times, the speed-up, and what a submission costs besides its cases
// (starting its server, waiting for it to listen, stopping it, writing reports).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gradeClass } from '../src/grade/grade.js';
import type { GradeRow } from '../src/grade/gradebook.js';
import { scanFolder } from '../src/grade/roster.js';
import { DEFAULT_PROFILE } from '../src/run/profile.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import { loadSpecs } from '../src/spec/load.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const SUBMISSIONS = 40;

const SERVER = (echo: string) => `import { startTcpEcho, startUdpEcho } from ${JSON.stringify(echo)};
const [udp, tcp] = process.argv.slice(2).map(Number);
await startUdpEcho({ port: udp });
await startTcpEcho({ port: tcp });
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Timing {
  wallMs: number;
  rows: GradeRow[];
  /** Per submission: ms until its server listened, and ms its cases took. */
  readyMs: number[];
  runMs: number[];
}

async function gradeWith(classDir: string, out: string, jobs: number): Promise<Timing> {
  const subs = scanFolder(classDir);
  const started = Date.now();
  const rows = await gradeClass(subs, {
    run: { specs: loadSpecs(['udp-echo', 'tcp-echo']), selection: { tags: ['core'] }, profile: DEFAULT_PROFILE },
    start: 'node {dir}/server.mjs {port:udp} {port:tcp}',
    startTimeoutMs: 10_000,
    limits: DEFAULT_LIMITS,
    submissionTimeoutMs: 120_000,
    out,
    reporters: [{ name: 'json', file: 'report.json' }],
    env: { stdout: new PassThrough(), stderr: process.stderr, env: process.env, cwd: process.cwd() },
    signal: new AbortController().signal,
    jobs,
  });
  const wallMs = Date.now() - started;
  const reports = rows.map(
    (r) =>
      JSON.parse(readFileSync(path.join(out, r.student, 'report.json'), 'utf8')) as {
        summary: { durationMs: number };
        server: { readyMs: number };
      },
  );
  return {
    wallMs,
    rows,
    readyMs: reports.map((r) => r.server.readyMs),
    runMs: reports.map((r) => r.summary.durationMs),
  };
}

export async function gradeBench(): Promise<string[]> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-grade-bench-'));
  try {
    const echo = pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'reference', 'echo.js')).href;
    const classDir = path.join(tmp, 'class');
    for (let i = 1; i <= SUBMISSIONS; i++) {
      const dir = path.join(classDir, `s${String(i).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'server.mjs'), SERVER(echo));
    }
    const one = await gradeWith(classDir, path.join(tmp, 'out-1'), 1);
    const two = await gradeWith(classDir, path.join(tmp, 'out-2'), 2);
    const graded = (t: Timing) => t.rows.filter((r) => r.status === 'graded' && r.points === r.maxPoints).length;
    const total = one.rows.map((r) => r.durationMs);
    const overhead = one.rows.map((r, i) => r.durationMs - one.runMs[i]);
    return [
      `grade: ${SUBMISSIONS} submissions (the reference echo server via --start; udp-echo + tcp-echo, core), ${os.availableParallelism()} cores`,
      `  --jobs 1: ${(one.wallMs / 1000).toFixed(1)} s wall (${graded(one)}/${SUBMISSIONS} full marks)`,
      `  --jobs 2: ${(two.wallMs / 1000).toFixed(1)} s wall (${graded(two)}/${SUBMISSIONS} full marks), speed-up ${(one.wallMs / two.wallMs).toFixed(2)}x`,
      `  per submission (--jobs 1, median): ${median(total)} ms in all = ${median(one.runMs)} ms of cases + ${median(overhead)} ms to start, wait, stop and write reports (listening after ${median(one.readyMs)} ms)`,
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log((await gradeBench()).join('\n'));
