import type { CaseDef, Spec } from './types.js';

export interface Selection {
  /** Tags to run; 'all' runs everything. Default: ['core']. */
  tags: string[] | 'all';
  /** Runs only cases whose id or title matches. */
  grep?: RegExp;
  /** Leaves out cases carrying any of these tags (e.g. `kv` on a static server). */
  skipTags?: string[];
}

/** Why a case is left out, or undefined when it runs. */
export function exclusionReason(def: CaseDef, sel: Selection): string | undefined {
  if (sel.tags !== 'all' && !def.tags.some((t) => (sel.tags as string[]).includes(t))) {
    return `not selected: tags ${def.tags.join(', ')} (run with --tags ${def.tags[0]} or --tags all)`;
  }
  const skipped = def.tags.find((t) => sel.skipTags?.includes(t));
  if (skipped) return `not selected: tag ${skipped} is left out (--skip-tags)`;
  if (sel.grep && !sel.grep.test(def.id) && !sel.grep.test(def.title))
    return `not selected: does not match --grep ${sel.grep.source}`;
  return undefined;
}

/** Parses --tags: a comma list, or 'all'. */
export function parseTags(value: string | undefined): Selection['tags'] {
  if (!value) return ['core'];
  const tags = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return tags.includes('all') ? 'all' : tags;
}

/** Every tag used by the specs, for --tags validation and `list`. */
export function allTags(specs: Spec[]): string[] {
  return [...new Set(specs.flatMap((s) => s.cases.flatMap((c) => c.tags)))].sort();
}
