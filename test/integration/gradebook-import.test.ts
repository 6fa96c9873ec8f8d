// gradebook.csv opened by a real spreadsheet import (gnumeric's ssconvert,
// headless): every score cell stays a number, none becomes a date, and a
// student id outside ASCII survives, in both the plain and the Excel format.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradebookCsv, writeGradebook, type Gradebook } from '../../src/grade/gradebook.js';

const hasSsconvert = spawnSync('ssconvert', ['--version']).status === 0;
// CI installs gnumeric (.ci/run): there the test must run, never skip.
if (process.env.CI && !hasSsconvert)
  throw new Error('ssconvert (Debian package gnumeric) is missing: .ci/run installs it');

/** Gnumeric's value types (gnumeric's value.h): 40 a number, 60 a string. */
const NUMBER = '40';
const STRING = '60';

interface Cell {
  row: number;
  col: number;
  type: string;
  format?: string;
  text: string;
}

/** Imports a CSV file with ssconvert and reads back each cell with its type. */
function importCsv(file: string): Cell[][] {
  const out = `${file}.gnumeric`;
  const r = spawnSync('ssconvert', ['--export-type=Gnumeric_XmlIO:sax', file, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssconvert failed: ${r.stderr}`);
  const xml = gunzipSync(readFileSync(out)).toString('utf8');
  const grid: Cell[][] = [];
  for (const m of xml.matchAll(
    /<gnm:Cell Row="(\d+)" Col="(\d+)" ValueType="(\d+)"(?: ValueFormat="([^"]*)")?>([^<]*)<\/gnm:Cell>/g,
  )) {
    const cell = {
      row: Number(m[1]),
      col: Number(m[2]),
      type: m[3],
      format: m[4],
      text: m[5]
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"'),
    };
    (grid[cell.row] ??= [])[cell.col] = cell;
  }
  return grid;
}

const BOOK: Gradebook = {
  version: 1,
  specs: ['udp-echo', 'tcp-echo'],
  profile: 'default',
  netgrade: '0.2.0',
  rows: [
    {
      student: 'Zoë Ångström-李',
      status: 'graded',
      points: 7.5,
      maxPoints: 10,
      specs: { 'udp-echo': { points: 5, maxPoints: 5 }, 'tcp-echo': { points: 2.5, maxPoints: 5 } },
      failed: ['tcp.mixed'],
      durationMs: 1,
      seed: 12345,
    },
    {
      student: 'carol',
      status: 'did not start',
      points: 0,
      maxPoints: 10,
      specs: { 'udp-echo': { points: 0, maxPoints: 5 }, 'tcp-echo': { points: 0, maxPoints: 5 } },
      failed: ['udp.basic'],
      message: 'your server did not start listening on 40123/udp within 2 s\nTraceback …',
      durationMs: 1,
      seed: 12345,
    },
    {
      student: 'dave',
      status: 'crashed',
      points: 9,
      maxPoints: 10,
      specs: { 'udp-echo': { points: 4, maxPoints: 5 }, 'tcp-echo': { points: 5, maxPoints: 5 } },
      failed: ['udp.max-size'],
      message: 'the server exited with code 1 during udp.max-size',
      durationMs: 1,
      seed: 12345,
    },
  ],
};

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-gradebook-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gradebook.csv', () => {
  it('has numeric columns per spec and its max, the reason, the seed and the version', () => {
    const lines = gradebookCsv(BOOK).split('\r\n');
    expect(lines[0]).toBe(
      'student,points,max,udp-echo,udp-echo max,tcp-echo,tcp-echo max,status,reason,failed,seed,netgrade version',
    );
    expect(lines[2]).toBe(
      'carol,0,10,0,5,0,5,did not start,your server did not start listening on 40123/udp within 2 s,udp.basic,12345,0.2.0',
    );
    expect(lines[3]).toBe(
      'dave,9,10,4,5,5,5,crashed,the server exited with code 1 during udp.max-size,udp.max-size,12345,0.2.0',
    );
  });

  it('--id-column names the first column; --gradebook-format excel starts with a UTF-8 BOM', () => {
    expect(gradebookCsv(BOOK, { idColumn: 'github_username' }).startsWith('github_username,points,')).toBe(true);
    const excel = gradebookCsv(BOOK, { format: 'excel' });
    expect(Buffer.from(excel, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(excel.slice(1)).toBe(gradebookCsv(BOOK));
  });
});

describe.skipIf(!hasSsconvert)('imported by a spreadsheet (gnumeric ssconvert)', () => {
  for (const format of ['csv', 'excel'] as const) {
    it(`${format}: score cells are numbers, text cells text, the non-ASCII id intact`, () => {
      const dir = path.join(tmp, format);
      writeGradebook(dir, BOOK, { format, idColumn: 'Username' });
      const grid = importCsv(path.join(dir, 'gradebook.csv'));
      expect(grid[0][0]).toMatchObject({ type: STRING, text: 'Username' }); // no BOM left in the header
      const header = grid[0].map((c) => c.text);
      const numeric = ['points', 'max', 'udp-echo', 'udp-echo max', 'tcp-echo', 'tcp-echo max', 'seed'].map((h) =>
        header.indexOf(h),
      );
      expect(numeric).not.toContain(-1);
      for (const row of grid.slice(1)) {
        for (const col of numeric) {
          expect(row[col].type, `${header[col]} of ${row[0].text}`).toBe(NUMBER);
          expect(row[col].format, `${header[col]} of ${row[0].text} has a date format`).toBeUndefined();
        }
      }
      const zoe = grid.find((row) => row[0].text.startsWith('Zo'))!;
      expect(zoe[0]).toMatchObject({ type: STRING, text: 'Zoë Ångström-李' });
      expect(zoe[numeric[0]].text).toBe('7.5');
      expect(zoe[header.indexOf('netgrade version')].type).toBe(STRING);
    });
  }

  it('the check can fail: a "5/5" cell, as gradebooks before 0.2 wrote it, becomes a date', () => {
    const file = path.join(tmp, 'old.csv');
    writeFileSync(file, 'student,udp-echo\r\nalice,5/5\r\n');
    const cell = importCsv(file)[1][1];
    expect(cell.type).toBe(NUMBER);
    expect(cell.format).toMatch(/[dmy]/);
  });
});
