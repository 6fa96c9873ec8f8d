// The HTML reporter: server bytes stay text everywhere on the page, the
// diagram draws one arrow per message, and the file is written atomically.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../src/report/files.js';
import { htmlReporter, renderHtml } from '../../src/report/html.js';
import { sequenceDiagram } from '../../src/report/html/diagram.js';
import { cut, esc, html } from '../../src/report/html/markup.js';
import { CSP } from '../../src/report/html/page.js';
import { makeReporter } from '../../src/report/index.js';
import type { ReporterEnv } from '../../src/report/reporter.js';
import type { CaseResult, TranscriptEvent } from '../../src/model/result.js';
import {
  errored,
  ESC_REPLY,
  failedEsc,
  failedScript,
  IMG_REPLY,
  passed,
  runResult,
  SCRIPT_REPLY,
  skipped,
} from '../fixtures/html/results.js';
import { ReporterError } from '../../src/errors.js';

vi.mock('../../src/report/files.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/report/files.js')>();
  return { ...real, writeFileAtomic: vi.fn(real.writeFileAtomic) };
});

const svgs = (page: string): string[] => page.match(/<svg class="seq"[\s\S]*?<\/svg>/g) ?? [];
const count = (s: string, needle: string) => s.split(needle).length - 1;
const messages = (c: CaseResult) => c.transcript.filter((e) => e.kind === 'send' || e.kind === 'recv');

describe('esc and html``', () => {
  it('escapes the five characters and makes control characters visible', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(esc('red \x1b[31m here\u202e')).toBe('red \\x1b[31m here\\u{202e}');
  });

  it('escapes every interpolated value and keeps only html`` fragments raw', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x'}">${inner}${['<', html`<br>`]}${undefined}${false}${3}</p>`.value).toBe(
      '<p title="&quot;x"><b>&lt;i&gt;</b>&lt;<br>3</p>',
    );
  });

  it('cuts escaped text between escapes, never inside one', () => {
    expect(cut('ab\\x1bcd', 3)).toEqual({ text: 'ab\\x1b', cut: true });
    expect(cut('ab\\u{202e}c', 3)).toEqual({ text: 'ab\\u{202e}', cut: true });
    expect(cut('ab\\\\c', 3)).toEqual({ text: 'ab\\\\', cut: true });
    expect(cut('abc', 3)).toEqual({ text: 'abc', cut: false });
  });
});

describe('renderHtml', () => {
  const page = renderHtml(runResult());

  it('shows hostile server bytes only in their escaped forms', () => {
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x onerror');
    expect(page).not.toMatch(/<script|<img|<iframe|<[a-z][^>]*\son\w+=/i);
    // The ESC the engine turned into text stays text, and no raw control byte reaches the file.
    expect(page).toContain('\\x1b[31mRED\\x1b[0m');
    expect(page).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
  });

  it('escapes strings from a result in attributes, SVG text and tooltips too', () => {
    const evil: CaseResult = {
      ...failedEsc,
      id: 'x"onmouseover="alert(1)',
      title: "t'<b>\x1b[2J",
      transcript: [
        { t: 1, client: '<c>"', kind: 'send', data: IMG_REPLY, bytes: 30 },
        { t: 2, client: '<c>"', kind: 'error', note: '</title><script>alert(1)</script>' },
      ],
    };
    const out = renderHtml(runResult([evil]));
    expect(out).toContain('data-case="x&quot;onmouseover=&quot;alert(1)"');
    expect(out).toContain('href="#case-x%22onmouseover%3D%22alert(1)"');
    expect(out).toContain('t&#39;&lt;b&gt;\\x1b[2J');
    expect(out).toContain('<title>client &lt;c&gt;&quot;</title>');
    expect(out).toContain(
      '<title>&lt;c&gt;&quot; sent 30 bytes at 1 ms:\n&quot;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&quot;</title>',
    );
    expect(out).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(out).not.toMatch(/<script|<img|"onmouseover=|<b>\\x1b|<c>/);
  });

  it('allows no script, no network and nothing but inline styles', () => {
    expect(CSP).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(page).toMatch(
      /^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src &#39;none&#39;;/,
    );
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('shows the score, the counts and a row per case grouped by spec', () => {
    expect(page).toContain('<title>netgrade: 1/4 points</title>');
    expect(page).toContain('<div class="points"><b>1</b>/4 points</div>');
    expect(page).toContain(
      '<li class="count passed"><b>1</b> passed</li><li class="count failed"><b>2</b> failed</li>',
    );
    expect(page).toContain(
      '<li class="count errored"><b>1</b> could not be tested</li><li class="count skipped"><b>1</b> skipped</li>',
    );
    const rows = [...page.matchAll(/class="case (\w+)" id="[^"]*" data-case="([^"]*)"/g)].map((m) => `${m[2]} ${m[1]}`);
    expect(rows).toEqual([
      'tcp.basic passed',
      'tcp.mixed failed',
      'tcp.concurrent failed',
      'tcp.max-size errored',
      'tcp.utf8 skipped',
    ]);
    expect(page).toContain(
      '<span class="status"><span class="badge failed"><span aria-hidden="true">✗</span> FAILED</span></span><span class="id">tcp.mixed</span><span class="name">Leaves digits, punctuation and capitals alone</span><span class="pts">0/1</span><span class="ms">7 ms</span><span class="src" title="PROTOCOLS.md §2 (defined in specs/tcp-echo.yaml:11:5)">PROTOCOLS.md §2</span>',
    );

    const two = renderHtml({
      ...runResult([{ ...passed, spec: 'udp-echo' }, failedScript]),
      specs: [
        runResult().specs[0],
        { name: 'udp-echo', title: 'UDP echo', file: 'specs/udp-echo.yaml', service: 'udp' },
      ],
    });
    const sections = [...two.matchAll(/<h2><span>([^<]*)<\/span>[\s\S]*?(?=<h2>|<\/main>)/g)];
    expect(sections.map((s) => s[1])).toEqual(['TCP uppercase echo', 'UDP echo']);
    expect(sections[0][0]).toContain('data-case="tcp.mixed"');
    expect(sections[1][0]).toContain('data-case="tcp.basic"');
  });

  it('opens each failed or errored case on its requirement, message, expected and actual, and hint', () => {
    expect(count(page, '" open>')).toBe(3);
    expect(page).toContain(
      '<dt>Requirement</dt><dd>Requirement of tcp.mixed. <span class="source">(PROTOCOLS.md §2)</span></dd>',
    );
    expect(page).toContain(
      '<dd class="message"><b>step 1:</b> the reply differs at character 1: &quot;&lt;&quot; where &quot;H&quot; was expected</dd>',
    );
    expect(page).toContain('<dt>Hint</dt><dd class="hint">Hint for tcp.mixed.</dd>');
    expect(page).toContain(
      '<div class="pane expected"><div class="pane-label">expected</div><pre><span><mark>HELLO, WORLD! 123 ~X_Y</mark></span></pre></div>',
    );
    expect(page).toContain(
      '<div class="pane actual"><div class="pane-label">actual (from your server)</div><pre><span><mark>&lt;script&gt;',
    );
    expect(page).toContain('netgrade could not test this case');
    expect(page).toContain(
      '<span class="name">Upper-cases UTF-8 text<small class="why">skipped: tags unicode (run with --tags unicode or --tags all)</small></span>',
    );
  });

  it('marks where actual leaves expected, without splitting an escape', () => {
    const f: CaseResult = {
      ...failedScript,
      failure: { message: 'extra byte', expected: 'HELLO WORLD', actual: 'HELLO WORLD\\n' },
    };
    const out = renderHtml(runResult([f]));
    expect(out).toContain('<pre><span>HELLO WORLD<mark></mark></span></pre>');
    expect(out).toContain('<pre><span>HELLO WORLD<mark>\\n</mark></span></pre>');
    const g: CaseResult = {
      ...failedScript,
      failure: { message: 'escape differs', expected: 'a\\x1b', actual: 'a\\x1c' },
    };
    expect(renderHtml(runResult([g]))).toContain('<pre><span>a<mark>\\x1c</mark></span></pre>');
  });

  it('draws a diagram for each failed or errored case with one arrow per send or recv', () => {
    const diagrams = svgs(page);
    expect(diagrams).toHaveLength(3);
    for (const [svg, c] of [
      [diagrams[0], failedScript],
      [diagrams[1], failedEsc],
      [diagrams[2], errored],
    ] as const) {
      expect(count(svg, '<path class="arrow '), c.id).toBe(messages(c).length);
      expect(count(svg, '<path class="arrow send"'), c.id).toBe(messages(c).filter((e) => e.kind === 'send').length);
      expect(count(svg, '<path class="arrow recv"'), c.id).toBe(messages(c).filter((e) => e.kind === 'recv').length);
    }
    expect(diagrams[2]).toContain('nothing went over the wire');
  });

  it('gives each client a lane beside the server, times each row and marks connection events', () => {
    const svg = svgs(page)[1];
    expect(
      [...svg.matchAll(/<g class="lane-head (\w+)"><title>([^<]*)<\/title>/g)].map((m) => `${m[1]}:${m[2]}`),
    ).toEqual(['client:client A', 'client:client main', 'server:your server at 127.0.0.1:12000']);
    expect(count(svg, '<path class="lane"')).toBe(3);
    expect([...svg.matchAll(/<text class="time" [^>]*>(\d+) ms<\/text>/g)].map((m) => Number(m[1]))).toEqual(
      failedEsc.transcript.map((e) => e.t),
    );
    expect([...svg.matchAll(/<g class="mark (\w+)"><title>([^<]*)<\/title>/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'ok 0 ms: A: connected',
      'ok 1 ms: main: connected',
      'fin 1 ms: main: FIN: netgrade is done sending (half-close)',
      'warn 1500 ms: main: timed out waiting: no reply within 1000 ms',
      'bad 1501 ms: A: RST: netgrade reset the connection',
      'bad 1502 ms: main: RST: the server reset the connection: ECONNRESET',
    ]);
    expect(svg).toContain('&quot;\\x1b[31mRED\\x1b[0m&quot;<tspan class="size" dx="8">18 bytes</tspan>');
  });

  it('cuts long data on an arrow to 80 characters and keeps more in its tooltip', () => {
    const data = 'a'.repeat(79) + '\\x1b' + 'b'.repeat(1200);
    const svg = sequenceDiagram([{ t: 5, client: 'main', kind: 'recv', data, bytes: 1280 }], { server: 'h:1' }).value;
    expect(svg).toContain(`>&quot;${'a'.repeat(79)}\\x1b…&quot;<tspan class="size" dx="8">1280 bytes</tspan>`);
    expect(svg).toContain(
      `<title>main received 1280 bytes at 5 ms:\n&quot;${'a'.repeat(79)}\\x1b${'b'.repeat(920)}…&quot;</title>`,
    );
  });

  it('leaves out the middle of a long transcript and says so', () => {
    const events: TranscriptEvent[] = Array.from({ length: 500 }, (_, i) => ({
      t: i,
      client: 'main',
      kind: i % 2 ? 'recv' : 'send',
      data: 'x',
      bytes: 1,
    }));
    const svg = sequenceDiagram(events, { server: 'h:1', maxRows: 80 }).value;
    expect(count(svg, '<path class="arrow ')).toBe(80);
    expect(svg).toContain('… 420 more events not drawn (see the transcript as text) …');
  });

  it('matches the golden page', async () => {
    await expect(page).toMatchFileSnapshot('../fixtures/html/report.html');
  });
});

describe('htmlReporter', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    vi.mocked(writeFileAtomic).mockClear();
  });

  it('writes the page through writeFileAtomic when the run ends, and leaves no temporary file', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-html-'));
    const file = path.join(dir, 'sub', 'report.html');
    const reporter = htmlReporter(file);
    reporter.onCaseEnd?.(passed);
    expect(writeFileAtomic).not.toHaveBeenCalled();
    const result = runResult();
    await reporter.onRunEnd(result);
    expect(vi.mocked(writeFileAtomic).mock.calls).toEqual([[file, renderHtml(result)]]);
    expect(readFileSync(file, 'utf8')).toBe(renderHtml(result));
    expect(readdirSync(path.dirname(file))).toEqual(['report.html']);
  });

  it('is registered as html=FILE', () => {
    const env = { stdout: process.stdout, stderr: process.stderr, env: {}, cwd: '.' } as ReporterEnv;
    expect(makeReporter('html=out/report.html', env).name).toBe('html');
    expect(() => makeReporter('html', env)).toThrow(
      new ReporterError('the html reporter writes a file: use --reporter html=FILE'),
    );
  });
});

// The fixture's names keep their meaning: used here so a rename shows up as a type error.
void [SCRIPT_REPLY, ESC_REPLY, skipped];
