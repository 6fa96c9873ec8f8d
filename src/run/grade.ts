// Points: which cases count and how much. A profile is data (a YAML file or
// the default), applied after the run so that running and grading stay apart.
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { parseValidated, readSource } from '../spec/load.js';
import type { CaseResult } from './result.js';

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

/** Reads a profile file; problems come as file:line:col like spec problems. */
export function loadProfile(file: string): Profile {
  const { Ajv } = require('ajv') as typeof import('ajv');
  check ??= new Ajv({ allErrors: true, strict: true }).compile(PROFILE_SCHEMA);
  const validate = (d: unknown) => ({ ok: check!(d) as boolean, errors: check!.errors ?? [] });
  const { data } = parseValidated(readSource(file), file, validate);
  return { name: data.name ?? file, tags: data.tags, weights: data.weights ?? {} };
}

/** Whether a case earns points under a profile (it ran and carries a graded tag). */
export function isGraded(c: Pick<CaseResult, 'tags' | 'status'>, profile: Profile): boolean {
  if (c.status === 'skipped') return false;
  return profile.tags === 'all' || c.tags.some((t) => (profile.tags as string[]).includes(t));
}

/** Sets points and maxPoints by the profile (the case's own points are the base): ungraded cases are worth 0/0. */
export function applyProfile(cases: CaseResult[], profile: Profile): CaseResult[] {
  return cases.map((c) => {
    const maxPoints = isGraded(c, profile) ? c.maxPoints * (profile.weights[c.spec] ?? 1) : 0;
    return { ...c, maxPoints, points: c.status === 'passed' ? maxPoints : 0 };
  });
}
