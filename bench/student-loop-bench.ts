// Figures for the student's loop (issue 11): how long the console story of a
// run against nothing is, and how tall the HTML page of a server that did not
// start is in a real browser. Printed against their targets, never asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CLI = path.resolve('dist/src/cli.js');
const CHROMIUM = '/usr/bin/chromium';

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The page's height in px at a 1280 px wide viewport, or why it could not be measured. */
async function pageHeight(file: string): Promise<number | string> {
  if (!existsSync(CHROMIUM)) return `not measured: ${CHROMIUM} is not installed`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    // The content's own height: scrollHeight would never report less than the viewport.
    return await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
  } finally {
    await browser.close();
  }
}

export async function studentLoopBench(): Promise<string[]> {
  const out: string[] = [];
  const port = await closedPort();
  const run = spawnSync(process.execPath, [CLI, 'run', 'udp-echo', 'tcp-echo', '--port', String(port)], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const lines = run.stdout.replace(/\n$/, '').split('\n').length;
  out.push(
    `console lines, udp+tcp against nothing listening: ${lines} (target <= 15: ${lines <= 15 ? 'met' : 'MISSED'})`,
  );

  const dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-loop-bench-'));
  try {
    const server = path.join(dir, 'server.py');
    writeFileSync(server, 'import socket, sys\nport = int(sys.argv[1]\n');
    const html = path.join(dir, 'report.html');
    try {
      execFileSync(
        process.execPath,
        [
          CLI,
          'run',
          'udp-echo',
          'tcp-echo',
          '--start',
          `python3 ${server} {port}`,
          '--start-timeout',
          '20',
          '--reporter',
          `html=${html}`,
        ],
        { stdio: 'ignore' },
      );
    } catch {
      // exit 1: every case failed, as it should
    }
    const height = await pageHeight(html);
    out.push(
      typeof height === 'number'
        ? `HTML height in chromium, udp+tcp, server did not start: ${height} px (target <= 1200 px: ${height <= 1200 ? 'met' : 'MISSED'})`
        : `HTML height: ${height}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
