// What a run checks, from the specs named and the flags: specs, selection,
// variables, profile, timeout and seed, shared by `run` and `grade`.
import { DEFAULT_PROFILE, loadProfile } from '../run/profile.js';
import { randomSeed } from '../spec/draw.js';
import { builtinSpecNames, loadSpecs } from '../spec/load.js';
import { allTags, parseTags } from '../spec/select.js';
import { tagsOf } from '../spec/tags.js';
import type { Spec } from '../spec/types.js';
import { didYouMean } from '../text/suggest.js';
import { parseMs, parseRegex, parseSeed, parseSets, parseTagList, type PlanFlags } from './flags.js';
import { UsageError } from '../errors.js';

/** Every --set names a variable some chosen spec declares. */
export function checkVars(specs: Spec[], sets: Record<string, string>): void {
  const declared = new Set(specs.flatMap((s) => Object.keys(s.vars)));
  for (const name of Object.keys(sets)) {
    if (!declared.has(name))
      throw new UsageError(
        `--set ${name}: no chosen spec has a variable "${name}" (declared: ${[...declared].join(', ') || 'none'})`,
      );
  }
}

/** --tags and --skip-tags name tags some chosen case carries; a typo gets a suggestion. */
export function checkTags(specs: Spec[], tags: string[] | 'all', flag = '--tags'): void {
  if (tags === 'all') return;
  const known = allTags(specs);
  const unknown = tags.filter((t) => !known.includes(t));
  if (unknown.length === 0) return;
  const named = unknown.map((t) => `${t}${didYouMean(t, known)}`).join(', ');
  throw new UsageError(
    `${flag}: no case has tag ${named} (tags: ${known.join(', ')}${flag === '--tags' ? ', or all' : ''})`,
  );
}

/** Specs, selection, variables, profile and timeout from the flags, each checked with a one-line usage error. */
export function resolvePlan(specArgs: string[], flags: PlanFlags) {
  const specs = loadSpecs(specArgs.length > 0 ? specArgs : builtinSpecNames());
  // A profile may name any tag the chosen specs know and weigh any built-in or chosen spec.
  const profile = flags.profile
    ? loadProfile(flags.profile, {
        tags: tagsOf(specs),
        specs: [...new Set([...builtinSpecNames(), ...specs.map((s) => s.name)])],
      })
    : DEFAULT_PROFILE;
  // A profile that grades more than core runs what it grades unless --tags says otherwise.
  const tags = flags.tags ? parseTags(flags.tags) : flags.profile ? profile.tags : parseTags(undefined);
  const skipTags = parseTagList(flags.skipTags);
  const selection = { tags, grep: parseRegex(flags.grep), skipTags };
  checkTags(specs, selection.tags);
  if (skipTags) checkTags(specs, skipTags, '--skip-tags');
  const vars = parseSets(flags.set ?? []);
  checkVars(specs, vars);
  const timeoutMs = flags.timeout ? parseMs(flags.timeout, '--timeout') : undefined;
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : randomSeed();
  return { specs, selection, vars, profile, timeoutMs, seed };
}
