// The logging shape memory services accept: pino's `(obj, msg)` methods, so a pino logger can
// be passed as is. Services log ids, namespaces and counts, never content, queries or keys.

export type LogMethod = (obj: object, msg?: string) => void;

export interface MemoryLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const noop: LogMethod = () => {};

export const noopLogger: MemoryLogger = { debug: noop, info: noop, warn: noop, error: noop };
