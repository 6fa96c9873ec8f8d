// A hostile server's bytes in the HTML report, opened in a real browser: the
// failures are there with their diagrams, and nothing the server sent runs.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlReporter } from '../../src/report/html.js';
import type { RunResult } from '../../src/run/result.js';
import { run } from '../../src/run/run.js';
import { loadSpecs } from '../../src/spec/load.js';

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
      result = await run({ specs: loadSpecs(['tcp-echo']), host: '127.0.0.1', ports: { tcp: server.port }, selection: { tags: ['core'] } });
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
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
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
        expect(await block.locator('.message').innerText(), c.id).toBe(`${c.failure!.stepLabel}: ${c.failure!.message}`);
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
