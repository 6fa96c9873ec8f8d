import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import { lintSpec } from './lint.js';
import { unhonouredKeys } from './honoured.js';
import { unknownTags } from './tags.js';
import { unknownKeyMessage } from './unknown-key.js';
import type { CaseDef, Spec } from './types.js';
import { SpecError, type SpecProblem } from '../errors.js';

/** The package root, found from this file whether it runs from src/ (tests) or dist/src/ (the CLI). */
export const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export const SCHEMA_PATH = path.join(PACKAGE_ROOT, 'schema', 'spec.schema.json');
export const BUILTIN_DIR = path.join(PACKAGE_ROOT, 'specs');

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const require = createRequire(import.meta.url);
const PRECOMPILED = path.join(PACKAGE_ROOT, 'dist', 'schema', 'spec-validator.cjs');

/**
 * The schema's validator: the one compiled at build time (scripts/build-validator.mjs)
 * when it matches the schema on disk, else ajv compiles it now (a checkout without a build).
 */
function loadValidator(): Validator {
  const text = readFileSync(SCHEMA_PATH, 'utf8');
  if (existsSync(PRECOMPILED)) {
    const mod = require(PRECOMPILED) as Validator & { default?: Validator; schemaHash?: string };
    if (mod.schemaHash === createHash('sha256').update(text).digest('hex')) return mod.default ?? mod;
  }
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(text));
}

let validator: Validator | undefined;
function validate(data: unknown) {
  validator ??= loadValidator();
  return { ok: validator(data), errors: validator.errors ?? [] };
}

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
    throw new SpecError([{ file: arg, line: 1, col: 1, path: '', message: `no built-in spec "${arg}" (built-in: ${names}); give a path to a .yaml file for your own` }]);
  }
  return arg;
}

/** How a file is named in messages: relative to the working directory, or to the package for built-ins. */
function displayName(file: string): string {
  const abs = path.resolve(file);
  const rel = abs.startsWith(PACKAGE_ROOT + path.sep) && !abs.startsWith(process.cwd() + path.sep) ? path.relative(PACKAGE_ROOT, abs) : path.relative(process.cwd(), abs);
  return rel.split(path.sep).join('/');
}

export type Located = { doc: Document; lines: LineCounter; file: string };

function pointer(p: Array<string | number>): string {
  return p.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Where the node at a path starts; for a missing node, where its nearest parent starts. */
export function locate(src: Located, p: Array<string | number>, key?: string): { line: number; col: number } {
  for (let n = p.length; n >= 0; n--) {
    const node = src.doc.getIn(p.slice(0, n), true) as Node | undefined;
    if (!node || !node.range) continue;
    let offset = node.range[0];
    if (key !== undefined && n === p.length && isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    return src.lines.linePos(offset);
  }
  return { line: 1, col: 1 };
}

function splitPointer(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Words for a key the schema refuses at a path; the spec loader names the service that takes it. */
export type UnknownKey = (path: Array<string | number>, key: string) => string;
const plainUnknown: UnknownKey = (_path, key) => `unknown property "${key}"`;

function describeAjvError(e: ErrorObject, unknownKey: UnknownKey): { message: string; key?: string } {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { message: unknownKey(splitPointer(e.instancePath), String(params.additionalProperty)), key: String(params.additionalProperty) };
    case 'required':
      return { message: `missing required property "${String(params.missingProperty)}"` };
    case 'enum':
      return { message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      // ajv words a union type as "must be string,number".
      return { message: `must be ${String(params.type).split(',').join(' or ')}` };
    case 'dependencies':
      return { message: `"${String(params.property)}" needs "${String(params.missingProperty)}" too` };
    default:
      return { message: e.message ?? e.keyword };
  }
}

/**
 * ajv reports a failed oneOf once for the oneOf and once per branch. Keep what
 * a person can act on: drop a oneOf/anyOf summary when a deeper error explains
 * it, and fold the branches' type errors at one path into one sentence.
 */
function schemaProblems(src: Located, errors: ErrorObject[], unknownKey: UnknownKey): SpecProblem[] {
  const kept = pruneBranches(errors);
  const byPath = new Map<string, string[]>();
  const out: SpecProblem[] = [];
  for (const e of kept) {
    const { message, key } = describeAjvError(e, unknownKey);
    const seen = byPath.get(e.instancePath + '\0' + (key ?? '')) ?? [];
    if (seen.includes(message)) continue;
    seen.push(message);
    byPath.set(e.instancePath + '\0' + (key ?? ''), seen);
    const p = splitPointer(e.instancePath);
    out.push({ file: src.file, ...locate(src, p, key), path: e.instancePath, message });
  }
  // In file order: ajv reports the per-service step checks (an allOf) before the rest.
  return mergeTypeErrors(out).sort((a, b) => a.line - b.line || a.col - b.col);
}

/** ajv's "must match exactly one schema in oneOf" or "must match "then" schema": says that a value failed, never why. */
const isSummary = (e: ErrorObject) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if';

/** The oneOf/anyOf branch an error came from (its schema path up to `oneOf/N`), if any. */
const branchOf = (e: ErrorObject) => /^(.*\/(?:oneOf|anyOf)\/\d+)\//.exec(e.schemaPath)?.[1];

/**
 * Keeps, at each path, only the errors of the branch the value came closest to.
 * Without this `send: { repeat: ab }` listed six problems (one per payload
 * shape) where the one to act on is `missing required property "bytes"`.
 */
function pruneBranches(errors: ErrorObject[]): ErrorObject[] {
  const below = (e: ErrorObject, p: string) => e.instancePath.startsWith(p + '/');
  const drop = new Set<ErrorObject>();
  // A summary ("must match exactly one schema in oneOf") is noise when another error at its path or below says why.
  for (const e of errors) {
    if (isSummary(e) && errors.some((o) => o !== e && !isSummary(o) && (o.instancePath === e.instancePath || below(o, e.instancePath)))) drop.add(e);
  }
  for (const p of new Set(errors.map((e) => e.instancePath))) {
    const atP = errors.filter((e) => e.instancePath === p && !isSummary(e) && branchOf(e) !== undefined);
    if (atP.length === 0) continue;
    // An error below p means some branch accepted p's shape and went inside: report that, not the other shapes.
    if (errors.some((e) => below(e, p))) {
      atP.forEach((e) => drop.add(e));
      continue;
    }
    const branches = new Map<string, ErrorObject[]>();
    for (const e of atP) branches.set(branchOf(e)!, [...(branches.get(branchOf(e)!) ?? []), e]);
    // A branch of the right type (an object missing a key) says more than "must be string"; when every
    // branch wants another type or value (type/const/enum), keep them all, merged into one sentence below.
    const wrongValue = (e: ErrorObject) => e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum';
    const rightType = [...branches.values()].filter((es) => !es.some(wrongValue));
    if (rightType.length === 0) continue;
    const best = rightType.reduce((a, b) => (b.length < a.length ? b : a));
    atP.filter((e) => !best.includes(e)).forEach((e) => drop.add(e));
  }
  return errors.filter((e) => !drop.has(e));
}

function mergeTypeErrors(problems: SpecProblem[]): SpecProblem[] {
  const out: SpecProblem[] = [];
  for (const p of problems) {
    const prev = out.find((q) => q.path === p.path && q.line === p.line && q.col === p.col && /^must be /.test(q.message) && /^must be /.test(p.message));
    if (prev && /^must be (string|object|array|integer|number|boolean)/.test(p.message)) prev.message += ' or ' + p.message.slice('must be '.length);
    else out.push(p);
  }
  return out;
}

function buildSpec(data: any, src: Located): Spec {
  const cases: CaseDef[] = data.cases.map((c: any, i: number) => ({
    ...c,
    points: c.points ?? 1,
    exclusive: c.exclusive ?? false,
    location: { file: src.file, ...locate(src, ['cases', i]) },
  }));
  const vars = Object.fromEntries(Object.entries(data.vars ?? {}).map(([k, v]) => [k, String(v)]));
  return { name: data.name, title: data.title, description: data.description, service: data.service, port: data.port, vars, tags: data.tags ?? [], draw: data.draw ?? {}, cases, file: src.file };
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
        // yaml fills e.linePos only with prettyErrors on (which also rewrites the message),
        // so locate the error's offset ourselves; without this every YAML error said 1:1.
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // yaml refuses to expand an alias bomb ("billion laughs") only here, with a ReferenceError:
    // a spec problem, not the "internal error" and stack trace it was.
    throw new SpecError([{ file, line: 1, col: 1, path: '', message: `YAML: ${(err as Error).message}` }]);
  }
  const { ok, errors } = check(data);
  if (!ok) throw new SpecError(schemaProblems(src, errors, unknownKey(data)));
  return { data, src };
}

/** Parses and validates one spec's text; throws SpecError listing every problem with file:line:col. */
export function parseSpec(text: string, file: string): Spec {
  const specUnknown = (data: unknown): UnknownKey => (p, key) => unknownKeyMessage(SCHEMA_PATH, p, (data as { service?: unknown } | null)?.service, key);
  const { data, src } = parseValidated(text, file, validate, specUnknown);
  const spec = buildSpec(data, src);
  const problems = [...lintSpec(spec), ...unhonouredKeys(spec), ...unknownTags(spec)].map((l) => ({ file, ...locate(src, l.path, l.key), path: pointer(l.path), message: l.message }));
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
      // The pointer names the case, as the location does (it said "/", the document root).
      if (other && other !== spec.file) problems.push({ ...c.location, path: `/cases/${i}`, message: `case id "${c.id}" is also used in ${other}` });
      seen.set(c.id, spec.file);
    });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return specs;
}
