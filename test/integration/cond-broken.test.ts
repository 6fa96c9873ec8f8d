// For each conditional-get check, a server with one bug: that check fails with the
// message a student reads, and every other case still passes
// (docs/protocols.md#conditional-get). The broken servers are in test/helpers/cond-faults.ts.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEntityTags } from '../../reference/http/conditional.js';
import { formatHttpDate } from '../../reference/http/date.js';
import { loadSpecs } from '../../src/spec/load.js';
import { asOutcomes, dateOf, runHttpSpec, startBrokenHttp, failed as expectedFailure } from '../helpers/broken-cond.js';
import { bodyOn304, COND_FAULTS as FAULTS } from '../helpers/cond-faults.js';
import { outcomes, passedExcept, type Outcome } from '../helpers/run-spec.js';

const SPEC = loadSpecs(['conditional-get'])[0];
const failed = (message: string | RegExp, stepLabel: string): Outcome =>
  asOutcomes({ x: expectedFailure(message, stepLabel) }, (re) => expect.stringMatching(re)).x;

describe.concurrent('conditional-get against broken servers', () => {
  it('has a fault for every check of the spec', () => {
    expect([...new Set(FAULTS.map((f) => f.id))].sort()).toEqual(SPEC.cases.map((c) => c.id).sort());
  });

  it.for(FAULTS)('$id fails on $bug', async (f, { onTestFinished }) => {
    const server = await startBrokenHttp(f.faults);
    onTestFinished(() => server.close());
    const result = await runHttpSpec('conditional-get', server.port);
    expect(outcomes(result)).toEqual(
      passedExcept(
        result,
        asOutcomes({ ...f.alsoFails, [f.id]: expectedFailure(f.message, f.stepLabel) }, (re) =>
          expect.stringMatching(re),
        ),
      ),
    );
  });

  // Bytes after a 304 are counted once (they were once counted twice: parsed.rest and the settle read).
  it('counts the 13 bytes after a 304 once', async ({ onTestFinished }) => {
    const server = await startBrokenHttp({ bytes: (out, _req, res) => bodyOn304(out, res) });
    onTestFinished(() => server.close());
    const result = await runHttpSpec('conditional-get', server.port, {
      selection: { tags: 'all', grep: /^cond\.304\.no-body$/ },
    });
    expect(result.cases.find((c) => c.id === 'cond.304.no-body')?.failure?.message).toBe(
      '13 bytes came after a 304 response, which must not have a body',
    );
  });
});

// ---- a static file on another server ----------------------------------------

interface StaticOptions {
  etag: boolean;
  lastModified: boolean;
}

/**
 * node:http serving one file at /index.html with RFC 9110 §13.2.2 304s, offering an ETag, a
 * Last-Modified, or both (Python's http.server offers Last-Modified only).
 */
async function startStaticServer(
  file: string,
  offer: StaticOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const body = await readFile(file);
  const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
  const lastModified = formatHttpDate((await stat(file)).mtimeMs);
  const notModified = (req: IncomingMessage): boolean => {
    const inm = req.headers['if-none-match'];
    // §13.1.2: "*" matches any current representation; a listed tag only the ETag, if there is one.
    if (inm !== undefined)
      return inm.trim() === '*' || (offer.etag && parseEntityTags(inm).some((t) => t.replace(/^W\//, '') === etag));
    // §13.1.3: only without If-None-Match, only with a Last-Modified; an invalid date is ignored.
    const since = dateOf(req.headers['if-modified-since']);
    return offer.lastModified && since !== undefined && dateOf(lastModified)! <= since;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/index.html' || (req.method !== 'GET' && req.method !== 'HEAD'))
      return void res.writeHead(404, { 'Content-Length': 0 }).end();
    const validators = {
      ...(offer.etag && { ETag: etag }),
      ...(offer.lastModified && { 'Last-Modified': lastModified }),
    };
    if (notModified(req)) return void res.writeHead(304, validators).end();
    res.writeHead(200, { ...validators, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const noCapture = (header: string, name: string) =>
  failed(`the response has no ${header} header, which the next request needs (as {{${name}}})`, 'GET');

/**
 * What each case earns against a static file with only one validator: a check fails only when it
 * is about the validator the server does not offer, and cond.304.no-body gets its 304 either way.
 */
const STATIC: Array<{ offer: StaticOptions; fails: Record<string, Outcome> }> = [
  { offer: { etag: true, lastModified: true }, fails: {} },
  {
    offer: { etag: false, lastModified: true },
    fails: {
      'cond.etag': failed('the response has no ETag header', 'step 1'),
      ...Object.fromEntries(
        [
          'cond.inm.match',
          'cond.inm.nomatch',
          'cond.304.etag',
          'cond.precedence',
          'cond.inm.weak',
          'cond.inm.list',
          'cond.head',
        ].map((id) => [id, noCapture('ETag', 'etag')]),
      ),
    },
  },
  {
    offer: { etag: true, lastModified: false },
    fails: {
      'cond.last-modified': failed('the response has no Last-Modified header', 'step 1'),
      ...Object.fromEntries(
        ['cond.ims.match', 'cond.ims.later', 'cond.ims.older', 'cond.ims.invalid', 'cond.precedence'].map((id) => [
          id,
          noCapture('Last-Modified', 'lm'),
        ]),
      ),
    },
  },
];

describe.concurrent('conditional-get against a static file', () => {
  it.for(STATIC)(
    'offering ETag $offer.etag and Last-Modified $offer.lastModified, each case fails only for its own reason',
    async ({ offer, fails }, { onTestFinished }) => {
      const dir = await mkdtemp(join(tmpdir(), 'netgrade-static-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, 'index.html'), '<!doctype html>\n<title>lab</title>\n<p>hello</p>\n');
      const server = await startStaticServer(join(dir, 'index.html'), offer);
      onTestFinished(() => server.close());
      // The spec's advice: leave out the cases tagged kv.
      const result = await runHttpSpec('conditional-get', server.port, {
        vars: { resource: '/index.html' },
        selection: { tags: 'all', skipTags: ['kv'] },
      });
      const notSelected = Object.fromEntries(
        SPEC.cases
          .filter((c) => c.tags.includes('kv'))
          .map((c) => [
            c.id,
            {
              status: 'skipped' as const,
              message: 'not selected: tag kv is left out (--skip-tags)',
              stepLabel: undefined,
            },
          ]),
      );
      expect(outcomes(result)).toEqual(passedExcept(result, { ...notSelected, ...fails }));
      expect(outcomes(result)['cond.304.no-body']).toEqual({ status: 'passed' });
    },
  );
});
