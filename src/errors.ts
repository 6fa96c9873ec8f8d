// Every error netgrade raises on purpose: one base class, a stable `code` on each
// (undici's lib/core/errors.js is the model). cli.ts maps codes to exit status in one
// table; the scheduler reads a NetError's code as a failure's cause.
import type { Failure } from './model/result.js';
import type { Location } from './model/place.js';

export abstract class NetgradeError extends Error {
  abstract readonly code: string;
}

/** A flag, a roster or a config file that cannot be used as given. */
export class UsageError extends NetgradeError {
  readonly code = 'USAGE';
}

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
export class SpecError extends NetgradeError {
  readonly code = 'SPEC_INVALID';
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
  }
}

/** A {{placeholder}} or filter the spec wrote wrongly: the spec is at fault. */
export class TemplateError extends NetgradeError {
  readonly code = 'TEMPLATE';
}

/** A filter got a value it cannot work on; the value came from the server (a capture), so the server is at fault. */
export class FilterInputError extends NetgradeError {
  readonly code = 'FILTER_INPUT';
}

/** A reporter that cannot be set up (unknown name, a file it cannot write). */
export class ReporterError extends NetgradeError {
  readonly code = 'REPORTER';
}

/** A step failed: the server did something wrong. Carries the failure as data. */
export class StepFailed extends NetgradeError {
  readonly code = 'STEP_FAILED';
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** netgrade could not test (a spec value that fails at run time, an internal error). */
export class CaseErrored extends NetgradeError {
  readonly code = 'CASE_ERRORED';
}

/** What went wrong on the wire, so a check can say "nothing is listening" rather than print an errno. */
export type NetErrorCode =
  | 'REFUSED' // nothing listening (TCP RST to SYN, or ICMP port unreachable for UDP)
  | 'CONNECT_TIMEOUT'
  | 'UNREACHABLE'
  | 'RESET'
  | 'DNS'
  | 'OTHER';

export class NetError extends NetgradeError {
  constructor(
    readonly code: NetErrorCode,
    message: string,
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'NetError';
  }
}
