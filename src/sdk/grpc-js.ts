// @grpc/grpc-js as the SDK bundle loads it: from dist/bundle/grpc-js.cjs, a file of its own
// (scripts/build.mjs), through the code cache like the SDK itself. It is about 40 % of the
// SDK's code; kept apart, only processes that export over gRPC read it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './code-cache.js';

export function loadGrpcJs(): unknown {
  return requireWithCodeCache(join(dirname(fileURLToPath(import.meta.url)), 'grpc-js.cjs'), 'grpc');
}
