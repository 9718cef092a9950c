// The wire format of a batch: newline-delimited JSON, a header line then one record per line.
import { IngestError } from './errors.ts';
import { validateHeader, validateRecord, type BatchHeader, type IngestRecord } from './records.ts';

export interface Batch {
  header: BatchHeader;
  records: IngestRecord[];
}

export function encodeBatch(header: BatchHeader, records: readonly IngestRecord[]): string {
  let text = JSON.stringify(header) + '\n';
  for (const record of records) text += JSON.stringify(record) + '\n';
  return text;
}

/** Parses and validates a whole batch before anything is written. */
export function parseBatch(text: string): Batch {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new IngestError('bad-header', 'empty body: expected a header line and records');
  const header = validateHeader(parseLine(lines[0]!, 1));
  const records: IngestRecord[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    records[i - 1] = validateRecord(parseLine(lines[i]!, i + 1), i + 1);
  }
  return { header, records };
}

/** Deepest nesting a record may have: the deepest real one (a run's scenario) is 4 levels. */
export const MAX_DEPTH = 32;

function parseLine(line: string, lineNumber: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new IngestError('bad-json', `invalid JSON (${(err as Error).message})`, lineNumber);
  }
  // Before anything recurses into it (validation messages, JSON.stringify in the writers): a
  // value nested 10,000 deep would overflow their stack and answer 500, which a sender retries.
  if (depthOver(value, MAX_DEPTH)) throw new IngestError('too-deep', `nested deeper than ${MAX_DEPTH} levels`, lineNumber);
  return value;
}

/** Whether a parsed JSON value nests deeper than `limit`, walked without recursion. */
function depthOver(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
