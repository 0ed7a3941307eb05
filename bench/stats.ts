// Small helpers shared by the benches.

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Two contenders measured in the same rounds, compared round by round with `compare` (a/b by
 * default): each round's figure, and their median. A slow spell of a shared machine moves both
 * figures of a round alike, so the comparison of a round moves far less than either figure does
 * from round to round.
 */
export function paired(
  a: readonly number[],
  b: readonly number[],
  compare = (x: number, y: number) => x / y,
): { median: number; min: number; max: number } {
  const each = a.slice(0, b.length).map((value, i) => compare(value, b[i]!));
  return { median: median(each), min: Math.min(...each), max: Math.max(...each) };
}
