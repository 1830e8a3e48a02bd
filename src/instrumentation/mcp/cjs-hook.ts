// Sees the SDK's CommonJS protocol.js as it is required.
//
// Dev Note: written by hand because require-in-the-middle cannot see it cheaply.
// @opentelemetry/instrumentation's shared require-in-the-middle hook, for a file inside a
// package, first resolves the package's main entry and drops the file when that fails:
// @modelcontextprotocol/sdk 1.32.2 maps "." for require to dist/cjs/index.js, which it does
// not ship, so that hook never sees any of the SDK's files. A require-in-the-middle Hook that
// lists the file by name would, but it resolves every require() of the process to a filename
// first. This one looks at the request string only (the SDK requires the file as
// '../shared/protocol.js'), and resolves only the requests that end like it.
import Module from 'node:module';
import { dirname, sep } from 'node:path';

type RequireFn = (this: Module, id: string) => unknown;

const REQUEST_SUFFIX = 'shared/protocol.js';
const FILE_SUFFIX = ['', '@modelcontextprotocol', 'sdk', 'dist', 'cjs', 'shared', 'protocol.js'].join(sep);

/** The package directory of the SDK copy a protocol.js belongs to. */
export function sdkDirOf(file: string): string {
  return dirname(dirname(dirname(dirname(file))));
}

/**
 * Calls `onLoad(exports, file)` for each require() that returns the SDK's CommonJS protocol.js
 * (every time: patching must be idempotent). Returns the function that removes the hook, when
 * nothing has wrapped require() since.
 */
export function hookProtocolRequire(onLoad: (exports: unknown, file: string) => void): () => void {
  const proto = Module.prototype as unknown as { require: RequireFn };
  const previous = proto.require;
  const hooked = function (this: Module, id: string) {
    // eslint-disable-next-line prefer-rest-params
    const exports = previous.apply(this, arguments as unknown as [string]);
    if (typeof id === 'string' && id.endsWith(REQUEST_SUFFIX)) {
      try {
        const file = (Module as unknown as { _resolveFilename(id: string, parent: Module): string })._resolveFilename(id, this);
        if (file.endsWith(FILE_SUFFIX)) onLoad(exports, file);
      } catch {
        // not resolvable from here: not the SDK's
      }
    }
    return exports;
  } as RequireFn;
  proto.require = hooked;
  return () => {
    if (proto.require === hooked) proto.require = previous;
  };
}
