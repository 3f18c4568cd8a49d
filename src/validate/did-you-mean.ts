/** "did you mean …?" suggestions by edit distance. */
import { closest, distance } from 'fastest-levenshtein';

/** The closest candidate if it is close enough to be a plausible typo, else null. */
export function suggest(word: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const best = closest(word, [...candidates]);
  const allowed = Math.max(2, Math.floor(word.length / 3));
  return distance(word, best) <= allowed ? best : null;
}

/** `did you mean 'x'? (one of: a, b, c)`, or just the list. */
export function suggestionHint(word: string, candidates: readonly string[], listName = 'one of'): string {
  const best = suggest(word, candidates);
  const list = `${listName}: ${candidates.join(', ')}`;
  return best === null ? list : `did you mean '${best}'? (${list})`;
}
