// A Content-Length that disagrees with the body fails the framing rule only: the body rules
// judge the bytes that came before the server closed. So a server whose Content-Length counts
// characters gets the same verdicts in a full run (where other cases stored UTF-8 pairs) as
// each case run alone. Servers bind 127.0.0.1 port 0 and are always closed.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/result.js';
import { run } from '../../src/run/run.js';
import { parseSpec } from '../../src/spec/load.js';
import { runKv } from '../helpers/broken-http.js';
import { charCountingStore } from '../helpers/kv-faults.js';
import { outcomes, passedExcept, type Outcome } from '../helpers/run-spec.js';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** Answers every request with `body` under a Content-Length of `length(body)`, then closes (`closeAfterMs` later). */
async function lyingLengthServer(
  body: string,
  length: (body: string) => number,
  closeAfterMs: number | 'never' = 0,
): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.once('data', () => {
      s.write(
        Buffer.from(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${length(body)}\r\nConnection: close\r\n\r\n${body}`,
          'utf8',
        ),
      );
      if (closeAfterMs !== 'never') setTimeout(() => s.end(), closeAfterMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as net.AddressInfo).port;
}

const SPEC = parseSpec(
  `
name: lying-length
title: A Content-Length that is not the body's
service: http
port: 10000
cases:
  - id: l.status
    title: GET / answers 200
    requirement: GET / answers 200.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { status: 200 }
  - id: l.tail
    title: The body ends in the last pair
    requirement: The body holds its last line.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { body: { contains: "last: pair" } }
  - id: l.equals
    title: The body is the listing
    requirement: The body is the whole listing.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { body: { equals: "ü-1: 한국어\\nlast: pair\\n" } }
  - id: l.content-length
    title: Content-Length counts bytes
    requirement: Content-Length equals the body's length in bytes.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { framing: [content-length] }
`,
  'lying-length.yaml',
);

const LISTING = 'ü-1: 한국어\nlast: pair\n';
const runAgainst = (port: number, only?: string, timeoutMs?: number): Promise<RunResult> =>
  run({
    specs: [SPEC],
    host: '127.0.0.1',
    ports: { http: port },
    timeoutMs,
    selection: { tags: 'all', grep: only ? new RegExp(`^${only.replace('.', '\\.')}$`) : undefined },
  });
const lengthFailure = (said: number, came: number): Outcome => ({
  status: 'failed',
  message: `Content-Length says ${said} but the body that came before close is ${came} bytes`,
  stepLabel: 'step 1',
});

describe('a Content-Length that disagrees with the body, then a close', () => {
  it('counting characters fails only the framing rule; the body rules judge every byte that came before the close', async () => {
    const port = await lyingLengthServer(LISTING, (b) => b.length);
    const full = await runAgainst(port);
    const [said, came] = [LISTING.length, Buffer.byteLength(LISTING)];
    expect(came - said).toBe(7);
    expect(outcomes(full)).toEqual(passedExcept(full, { 'l.content-length': lengthFailure(said, came) }));
    // Alone, each case gets the verdict it got among the others.
    for (const c of full.cases)
      expect(outcomes(await runAgainst(port, c.id))[c.id], c.id).toEqual(outcomes(full)[c.id]);
  });

  it('a close that comes 300 ms after the extra bytes gets the same verdicts as one that comes at once', async () => {
    const [atOnce, later] = [
      await lyingLengthServer(LISTING, (b) => b.length),
      await lyingLengthServer(LISTING, (b) => b.length, 300),
    ];
    expect(outcomes(await runAgainst(later))).toEqual(outcomes(await runAgainst(atOnce)));
  });

  it('a server that never closes is read on for a second at most, not to the step deadline', async () => {
    const port = await lyingLengthServer(LISTING, (b) => b.length, 'never');
    const full = await runAgainst(port, undefined, 6000);
    expect(outcomes(full)['l.content-length']).toEqual({
      status: 'failed',
      message: `Content-Length says ${LISTING.length} but 7 more bytes came right after that body`,
      stepLabel: 'step 1',
    });
    for (const c of full.cases) expect(c.durationMs, c.id).toBeLessThan(2500);
  });

  it('a Content-Length larger than what came fails the framing rule; the body rules judge what came', async () => {
    const port = await lyingLengthServer(LISTING, (b) => Buffer.byteLength(b) + 5);
    const full = await runAgainst(port);
    const failure: Outcome = {
      status: 'failed',
      message: `Content-Length says ${Buffer.byteLength(LISTING) + 5} bytes but the server closed after ${Buffer.byteLength(LISTING)}`,
      stepLabel: 'step 1',
    };
    expect(outcomes(full)).toEqual(passedExcept(full, { 'l.content-length': failure }));
    for (const c of full.cases)
      expect(outcomes(await runAgainst(port, c.id))[c.id], c.id).toEqual(outcomes(full)[c.id]);
  });
});

describe('kv-http against a store whose Content-Length counts characters', () => {
  // The listing puts UTF-8 keys first, so a short count cuts other cases' pairs off its end:
  // whether a case's GET / came after kv.content-length stored its pair then decided its verdict.
  it('fails kv.content-length alone, and every other case gets the verdict it gets when run alone', async ({
    onTestFinished,
  }) => {
    const server = await charCountingStore('utf8-first');
    onTestFinished(() => server.close());
    const full = await runKv(server.port);
    const cl = full.cases.find((c) => c.id === 'kv.content-length')!;
    expect(cl.failure?.message).toMatch(/^Content-Length says \d+ but the body that came before close is \d+ bytes$/);
    expect(outcomes(full)).toEqual(
      passedExcept(full, {
        'kv.content-length': { status: 'failed', message: cl.failure!.message, stepLabel: 'GET /' },
      }),
    );
    for (const id of ['kv.get', 'kv.post.ok', 'kv.put.update']) {
      const alone = await runKv(server.port, {
        selection: { tags: 'all', grep: new RegExp(`^${id.replace(/\./g, '\\.')}$`) },
      });
      expect(outcomes(alone)[id], id).toEqual(outcomes(full)[id]);
    }
  });
});
