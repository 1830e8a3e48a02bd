// memotel store info|prune|clear, on a store a real process filled far enough to rotate:
// span-bursts.mjs through the preload with a small MEMOTEL_STORE_MAX_BYTES.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_FIXTURES, expectExit, memotel, sandbox, throughPreload, type Sandbox } from './helpers.js';

const SMALL_STORE = { MEMOTEL_STORE_MAX_BYTES: String(256 * 1024), OTEL_BSP_SCHEDULE_DELAY: '10' };
let box: Sandbox;

function storeFiles(): string[] {
  return readdirSync(box.store).filter((n) => n.endsWith('.jsonl')).sort();
}
const rotated = (names: string[]) => names.filter((n) => /^traces-\d{15}-\d+\.jsonl$/.test(n));
const sizeOf = (names: string[]) => names.reduce((n, f) => n + statSync(join(box.store, f)).size, 0);

beforeEach(async () => {
  box = await sandbox();
  const run = await throughPreload(box, join(CLI_FIXTURES, 'span-bursts.mjs'), ['7'], SMALL_STORE);
  expectExit(run, 0);
  expect(rotated(storeFiles()).length).toBeGreaterThanOrEqual(2);
  expect(storeFiles()).toContain('traces.jsonl');
});

afterEach(async () => box?.cleanup());

describe('memotel store', () => {
  test('info: where the store is, files and bytes per signal, and the bound with how to change it', async () => {
    const r = await memotel(box, ['store', 'info', '--json'], SMALL_STORE);
    expectExit(r, 0);
    const info = JSON.parse(r.stdout);
    const names = storeFiles();
    expect(info).toMatchObject({ dir: box.store, exists: true, maxBytes: 262144, signalBudgetBytes: 87381, totalBytes: sizeOf(names) });
    const traces = info.signals.find((s: { signal: string }) => s.signal === 'traces');
    expect(traces.files).toBe(names.filter((n) => n.startsWith('traces')).length);
    expect(traces.bytes).toBe(sizeOf(names.filter((n) => n.startsWith('traces'))));

    const text = await memotel(box, ['store', 'info'], SMALL_STORE);
    expectExit(text, 0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`Store  ${box.store}`);
    expect(lines[2]).toMatch(/^ {2}SIGNAL\s+FILES\s+SIZE\s+LAST WRITE$/);
    expect(lines[3]).toMatch(new RegExp(`^  traces\\s+${traces.files}\\s+\\d+(\\.\\d)? KiB  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
    expect(lines[5]).toMatch(/^  logs +\d+ +\d/);
    expect(text.stdout).toContain('Bound  256 KiB (MEMOTEL_STORE_MAX_BYTES); each signal keeps at most 85 KiB.');
    expect(text.stdout).toContain('Change it with MEMOTEL_STORE_MAX_BYTES=<bytes>');
  });

  test('reading spans across rotated segments and the active file finds every trace', async () => {
    const r = await memotel(box, ['traces', '--json']);
    expectExit(r, 0);
    const { traces } = JSON.parse(r.stdout);
    // The writer keeps each signal within its budget: the oldest bursts may have been pruned.
    expect(traces.length).toBeGreaterThanOrEqual(rotated(storeFiles()).length * 2);
    expect(traces[0].rootName).toBe('burst 6');
    for (const t of traces) expect(t.spanCount).toBe(20);
  });

  test('prune --older-than removes only rotated segments last written before then', async () => {
    const [oldest, ...newer] = rotated(storeFiles());
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(join(box.store, oldest!), twoHoursAgo, twoHoursAgo);
    const r = await memotel(box, ['store', 'prune', '--older-than', '1h', '--json']);
    expectExit(r, 0);
    expect(JSON.parse(r.stdout).removed).toEqual([oldest]);
    expect(rotated(storeFiles())).toEqual(newer);
    expect(storeFiles()).toContain('traces.jsonl');
  });

  test('prune --max-bytes removes the oldest rotated segments until the store fits, never active files', async () => {
    const before = storeFiles();
    const segments = rotated(before);
    const active = before.filter((n) => !segments.includes(n));
    // Room for the active files and the newest segment only.
    const limit = sizeOf(active) + sizeOf(segments.slice(-1));
    const r = await memotel(box, ['store', 'prune', '--max-bytes', String(limit)]);
    expectExit(r, 0);
    expect(r.stdout).toContain(`Removed ${segments.length - 1} rotated segment`);
    expect(storeFiles()).toEqual([...segments.slice(-1), ...active].sort());
    expect(sizeOf(storeFiles())).toBeLessThanOrEqual(limit);

    // Below the active files' size: every segment goes, the active files stay, and it says so.
    const tight = await memotel(box, ['store', 'prune', '--max-bytes', '1K']);
    expectExit(tight, 0);
    expect(storeFiles()).toEqual(active);
    expect(tight.stdout).toContain('the rest is active files');
  });

  test('clear asks for --yes (exit 2), then deletes every telemetry file and nothing else', async () => {
    writeFileSync(join(box.store, 'pipeline-status.json'), '{"signals":{}}');
    const refused = await memotel(box, ['store', 'clear']);
    expectExit(refused, 2);
    expect(refused.stderr).toMatch(/^memotel store clear: this deletes \d+ files \(.+\) of telemetry in .+\.\nRun again with --yes to confirm\.\n$/);
    expect(storeFiles().length).toBeGreaterThan(0);

    const r = await memotel(box, ['store', 'clear', '--yes']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^Removed \d+ files \(.+\) from /);
    expect(storeFiles()).toEqual([]);
    expect(existsSync(join(box.store, 'pipeline-status.json'))).toBe(true);
    const after = await memotel(box, ['traces']);
    expect(after.stdout).toMatch(/^No traces in /);
  });

  test('bad arguments are usage errors naming the argument (exit 2)', async () => {
    const cases: Array<[string[], string]> = [
      [['store'], 'memotel store: missing action: use one of info, prune, clear'],
      [['store', 'shrink'], 'memotel store: action "shrink" is not one of info, prune, clear'],
      [['store', 'prune', '--older-than', 'soon'], 'memotel store: --older-than "soon" is not a duration'],
      [['store', 'prune', '--max-bytes', 'lots'], 'memotel store: --max-bytes "lots" is not a size'],
      [['store', 'info', '--yes'], 'memotel store: --yes does not apply to store info'],
    ];
    for (const [args, message] of cases) {
      const r = await memotel(box, args);
      expectExit(r, 2);
      expect(r.stderr.startsWith(message)).toBe(true);
    }
  });
});
