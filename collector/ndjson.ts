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

function parseLine(line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw new IngestError('bad-json', `invalid JSON (${(err as Error).message})`, lineNumber);
  }
}
