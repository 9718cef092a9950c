// MQTT-style topics for every backend. uWS v20 dropped wildcard subscriptions and Socket.IO has
// none, so a pattern is expanded here, at subscribe time, into the concrete topics it matches;
// the backends then route by plain topic names and deliver one message per published topic.

export const TOPIC_PREFIX = 'stocks';
/** A client that says nothing gets every tick, as in the seed. */
export const DEFAULT_PATTERN = `${TOPIC_PREFIX}/#`;

const LEVEL = /^[A-Za-z0-9_.-]+$/;

export const topicOf = (symbol: string) => `${TOPIC_PREFIX}/${symbol}`;

/** Returns a problem description, or undefined when `pattern` is a valid subscription. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > 256) return 'a topic must be 1-256 characters';
  const levels = pattern.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level === '#') {
      if (i !== levels.length - 1) return '"#" may only be the last level';
    } else if (level !== '+' && !LEVEL.test(level)) {
      return `level "${level}" must be "+", "#" or letters, digits, "_", "." and "-"`;
    }
  }
  return undefined;
}

/** MQTT matching: "+" is one level, a trailing "#" any number of levels, including none. */
export function matches(pattern: string, topic: string): boolean {
  const p = pattern.split('/');
  const t = topic.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return true;
    if (i >= t.length) return false;
    if (p[i] !== '+' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

/** The published topics a subscription receives. */
export function expand(pattern: string, topics: readonly string[]): string[] {
  return topics.filter((topic) => matches(pattern, topic));
}

/** Reads `?topic=` from a request URL (the `+`/`#` of a pattern arrive percent-encoded). */
export function patternFromQuery(query: string | undefined): string {
  if (!query) return DEFAULT_PATTERN;
  const value = new URLSearchParams(query).get('topic');
  return value === null || value === '' ? DEFAULT_PATTERN : value;
}
