// Which require() calls still go through require-in-the-middle (src/sdk/require-filter.ts).
import { describe, expect, test } from '@jest/globals';
import { requestFilter } from '../../src/sdk/require-filter.js';

const inApp = '/srv/app/src/index.js';
const inPino = '/srv/app/node_modules/pino/lib/tools.js';

describe('requestFilter', () => {
  const mayLoad = requestFilter(['pino', '@scope/pkg']);

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

  test("the instrumented package's own files, by relative or absolute path, go through the hook", () => {
    expect(mayLoad('./levels', inPino)).toBe(true);
    expect(mayLoad('..', inPino)).toBe(true); // the package's main file, from inside it
    expect(mayLoad('/srv/app/node_modules/pino/pino.js', inApp)).toBe(true);
    expect(mayLoad('../node_modules/pino', inApp)).toBe(true);
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
    expect(builtinsOnly('http', inApp)).toBe(true);
    expect(builtinsOnly('./x.js', inApp)).toBe(false);
    expect(builtinsOnly('pino', inApp)).toBe(false);
  });
});
