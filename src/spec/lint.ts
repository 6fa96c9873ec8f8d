// Checks a schema cannot express: ids used twice, placeholders naming no
// variable, regexes that do not compile, step fields that make no sense for
// the spec's service. Each problem points at a path so the loader can give
// its line and column.
import { knownFilter, templateRefs } from './template.js';
import type { Spec, Step } from './types.js';

export interface LintProblem {
  path: Array<string | number>;
  key?: string;
  message: string;
}

/** Variables every case has without declaring them. */
export const BUILTIN_VARS = ['uid', 'i', 'client', 'host', 'port'] as const;

/** Names a step defines for the steps after it (captures, in protocols that have them). */
export type CaptureNames = (step: Step) => string[];

function* strings(value: unknown, path: Array<string | number>): Generator<[string, Array<string | number>]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], [...path, i]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

const STREAM_ONLY: Array<keyof Step> = ['connect', 'then'];

function stepProblems(spec: Spec, step: Step, at: Array<string | number>): LintProblem[] {
  const out: LintProblem[] = [];
  if (spec.service === 'udp') {
    for (const k of STREAM_ONLY) if (step[k] !== undefined) out.push({ path: at, key: k, message: `"${k}" is for tcp and http services, not udp` });
  }
  if (step.client && step.clients) out.push({ path: at, key: 'clients', message: 'a step uses either one named "client" or a group of "clients", not both' });
  if (step.expect?.matches !== undefined) {
    try {
      new RegExp(step.expect.matches, 'u');
    } catch (err) {
      out.push({ path: [...at, 'expect'], key: 'matches', message: `invalid regular expression: ${(err as Error).message}` });
    }
  }
  if (step.expect && step.send === undefined && !step.client) out.push({ path: at, key: 'expect', message: 'a step that expects a reply must send something, or read from a named "client"' });
  return out;
}

export function lintSpec(spec: Spec, captures: CaptureNames = () => []): LintProblem[] {
  const out: LintProblem[] = [];
  const ids = new Set<string>();
  spec.cases.forEach((c, ci) => {
    if (ids.has(c.id)) out.push({ path: ['cases', ci], key: 'id', message: `case id "${c.id}" is used twice in this spec` });
    ids.add(c.id);
    const known = new Set<string>([...BUILTIN_VARS, ...Object.keys(spec.vars)]);
    c.steps.forEach((step, si) => {
      const at = ['cases', ci, 'steps', si];
      out.push(...stepProblems(spec, step, at));
      for (const [s, p] of strings(step, at)) {
        for (const ref of templateRefs(s)) {
          if (!known.has(ref.name)) out.push({ path: p, message: `unknown variable {{${ref.name}}}: declare it under "vars" or capture it in an earlier step` });
          for (const f of ref.filters) if (!knownFilter(f.name)) out.push({ path: p, message: `unknown filter "${f.name}" in {{${ref.name}}}` });
        }
      }
      for (const name of captures(step)) known.add(name);
    });
  });
  return out;
}
