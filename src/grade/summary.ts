// The end of a grading run in a few lines: how many were graded, the score
// distribution as a histogram, and the checks the class failed most.
import { inert } from '../text/escape.js';
import type { GradeRow, SubmissionStatus } from './gradebook.js';

const BAR = 30;

/** Buckets of 10 % (0-9 … 90-99) and a bucket for full marks. */
export function histogram(rows: GradeRow[]): Array<{ label: string; count: number }> {
  const buckets = Array.from({ length: 11 }, (_, i) => ({
    label: i === 10 ? '100%' : `${i * 10}-${i * 10 + 9}%`,
    count: 0,
  }));
  for (const r of rows) {
    const pct = r.maxPoints > 0 ? (r.points / r.maxPoints) * 100 : 0;
    buckets[pct >= 100 ? 10 : Math.min(9, Math.floor(pct / 10))].count++;
  }
  return buckets;
}

/** Case ids by how many submissions failed them, most first (ties by id). */
export function mostFailed(rows: GradeRow[], limit = 10): Array<{ id: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of rows) for (const id of new Set(r.failed)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts]
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

/** The summary; `elapsedMs` is left out when unknown (a merge of shards). */
export function summaryLines(rows: GradeRow[], elapsedMs?: number): string[] {
  const byStatus = new Map<SubmissionStatus, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const statuses = [...byStatus].map(([s, n]) => `${n} ${s}`).join(', ');
  const time = elapsedMs === undefined ? '' : ` in ${(elapsedMs / 1000).toFixed(1)} s`;
  const lines = [
    `${rows.length} submission${rows.length === 1 ? '' : 's'}${time}: ${statuses || 'none'}`,
    '',
    'Scores:',
  ];
  const hist = histogram(rows);
  const top = Math.max(1, ...hist.map((b) => b.count));
  for (const b of hist)
    lines.push(
      `  ${b.label.padStart(7)}  ${'█'.repeat(Math.ceil((b.count / top) * BAR * Math.sign(b.count)))} ${b.count}`,
    );
  const failed = mostFailed(rows);
  if (failed.length > 0) {
    lines.push('', 'Most failed checks:');
    const width = Math.max(...failed.map((f) => f.id.length));
    for (const f of failed) lines.push(`  ${f.id.padEnd(width)}  ${f.count} of ${rows.length}`);
  }
  return lines.map(inert);
}
