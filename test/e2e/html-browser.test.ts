// A hostile server's bytes in the HTML report, opened in a real browser: the
// failures are there with their diagrams, and nothing the server sent runs.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlReporter } from '../../src/report/html.js';
import type { RunResult } from '../../src/model/result.js';
import { run } from '../../src/run/run.js';
import { loadSpecs } from '../../src/spec/load.js';
import { choosePorts } from '../../src/server/ports.js';
import { runWithServer } from '../../src/server/session.js';
import { crashedRun } from '../fixtures/console/crashed.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">';
const SCREENSHOT = path.resolve('test-results/html-report.png');

/** Answers every connection with markup that would run if the report pasted it in raw. */
function startHostile(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.end(HOSTILE);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      const close = () =>
        new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        });
      resolve({ port, close });
    });
  });
}

describe('HTML report in chromium', () => {
  let dir: string;
  let result: RunResult;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-html-'));
    file = path.join(dir, 'report.html');
    const server = await startHostile();
    try {
      result = await run({
        specs: loadSpecs(['tcp-echo']),
        host: '127.0.0.1',
        ports: { tcp: server.port },
        selection: { tags: ['core'] },
      });
    } finally {
      await server.close();
    }
    await htmlReporter(file).onRunEnd(result);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows every failure with its diagram and runs none of the server bytes', { timeout: 60_000 }, async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      const why = `${CHROMIUM} is not installed (apt-get install -y chromium): the HTML report was not checked in a browser`;
      console.warn(`skipped: ${why}`);
      ctx.skip(why);
    }
    const failedIds = result.cases.filter((c) => c.status === 'failed').map((c) => c.id);
    expect(failedIds).toEqual(['tcp.basic', 'tcp.mixed', 'tcp.closes', 'tcp.sequential', 'tcp.max-size']);

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);

      // One failure row per failed case, in the spec's order.
      const rows = page.locator('.case[data-status="failed"]');
      expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-case')))).toEqual(failedIds);

      for (const c of result.cases.filter((c) => c.status === 'failed')) {
        const block = page.locator(`.case[data-case="${c.id}"]`);
        expect(await block.evaluate((e) => e.hasAttribute('open')), c.id).toBe(true);
        const messages = c.transcript.filter((e) => e.kind === 'send' || e.kind === 'recv').length;
        expect(messages, c.id).toBeGreaterThan(0);
        expect(await block.locator('svg.seq path.arrow').count(), c.id).toBe(messages);
        expect(await block.locator('svg.seq').isVisible(), c.id).toBe(true);
        // The server's markup is on the page as text.
        expect(await block.locator('.pane.actual pre').innerText(), c.id).toBe(HOSTILE);
        expect(await block.locator('.message').innerText(), c.id).toBe(
          `${c.failure!.stepLabel}: ${c.failure!.message}`,
        );
      }

      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.evaluate(() => document.querySelectorAll('script, img, iframe, object, embed').length)).toBe(0);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await browser.close();
    }
  });
});

describe('HTML banner in chromium', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-banner-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function open(
    file: string,
    check: (page: import('playwright-core').Page) => Promise<void>,
    ctx: { skip: (why: string) => void },
  ) {
    if (!existsSync(CHROMIUM)) {
      const why = `${CHROMIUM} is not installed (apt-get install -y chromium): the HTML banner was not checked in a browser`;
      console.warn(`skipped: ${why}`);
      ctx.skip(why);
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      await check(page);
    } finally {
      await browser.close();
    }
  }

  it('a server that did not start: the banner first, its whole stderr tail, one row per check and no blocks', {
    timeout: 60_000,
  }, async (ctx) => {
    const server = path.join(dir, 'server.py');
    // 30 lines of output, then the traceback: the banner shows the tail, with the SyntaxError last.
    writeFileSync(
      server,
      'import sys\nfor i in range(30): print("starting step", i, file=sys.stderr)\nexec("port = int(sys.argv[1]")\n',
    );
    const ports = await choosePorts(['udp', 'tcp'], {}, '127.0.0.1');
    const result = await runWithServer({
      run: { specs: loadSpecs(['udp-echo', 'tcp-echo']), host: '127.0.0.1', ports, selection: { tags: ['core'] } },
      start: { command: `python3 ${server} ${ports.tcp}`, startTimeoutMs: 20_000 },
    });
    const file = path.join(dir, 'did-not-start.html');
    await htmlReporter(file, { subject: 'kim-2024' }).onRunEnd(result);
    await open(
      file,
      async (page) => {
        expect(await page.locator('h1').innerText()).toBe('netgrade report: kim-2024');
        expect(await page.locator('.server-status').innerText()).toBe('Server: did not start');
        const banner = page.locator('.banner');
        expect(await banner.isVisible()).toBe(true);
        expect(await banner.locator('h2').innerText()).toBe('Your server did not start');
        const stderr = banner.locator('pre.stderr');
        const text = await stderr.innerText();
        expect(text.trimEnd().split('\n').at(-1)).toMatch(/^SyntaxError: /);
        // Never clipped: the box is as tall as its text.
        expect(await stderr.evaluate((e) => e.scrollHeight <= e.clientHeight + 1)).toBe(true);
        expect(await banner.locator('.decided a').count()).toBe(10);
        // The checks it decided are rows, not blocks with "Expected: nothing".
        expect(await page.locator('.detail').count()).toBe(0);
        expect(await page.locator('.case.decided').count()).toBe(10);
        expect(await page.locator('.src a[href$="protocols.md#tcp-echo"]').count()).toBe(10);
        const height = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
        console.log(`did-not-start report height: ${height} px`);
        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: path.resolve('test-results/html-did-not-start.png'), fullPage: true });
      },
      ctx,
    );
  });

  it('a crash: the traceback pane of the case it died in opens on its last line', { timeout: 60_000 }, async (ctx) => {
    const file = path.join(dir, 'crashed.html');
    await htmlReporter(file).onRunEnd(crashedRun());
    await open(
      file,
      async (page) => {
        expect(await page.locator('.banner h2').innerText()).toBe('Your server crashed');
        const pane = page.locator('.case[data-case="tcp.empty"] .pane.actual pre');
        expect(await pane.isVisible()).toBe(true);
        // The pane is shorter than its text, and what shows is the end: the ZeroDivisionError line.
        const seen = await pane.evaluate((pre) => {
          const box = pre.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(pre);
          const rects = [...range.getClientRects()].filter((r) => r.height > 0);
          const last = rects.at(-1)!;
          return {
            clipped: pre.scrollHeight > pre.clientHeight,
            lastVisible: last.bottom <= box.bottom + 1 && last.top >= box.top - 1,
          };
        });
        expect(seen).toEqual({ clipped: true, lastVisible: true });
        expect((await pane.innerText()).trimEnd().endsWith('ZeroDivisionError: division by zero')).toBe(true);
      },
      ctx,
    );
  });
});
