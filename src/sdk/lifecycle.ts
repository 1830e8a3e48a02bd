// Exit paths: telemetry is flushed, and the process ends exactly as it would without memotel.
//
//  - natural end (beforeExit): shutdown (which flushes), bounded.
//  - process.exit(): only synchronous work is possible, so spans and log records still waiting
//    in the batch queues are appended to the local store (the exit spool); nothing is delayed.
//    Whatever the final flush of any path could not deliver goes there too.
//  - SIGTERM / SIGINT: if the app has a handler of its own we leave it alone; otherwise flush
//    (bounded) and re-raise the signal, so the process dies of it (exit status 128+n).
//  - uncaught exception / unhandled rejection: recorded as an exception log record, flushed
//    (bounded), then rethrown so Node prints it and exits with its usual code — unless the
//    app handles uncaught exceptions itself, in which case we only record.
// Every wait is bounded by MEMOTEL_SHUTDOWN_TIMEOUT (default 2000 ms).
import { diag } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { exitSpool } from './exit-spool.js';

export interface Lifecycle {
  uninstall(): void;
}

type Listener = (...args: never[]) => void;

/**
 * `shutdown`: the handle's shutdown, told that the process ends once it is done. `onTimeout`:
 * called when the bound cut it short, before what is left is saved to the store.
 */
export function installLifecycle(shutdown: () => Promise<void>, timeoutMillis: number, onTimeout: () => void = () => {}): Lifecycle {
  const installed: Array<[string, Listener]> = [];
  const on = (event: string, fn: Listener) => {
    process.on(event as 'exit', fn as () => void);
    installed.push([event, fn]);
  };
  const others = (event: string, self: Listener) => process.listeners(event as 'exit').filter((l) => l !== self);

  // Every path ends the same way: the bounded shutdown, then what it could not deliver saved to
  // the store. The spool is drained here, not only on 'exit': the shutdown removes these
  // listeners, 'exit' included, and a process dying of a signal skips 'exit' listeners anyway.
  let finishing: Promise<boolean> | undefined;
  const finish = () =>
    (finishing ??= bounded(shutdown(), timeoutMillis).then((timedOut) => {
      if (timedOut) onTimeout();
      exitSpool().drainSync();
      return timedOut;
    }));

  const onBeforeExit = () => {
    // When the bound passes with an export still pending (a dead collector, retries), end the
    // process the way it was ending anyway.
    void finish().then((timedOut) => {
      if (timedOut) process.exit();
    });
  };
  on('beforeExit', onBeforeExit);

  on('exit', () => exitSpool().drainSync());

  const onSignal = (signal: NodeJS.Signals) => {
    const self = signalHandlers[signal];
    if (others(signal, self).length > 0) return; // the app decides what a signal means
    void finish().then(() => {
      uninstall();
      process.kill(process.pid, signal);
    });
  };
  const signalHandlers = {
    SIGTERM: () => onSignal('SIGTERM'),
    SIGINT: () => onSignal('SIGINT'),
  } as Record<NodeJS.Signals, Listener>;
  on('SIGTERM', signalHandlers.SIGTERM!);
  on('SIGINT', signalHandlers.SIGINT!);

  on('uncaughtExceptionMonitor', ((error: unknown, origin: string) => recordCrash(error, origin)) as Listener);
  const onUncaught = ((error: unknown) => {
    if (others('uncaughtException', onUncaught).length > 0) return; // the app handles it
    void finish().then(() => {
      uninstall();
      // Thrown from a fresh tick with no handler left: Node prints it and exits with code 1,
      // as it would have done without memotel.
      process.nextTick(() => {
        throw error;
      });
    });
  }) as Listener;
  on('uncaughtException', onUncaught);

  function uninstall(): void {
    for (const [event, fn] of installed.splice(0)) process.removeListener(event as 'exit', fn as () => void);
  }
  return { uninstall };
}

/**
 * Resolves true when the bound passed first. Never rejects. Its timer is what keeps the process
 * alive while the shutdown flushes: nothing of the telemetry pipeline holds it (detached.ts).
 */
function bounded(work: Promise<unknown>, millis: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      diag.warn(`telemetry flush did not finish within ${millis} ms (MEMOTEL_SHUTDOWN_TIMEOUT); exiting without it`);
      resolve(true);
    }, millis);
    work.then(
      () => {
        clearTimeout(timer);
        resolve(false);
      },
      (err: Error) => {
        clearTimeout(timer);
        diag.warn('telemetry flush failed:', err);
        resolve(false);
      },
    );
  });
}

function recordCrash(error: unknown, origin: string): void {
  try {
    const err = error instanceof Error ? error : new Error(String(error));
    logs.getLogger('memotel').emit({
      eventName: 'exception',
      severityNumber: SeverityNumber.FATAL,
      severityText: 'FATAL',
      body: err.message,
      attributes: {
        'exception.type': err.name,
        'exception.message': err.message,
        'exception.stacktrace': err.stack ?? '',
        'memotel.crash.origin': origin,
      },
    });
  } catch {
    // Recording a crash must never add a second one.
  }
}
