// Small helpers shared by the benches.

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Two contenders measured in the same rounds, compared round by round: each round's ratio a/b,
 * and their median. A slow spell of a shared machine slows both figures of a round alike, so
 * the ratio of a round moves far less than either figure does from round to round.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): { median: number; min: number; max: number } {
  const ratios = a.slice(0, b.length).map((value, i) => value / b[i]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}
