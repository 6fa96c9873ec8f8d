// What a run comes to, as the reporters tell it: the banner and the cases it
// decided, the score's words and the skipped line.
import { describe, expect, it } from 'vitest';
import { summarize, type CaseResult, type RunResult } from '../../src/model/result.js';
import { bannerOf, scoreLine, skippedLine } from '../../src/report/story.js';
import { crashedRun } from '../fixtures/console/crashed.js';

function c(
  id: string,
  spec: string,
  status: CaseResult['status'],
  failure?: CaseResult['failure'],
  recv = false,
): CaseResult {
  const transcript = recv ? [{ t: 1, client: 'main', kind: 'recv' as const, data: 'X', bytes: 1 }] : [];
  return {
    id,
    spec,
    title: id,
    requirement: 'r',
    tags: ['core'],
    location: { file: 'f', line: 1, col: 1 },
    durationMs: 1,
    maxPoints: 1,
    points: status === 'passed' ? 1 : 0,
    transcript,
    status,
    failure,
  } as CaseResult;
}

function result(cases: CaseResult[]): RunResult {
  return {
    version: 1,
    seed: 1,
    target: { host: '127.0.0.1', ports: { udp: 12000, tcp: 12000 } },
    summary: summarize(cases, 5),
    specs: [
      { name: 'udp-echo', title: 'UDP', file: 'specs/udp-echo.yaml', service: 'udp' },
      { name: 'tcp-echo', title: 'TCP', file: 'specs/tcp-echo.yaml', service: 'tcp' },
    ],
    cases,
    profile: { name: 'default', tags: ['core'] },
  };
}

const refused = { message: 'nothing is listening', cause: 'REFUSED' };

describe('bannerOf', () => {
  it('names the services where nothing listens, and decides only their cases', () => {
    const r = result([
      c('udp.basic', 'udp-echo', 'failed', refused),
      c('udp.mixed', 'udp-echo', 'failed', { message: 'not run: the server answered none' }),
      c('tcp.basic', 'tcp-echo', 'passed'),
    ]);
    const b = bannerOf(r)!;
    expect(b.kind).toBe('not listening');
    expect(b.cause).toBe('127.0.0.1 12000/udp refused every connection');
    expect(b.decided.map((x) => x.id)).toEqual(['udp.basic', 'udp.mixed']);
  });

  it('has none when the service answered anything at all', () => {
    expect(
      bannerOf(
        result([
          c('udp.basic', 'udp-echo', 'failed', refused),
          c('udp.mixed', 'udp-echo', 'failed', { message: 'wrong' }, true),
        ]),
      ),
    ).toBeUndefined();
    expect(
      bannerOf(result([c('udp.basic', 'udp-echo', 'failed', refused), c('udp.mixed', 'udp-echo', 'passed')])),
    ).toBeUndefined();
  });

  it('for a crash keeps the case it died in out of the decided ones', () => {
    const b = bannerOf(crashedRun())!;
    expect(b.kind).toBe('crashed');
    expect(b.decided.map((x) => x.id)).toEqual(['tcp.closes', 'tcp.sequential', 'tcp.max-size']);
    expect(b.stderr).toHaveLength(15);
    expect(b.stderrOmitted).toBe(27);
  });
});

describe('the score and skipped lines', () => {
  it('say which tags earn points and what was skipped, with why', () => {
    const skipped = (id: string, tag: string, message: string) => ({
      ...c(id, 'tcp-echo', 'skipped', { message }),
      tags: [tag],
      maxPoints: 0,
    });
    const r = result([
      c('tcp.basic', 'tcp-echo', 'passed'),
      skipped('tcp.utf8', 'unicode', 'not selected: tags unicode (run with --tags unicode or --tags all)'),
      skipped('tcp.empty', 'robust', 'not selected: tags robust (run with --tags robust or --tags all)'),
    ]);
    expect(scoreLine(r)).toBe('Score: 1/1 points (core checks earn points)');
    expect(skippedLine(r)).toBe('2 skipped: unicode, robust; run with --tags all');
    const grep = result([...r.cases, skipped('tcp.mixed', 'core', 'not selected: does not match --grep ^x')]);
    expect(skippedLine(grep)).toBe('3 skipped: 2 tagged unicode, robust (run with --tags all); 1 not matching --grep');
  });
});
