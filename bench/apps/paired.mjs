// What the paired benchmark apps (memory-ops-ab.mjs, span-tree.mjs) share: one process under
// memotel's register, switching memotel's instrumentations and context propagation on and off,
// and timing blocks of operations in alternating arms.
import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import { start } from 'memotel';

const flushSpans = () => trace.getTracerProvider().getDelegate?.().forceFlush?.();

/** The switch between the arms; throws unless the app runs under the register with memotel's instrumentations. */
export function instrumentationSwitch(app) {
  const memotel = start();
  const storage = globalThis[Symbol.for('memotel.context-storage')];
  if (!(storage instanceof AsyncLocalStorage) || memotel.instrumentations.length === 0) {
    throw new Error(`${app} must run under memotel's register with its instrumentations enabled`);
  }
  const ours = memotel.instrumentations.filter((i) => i.instrumentationName.startsWith('memotel'));
  return (on) => {
    for (const i of ours) on ? i.enable() : i.disable();
    // Off: no store is active, so (on Node < 22) AsyncLocalStorage's async hooks are removed too.
    if (!on) storage.disable();
  };
}

/**
 * Runs `opsPerArm` of each operation per arm, in blocks of `perBlock` (ABBA order, so that drift
 * such as a growing repository does not favour one arm). Each block ends with a flush of its
 * spans, timed with it; it records how many operations its arm had done before it, and µs per
 * operation of wall time and of event-loop busy time. Operations are numbered from `first`.
 * Returns { perBlock, on, off }, each arm with a list of blocks per operation.
 */
export async function pairedBlocks(setInstrumented, operations, { perBlock, opsPerArm, first = 0 }) {
  let n = first; // each operation gets a number of its own
  const timed = async (fn) => {
    const t = process.hrtime.bigint();
    const elu = performance.eventLoopUtilization();
    for (let i = 0; i < perBlock; i++) await fn(n++);
    await flushSpans();
    const busy = performance.eventLoopUtilization(elu).active * 1e3;
    return { wall: Number(process.hrtime.bigint() - t) / 1e3 / perBlock, busy: busy / perBlock };
  };
  const names = Object.keys(operations);
  const arm = () => Object.fromEntries(names.map((name) => [name, []]));
  const out = { perBlock, on: arm(), off: arm() };
  for (let b = 0; b * perBlock < opsPerArm; b++) {
    for (const on of b % 2 === 0 ? [true, false] : [false, true]) {
      setInstrumented(on);
      for (const name of names) (on ? out.on : out.off)[name].push({ done: b * perBlock, ...(await timed(operations[name])) });
    }
  }
  setInstrumented(true);
  return out;
}
