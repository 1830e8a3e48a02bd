// The store reader and the percentile estimate, in process: torn lines, a write in progress,
// and the interpolation rules at the edges of a histogram.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateQuantile, type HistogramValue } from '../../src/store/metrics.js';
import { emptyReport, forEachRequest } from '../../src/store/reader.js';
import { tempDir, type TempDir } from '../utils/fixtures.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await tempDir('memotel-reader-');
});
afterEach(async () => dir.cleanup());

describe('forEachRequest', () => {
  test('reads rotated segments before the active file, skips torn lines (reported) and a line still being written (not reported)', () => {
    writeFileSync(join(dir.path, 'traces-001700000000000-1.jsonl'), '{"n":1}\n{"n":2,"tor{"n":3}\n');
    writeFileSync(join(dir.path, 'traces.jsonl'), '{"n":4}\n\n{"n":5}\n{"n":6,"half');
    writeFileSync(join(dir.path, 'metrics.jsonl'), '{"n":99}\n');
    const seen: Array<[unknown, string]> = [];
    const report = forEachRequest(dir.path, 'traces', (request, file) => seen.push([(request as { n: number }).n, file]), emptyReport());
    expect(seen).toEqual([
      [1, 'traces-001700000000000-1.jsonl'],
      [4, 'traces.jsonl'],
      [5, 'traces.jsonl'],
    ]);
    expect(report.unreadable).toEqual([{ file: 'traces-001700000000000-1.jsonl', line: 2 }]);
    expect(report.lines).toBe(4);
  });

  test("a torn line with the next process's whole line glued to it: the glued request is recovered, the torn part reported", () => {
    const whole = '{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[]}],"n":2}';
    writeFileSync(join(dir.path, 'traces.jsonl'), `{"resourceSpans":[{"n":1}]}\n{"resourceSpans":[{"resource":{"attr${whole}\n`);
    const seen: unknown[] = [];
    const report = forEachRequest(dir.path, 'traces', (request) => seen.push((request as { n?: number }).n ?? 1));
    expect(seen).toEqual([1, 2]);
    expect(report.unreadable).toEqual([{ file: 'traces.jsonl', line: 2 }]);
  });

  test('a store directory that does not exist reads as empty', () => {
    const report = forEachRequest(join(dir.path, 'missing'), 'traces', () => {
      throw new Error('no request expected');
    });
    expect(report).toEqual({ lines: 0, unreadable: [] });
  });
});

describe('estimateQuantile', () => {
  const histogram = (counts: number[], extra: Partial<HistogramValue> = {}): HistogramValue => ({
    bounds: [10, 20, 40],
    counts,
    count: counts.reduce((a, b) => a + b, 0),
    sum: 0,
    ...extra,
  });

  test('interpolates linearly within the bucket holding the rank', () => {
    const h = histogram([0, 4, 0, 0]); // all in (10, 20]
    expect(estimateQuantile(h, 0.5)).toBe(15);
    expect(estimateQuantile(h, 0.25)).toBe(12.5);
    expect(estimateQuantile(h, 1)).toBe(20);
  });

  test('the first bucket starts at 0 and the +Inf bucket ends at max (or the last bound when max is unknown)', () => {
    expect(estimateQuantile(histogram([2, 0, 0, 0]), 0.5)).toBe(5);
    expect(estimateQuantile(histogram([0, 0, 0, 2], { max: 100 }), 0.5)).toBe(70);
    expect(estimateQuantile(histogram([0, 0, 0, 2]), 0.5)).toBe(40);
  });

  test('min and max narrow the bucket, so one observation is reported exactly', () => {
    expect(estimateQuantile(histogram([0, 1, 0, 0], { min: 13, max: 13 }), 0.99)).toBe(13);
    expect(estimateQuantile(histogram([0, 2, 0, 0], { min: 12, max: 18 }), 0.5)).toBe(15);
  });

  test('no observations, no estimate', () => {
    expect(estimateQuantile(histogram([0, 0, 0, 0]), 0.5)).toBeUndefined();
  });
});

describe('forEachRequest during a rotation', () => {
  test('a file rotated while being read is continued under its new name, not read twice; the new active file is read', () => {
    const active = join(dir.path, 'metrics.jsonl');
    const rotatedName = 'metrics-001800000000000-2.jsonl';
    writeFileSync(active, '{"n":1}\n{"n":2}\n');
    const seen: number[] = [];
    forEachRequest(dir.path, 'metrics', (request) => {
      const n = (request as { n: number }).n;
      seen.push(n);
      if (n === 2) {
        // What a writer in another process does: finish a line into the renamed file, start a new one.
        renameSync(active, join(dir.path, rotatedName));
        appendFileSync(join(dir.path, rotatedName), '{"n":3}\n');
        writeFileSync(active, '{"n":4}\n');
      }
    });
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
