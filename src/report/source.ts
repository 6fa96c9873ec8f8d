// A check's `source:` ("docs/protocols.md#kv-http; RFC 9110 §9.3.2") as
// something a reader can follow: a relative path in the console, a link in
// HTML and JUnit. The doc ships in the package (package.json "files"), so a
// link works installed: to the repository's file at this version when
// package.json names a repository, else a path relative to the report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';

export interface SourcePart {
  /** The part as written ("docs/protocols.md#kv-http", "RFC 9110 §9.3.2"). */
  text: string;
  /** For a part naming a file of the package: that file and its anchor. */
  doc?: { file: string; anchor?: string };
}

const IN_PACKAGE = /^((?:docs|specs)\/[\w./-]+\.md)(?:#([\w-]+))?$/;

/** Splits a source at `; ` and recognises the parts that point into the package. */
export function sourceParts(source: string | undefined): SourcePart[] {
  if (!source) return [];
  return source
    .split(/;\s*/)
    .filter(Boolean)
    .map((text) => {
      const m = IN_PACKAGE.exec(text.trim());
      return m ? { text, doc: { file: m[1], anchor: m[2] } } : { text };
    });
}

interface PackageMeta {
  version: string;
  repository?: string | { url?: string };
}

let meta: PackageMeta | undefined;
function packageMeta(): PackageMeta {
  meta ??= JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageMeta;
  return meta;
}

/** https://github.com/o/r from "git+https://github.com/o/r.git" or "github:o/r"; undefined for other hosts. */
export function githubBase(repository: PackageMeta['repository']): string | undefined {
  const url = typeof repository === 'string' ? repository : repository?.url;
  if (!url) return undefined;
  const m = /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url) ?? /^github:([\w.-]+)\/([\w.-]+)$/.exec(url);
  return m ? `https://github.com/${m[1]}/${m[2]}` : undefined;
}

/**
 * Where a link to a package file goes, seen from a report written to `fromDir`:
 * the repository's copy at the version's tag, or the installed file by relative path.
 */
export function docHref(doc: NonNullable<SourcePart['doc']>, fromDir: string): string {
  const { version, repository } = packageMeta();
  const base = githubBase(repository);
  const hash = doc.anchor ? `#${doc.anchor}` : '';
  if (base) return `${base}/blob/v${version}/${doc.file}${hash}`;
  const rel = path.relative(fromDir, path.join(PACKAGE_ROOT, doc.file)).split(path.sep).join('/');
  return `${encodeURI(rel)}${hash}`;
}

/** The source for a terminal: package files as paths relative to the working folder. */
export function sourceText(source: string | undefined, cwd: string): string | undefined {
  const parts = sourceParts(source);
  if (parts.length === 0) return undefined;
  const shown = (file: string) => {
    const full = path.join(PACKAGE_ROOT, file);
    const rel = path.relative(cwd, full);
    // Inside the working folder (or node_modules under it) a relative path reads best; elsewhere the full one.
    return rel.startsWith('..') ? full : rel;
  };
  return parts
    .map((p) => (p.doc ? `${shown(p.doc.file)}${p.doc.anchor ? `#${p.doc.anchor}` : ''}` : p.text))
    .join('; ');
}
