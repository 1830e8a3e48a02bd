// esbuild plugins shared by the SDK build (build.mjs) and the instrumentation build
// (instrumentations.mjs).
import { readFile } from 'node:fs/promises';

/**
 * CommonJS packages (sdk-node, instrumentation-http, ...) require the whole of
 * @opentelemetry/semantic-conventions: ~200 KB and thousands of assignments evaluated at every
 * start, for the few dozen names they use. Each such require is replaced by a module that
 * re-exports just the names that file reads (`<binding>.NAME`) from the package's ESM entry,
 * which esbuild can then tree-shake.
 */
export const slimSemconvPlugin = {
  name: 'memotel-slim-semconv',
  setup(b) {
    b.onResolve({ filter: /^@opentelemetry\/semantic-conventions$/ }, (args) =>
      args.kind === 'require-call' ? { path: args.importer, namespace: 'memotel-semconv' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'memotel-semconv' }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = new Set();
      const binding = /(?:const|var|let)\s+(\w+)\s*=\s*require\("@opentelemetry\/semantic-conventions"\)/g;
      for (const [, variable] of source.matchAll(binding)) {
        for (const [, name] of source.matchAll(new RegExp(`\\b${variable}\\.(\\w+)`, 'g'))) names.add(name);
      }
      return {
        resolveDir: process.cwd(),
        loader: 'js',
        contents: `export { ${[...names].join(', ')} } from '@opentelemetry/semantic-conventions';`,
      };
    });
  },
};

