// Tags: the catalogue's, plus those a spec declares in its top-level `tags` list.
// A tag that is in neither is a typo (`cor`), and a case tagged only with a typo
// would never run under the default selection: the loader refuses it.
import { didYouMean } from '../text/suggest.js';
import type { LintProblem } from './lint.js';
import type { Spec } from './types.js';

/** The catalogue's tags and what each selects (README "The check catalogue"). */
export const CATALOGUE_TAGS: Record<string, string> = {
  core: 'what every server must do; graded by default',
  unicode: 'non-ASCII text',
  robust: 'odd but legal clients: slow, split, concurrent, empty',
  rfc: 'finer points of the RFCs',
  security: 'session ids that cannot be guessed or forged',
  kv: 'needs the KV store (POST /create)',
};

/** The tags a spec's cases may carry. */
export function knownTags(spec: Pick<Spec, 'tags'>): string[] {
  return [...Object.keys(CATALOGUE_TAGS), ...(spec.tags ?? [])];
}

/** Case tags that are neither the catalogue's nor declared by the spec, each with a suggestion. */
export function unknownTags(spec: Spec): LintProblem[] {
  const known = knownTags(spec);
  const out: LintProblem[] = [];
  spec.cases.forEach((c, ci) =>
    c.tags.forEach((t, ti) => {
      if (!known.includes(t))
        out.push({
          path: ['cases', ci, 'tags', ti],
          message:
            `unknown tag "${t}"${didYouMean(t, known)}; tags are ${known.join(', ')}, ` +
            'or add it to the spec\'s top-level "tags" list',
        });
    }),
  );
  return out;
}

/** Every tag the specs know (catalogue, declared, used), for --tags, --skip-tags and profiles. */
export function tagsOf(specs: Array<Pick<Spec, 'tags' | 'cases'>>): string[] {
  return [
    ...new Set([
      ...Object.keys(CATALOGUE_TAGS),
      ...specs.flatMap((s) => [...(s.tags ?? []), ...s.cases.flatMap((c) => c.tags)]),
    ]),
  ];
}
