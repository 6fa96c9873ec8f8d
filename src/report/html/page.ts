// The report page: the score, a row per case grouped by spec, and under each
// case that did not pass what it required, what went wrong, expected next to
// actual, the hint and the exchange as a diagram. Built with html`` only, so
// every string from a result is escaped; the page has no script at all.
import type { CaseResult, Failure, RunResult } from '../../model/result.js';
import { hintFor } from '../causes.js';
import { viewPair } from '../diff.js';
import { docHref, sourceParts, type SourcePart } from '../source.js';
import { STATUS_WORDS } from '../status.js';
import { bannerOf, serverStatusText, skipReason, type Banner } from '../story.js';
import { excerptLines } from '../transcript-text.js';
import { sequenceDiagram } from './diagram.js';
import { html, units, type Html } from './markup.js';
import { STYLE } from './style.js';

/** No script, no network, no plugins, no forms: styles are the only thing the page may use. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";

type Spec = RunResult['specs'][number];

export interface PageOptions {
  /** Whose server this is: the student or their folder. */
  subject?: string;
  /** The folder the page is written to: links into the package are made from here. */
  dir?: string;
}

/** A `source:` with its parts into the package as links. */
function sourceLinks(source: string | undefined, dir: string): Html | false {
  const parts = sourceParts(source);
  if (parts.length === 0) return false;
  const link = (doc: NonNullable<SourcePart['doc']>) =>
    html`<a href="${docHref(doc, dir)}">${doc.file.replace(/^docs\//, '')}${doc.anchor ? `#${doc.anchor}` : ''}</a>`;
  return html`${parts.map((p, i) => html`${i ? '; ' : ''}${p.doc ? link(p.doc) : p.text}`)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const duration = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const anchor = (c: CaseResult) => `case-${c.id}`;

function serverAddress(result: RunResult, spec: Spec | undefined): string {
  const host = result.target.host.includes(':') ? `[${result.target.host}]` : result.target.host;
  const port = spec ? result.target.ports[spec.service] : undefined;
  return port === undefined ? host : `${host}:${port}`;
}

function header(result: RunResult, opts: PageOptions): Html {
  const { passed, failed, errored, skipped, points, maxPoints, durationMs } = result.summary;
  const pct = maxPoints > 0 ? Math.round((points / maxPoints) * 100) : 0;
  const ran = result.cases.length - skipped;
  const ports = Object.entries(result.target.ports)
    .map(([service, port]) => `${service} ${port}`)
    .join(', ');
  const count = (n: number, word: string, cls: string) =>
    html`<li class="count ${cls}${n === 0 ? ' zero' : ''}"><b>${n}</b> ${word}</li>`;
  const subject = opts.subject ? html`: <span class="subject">${opts.subject}</span>` : false;
  const seed = html`<span class="seed" title="--seed ${result.seed} repeats these payloads">seed ${result.seed}</span>`;
  const runs = html`${plural(ran, 'check')} run in ${duration(durationMs)}`;
  const target = html`${result.target.host} · ${ports} · ${runs} · ${seed}`;
  const status = html`<p class="server-status">Server: <b>${serverStatusText(result)}</b></p>`;
  const bar = html`<div class="bar" title="${pct}%"><span style="width:${pct}%"></span></div>`;
  const counts = [
    count(passed, 'passed', 'passed'),
    count(failed, 'failed', 'failed'),
    count(errored, 'could not be tested', 'errored'),
    count(skipped, 'skipped', 'skipped'),
  ];
  return html`<header class="top">
<div class="title"><h1>netgrade report${subject}</h1><p class="target">${target}</p>${status}</div>
<div class="score"><div class="points"><b>${points}</b>/${maxPoints} points</div>${bar}</div>
<ul class="counts">${counts}</ul>
</header>`;
}

/** The server itself was the problem: said once, at the top, with the tail of its output. */
function bannerSection(b: Banner): Html {
  const stream = b.stream ?? 'stderr';
  const lines = b.stderr ?? [];
  const omitted = b.stderrOmitted ? ` (${b.stderrOmitted} earlier lines are in report.json)` : '';
  const last = html`<p class="stream">Last ${plural(lines.length, 'line')} of its ${stream}${omitted}:</p>`;
  const output =
    lines.length > 0
      ? html`${last}<pre class="stderr">${lines.join('\n')}</pre>`
      : b.kind !== 'not listening'
        ? html`<p class="stream">It wrote nothing to stderr.</p>`
        : false;
  const links = b.decided.map((c, i) => html`${i ? ', ' : ''}<a href="#${encodeURIComponent(anchor(c))}">${c.id}</a>`);
  const decided =
    b.decided.length > 0
      ? html`<p class="decided">${plural(b.decided.length, 'check')} could not pass because of this: ${links}</p>`
      : false;
  return html`<section class="banner ${b.kind.replace(/ /g, '-')}" role="alert">
<h2>${b.title}</h2>
<p class="cause">${b.cause}</p>
${b.command ? html`<p class="command">Command: <code>${b.command}</code></p>` : false}
${output}
${b.advice ? html`<p class="advice">${b.advice}</p>` : false}
${decided}
</section>`;
}

/** Links to every case that needs work, and checkboxes that hide the rest (CSS :has, no script). */
function toolbar(result: RunResult, decided: Set<CaseResult>): Html {
  const bad = result.cases.filter((c) => (c.status === 'failed' || c.status === 'errored') && !decided.has(c));
  const links = bad.map(
    (c, i) => html`${i ? ' ' : ''}<a class="${c.status}" href="#${encodeURIComponent(anchor(c))}">${c.id}</a>`,
  );
  const jump = bad.length
    ? html`<p class="jump"><span>Needs work:</span> ${links}</p>`
    : decided.size > 0
      ? html`<p class="jump"><span>Needs work:</span> the server (see above)</p>`
      : html`<p class="jump all-good">Every check that ran passed.</p>`;
  const box = (status: 'passed' | 'skipped') => {
    const n = result.cases.filter((c) => c.status === status).length;
    return html`<label><input type="checkbox" id="show-${status}" checked> show ${status} (${n})</label>`;
  };
  return html`<nav class="toolbar">${jump}<p class="filters">${box('passed')}${box('skipped')}</p></nav>`;
}

function statusBadge(c: CaseResult): Html {
  const s = STATUS_WORDS[c.status];
  return html`<span class="badge ${c.status}"><span aria-hidden="true">${s.mark}</span> ${s.word}</span>`;
}

function row(c: CaseResult, spec: string, dir: string): Html {
  const loc = `${c.location.file}:${c.location.line}:${c.location.col}`;
  const points = c.maxPoints > 0 ? `${c.points}/${c.maxPoints}` : '–';
  const why = c.status === 'skipped' ? html`<small class="why">skipped: ${skipReason(c)}</small>` : false;
  const title = html`${c.source ?? spec} (defined in ${loc})`;
  const cells = [
    html`<span class="status">${statusBadge(c)}</span>`,
    html`<span class="id">${c.id}</span>`,
    html`<span class="name">${c.title}${why}</span>`,
    html`<span class="pts">${points}</span>`,
    html`<span class="ms">${c.status === 'skipped' ? '–' : duration(c.durationMs)}</span>`,
    html`<span class="src" title="${title}">${sourceLinks(c.source, dir) || spec}</span>`,
  ];
  return html`${cells}`;
}

/** The heads of row()'s columns. */
const HEAD_CELLS = [
  html`<span class="status">Status</span>`,
  html`<span class="id">Check</span>`,
  html`<span class="name">Title</span>`,
  html`<span class="pts">Points</span>`,
  html`<span class="ms">Time</span>`,
  html`<span class="src">Spec</span>`,
];

/**
 * Expected and actual with the part after their common beginning marked: a
 * long payload cut around its first difference, a message line by line. A
 * long pane opens scrolled to its end (column-reverse), so the last line of a
 * traceback is never the one hidden.
 */
function sideBySide(f: Failure): Html | false {
  if (f.expected === undefined && f.actual === undefined) return false;
  // A pane holds more than a terminal line: a wider window around the first difference.
  const v = viewPair(f.expected, f.actual, { before: 160, after: 640 });
  const lines =
    (v.expected?.length ?? 1) > 1 ||
    (v.actual?.length ?? 1) > 1 ||
    [f.expected, f.actual].some((x) => x?.includes('\n'));
  const body = (side: string[]) => {
    if (lines)
      return html`${side.map((l, i) => (v.at !== undefined && i >= v.at ? html`<mark>${l}</mark>\n` : html`${l}\n`))}`;
    const u = units(side[0]);
    const at = v.at ?? 0;
    return html`${u.slice(0, at).join('')}<mark>${u.slice(at).join('')}</mark>`;
  };
  const pre = (side: string[] | undefined) =>
    html`<pre${lines ? html` class="lines"` : false}><span>${side ? body(side) : html`<i>nothing</i>`}</span></pre>`;
  const pane = (label: string, cls: string, side: string[] | undefined) =>
    html`<div class="pane ${cls}"><div class="pane-label">${label}</div>${pre(side)}</div>`;
  const panes = [pane('expected', 'expected', v.expected), pane('actual (from your server)', 'actual', v.actual)];
  return html`<div class="diff">${panes}</div>${v.note ? html`<p class="diff-note">${v.note}</p>` : false}`;
}

/** Said on an errored case: the harness could not test, which is no verdict on the server. */
const HARNESS_PROBLEM =
  'netgrade could not test this case: ' +
  'this is a problem with the test setup (the spec or netgrade), not a verdict on your server.';

function wireFigure(c: CaseResult, server: string): Html {
  const hover = c.transcript.length > 0 ? html` <span>(hover an arrow or a mark for details)</span>` : false;
  const caption = html`<figcaption>What happened on the wire${hover}</figcaption>`;
  const diagram = sequenceDiagram(c.transcript, { server });
  return html`<figure class="wire">${caption}<div class="scroll">${diagram}</div></figure>`;
}

function transcriptText(c: CaseResult): Html {
  const text = excerptLines(c.transcript, 400).join('\n');
  return html`<details class="text"><summary>Transcript as text</summary><pre>${text}</pre></details>`;
}

function detail(c: CaseResult, server: string, dir: string): Html {
  const f = c.failure;
  const loc = `${c.location.file}:${c.location.line}:${c.location.col}`;
  const wire = c.transcript.length > 0;
  const source = c.source ? html` <span class="source">(${sourceLinks(c.source, dir)})</span>` : false;
  const what = c.status === 'skipped' ? 'Why skipped' : 'What went wrong';
  const step = f?.stepLabel ? html`<b>${f.stepLabel}:</b> ` : false;
  return html`<div class="detail">
${c.status === 'errored' ? html`<p class="harness">${HARNESS_PROBLEM}</p>` : false}
<dl>
<dt>Requirement</dt><dd>${c.requirement}${source}</dd>
${f ? html`<dt>${what}</dt><dd class="message">${step}${f.message}</dd>` : false}
${hintFor(c) && c.status !== 'skipped' ? html`<dt>Hint</dt><dd class="hint">${hintFor(c)}</dd>` : false}
</dl>
${f && c.status !== 'skipped' ? sideBySide(f) : false}
${c.status !== 'skipped' ? wireFigure(c, server) : false}
${wire ? transcriptText(c) : false}
<p class="where">Defined in ${loc}</p>
</div>`;
}

interface Render {
  server: string;
  dir: string;
  /** Cases the banner accounts for: a row each, no block. */
  decided: Set<CaseResult>;
}

function caseBlock(c: CaseResult, spec: string, r: Render): Html {
  const cls = html`class="case ${c.status}${r.decided.has(c) ? ' decided' : ''}"`;
  const attrs = html`${cls} id="${anchor(c)}" data-case="${c.id}" data-status="${c.status}"`;
  if (c.status === 'passed' || c.status === 'skipped' || r.decided.has(c))
    return html`<div ${attrs}><div class="row">${row(c, spec, r.dir)}</div></div>`;
  const summary = html`<summary class="row">${row(c, spec, r.dir)}</summary>`;
  return html`<details ${attrs} open>${summary}${detail(c, r.server, r.dir)}</details>`;
}

function specSection(spec: Spec, cases: CaseResult[], r: Render): Html {
  const server = r.server;
  const points = cases.reduce((n, c) => n + c.points, 0);
  const max = cases.reduce((n, c) => n + c.maxPoints, 0);
  const ok = cases.every((c) => c.status === 'passed' || c.status === 'skipped');
  const ran = cases.filter((c) => c.status !== 'skipped');
  const table = html`<div class="cases">
<div class="row head" aria-hidden="true">${HEAD_CELLS}</div>
${cases.map((c) => caseBlock(c, spec.name, r))}
</div>`;
  // Every check that ran was decided by the banner: the rows add nothing until asked for.
  const byBanner = ran.length > 0 && ran.every((c) => r.decided.has(c));
  const skipped = cases.length > ran.length ? `, ${cases.length - ran.length} skipped` : '';
  const tally = html`${plural(ran.length, 'check')} could not pass (see above)${skipped}`;
  const summary = html`<summary>${tally}: show them</summary>`;
  const body = byBanner ? html`<details class="decided-spec">${summary}${table}</details>` : table;
  const where = html`<small>${spec.name} · ${spec.file} · ${spec.service} ${server}</small>`;
  const score = html`<span class="spec-points ${ok ? 'ok' : 'bad'}">${points}/${max} points</span>`;
  return html`<section class="spec">
<h2><span>${spec.title}</span> ${where}${score}</h2>
${body}
</section>`;
}

function groups(result: RunResult): Array<{ spec: Spec; cases: CaseResult[] }> {
  const known = new Set(result.specs.map((s) => s.name));
  const out = result.specs.map((spec) => ({ spec, cases: result.cases.filter((c) => c.spec === spec.name) }));
  for (const name of [...new Set(result.cases.map((c) => c.spec))].filter((n) => !known.has(n))) {
    out.push({
      spec: { name, title: name, file: '', service: 'tcp' },
      cases: result.cases.filter((c) => c.spec === name),
    });
  }
  return out.filter((g) => g.cases.length > 0);
}

const LEGEND = html`<footer><p>${[
  html`Bytes from your server are shown as text and never run: `,
  html`<code>\\n</code> <code>\\r</code> <code>\\t</code> are newline, carriage return and tab, `,
  html`<code>\\\\</code> is one backslash, `,
  html`<code>\\xNN</code> is a byte that is not printable text (<code>\\x1b</code> is ESC), `,
  html`<code>\\u{NNNN}</code> an invisible character. `,
  html`FIN: a side is done sending; RST: a connection reset.`,
]}</p><p>Made by netgrade.</p></footer>`;

/** The whole report as one self-contained HTML document. */
export function renderHtml(result: RunResult, opts: PageOptions = {}): string {
  const { points, maxPoints } = result.summary;
  const banner = bannerOf(result);
  const decided = new Set(banner?.decided ?? []);
  const dir = opts.dir ?? process.cwd();
  const sections = groups(result).map((g) =>
    specSection(g.spec, g.cases, { server: serverAddress(result, g.spec), dir, decided }),
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netgrade: ${points}/${maxPoints} points</title>
<style>${STYLE}</style>
</head>
<body>
${header(result, opts)}
${banner ? bannerSection(banner) : false}
${toolbar(result, decided)}
<main>
${sections}
</main>
${LEGEND}
</body>
</html>
`.value;
}
