// What a run comes to, as data every reporter tells the same way: a banner
// when the server itself is the problem (nothing listening, did not start,
// crashed) and the cases that banner decided, the cases by spec in spec
// order, what earns points and what was skipped and why. Pure.
import type { CaseResult, RunResult } from '../model/result.js';

/** The server was the problem, not one check. */
export interface Banner {
  kind: 'not listening' | 'did not start' | 'crashed';
  /** "Nothing is listening", "Your server did not start", "Your server crashed". */
  title: string;
  /** One sentence: why. */
  cause: string;
  /** What to do next, when there is something general to say. */
  advice?: string;
  /** The start command, when netgrade started the server. */
  command?: string;
  /** The last lines the server wrote to stderr (never clipped at the top: the tail is what matters). */
  stderr?: string[];
  /** Lines of stderr left out above `stderr`. */
  stderrOmitted?: number;
  /** Which stream `stderr` holds: stdout when the server wrote nothing to stderr. */
  stream?: 'stderr' | 'stdout';
  /** The failed cases the banner accounts for: listed one line each, not as full blocks. */
  decided: CaseResult[];
}

const STDERR_LINES = 15;

const bad = (c: CaseResult) => c.status === 'failed' || c.status === 'errored';

/** The last lines of the server's stderr, or of its stdout when stderr is empty. */
function tail(server: NonNullable<RunResult['server']>): {
  stderr: string[];
  stderrOmitted: number;
  stream: 'stderr' | 'stdout';
} {
  const stream = server.stderrTail.trim() === '' && server.stdoutTail.trim() !== '' ? 'stdout' : 'stderr';
  const text = stream === 'stdout' ? server.stdoutTail : server.stderrTail;
  const lines = text.replace(/\n+$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return { stderr: [], stderrOmitted: 0, stream };
  return { stderr: lines.slice(-STDERR_LINES), stderrOmitted: Math.max(0, lines.length - STDERR_LINES), stream };
}

/** Specs on whose service every case that ran was refused, and those ports ("12000/tcp"): nothing listens there. */
function refused(result: RunResult): { specs: Set<string>; where: string[] } {
  const specs = new Set<string>();
  const where: string[] = [];
  for (const spec of result.specs) {
    const ran = result.cases.filter((c) => c.spec === spec.name && c.status !== 'skipped');
    // Refused at least once, and nothing ever came back: the rest were failed unheard
    // (or not tried once the service was found dead).
    const refusedOnce = ran.some((c) => c.failure?.cause === 'REFUSED');
    const unheard = ran.every((c) => c.status === 'failed' && !c.transcript.some((e) => e.kind === 'recv'));
    if (!refusedOnce || !unheard) continue;
    specs.add(spec.name);
    const w = `${result.target.ports[spec.service]}/${spec.service === 'udp' ? 'udp' : 'tcp'}`;
    if (!where.includes(w)) where.push(w);
  }
  return { specs, where };
}

/** The banner of a run, or undefined when the server was there throughout. */
export function bannerOf(result: RunResult): Banner | undefined {
  const s = result.server;
  if (s?.status === 'did not start') {
    return {
      kind: 'did not start',
      title: 'Your server did not start',
      cause: s.message ?? 'it never listened on its ports',
      command: s.command,
      ...tail(s),
      decided: result.cases.filter(bad),
    };
  }
  if (s?.status === 'crashed') {
    const sentence = (s.message ?? '').split(/ (?:during|after|before) /)[0];
    // The case it died in keeps its full block: its transcript shows what killed it.
    const decided = result.cases.filter(
      (c) =>
        bad(c) &&
        sentence !== '' &&
        c.failure!.message.startsWith(sentence) &&
        !c.failure!.message.endsWith('during this case'),
    );
    return {
      kind: 'crashed',
      title: 'Your server crashed',
      cause: s.message ?? 'it exited during the run',
      command: s.command,
      ...tail(s),
      decided,
    };
  }
  const { specs, where } = refused(result);
  if (where.length === 0) return undefined;
  const ports = new Set(where.map((w) => w.split('/')[0]));
  const decided = result.cases.filter((c) => bad(c) && specs.has(c.spec));
  const example = ports.size === 1 ? `python3 server.py ${[...ports][0]}` : 'python3 server.py';
  return {
    kind: 'not listening',
    title: 'Nothing is listening',
    cause: `${result.target.host} ${where.join(', ')} refused every connection`,
    advice: s
      ? 'your server stopped listening before the run'
      : `start your server first (e.g. ${example}), ` +
        'or let netgrade start it: netgrade run --start "python3 server.py {port}"',
    decided,
  };
}

/** The specs of a run with their cases, in spec order (cases in spec order within). */
export function specGroups(result: RunResult): Array<{ spec: RunResult['specs'][number]; cases: CaseResult[] }> {
  return result.specs
    .map((spec) => ({ spec, cases: result.cases.filter((c) => c.spec === spec.name) }))
    .filter((g) => g.cases.length > 0);
}

/** "7 skipped: unicode, robust; run with --tags all", or undefined when nothing was skipped. */
export function skippedLine(result: RunResult): string | undefined {
  const skipped = result.cases.filter((c) => c.status === 'skipped');
  if (skipped.length === 0) return undefined;
  const reasons: string[] = [];
  const byTag = skipped.filter((c) => c.failure?.message.startsWith('not selected: tags'));
  const tags = [...new Set(byTag.flatMap((c) => c.tags))].join(', ');
  const left = skipped.filter((c) => c.failure?.message.includes('--skip-tags')).length;
  if (left > 0) reasons.push(`${left} left out by --skip-tags`);
  const grep = skipped.filter((c) => c.failure?.message.includes('--grep')).length;
  if (grep > 0) reasons.push(`${grep} not matching --grep`);
  const other = skipped.filter(
    (c) => !byTag.includes(c) && !c.failure?.message.includes('--skip-tags') && !c.failure?.message.includes('--grep'),
  );
  for (const m of new Set(other.map((c) => c.failure?.message ?? 'not run')))
    reasons.push(`${other.filter((c) => (c.failure?.message ?? 'not run') === m).length} ${m}`);
  // One reason reads as "7 skipped: unicode, robust; run with --tags all"; several carry their counts.
  if (reasons.length === 0 && byTag.length > 0) return `${skipped.length} skipped: ${tags}; run with --tags all`;
  if (byTag.length > 0) reasons.unshift(`${byTag.length} tagged ${tags} (run with --tags all)`);
  return `${skipped.length} skipped: ${reasons.join('; ')}`;
}

/** Why a skipped case did not run, shortest form: "tags unicode (run with --tags all)". */
export function skipReason(c: CaseResult): string {
  return (c.failure?.message ?? 'not run').replace(/^not selected: /, '');
}

/** "Score: 40/43 points (core checks earn points; 12 other checks that ran earn none)". */
export function scoreLine(result: RunResult): string {
  const { points, maxPoints } = result.summary;
  const ran = result.cases.filter((c) => c.status !== 'skipped');
  const graded = ran.filter((c) => c.maxPoints > 0);
  const tags = result.profile?.tags;
  const which =
    tags === 'all'
      ? 'every check that runs earns points'
      : tags
        ? `${tags.join(', ')} checks earn points`
        : `${graded.length} checks earn points`;
  const free = ran.length - graded.length;
  const rest =
    free > 0 ? `; ${free} other check${free === 1 ? '' : 's'} that ran earn${free === 1 ? 's' : ''} none` : '';
  return `Score: ${points}/${maxPoints} points (${which}${rest})`;
}

/** The server's state in a few words, for a report's header. */
export function serverStatusText(result: RunResult): string {
  const s = result.server;
  if (!s) return bannerOf(result)?.kind === 'not listening' ? 'nothing listening' : 'running (not started by netgrade)';
  if (s.status === 'ran')
    return `started by netgrade, listened${s.readyMs !== undefined ? ` after ${s.readyMs} ms` : ''}`;
  return s.status;
}
