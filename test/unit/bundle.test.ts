// The files memotel's code cache loads are built inside Node's CommonJS wrapper, so that the
// loader compiles them as they are instead of copying 0.8 MB to wrap them (src/sdk/code-cache.ts,
// scripts/build.mjs). A build that stopped doing so would still work, only slower: pinned here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { BUNDLE_WRAPPER_HEAD } from '../../src/sdk/code-cache.js';
import { PROJECT_ROOT } from '../utils/fixtures.js';

describe.each(['sdk.cjs', 'grpc-js.cjs'])('dist/bundle/%s', (name) => {
  const source = readFileSync(join(PROJECT_ROOT, 'dist', 'bundle', name), 'latin1');

  test('begins inside the wrapper the loader expects and ends by closing it', () => {
    expect(source.startsWith(BUNDLE_WRAPPER_HEAD)).toBe(true);
    expect(source).toMatch(/\n\}\);\n\/\/# sourceMappingURL=[\w.-]+\.map\n?$/);
  });
});
