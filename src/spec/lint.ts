// Checks a schema cannot express: ids used twice, placeholders naming no
// variable, regexes that do not compile. Each problem points at a path so the
// loader can give its line and column. (Keys a service does not read are
// refused by the schema's per-service steps; keys that cancel out, by honoured.ts.)
import { knownFilter, replacePlaceholders, templateRefs } from './template.js';
import { MATCHERS, MATCHER_KEYWORDS, type WrittenMatch } from './matchers.js';
import type { Spec, Step } from './types.js';
import { lifecycleUses, notExclusiveMessage } from './lifecycle.js';

export interface LintProblem {
  path: Array<string | number>;
  key?: string;
  message: string;
}

/** Variables every case has without declaring them. */
export const BUILTIN_VARS = ['uid', 'i', 'n', 'client', 'host', 'port'] as const;

/** Names a step defines for the steps after it (captures, in protocols that have them). */
export type CaptureNames = (step: Step) => string[];

function* strings(value: unknown, path: Array<string | number>): Generator<[string, Array<string | number>]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], [...path, i]);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // Header names may be templates ({{validatorName}}); they name variables too.
      if (k.includes('{{')) yield [k, [...path, k]];
      yield* strings(v, [...path, k]);
    }
  }
}

function stepProblems(spec: Spec, step: Step, at: Array<string | number>): LintProblem[] {
  const out: LintProblem[] = [];
  if (step.request && step.raw !== undefined)
    out.push({ path: at, key: 'raw', message: 'a step sends either a "request" or "raw" bytes, not both' });
  if (step.client && step.clients)
    out.push({
      path: at,
      key: 'clients',
      message: 'a step uses either one named "client" or a group of "clients", not both',
    });
  for (const [p, key, re] of regexes(step, at)) {
    try {
      // Placeholders are filled in before the regex is compiled at run time, and a bare
      // "{{" is a syntax error under the u flag: compile with a stand-in for each one.
      new RegExp(replacePlaceholders(re, 'x'), 'u');
    } catch (err) {
      // V8's message already starts "Invalid regular expression: /a(b/u: ..."; do not say it twice.
      const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
      out.push({ path: p, key, message: `invalid regular expression: ${why}` });
      continue;
    }
    const nested = nestedQuantifier(re);
    if (nested)
      out.push({
        path: p,
        key,
        message:
          `regular expression /${re}/ repeats a group that itself repeats ("${nested}"): ` +
          'on a long reply that takes exponential time and hangs netgrade; rewrite it without the nesting',
      });
  }
  // A step that sends nothing is skipped by its runner, so its expect would never be checked.
  const sends = step.send !== undefined || step.request !== undefined || step.raw !== undefined;
  if (step.expect && !sends)
    out.push({
      path: at,
      key: 'expect',
      message:
        spec.service === 'http'
          ? 'a step that expects a response must send a "request" or "raw" bytes'
          : 'a step that expects a reply must "send" something',
    });
  return out;
}

/**
 * The first group with an unbounded quantifier inside that is itself repeated without bound,
 * such as "(a+)+" or "(\\w*,)*": V8 backtracks exponentially on those, synchronously, so no
 * deadline can stop it (a 41-byte body against /^(a+)+$/ took 109 s). A heuristic in the
 * manner of safe-regex (star height > 1): overlapping alternatives such as "(a|a)*" pass it.
 */
export function nestedQuantifier(source: string): string | undefined {
  const open: Array<{ start: number; repeats: boolean }> = [];
  const unbounded = (i: number) => source[i] === '*' || source[i] === '+' || /^\{\d+,\}/.test(source.slice(i));
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      if (unbounded(i + 1) && open.length > 0) open[open.length - 1].repeats = true;
      continue;
    }
    if (c === '[') {
      // A class is one element: skip to its closing bracket.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      open.push({ start: i, repeats: false });
      continue;
    } else if (c === ')') {
      const group = open.pop();
      if (!group) continue;
      if (group.repeats && unbounded(i + 1))
        return source.slice(group.start, i + 1) + (/^\{\d+,\}/.exec(source.slice(i + 1))?.[0] ?? source[i + 1]);
      // A repeated group makes its enclosing group repeat too.
      if ((group.repeats || unbounded(i + 1)) && open.length > 0) open[open.length - 1].repeats = true;
      continue;
    }
    if (unbounded(i + 1) && open.length > 0) open[open.length - 1].repeats = true;
  }
  return undefined;
}

/**
 * Every regular expression a step holds, with where it stands: each matcher of the table that
 * takes one, and body captures.
 */
function regexes(step: Step, at: Array<string | number>): Array<[Array<string | number>, string, string]> {
  const out: Array<[Array<string | number>, string, string]> = [];
  const e = step.expect;
  const sets: Array<[Array<string | number>, WrittenMatch | undefined]> = [
    [[...at, 'expect'], e],
    [[...at, 'expect', 'body'], e?.body],
    ...Object.entries(e?.headers ?? {}).map(([name, h]): [Array<string | number>, WrittenMatch] => [
      [...at, 'expect', 'headers', name],
      h,
    ]),
    [[...at, 'expect', 'setCookie', 'value'], e?.setCookie?.value],
  ];
  for (const [p, set] of sets) {
    for (const k of MATCHER_KEYWORDS)
      if (MATCHERS[k].arg === 'regex' && set?.[k] !== undefined) out.push([p, k, set[k] as string]);
  }
  for (const [name, c] of Object.entries(step.capture ?? {}))
    if ('body' in c) out.push([[...at, 'capture', name], 'body', c.body]);
  return out;
}

/** Names a step captures, for the steps after it. */
export const stepCaptures: CaptureNames = (step) => Object.keys(step.capture ?? {});

export function lintSpec(spec: Spec, captures: CaptureNames = stepCaptures): LintProblem[] {
  const out: LintProblem[] = [];
  const ids = new Set<string>();
  const drawn = Object.keys(spec.draw ?? {});
  for (const name of drawn) {
    // A drawn value that shadowed a variable would make --set name=... silently do nothing.
    const taken = (BUILTIN_VARS as readonly string[]).includes(name)
      ? 'a built-in variable'
      : Object.hasOwn(spec.vars, name)
        ? 'a variable under "vars"'
        : undefined;
    if (taken)
      out.push({
        path: ['draw'],
        key: name,
        message: `"${name}" is already ${taken}; give the drawn value another name`,
      });
  }
  spec.cases.forEach((c, ci) => {
    if (ids.has(c.id))
      out.push({ path: ['cases', ci], key: 'id', message: `case id "${c.id}" is used twice in this spec` });
    ids.add(c.id);
    const use = c.exclusive ? undefined : lifecycleUses(spec.service, c)[0];
    if (use) out.push({ path: ['cases', ci, ...use.path], key: use.key, message: notExclusiveMessage(c, use) });
    const known = new Set<string>([...BUILTIN_VARS, ...Object.keys(spec.vars), ...drawn]);
    const captured = new Set<string>();
    c.steps.forEach((step, si) => {
      const at = ['cases', ci, 'steps', si];
      out.push(...stepProblems(spec, step, at));
      for (const [s, p] of strings(step, at)) {
        for (const ref of templateRefs(s)) {
          if (!known.has(ref.name))
            out.push({
              path: p,
              message:
                `unknown variable {{${ref.name}}}: ` +
                'declare it under "vars" or "draw", or capture it in an earlier step',
            });
          // {{n}} exists only while an `each` is expanded; anywhere else every run errored on it.
          else if (
            ref.name === 'n' &&
            !Object.hasOwn(spec.vars, 'n') &&
            !captured.has('n') &&
            p[p.length - 1] !== 'each'
          )
            out.push({ path: p, message: '{{n}} is only defined inside "each" (the number of the entry, 1 to count)' });
          for (const f of ref.filters)
            if (!knownFilter(f.name)) out.push({ path: p, message: `unknown filter "${f.name}" in {{${ref.name}}}` });
        }
      }
      for (const name of captures(step)) {
        if (drawn.includes(name))
          out.push({
            path: [...at, 'capture'],
            key: name,
            message: `"${name}" is a drawn value (under "draw"); capture into another name`,
          });
        known.add(name);
        captured.add(name);
      }
    });
  });
  return out;
}
