// Which require() calls still go through require-in-the-middle (src/sdk/require-filter.ts).
import { describe, expect, test } from '@jest/globals';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { requestFilter } from '../../src/sdk/require-filter.js';
import { patchedModules } from '../../src/sdk/instrumentations.js';

const inApp = '/srv/app/src/index.js';
const inPino = '/srv/app/node_modules/pino/lib/tools.js';

describe('requestFilter', () => {
  const mayLoad = requestFilter([
    { name: 'pino', files: false },
    { name: '@scope/pkg', files: true },
  ]);
  const inScoped = '/srv/app/node_modules/@scope/pkg/lib/a.js';

  test('an instrumented package by name, with or without a file in it, goes through the hook', () => {
    expect(mayLoad('pino', inApp)).toBe(true);
    expect(mayLoad('pino/file', inApp)).toBe(true);
    expect(mayLoad('@scope/pkg', inApp)).toBe(true);
    expect(mayLoad('@scope/pkg/sub', inApp)).toBe(true);
  });

  test('built-ins always go through the hook', () => {
    expect(mayLoad('http', inApp)).toBe(true);
    expect(mayLoad('node:https', inApp)).toBe(true);
  });

  test("an instrumented package's files by absolute path go through the hook (the ESM import patch)", () => {
    expect(mayLoad('/srv/app/node_modules/pino/pino.js', inApp)).toBe(true);
    expect(mayLoad('/srv/app/node_modules/@scope/pkg/lib/b.js', inApp)).toBe(true);
  });

  test('relative requests go through the hook only for packages whose files are patched', () => {
    expect(mayLoad('./b.js', inScoped)).toBe(true);
    expect(mayLoad('..', inScoped)).toBe(true);
    expect(mayLoad('../node_modules/@scope/pkg/lib/a.js', inApp)).toBe(true);
    expect(mayLoad('./levels', inPino)).toBe(false); // pino's instrumentation patches its main export only
  });

  test('other packages and files skip it', () => {
    expect(mayLoad('pino-pretty', inApp)).toBe(false);
    expect(mayLoad('sonic-boom', inPino)).toBe(false);
    expect(mayLoad('@scope/other', inApp)).toBe(false);
    expect(mayLoad('./util.js', inApp)).toBe(false);
    expect(mayLoad('../../sonic-boom/index.js', inPino)).toBe(false);
    expect(mayLoad('/srv/app/node_modules/pinot/index.js', inApp)).toBe(false);
  });

  test('with only built-ins instrumented, no file goes through the hook', () => {
    const builtinsOnly = requestFilter([]);
    expect(builtinsOnly('/srv/app/node_modules/pino/pino.js', inApp)).toBe(false);
    expect(builtinsOnly('http', inApp)).toBe(true);
    expect(builtinsOnly('./x.js', inApp)).toBe(false);
    expect(builtinsOnly('pino', inApp)).toBe(false);
  });
});

// What the preload patches for ESM importers and what the filter lets through both come from
// the instrumentations' own module definitions.
describe('patchedModules', () => {
  const off = { enabled: false }; // constructed without installing any hook

  test("reads the built-ins and packages from the instrumentations' definitions", () => {
    const modules = patchedModules([new HttpInstrumentation(off), new UndiciInstrumentation(off), new PinoInstrumentation(off)]);
    expect(modules).toEqual({ builtins: ['http', 'https'], packages: [{ name: 'pino', files: false }], complete: true });
  });

  test('an instrumentation whose definitions cannot be read makes the result incomplete', () => {
    const opaque = { instrumentationName: 'opaque' } as unknown as Instrumentation;
    const throwing = Object.assign(new PinoInstrumentation(off), {
      getModuleDefinitions: () => {
        throw new Error('init failed');
      },
    });
    expect(patchedModules([new HttpInstrumentation(off), opaque]).complete).toBe(false);
    expect(patchedModules([throwing])).toEqual({ builtins: [], packages: [], complete: false });
  });
});
