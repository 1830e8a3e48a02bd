// Flushing the running memotel SDK, if any, within a bound. Found through running(), which
// reads the global record the SDK registers itself under and imports none of the SDK: a hook
// that runs without the preload pays nothing for it.
import { running } from '../sdk/running.js';

/** Resolves true once telemetry is flushed (or there is no SDK), false if `ms` passed first. Never rejects. */
export function flushWithin(ms: number): Promise<boolean> {
  const sdk = running();
  if (!sdk) return Promise.resolve(true);
  if (ms <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    // memotel's forceFlush reports its own failures and never rejects; guard anyway.
    sdk.forceFlush().then(done, done);
  });
}
