// Whose deliveries a client sample counts. The run's verdict and every headline figure are the
// healthy readers' (and the probes'); slow readers (issue 25), in shards of their own, are judged
// apart, so a scenario that slows some readers on purpose does not fail the server for it, and a
// reader can see what the slow ones cost the others.

export type Cohort = 'healthy' | 'slow' | 'probe';

/** The source-name prefix of a slow readers' shard: "slow-0", "slow-1", … */
export const SLOW_SOURCE_PREFIX = 'slow-';

export const cohortOf = (source: string): Cohort => (source === 'probe' ? 'probe' : source.startsWith(SLOW_SOURCE_PREFIX) ? 'slow' : 'healthy');

export const isSlowSource = (source: string): boolean => cohortOf(source) === 'slow';
