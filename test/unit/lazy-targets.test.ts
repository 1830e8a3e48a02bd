// Which module loads wake which waiting instrumentation, and which require() calls go through
// require-in-the-middle at all (src/sdk/lazy/targets.ts, require-hook.ts, esm-hooks.ts).
import { describe, expect, test } from '@jest/globals';
import { LazyTargets, packageOfPath, packageOfRequest } from '../../src/sdk/lazy/targets.js';
import { requireTarget } from '../../src/sdk/lazy/require-hook.js';
import { syncHooksSupported } from '../../src/sdk/lazy/esm-hooks.js';
import type { LazyInstrumentation } from '../../src/sdk/lazy/lazy-instrumentation.js';
import type { InstrumentationManifestEntry } from '../../src/sdk/lazy/manifest-types.js';

/** A stand-in that records its wake-ups. */
function waiting(name: string, modules: { name: string; files?: string[] }[]) {
  const woken: string[] = [];
  const lazy = {
    settled: false,
    load(reason: string) {
      woken.push(reason);
      this.settled = true;
    },
  };
  const entry = {
    name,
    modules: modules.map((m) => ({ name: m.name, versions: ['*'], files: (m.files ?? []).map((f) => ({ name: f, versions: ['*'] })) })),
  } as unknown as InstrumentationManifestEntry;
  return { entry, lazy: lazy as unknown as LazyInstrumentation, woken };
}

const pino = waiting('pino', [{ name: 'pino' }]);
const scoped = waiting('scoped', [{ name: '@scope/pkg', files: ['@scope/pkg/lib/a.js'] }]);
const net = waiting('net', [{ name: 'net' }]);
const targets = new LazyTargets([pino, scoped, net]);
const inApp = '/srv/app/src/index.js';
const inPino = '/srv/app/node_modules/pino/lib/tools.js';
const inScoped = '/srv/app/node_modules/@scope/pkg/lib/a.js';

describe('requireTarget', () => {
  test('a waited-for package by name, with or without a file in it, names the package', () => {
    expect(requireTarget(targets, 'pino', inApp)).toBe('pino');
    expect(requireTarget(targets, 'pino/file', inApp)).toBe('pino');
    expect(requireTarget(targets, '@scope/pkg', inApp)).toBe('@scope/pkg');
    expect(requireTarget(targets, '@scope/pkg/sub', inApp)).toBe('@scope/pkg');
  });

  test('built-ins go through the hook; a waited-for one names itself', () => {
    expect(requireTarget(targets, 'http', inApp)).toBe(true);
    expect(requireTarget(targets, 'node:net', inApp)).toBe('net');
    expect(requireTarget(targets, 'net', inApp)).toBe('net');
  });

  test("a waited-for package's files by absolute path name it (the ESM loader's CommonJS imports)", () => {
    expect(requireTarget(targets, '/srv/app/node_modules/pino/pino.js', inApp)).toBe('pino');
    expect(requireTarget(targets, '/srv/app/node_modules/@scope/pkg/lib/b.js', inApp)).toBe('@scope/pkg');
    expect(requireTarget(targets, '/srv/app/node_modules/pino', inApp)).toBe('pino');
  });

  test('relative requests go through the hook only inside packages whose files are patched', () => {
    expect(requireTarget(targets, './b.js', inScoped)).toBe(true);
    expect(requireTarget(targets, '..', inScoped)).toBe(true);
    expect(requireTarget(targets, '../node_modules/@scope/pkg/lib/a.js', inApp)).toBe(true);
    expect(requireTarget(targets, './levels', inPino)).toBe(false); // pino's instrumentation patches its main export only
  });

  test('everything else skips require-in-the-middle', () => {
    expect(requireTarget(targets, 'pino-pretty', inApp)).toBe(false);
    expect(requireTarget(targets, 'sonic-boom', inPino)).toBe(false);
    expect(requireTarget(targets, '@scope/other', inApp)).toBe(false);
    expect(requireTarget(targets, './util.js', inApp)).toBe(false);
    expect(requireTarget(targets, '../../sonic-boom/index.js', inPino)).toBe(false);
    expect(requireTarget(targets, '/srv/app/node_modules/pinot/index.js', inApp)).toBe(false);
  });
});

describe('LazyTargets', () => {
  test('wake loads each instrumentation of a module once', () => {
    const a = waiting('a', [{ name: 'shared' }, { name: 'only-a' }]);
    const b = waiting('b', [{ name: 'shared' }]);
    const t = new LazyTargets([a, b]);
    expect(t.awake('shared')).toBe(false);
    t.wake('shared', 'required');
    t.wake('shared', 'required');
    t.wake('only-a', 'imported');
    t.wake('unknown', 'required');
    expect(a.woken).toEqual(['shared required']);
    expect(b.woken).toEqual(['shared required']);
    expect(t.awake('shared')).toBe(true);
    expect(t.awake('unknown')).toBe(true);
  });
});

describe('package names', () => {
  test('from paths and requests', () => {
    expect(packageOfPath('/a/node_modules/x/node_modules/@s/p/lib/i.js')).toBe('@s/p');
    expect(packageOfPath('/a/node_modules/pg/lib/client.js')).toBe('pg');
    expect(packageOfPath('/a/src/pg/lib/client.js')).toBeUndefined();
    expect(packageOfPath('/a/node_modules/@s')).toBeUndefined();
    expect(packageOfRequest('pino/file')).toBe('pino');
    expect(packageOfRequest('@a/b/c')).toBe('@a/b');
    expect(packageOfRequest('@a/b')).toBe('@a/b');
  });
});

describe('syncHooksSupported', () => {
  test("import-in-the-middle's thresholds for module.registerHooks", () => {
    expect(['20.20.2', '22.12.0', '22.22.2', '24.11.0', '25.0.9'].map((v) => syncHooksSupported(v))).toEqual([false, false, false, false, false]);
    expect(['22.22.3', '22.23.0', '24.11.1', '24.12.0', '25.1.0', '26.0.0'].map((v) => syncHooksSupported(v))).toEqual([true, true, true, true, true, true]);
  });
});
