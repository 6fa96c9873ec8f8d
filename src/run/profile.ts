// Points: which cases count and how much. A profile is data (a YAML file or
// the default), applied after the run so that running and grading stay apart.
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { parseValidated, readSource } from '../spec/load.js';
import { locate } from '../spec/schema-errors.js';
import { didYouMean } from '../text/suggest.js';
import type { CaseResult } from '../model/result.js';
import { SpecError, type SpecProblem } from '../errors.js';

export interface Profile {
  name: string;
  /** Tags whose cases earn points; 'all' grades every case that ran. */
  tags: string[] | 'all';
  /** Multiplies the points of a spec's cases (default 1). */
  weights: Record<string, number>;
}

/** The built-in default grades `core`. */
export const DEFAULT_PROFILE: Profile = { name: 'default', tags: ['core'], weights: {} };

const PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tags'],
  properties: {
    name: { type: 'string' },
    tags: { oneOf: [{ const: 'all' }, { type: 'array', minItems: 1, items: { type: 'string' } }] },
    weights: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
  },
};

let check: ValidateFunction | undefined;
// ajv is loaded only when a profile file is read: most runs have none.
const require = createRequire(import.meta.url);

/** What a profile may name: tags the chosen specs know, and specs that exist. */
export interface ProfileNames {
  tags: string[];
  specs: string[];
}

/**
 * Reads a profile file; problems come as file:line:col like spec problems. With `known`, a tag
 * or a weighted spec that does not exist is refused with a suggestion: it would grade nothing.
 */
export function loadProfile(file: string, known?: ProfileNames): Profile {
  const { Ajv } = require('ajv') as typeof import('ajv');
  check ??= new Ajv({ allErrors: true, strict: true }).compile(PROFILE_SCHEMA);
  const validate = (d: unknown) => ({ ok: check!(d) as boolean, errors: check!.errors ?? [] });
  const unknownKey = () => (p: Array<string | number>, key: string) =>
    `unknown property "${key}"${p.length === 0 ? didYouMean(key, Object.keys(PROFILE_SCHEMA.properties)) : ''}`;
  const { data, src } = parseValidated(readSource(file), file, validate, unknownKey);
  const problems: SpecProblem[] = [];
  if (known && Array.isArray(data.tags)) {
    (data.tags as string[]).forEach((t, i) => {
      if (!known.tags.includes(t))
        problems.push({
          file,
          ...locate(src, ['tags', i]),
          path: `/tags/${i}`,
          message: `unknown tag "${t}"${didYouMean(t, known.tags)}; tags are ${known.tags.join(', ')}`,
        });
    });
  }
  for (const name of known ? Object.keys(data.weights ?? {}) : []) {
    if (!known!.specs.includes(name))
      problems.push({
        file,
        ...locate(src, ['weights'], name),
        path: `/weights/${name}`,
        message:
          `weight for "${name}", which is not a spec${didYouMean(name, known!.specs)}; ` +
          `specs are ${known!.specs.join(', ')}`,
      });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return { name: data.name ?? file, tags: data.tags, weights: data.weights ?? {} };
}

/**
 * Whether a case earns points under a profile: it carries a graded tag, and it ran or was cut short
 * (--bail keeps a cut case's points, none earned); a case not selected comes with none.
 */
export function isGraded(c: Pick<CaseResult, 'tags' | 'status' | 'maxPoints'>, profile: Profile): boolean {
  if (c.status === 'skipped' && c.maxPoints === 0) return false;
  return profile.tags === 'all' || c.tags.some((t) => (profile.tags as string[]).includes(t));
}

/** Sets points and maxPoints by the profile (the case's own points are the base): ungraded cases are worth 0/0. */
export function applyProfile(cases: CaseResult[], profile: Profile): CaseResult[] {
  return cases.map((c) => {
    const maxPoints = isGraded(c, profile) ? c.maxPoints * (profile.weights[c.spec] ?? 1) : 0;
    return { ...c, maxPoints, points: c.status === 'passed' ? maxPoints : 0 };
  });
}
