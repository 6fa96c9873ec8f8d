import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { BUILTIN_DIR, PACKAGE_ROOT, PARSED_SPECS, SCHEMA_PATH } from '../paths.js';
import { lintSpec } from './lint.js';
import { unhonouredKeys } from './honoured.js';
import { locate, plainUnknown, pointer, schemaProblems, type Located, type UnknownKey } from './schema-errors.js';
import { unknownTags } from './tags.js';
import { unknownKeyMessage } from './unknown-key.js';
import type { CaseDef, Spec } from './types.js';
import { validate } from './validator.js';
import { SpecError, type SpecProblem } from '../errors.js';

/** The lab's order: the socket lab first, then the HTTP server and its lecture topics. */
const BUILTIN_ORDER = ['udp-echo', 'tcp-echo', 'kv-http', 'conditional-get', 'cookies'];

/** The names of the built-in specs, in a fixed order. */
export function builtinSpecNames(): string[] {
  const rank = (n: string) => (BUILTIN_ORDER.includes(n) ? BUILTIN_ORDER.indexOf(n) : BUILTIN_ORDER.length);
  return readdirSync(BUILTIN_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A spec argument is a built-in name (`udp-echo`) or a path to a YAML file. */
export function resolveSpecPath(arg: string): string {
  const builtin = path.join(BUILTIN_DIR, `${arg}.yaml`);
  if (!arg.includes('/') && !arg.includes('\\') && !arg.endsWith('.yaml') && !arg.endsWith('.yml')) {
    if (existsSync(builtin)) return builtin;
    const names = builtinSpecNames().join(', ');
    throw new SpecError([
      {
        file: arg,
        line: 1,
        col: 1,
        path: '',
        message: `no built-in spec "${arg}" (built-in: ${names}); give a path to a .yaml file for your own`,
      },
    ]);
  }
  return arg;
}

/** How a file is named in messages: relative to the working directory, or to the package for built-ins. */
function displayName(file: string): string {
  const abs = path.resolve(file);
  const rel =
    abs.startsWith(PACKAGE_ROOT + path.sep) && !abs.startsWith(process.cwd() + path.sep)
      ? path.relative(PACKAGE_ROOT, abs)
      : path.relative(process.cwd(), abs);
  return rel.split(path.sep).join('/');
}

function buildSpec(data: any, src: Located): Spec {
  const cases: CaseDef[] = data.cases.map((c: any, i: number) => ({
    ...c,
    points: c.points ?? 1,
    exclusive: c.exclusive ?? false,
    location: { file: src.file, ...locate(src, ['cases', i]) },
  }));
  const vars = Object.fromEntries(Object.entries(data.vars ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    name: data.name,
    title: data.title,
    description: data.description,
    service: data.service,
    port: data.port,
    vars,
    tags: data.tags ?? [],
    draw: data.draw ?? {},
    cases,
    file: src.file,
  };
}

/** Parses YAML and validates it with a compiled schema; every problem comes with file:line:col. */
export function parseValidated(
  text: string,
  file: string,
  check: (data: unknown) => { ok: boolean; errors: ErrorObject[] },
  unknownKey: (data: unknown) => UnknownKey = () => plainUnknown,
): { data: any; src: Located } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: Located = { doc, lines, file };
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => {
        // yaml fills e.linePos only with prettyErrors on (which also rewrites the message), so the
        // offset is located here (spec-load.test.ts: "a YAML syntax error, at the offending character").
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // yaml refuses to expand an alias bomb ("billion laughs") only here, with a ReferenceError,
    // which is a spec problem (spec-hazards-refused.test.ts: "a YAML alias bomb").
    throw new SpecError([{ file, line: 1, col: 1, path: '', message: `YAML: ${(err as Error).message}` }]);
  }
  const { ok, errors } = check(data);
  if (!ok) throw new SpecError(schemaProblems(src, errors, unknownKey(data)));
  return { data, src };
}

/** The key of a spec's text under its display name in the build's parsed-spec cache. */
export function parsedSpecKey(text: string, file: string): string {
  return createHash('sha256').update(file).update('\0').update(text).digest('hex');
}

// Parsing the five built-in specs is most of a run's start-up (yaml, cold: ~240 ms), so the build
// parses them once (scripts/build-spec-cache.mjs). Only built code reads that cache, never the
// sources (tests), and a spec whose text or display name changed since the build is parsed anew.
const BUILT = !import.meta.url.endsWith('.ts');
let parsed: Record<string, Spec> | null | undefined;
function parsedAtBuild(text: string, file: string): Spec | undefined {
  if (!BUILT) return undefined;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(readFileSync(PARSED_SPECS, 'utf8')) as Record<string, Spec>;
    } catch {
      parsed = null;
    }
  }
  const hit = parsed?.[parsedSpecKey(text, file)];
  return hit && structuredClone(hit);
}

/** Parses and validates one spec's text; throws SpecError listing every problem with file:line:col. */
export function parseSpec(text: string, file: string): Spec {
  const cached = parsedAtBuild(text, file);
  if (cached) return cached;
  const specUnknown =
    (data: unknown): UnknownKey =>
    (p, key) =>
      unknownKeyMessage(SCHEMA_PATH, p, (data as { service?: unknown } | null)?.service, key);
  const { data, src } = parseValidated(text, file, validate, specUnknown);
  const spec = buildSpec(data, src);
  const problems = [...lintSpec(spec), ...unhonouredKeys(spec), ...unknownTags(spec)].map((l) => ({
    file,
    ...locate(src, l.path, l.key),
    path: pointer(l.path),
    message: l.message,
  }));
  if (problems.length > 0) throw new SpecError(problems);
  return spec;
}

/** Reads a file for a loader; a missing file is a located problem, not a crash. */
export function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new SpecError([{ file, line: 1, col: 1, path: '', message: `cannot read ${path.basename(file)}: ${why}` }]);
  }
}

/** Loads a spec by built-in name or path. */
export function loadSpec(arg: string): Spec {
  const file = resolveSpecPath(arg);
  return { ...parseSpec(readSource(file), displayName(file)), path: path.resolve(file) };
}

/** Loads several specs, reporting the problems of all of them at once, and refusing a case id used twice. */
export function loadSpecs(args: string[]): Spec[] {
  const problems: SpecProblem[] = [];
  const specs: Spec[] = [];
  for (const arg of [...new Set(args)]) {
    try {
      specs.push(loadSpec(arg));
    } catch (err) {
      if (err instanceof SpecError) problems.push(...err.problems);
      else throw err;
    }
  }
  const seen = new Map<string, string>();
  for (const spec of specs) {
    spec.cases.forEach((c, i) => {
      const other = seen.get(c.id);
      // The pointer names the case, as the location does (spec-load.test.ts: "a case id used in two files").
      if (other && other !== spec.file)
        problems.push({ ...c.location, path: `/cases/${i}`, message: `case id "${c.id}" is also used in ${other}` });
      seen.set(c.id, spec.file);
    });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return specs;
}
