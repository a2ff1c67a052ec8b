/** The versions a requirement accepts: `atLeast`, and below `below` when a newer major would not do. */
export interface VersionRange {
  readonly atLeast: string;
  readonly below?: string;
}

const parts = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10) || 0);

/** Compares dotted versions numerically, a missing part counting as 0 (so "20.19" equals "20.19.0"). */
export function compareVersions(a: string, b: string): number {
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** How a person would say the range: "20.19 or later", or "10.x" for one major. */
export function describeRange(range: VersionRange): string {
  if (range.below === undefined) return `${range.atLeast} or later`;
  const major = parts(range.atLeast)[0];
  const wholeMajor = compareVersions(range.atLeast, String(major)) === 0 && compareVersions(range.below, String((major ?? 0) + 1)) === 0;
  return wholeMajor ? `${major}.x` : `${range.atLeast} or later, below ${range.below}`;
}

/** Why `version` is outside the range, or undefined when it is inside. */
export function outsideRange(version: string, range: VersionRange): string | undefined {
  if (compareVersions(version, range.atLeast) < 0) return `${version} is older than ${range.atLeast}`;
  if (range.below !== undefined && compareVersions(version, range.below) >= 0) return `${version} is not ${describeRange(range)}`;
  return undefined;
}
