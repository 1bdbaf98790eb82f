/** Exposure iteration on a cycle stops once no share moves by more than this. */
export const EXPOSURE_TOLERANCE = 1e-12;

/** Upper bound on exposure iterations per strongly connected component (cycle), so every query terminates. */
export const EXPOSURE_MAX_ITERATIONS = 1000;

/** Smallest default compaction threshold (appended edges); see {@link GraphOptions.compactThreshold}. */
export const DEFAULT_COMPACT_THRESHOLD = 65_536;
