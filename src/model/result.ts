// What a run produces. Reporters read these and nothing else; the runner
// fills them and never formats them.
import type { Location, ServiceName } from './place.js';
import type { ServerReport } from './server-report.js';

/** What happened on the wire: bytes (`send`, `recv`) or a connection event. */
export type WireKind =
  | 'connect'
  | 'send'
  | 'recv'
  | 'half-close'
  | 'close'
  | 'reset'
  | 'peer-close'
  | 'peer-reset'
  | 'timeout'
  | 'error';

/** One thing seen on the wire, in order, with its time since the case started. */
export interface TranscriptEvent {
  /** Milliseconds since the case started. */
  t: number;
  /** Which client of the case (`main`, a named client, or `client 3` of a group). */
  client: string;
  /** `send`/`recv` carry bytes; the rest are connection events. */
  kind: WireKind;
  /** The bytes, escaped (never raw), possibly cut with a note of the full length. */
  data?: string;
  /** How many bytes were sent or received. */
  bytes?: number;
  /** A few words on a connection event (e.g. the error). */
  note?: string;
}

export type CaseStatus = 'passed' | 'failed' | 'errored' | 'skipped';

/** Why a case did not pass, as data: the reporter decides how it reads. */
export interface Failure {
  /** One plain sentence: what went wrong. */
  message: string;
  /** What the check wanted (escaped text). */
  expected?: string;
  /** What the server did (escaped text). */
  actual?: string;
  /** Index of the step where it happened, and its label. */
  step?: number;
  stepLabel?: string;
  /** The network error behind the failure, as a stable code (REFUSED, RESET, ...), when there was one. */
  cause?: string;
}

interface CaseResultBase {
  id: string;
  spec: string;
  title: string;
  requirement: string;
  source?: string;
  hint?: string;
  tags: string[];
  location: Location;
  durationMs: number;
  maxPoints: number;
  points: number;
  transcript: TranscriptEvent[];
}

export type CaseResult =
  /** The server did everything the case asks. */
  | (CaseResultBase & { status: 'passed'; failure?: undefined })
  /** The server did something wrong: wrong bytes, a timeout, a refused connection, a reset. */
  | (CaseResultBase & { status: 'failed'; failure: Failure })
  /** netgrade could not test: a bad spec value at run time or an internal error. */
  | (CaseResultBase & { status: 'errored'; failure: Failure })
  /** Not run: not selected, or a prerequisite did not hold. */
  | (CaseResultBase & { status: 'skipped'; failure?: Failure });

export interface Target {
  host: string;
  ports: Partial<Record<ServiceName, number>>;
}

export interface RunSummary {
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  points: number;
  maxPoints: number;
  durationMs: number;
}

export interface RunResult {
  version: 1;
  /** The seed payloads were drawn from; --seed repeats it. */
  seed: number;
  target: Target;
  summary: RunSummary;
  /** `file` as messages name it; `path` absolute (for links such as annotations), when read from disk. */
  specs: Array<{ name: string; title: string; file: string; path?: string; service: ServiceName }>;
  cases: CaseResult[];
  /** The server netgrade started (run --start, grade); absent when it tested a running one. */
  server?: ServerReport;
  /** The grading profile: which tags earned points (reporters say so next to the score). */
  profile?: { name: string; tags: string[] | 'all' };
}

/** What a run will test, told to reporters before any case starts. */
export interface RunInfo {
  specs: RunResult['specs'];
  target: Target;
  /** How many cases the selection lets run. */
  selected: number;
}

export function summarize(cases: CaseResult[], durationMs: number): RunSummary {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    skipped: count('skipped'),
    points: cases.reduce((n, c) => n + c.points, 0),
    maxPoints: cases.reduce((n, c) => n + c.maxPoints, 0),
    durationMs,
  };
}
