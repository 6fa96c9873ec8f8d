// JUnit XML for CI dashboards: a <testsuite> per spec, a <testcase> per case.
// "The server is wrong" is a <failure>, "netgrade could not test" an <error>
// (as Playwright's and Hurl's JUnit reporters do), from one table.
import path from 'node:path';
import junitModule, { type Builder, type TestCase } from 'junit-report-builder';
import type { CaseResult, CaseStatus, RunResult } from '../model/result.js';
import { inert } from '../text/escape.js';
import { writeFileAtomic } from './files.js';
import type { Reporter } from './reporter.js';
import { hintFor } from './causes.js';
import { pairLines } from './diff.js';
import { docHref, sourceParts } from './source.js';
import { excerptLines } from './transcript-text.js';

// The package is CommonJS (`module.exports = builder`) but typed as `export default`,
// so under NodeNext the default import is typed as the module object: take whichever holds it.
const junit: Builder = 'newBuilder' in junitModule ? (junitModule as unknown as Builder) : junitModule.default;

/** The JUnit element each outcome becomes; a passed case is a bare <testcase>. */
export const JUNIT_ELEMENT: Record<CaseStatus, 'failure' | 'error' | 'skipped' | undefined> = {
  passed: undefined,
  failed: 'failure',
  errored: 'error',
  skipped: 'skipped',
};

/**
 * Text that XML 1.0 can hold. inert() escapes controls and invisible code
 * points; U+FFFE/U+FFFF are printable to it but not XML characters, and the
 * library would drop them silently (invalidCharReplacement: '').
 */
export function xmlText(s: string): string {
  return inert(s).replace(/[\ufffe\uffff]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/**
 * Text for a CDATA section. junit-report-builder (xmlbuilder 15) splits only
 * the first `]]>` (String.replace with a string), so a second one would close
 * the section and let server bytes become markup; `\x3e` is the same byte,
 * written the way escapeBytes writes any other.
 */
export function cdataText(s: string): string {
  return xmlText(s).replaceAll(']]>', ']]\\x3e');
}

/** Where a case stands, in the `(file:line:col)` shape that report actions parse from stack traces. */
export function locationLine(r: CaseResult): string {
  const { file, line, col } = r.location;
  return `    at ${r.id} (${file}:${line}:${col})`;
}

/** The body of a <failure> or <error>: what went wrong, where, the bytes, and the hint. */
export function failureBody(r: CaseResult, dir = process.cwd()): string {
  const f = r.failure;
  const lines = [
    `${f?.stepLabel ? `${f.stepLabel}: ` : ''}${f?.message ?? ''}`,
    locationLine(r),
    '',
    `requirement: ${r.requirement}`,
  ];
  const links = sourceParts(r.source).map((p) => (p.doc ? docHref(p.doc, dir) : p.text));
  if (links.length > 0) lines.push(`see: ${links.join('; ')}`);
  if (f) lines.push(...pairLines(f.expected, f.actual));
  if (r.transcript.length > 0) lines.push('transcript:', ...excerptLines(r.transcript).map((l) => `  ${l}`));
  const hint = hintFor(r);
  if (hint) lines.push(`hint: ${hint}`);
  return lines.join('\n');
}

type XmlElement = ReturnType<TestCase['build']>;

/** Runs `extra` on the element the library builds for a case: v5 has no `line` attribute and no skipped message. */
function afterBuild(tc: TestCase, extra: (el: XmlElement) => void): void {
  const build = tc.build.bind(tc);
  tc.build = (parent) => {
    const el = build(parent);
    extra(el);
    return el;
  };
}

const seconds = (ms: number) => ms / 1000;

function addCase(tc: TestCase, r: CaseResult, dir: string): void {
  tc.className(xmlText(r.spec))
    .name(xmlText(`${r.id}: ${r.title}`))
    .time(seconds(r.durationMs))
    .file(xmlText(r.location.file))
    .property('points', String(r.points))
    .property('maxPoints', String(r.maxPoints))
    .property('tags', xmlText(r.tags.join(',')));
  const doc = sourceParts(r.source).find((p) => p.doc)?.doc;
  if (doc) tc.property('source', xmlText(docHref(doc, dir)));
  const skipReason = r.failure?.message;
  afterBuild(tc, (el) => {
    el.att('line', r.location.line);
    const skipped = el.children.find((n) => (n as { name?: string }).name === 'skipped') as XmlElement | undefined;
    if (skipped && skipReason) skipped.att('message', xmlText(skipReason));
  });
  switch (JUNIT_ELEMENT[r.status]) {
    case 'failure':
      tc.failure(xmlText(r.requirement)).stacktrace(cdataText(failureBody(r, dir)));
      break;
    case 'error':
      tc.error(
        xmlText(`netgrade could not test this case: ${r.failure?.message ?? ''}`),
        'netgrade',
        cdataText(failureBody(r, dir)),
      );
      break;
    case 'skipped':
      tc.skipped();
      break;
    case undefined:
      break;
  }
}

/** The whole report as XML text. */
export function junitXml(result: RunResult, dir = process.cwd()): string {
  const builder: Builder = junit.newBuilder(); // the default export is a shared instance
  builder.name('netgrade');
  for (const spec of result.specs) {
    const cases = result.cases.filter((c) => c.spec === spec.name);
    const port = result.target.ports[spec.service];
    const suite = builder
      .testSuite()
      .name(xmlText(spec.name))
      .time(seconds(cases.reduce((n, c) => n + c.durationMs, 0)))
      .property('title', xmlText(spec.title))
      .property('file', xmlText(spec.file))
      .property('target', xmlText(`${result.target.host}:${port ?? ''}/${spec.service}`))
      .property('seed', String(result.seed));
    for (const c of cases) addCase(suite.testCase(), c, dir);
  }
  return builder.build() + '\n';
}

export function junitReporter(file: string): Reporter {
  return {
    onRunEnd(result) {
      writeFileAtomic(file, junitXml(result, path.dirname(path.resolve(file))));
    },
  };
}
