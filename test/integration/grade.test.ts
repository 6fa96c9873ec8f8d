// `netgrade grade` end to end: a small class made here, in a temp folder, with
// a correct server, broken ones, one that never starts, one that crashes and
// one that hangs; the gradebook is checked cell by cell. Then sharding: four
// shards merged equal one unsharded run.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference, type RunningReference } from '../../reference/index.js';
import { csvCell, parseCsv } from '../../src/grade/csv.js';
import { takeShard } from '../../src/grade/roster.js';
import { REPORTERS } from '../../src/report/index.js';
import { cli, ensureBuilt, groupGone, SERVERS } from '../helpers/cli-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-grade-'));
const classDir = path.join(tmp, 'class');
const MINI = pathToFileURL(path.join(SERVERS, 'mini-echo.mjs')).href;
const ECHO = pathToFileURL(path.join(SERVERS, 'echo.mjs')).href;
// A student id that a spreadsheet would run as a formula, with a comma and quotes in it.
const TRICKY = '=HYPERLINK("x"),zoe';

/** What each student handed in: server.mjs, started as `node {dir}/server.mjs UDP TCP`. */
const CLASS: Record<string, string> = {
  alice: `import ${JSON.stringify(ECHO)};`, // the reference server, argv passed through
  bob: `import { serve } from ${JSON.stringify(MINI)};\nserve('newline');`,
  carol: `console.error('SyntaxError: invalid syntax');\nsetInterval(() => {}, 1000);`, // never listens
  dave: `import { serve } from ${JSON.stringify(MINI)};\nserve('crash-later');`, // dies 250 ms after udp.max-size's datagram
  erin: `import { serve } from ${JSON.stringify(MINI)};\nserve('hang');`,
  [TRICKY]: `import { serve } from ${JSON.stringify(MINI)};\nserve('upper');`,
};

// One case at a time per service, so that dave's crash has one culprit; short deadlines for erin.
const COMMON = [
  'udp-echo',
  'tcp-echo',
  '--start',
  'node {dir}/server.mjs {port:udp} {port:tcp}',
  '--timeout',
  '500',
  '--start-timeout',
  '2',
  '--concurrency',
  '1',
];
const ALL =
  'udp.basic udp.mixed udp.sequential udp.two-clients udp.max-size tcp.basic tcp.mixed tcp.closes tcp.sequential tcp.max-size';

const VERSION = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')).version;
/** The gradebook's header row for a run of `specs`. */
const headerFor = (specs: string[]) => [
  'student',
  'points',
  'max',
  ...specs.flatMap((s) => [s, `${s} max`]),
  'status',
  'reason',
  'failed',
  'seed',
  'netgrade version',
];
const HEADER = headerFor(['udp-echo', 'tcp-echo']);
// Numbers only in the score columns; the seed (a number, when the run drew payloads from one) and the port are normalised.
const EXPECTED = [
  HEADER,
  ["'" + TRICKY, '10', '10', '5', '5', '5', '5', 'graded', '', '', 'SEED', VERSION],
  ['alice', '10', '10', '5', '5', '5', '5', 'graded', '', '', 'SEED', VERSION],
  ['bob', '0', '10', '0', '5', '0', '5', 'graded', '', ALL, 'SEED', VERSION],
  [
    'carol',
    '0',
    '10',
    '0',
    '5',
    '0',
    '5',
    'did not start',
    'your server did not start listening on PORT/udp within 2 s',
    ALL,
    'SEED',
    VERSION,
  ],
  [
    'dave',
    '9',
    '10',
    '4',
    '5',
    '5',
    '5',
    'crashed',
    'the server exited with code 1 during udp.max-size; netgrade restarted it 3 of at most 3 times',
    'udp.max-size',
    'SEED',
    VERSION,
  ],
  ['erin', '0', '10', '0', '5', '0', '5', 'graded', '', ALL, 'SEED', VERSION],
];
/** The gradebook's cells with the seed column and port numbers made stable. */
const cells = (csv: string) =>
  parseCsv(csv).map((row, i) =>
    row.map((cell, j) =>
      i > 0 && j === row.length - 2 && /^\d*$/.test(cell) ? 'SEED' : cell.replace(/\d{4,5}\/udp/, 'PORT/udp'),
    ),
  );

const out = path.join(tmp, 'out');
let first: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  ensureBuilt();
  for (const [student, code] of Object.entries(CLASS)) {
    mkdirSync(path.join(classDir, student), { recursive: true });
    writeFileSync(path.join(classDir, student, 'server.mjs'), code + '\n');
  }
  mkdirSync(path.join(classDir, '.git')); // hidden folders are not submissions
  first = await cli(['grade', ...COMMON, '--submissions', classDir, '--out', out, '--jobs', '3', '--seed', '11']);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Json {
  cases: Array<{ id: string; status: string; points: number; message?: string }>;
  server?: { status: string; message?: string; pid: number };
}
const reportOf = (dir: string, folder: string) =>
  JSON.parse(readFileSync(path.join(dir, folder, 'report.json'), 'utf8')) as Json;

describe('grading a class', () => {
  it('exits 0, prints a plain line per submission (no TTY) and a summary', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n');
    const perStudent = lines
      .filter((l) => /^\[\d\/6\] /.test(l))
      .map((l) => l.replace(/^\[\d\/6\] /, '').replace(/ +\(\d+\.\d s\)$/, ''));
    expect(perStudent.sort()).toStrictEqual(
      [
        `${TRICKY}  10/10`,
        'alice  10/10',
        'bob  0/10',
        'carol  0/10  did not start',
        'dave  9/10  crashed',
        'erin  0/10',
      ].sort(),
    );
    expect(first.stdout).toMatch(/^6 submissions in \d+\.\d s: (\d [a-z ]+(, )?){3}$/m);
    expect(first.stdout).toContain('4 graded');
    expect(first.stdout).toContain('1 crashed');
    expect(first.stdout).toContain('1 did not start');
    const summary = first.stdout.slice(first.stdout.indexOf('Scores:'));
    expect(summary.split('\n')).toStrictEqual([
      'Scores:',
      '     0-9%  ██████████████████████████████ 3',
      ...['10-19%', '20-29%', '30-39%', '40-49%', '50-59%', '60-69%', '70-79%', '80-89%'].map((b) => `   ${b}   0`),
      '   90-99%  ██████████ 1',
      '     100%  ████████████████████ 2',
      '',
      'Most failed checks:',
      '  udp.max-size     4 of 6',
      ...[
        'tcp.basic',
        'tcp.closes',
        'tcp.max-size',
        'tcp.mixed',
        'tcp.sequential',
        'udp.basic',
        'udp.mixed',
        'udp.sequential',
        'udp.two-clients',
      ].map((id) => `  ${id.padEnd(15)}  3 of 6`),
      '',
      `gradebook: ${out}/gradebook.csv`,
      'seed: 11 (--seed 11 sends every submission the same payloads again)',
      '',
    ]);
    // One seed for the class: every student's report carries it.
    const folders = ['alice', 'bob', 'carol', 'dave', 'erin', '_HYPERLINK__x___zoe'];
    expect(folders.map((f) => (reportOf(out, f) as { seed?: number }).seed)).toStrictEqual(folders.map(() => 11));
  });

  it('gradebook.csv, cell by cell', () => {
    const csv = readFileSync(path.join(out, 'gradebook.csv'), 'utf8');
    expect(cells(csv)).toStrictEqual(EXPECTED);
    // Quoted because of the comma and quotes, and defused with a leading single quote.
    expect(csv.split('\r\n')[1]).toMatch(
      new RegExp(`^"'=HYPERLINK\\(""x""\\),zoe",10,10,5,5,5,5,graded,,,\\d*,${VERSION.replace(/\./g, '\\.')}$`),
    );
  });

  it('grades.json says why a submission was not graded', () => {
    const book = JSON.parse(readFileSync(path.join(out, 'grades.json'), 'utf8')) as {
      rows: Array<{ student: string; message?: string }>;
    };
    const messages = Object.fromEntries(book.rows.map((r) => [r.student, r.message?.replace(/\d{4,5}/, 'PORT')]));
    expect(messages).toStrictEqual({
      [TRICKY]: undefined,
      alice: undefined,
      bob: undefined,
      carol: 'your server did not start listening on PORT/udp within 2 s',
      dave: 'the server exited with code 1 during udp.max-size; netgrade restarted it 3 of at most 3 times',
      erin: undefined,
    });
  });

  it('a report folder per student: report.json with the server record, junit.xml and report.html when those reporters exist', () => {
    for (const folder of ['alice', 'bob', 'carol', 'dave', 'erin', '_HYPERLINK__x___zoe']) {
      expect(existsSync(path.join(out, folder, 'report.json')), folder).toBe(true);
      expect(existsSync(path.join(out, folder, 'junit.xml')), folder).toBe('junit' in REPORTERS);
      expect(existsSync(path.join(out, folder, 'report.html')), folder).toBe('html' in REPORTERS);
    }
    expect(reportOf(out, 'carol').server?.status).toBe('did not start');
    const dave = reportOf(out, 'dave');
    expect(dave.server?.status).toBe('crashed');
    expect(dave.cases.find((c) => c.id === 'udp.max-size')?.message).toBe(
      'your server crashed during this case: the server exited with code 1',
    );
    expect(reportOf(out, 'bob').cases.find((c) => c.id === 'tcp.basic')?.message).toMatch(/"\\n"/);
  });

  it('leaves no server process behind', async () => {
    const pids = ['alice', 'bob', 'carol', 'dave', 'erin', '_HYPERLINK__x___zoe'].map(
      (f) => reportOf(out, f).server?.pid ?? 0,
    );
    expect(pids.every((pid) => pid > 0)).toBe(true);
    expect(await Promise.all(pids.map((pid) => groupGone(pid)))).toStrictEqual(pids.map(() => 'ESRCH'));
  });
});

describe('one submission cannot hold up the class', () => {
  it('--submission-timeout ends a hanging submission, which is "timed out"', async () => {
    const dir = path.join(tmp, 'slow');
    mkdirSync(path.join(dir, 'erin'), { recursive: true });
    writeFileSync(path.join(dir, 'erin', 'server.mjs'), CLASS.erin);
    const o = path.join(tmp, 'slow-out');
    const r = await cli([
      'grade',
      'tcp-echo',
      '--start',
      'node {dir}/server.mjs - {port:tcp}',
      '--timeout',
      '20000',
      '--submission-timeout',
      '1.5',
      '--submissions',
      dir,
      '--out',
      o,
    ]);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
    expect(cells(readFileSync(path.join(o, 'gradebook.csv'), 'utf8'))[1]).toStrictEqual([
      'erin',
      '0',
      '5',
      '0',
      '5',
      'timed out',
      'the submission did not finish within 1.5 s',
      'tcp.basic tcp.mixed tcp.closes tcp.sequential tcp.max-size',
      'SEED',
      VERSION,
    ]);
    const messages = new Set(
      reportOf(o, 'erin')
        .cases.filter((c) => c.status !== 'skipped')
        .map((c) => c.message),
    );
    expect(messages).toStrictEqual(new Set(['the submission did not finish within 1.5 s (--submission-timeout)']));
  }, 30_000);
});

describe('a roster', () => {
  let running: RunningReference;
  beforeAll(async () => {
    running = await startReference({ ports: { tcp: 0 } });
  });
  afterAll(() => running.close());

  it('CSV: a running server at host:port, and a start command of its own with a quoted comma', async () => {
    const roster = path.join(tmp, 'roster.csv');
    const echo = path.join(SERVERS, 'echo.mjs');
    writeFileSync(
      roster,
      `student,folder,command,target\r\nran,,,127.0.0.1:${running.ports.tcp}\r\nown,class/alice,"node ${echo} - {port:tcp} --x,y",\r\nnone,class/alice,,\r\n`,
    );
    const o = path.join(tmp, 'roster-out');
    const r = await cli(['grade', 'tcp-echo', '--roster', roster, '--out', o]);
    expect(r.code).toBe(0);
    expect(cells(readFileSync(path.join(o, 'gradebook.csv'), 'utf8'))).toStrictEqual([
      headerFor(['tcp-echo']),
      [
        'none',
        '0',
        '5',
        '0',
        '5',
        'did not start',
        'no start command (give --start or a start column in the roster)',
        'tcp.basic tcp.mixed tcp.closes tcp.sequential tcp.max-size',
        'SEED',
        VERSION,
      ],
      ['own', '5', '5', '5', '5', 'graded', '', '', 'SEED', VERSION],
      ['ran', '5', '5', '5', '5', 'graded', '', '', 'SEED', VERSION],
    ]);
    expect(reportOf(o, 'ran').server).toBeUndefined();
    const none = JSON.parse(readFileSync(path.join(o, 'grades.json'), 'utf8')).rows[0];
    expect(none.message).toBe('no start command (give --start or a start column in the roster)');
  });

  it('YAML, and a usage error for a student listed twice', async () => {
    const roster = path.join(tmp, 'roster.yaml');
    writeFileSync(
      roster,
      `- student: ran\n  target: "127.0.0.1:${running.ports.tcp}"\n- student: ran\n  target: "127.0.0.1:1"\n`,
    );
    const r = await cli(['grade', 'tcp-echo', '--roster', roster, '--out', path.join(tmp, 'yaml-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`netgrade: --roster ${roster}: student "ran" is listed twice\n`);
  });
});

describe('sharding', () => {
  it('--shard i/n: disjoint, covering, every n-th by student id', () => {
    const subs = ['e', 'a', 'd', 'b', 'c'].map((student) => ({ student }));
    const shards = [1, 2, 3].map((index) => takeShard(subs, { index, count: 3 }).map((s) => s.student));
    expect(shards).toStrictEqual([['a', 'd'], ['b', 'e'], ['c']]);
  });

  it('4 shards merged equal one unsharded run (times and ports aside)', async () => {
    const shardDirs = [1, 2, 3, 4].map((i) => path.join(tmp, `shard-${i}`));
    const runs = await Promise.all(
      shardDirs.map((o, i) =>
        cli([
          'grade',
          ...COMMON,
          '--submissions',
          classDir,
          '--out',
          o,
          '--shard',
          `${i + 1}/4`,
          '--jobs',
          '2',
          '--seed',
          '11',
        ]),
      ),
    );
    expect(runs.map((r) => r.code)).toStrictEqual([0, 0, 0, 0]);
    const merged = path.join(tmp, 'merged');
    const m = await cli(['merge', ...shardDirs, '--out', merged]);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^6 submissions: /);

    // The reason names carol's port, which differs between runs.
    expect(cells(readFileSync(path.join(merged, 'gradebook.csv'), 'utf8'))).toStrictEqual(
      cells(readFileSync(path.join(out, 'gradebook.csv'), 'utf8')),
    );
    const normal = (dir: string) => {
      const book = JSON.parse(readFileSync(path.join(dir, 'grades.json'), 'utf8'));
      return {
        ...book,
        rows: book.rows.map((r: { durationMs: number; message?: string }) => ({
          ...r,
          durationMs: 0,
          message: r.message?.replace(/\d{4,5}\/udp/, 'PORT/udp'),
        })),
      };
    };
    expect(normal(merged)).toStrictEqual(normal(out));
    const cases = (dir: string, folder: string) =>
      reportOf(dir, folder).cases.map((c) => [
        c.id,
        c.status,
        c.points,
        c.message?.replace(/\d{4,5}\/(udp|tcp)/, 'PORT/$1'),
      ]);
    for (const folder of ['alice', 'bob', 'carol', 'dave', 'erin', '_HYPERLINK__x___zoe'])
      expect(cases(merged, folder), folder).toStrictEqual(cases(out, folder));
  }, 60_000);

  it('merge refuses a student found in two shards', async () => {
    const copy = path.join(tmp, 'shard-1-copy');
    cpSync(path.join(tmp, 'shard-1'), copy, { recursive: true });
    const r = await cli(['merge', path.join(tmp, 'shard-1'), copy, '--out', path.join(tmp, 'bad-merge')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netgrade: merge: student ".+" is in both .*shard-1 and .*shard-1-copy\n$/);
  });
});

describe('CSV cells', () => {
  it('escape quotes, commas and line breaks, and defuse formulas', () => {
    expect(
      ['plain', 'a,b', 'say "hi"', 'two\nlines', '=1+1', '+1', '-1', '@SUM(A1)', 3, '3'].map(csvCell),
    ).toStrictEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', "'=1+1", "'+1", "'-1", "'@SUM(A1)", '3', '3']);
    expect(parseCsv('a,"b,c","d""e"\r\n"x\ny",,z\n')).toStrictEqual([
      ['a', 'b,c', 'd"e'],
      ['x\ny', '', 'z'],
    ]);
  });
});
