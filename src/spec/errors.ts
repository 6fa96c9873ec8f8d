import type { Location } from './types.js';

/** One thing wrong with a spec file, located to the character. */
export interface SpecProblem extends Location {
  /** JSON pointer into the document, e.g. /cases/3/steps/0/send ('' for the root). */
  path: string;
  message: string;
}

export function formatProblem(p: SpecProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '/'}: ${p.message}`;
}

/** A spec that cannot run. Nothing runs when any spec has problems. */
export class SpecError extends Error {
  readonly code = 'SPEC_INVALID';
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
  }
}
