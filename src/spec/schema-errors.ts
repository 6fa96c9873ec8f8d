// ajv's errors in a person's words, each at the file:line:col of the YAML node it is about.
import type { ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { SpecProblem } from '../errors.js';

export type Located = { doc: Document; lines: LineCounter; file: string };

export function pointer(p: Array<string | number>): string {
  return p.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Where the node at a path starts; for a missing node, where its nearest parent starts. */
export function locate(src: Located, p: Array<string | number>, key?: string): { line: number; col: number } {
  for (let n = p.length; n >= 0; n--) {
    const node = src.doc.getIn(p.slice(0, n), true) as Node | undefined;
    if (!node?.range) continue;
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
export const plainUnknown: UnknownKey = (_path, key) => `unknown property "${key}"`;

function describeAjvError(e: ErrorObject, unknownKey: UnknownKey): { message: string; key?: string } {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        message: unknownKey(splitPointer(e.instancePath), String(params.additionalProperty)),
        key: String(params.additionalProperty),
      };
    case 'required':
      return { message: `missing required property "${String(params.missingProperty)}"` };
    case 'enum':
      return {
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
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
export function schemaProblems(src: Located, errors: ErrorObject[], unknownKey: UnknownKey): SpecProblem[] {
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

/**
 * ajv's "must match exactly one schema in oneOf" or "must match "then" schema": says that a value
 * failed, never why.
 */
const isSummary = (e: ErrorObject) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if';

/** The oneOf/anyOf branch an error came from (its schema path up to `oneOf/N`), if any. */
const branchOf = (e: ErrorObject) => /^(.*\/(?:oneOf|anyOf)\/\d+)\//.exec(e.schemaPath)?.[1];

/**
 * Keeps, at each path, only the errors of the branch the value came closest to:
 * `send: { repeat: ab }` gets the one problem to act on, `missing required property
 * "bytes"` (spec-load.test.ts: "a payload object of the wrong shape").
 */
function pruneBranches(errors: ErrorObject[]): ErrorObject[] {
  const below = (e: ErrorObject, p: string) => e.instancePath.startsWith(p + '/');
  const drop = new Set<ErrorObject>();
  // A summary ("must match exactly one schema in oneOf") is noise when another error at its path or below says why.
  for (const e of errors) {
    if (
      isSummary(e) &&
      errors.some((o) => o !== e && !isSummary(o) && (o.instancePath === e.instancePath || below(o, e.instancePath)))
    )
      drop.add(e);
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
    const prev = out.find(
      (q) =>
        q.path === p.path &&
        q.line === p.line &&
        q.col === p.col &&
        /^must be /.test(q.message) &&
        /^must be /.test(p.message),
    );
    if (prev && /^must be (string|object|array|integer|number|boolean)/.test(p.message))
      prev.message += ' or ' + p.message.slice('must be '.length);
    else out.push(p);
  }
  return out;
}
