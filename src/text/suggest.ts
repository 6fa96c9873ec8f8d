// "Did you mean …?" for a word that is not one of the known ones: the closest
// known words by edit distance (optimal string alignment: a swap of two
// neighbours is one edit, so "stauts" finds "status"), as commander suggests
// a misspelt option.

/** Edits (insert, delete, substitute, swap neighbours) that turn a into b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known words nearest to `word` (case-insensitive), at most a third of its length away,
 * or one that starts with it.
 */
export function similar(word: string, known: Iterable<string>): string[] {
  const w = word.toLowerCase();
  const scored = [...new Set(known)].map((k) => ({ k, d: editDistance(w, k.toLowerCase()) }));
  const limit = Math.max(1, Math.floor(w.length / 3));
  const near = scored.filter((s) => s.d <= limit && s.d > 0);
  if (near.length > 0) {
    const best = Math.min(...near.map((s) => s.d));
    return near.filter((s) => s.d === best).map((s) => s.k);
  }
  // A truncated word ("cond" for "conditional-get") is a guess worth offering too.
  return w.length >= 3 ? scored.filter((s) => s.k.toLowerCase().startsWith(w) && s.d > 0).map((s) => s.k) : [];
}

/** " (did you mean "core"?)", or "" when nothing is near. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const s = similar(word, known);
  if (s.length === 0) return '';
  return ` (did you mean ${s.map((x) => `"${x}"`).join(' or ')}?)`;
}
