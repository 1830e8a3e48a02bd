// docs/configuration.md lists every instrumentation of the manifest (scripts/instrumentation-docs.mjs).
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../utils/fixtures.js';
import { INSTRUMENTATION_DEFAULTS, INSTRUMENTATION_MANIFEST } from '../../src/generated/instrumentation-manifest.js';
import { KNOWN_INSTRUMENTATIONS } from '../../src/config/index.js';
// @ts-expect-error: a build script without type declarations
import { renderDoc } from '../../scripts/instrumentation-docs.mjs';

describe('the instrumentation manifest', () => {
  test('docs/configuration.md is in step with it (run node scripts/instrumentation-docs.mjs)', async () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs/configuration.md'), 'utf8');
    expect(await renderDoc(INSTRUMENTATION_MANIFEST, doc)).toBe(doc);
  });

  test("holds upstream's whole set with upstream's defaults, beside memotel's own", () => {
    for (const name of ['express', 'pg', 'ioredis', 'mongodb', 'mysql2', 'graphql', 'grpc', 'aws-sdk', 'openai', 'http', 'pino']) {
      expect(INSTRUMENTATION_DEFAULTS[name]).toBe(true);
    }
    expect(INSTRUMENTATION_DEFAULTS.fs).toBe(false);
    expect(Object.keys(KNOWN_INSTRUMENTATIONS)).toEqual(expect.arrayContaining(['memotel-capture', 'express', 'openai']));
    expect(INSTRUMENTATION_MANIFEST.length).toBeGreaterThan(35);
    for (const entry of INSTRUMENTATION_MANIFEST.filter((e) => e.loading === 'lazy')) {
      expect(entry.bundle).toBe(`${entry.name}.cjs`);
    }
  });
});
