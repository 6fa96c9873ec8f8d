import type { CaseStatus } from '../model/result.js';

/** How each outcome reads in every reporter: one table, not a switch per reporter. */
export const STATUS_WORDS: Record<
  CaseStatus,
  { word: string; mark: string; color: 'green' | 'red' | 'yellow' | 'gray' }
> = {
  passed: { word: 'passed', mark: '✓', color: 'green' },
  failed: { word: 'FAILED', mark: '✗', color: 'red' },
  errored: { word: 'ERROR', mark: '!', color: 'yellow' },
  skipped: { word: 'skipped', mark: '-', color: 'gray' },
};
