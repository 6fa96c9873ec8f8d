// The JUnit reporter: status → element mapping, golden output, and well-formed
// XML whatever bytes a real server sends.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdataText, JUNIT_ELEMENT, junitReporter, junitXml, xmlText } from '../../src/report/junit.js';
import type { CaseResult, CaseStatus, RunResult } from '../../src/model/result.js';
import { run } from '../../src/run/run.js';
import { loadSpecs } from '../../src/spec/load.js';
import { normalise, sampleRun } from '../fixtures/golden/sample-run.js';

const GOLDEN = path.join(import.meta.dirname, '../fixtures/golden');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it instead. */
function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** A run of one case with the given status, taken from the sample run. */
function oneCase(status: CaseStatus): RunResult {
  const run = sampleRun();
  return { ...run, cases: run.cases.filter((c: CaseResult) => c.status === status) };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netgrade-junit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('status → JUnit element', () => {
  it('is one table: the server being wrong is a failure, netgrade not testing is an error', () => {
    expect(JUNIT_ELEMENT).toEqual({ passed: undefined, failed: 'failure', errored: 'error', skipped: 'skipped' });
  });

  it.each([
    ['passed', []],
    ['failed', ['failure']],
    ['errored', ['error']],
    ['skipped', ['skipped']],
  ] as const)('a %s case holds exactly %j', (status, elements) => {
    const xml = junitXml(oneCase(status));
    const found = ['failure', 'error', 'skipped'].filter((e) => new RegExp(`<${e}[ >/]`).test(xml));
    expect(found).toEqual(elements);
    const counts = xml.match(
      /<testsuite name="tcp-echo" time="[^"]*" tests="1" failures="(\d)" errors="(\d)" skipped="(\d)"/,
    );
    expect(counts?.slice(1)).toEqual([
      status === 'failed' ? '1' : '0',
      status === 'errored' ? '1' : '0',
      status === 'skipped' ? '1' : '0',
    ]);
  });
});

describe('XML text', () => {
  it('escapes control characters visibly and keeps U+FFFE/U+FFFF out of the XML', () => {
    expect(xmlText('a\x00b\x1bc\rd\ufffee\uffff')).toBe('a\\x00b\\x1bc\\x0dd\\u{fffe}e\\u{ffff}');
  });

  it('leaves no "]]>" in CDATA text, however many there are', () => {
    expect(cdataText('x]]>y]]>]]>z')).toBe('x]]\\x3ey]]\\x3e]]\\x3ez');
  });
});

describe('golden', () => {
  it('writes the sample run as test/fixtures/golden/junit.xml', () => {
    expectGolden('junit.xml', normalise(junitXml(sampleRun())));
  });

  it('writes the file atomically through the reporter', async () => {
    const file = path.join(tmp, 'sub', 'junit.xml');
    await junitReporter(file).onRunEnd(sampleRun());
    expect(readFileSync(file, 'utf8')).toBe(junitXml(sampleRun()));
  });

  it.skipIf(!hasXmllint)('is well-formed (xmllint)', () => {
    const file = path.join(tmp, 'sample.xml');
    writeFileSync(file, junitXml(sampleRun()));
    expect(() => execFileSync('xmllint', ['--noout', file], { stdio: 'pipe' })).not.toThrow();
  });
});

// A TCP server that answers every sentence with NUL, ESC and two "]]>", then closes.
function startHostileTcp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(Buffer.from('\x00\x1b[2J]]><script>x</script>]]>\xff', 'latin1')));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

describe('a real run against a server that sends NUL, ESC and "]]>"', () => {
  if (!hasXmllint) {
    it.skip('needs xmllint to check the XML (apt-get install libxml2-utils); CI installs it', () => undefined);
    return;
  }

  it('writes a report that xmllint accepts, with the bytes escaped visibly', async () => {
    const server = await startHostileTcp();
    let result: RunResult;
    try {
      result = await run({
        specs: loadSpecs(['tcp-echo']),
        host: '127.0.0.1',
        ports: { tcp: server.port },
        selection: { tags: ['core'] },
        timeoutMs: 1000,
      });
    } finally {
      await server.close();
    }
    expect(result.cases.filter((c) => c.status === 'failed').length).toBeGreaterThan(0);

    const file = path.join(tmp, 'real.xml');
    await junitReporter(file).onRunEnd(result);
    const lint = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
    expect(lint.stderr).toBe('');
    expect(lint.status).toBe(0);

    // What a JUnit consumer reads back: the escapes, never the raw bytes or markup.
    const body = execFileSync(
      'xmllint',
      ['--xpath', 'string(//testcase[starts-with(@name, "tcp.basic:")]/failure)', file],
      { encoding: 'utf8' },
    );
    expect(body).toContain('\\x00\\x1b[2J]]\\x3e<script>x</script>]]\\x3e\\xff');
    expect(body).toMatch(/at tcp\.basic \(specs\/tcp-echo\.yaml:\d+:\d+\)/);
    expect(body).not.toMatch(/[\x00\x1b]/);
  });
});
