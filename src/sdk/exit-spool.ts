// What is still waiting in the batch queues when process.exit() ends the process.
//
// 'exit' listeners may only do synchronous work, and the batch processors' flush is
// asynchronous. So memotel tracks ended spans and emitted log records until an exporter has
// taken them, and on 'exit' appends whatever is left to the local store with one synchronous
// write per signal. With the store as destination that is the flush itself; with OTLP it is a
// fallback that keeps the data on disk (the collector's otlpjsonfile receiver can forward it)
// instead of losing it.
import { diag, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { StoreWriter } from '../store/writer.js';
import { encodeLogs, encodeSpans } from '../store/exporters.js';
import { alreadyReported } from '../store/writer.js';

export class ExitSpool {
  #spans = new Set<ReadableSpan>();
  #logs = new Set<ReadableLogRecord>();
  #writer?: StoreWriter;
  #limit = 2048;

  configure(writer: StoreWriter, limit: number): void {
    this.#writer = writer;
    this.#limit = limit;
  }

  spanEnded(span: ReadableSpan): void {
    if (this.#writer && this.#spans.size < this.#limit) this.#spans.add(span);
  }

  logEmitted(record: ReadableLogRecord): void {
    if (this.#writer && this.#logs.size < this.#limit) this.#logs.add(record);
  }

  settled(items: ReadonlyArray<ReadableSpan | ReadableLogRecord>): void {
    for (const item of items) {
      this.#spans.delete(item as ReadableSpan);
      this.#logs.delete(item as ReadableLogRecord);
    }
  }

  /** Spans and log records no exporter has taken yet. */
  pending(): { traces: number; logs: number } {
    return { traces: this.#spans.size, logs: this.#logs.size };
  }

  drainSync(): void {
    const writer = this.#writer;
    if (!writer) return;
    const spans = [...this.#spans];
    const records = [...this.#logs];
    this.#spans.clear();
    this.#logs.clear();
    try {
      if (spans.length) writer.append('traces', encodeSpans(spans.map(withSettledResource)));
      if (records.length) writer.append('logs', encodeLogs(records.map(withSettledResource)));
      if (spans.length || records.length)
        diag.debug(`exit: wrote ${spans.length} spans and ${records.length} log records to ${writer.dir}`);
    } catch (err) {
      if (!alreadyReported(err)) diag.warn(`exit: could not save ${spans.length} spans and ${records.length} log records:`, err);
    }
  }
}

const settled = new WeakMap<Resource, Resource>();

/**
 * The item with a resource that has only its settled attributes. A process that calls
 * process.exit() right away ends before asynchronous resource attributes (host.id, read from
 * the machine id) settle, and reading a resource's attributes then logs an error on stderr
 * ("Accessing resource attributes before async attributes settled"). Nothing can be awaited in
 * an 'exit' listener: what has settled is written, what has not is left out.
 */
function withSettledResource<T extends { resource: Resource }>(item: T): T {
  const resource = item.resource;
  if (!resource.asyncAttributesPending) return item;
  let copy = settled.get(resource);
  if (!copy) {
    const ready = resource.getRawAttributes().filter(([, v]) => typeof (v as PromiseLike<unknown> | undefined)?.then !== 'function');
    copy = resourceFromAttributes(Object.fromEntries(ready) as Parameters<typeof resourceFromAttributes>[0], { schemaUrl: resource.schemaUrl });
    settled.set(resource, copy);
  }
  // The item's own getters and methods (spanContext()...) stay; only the resource differs.
  return Object.create(item, { resource: { value: copy } }) as T;
}

/** Feeds the spool; placed before the batch processors. */
export class SpoolSpanProcessor implements SpanProcessor {
  constructor(private readonly spool: ExitSpool) {}
  onStart(_span: Span): void {}
  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this.spool.spanEnded(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export class SpoolLogRecordProcessor implements LogRecordProcessor {
  constructor(private readonly spool: ExitSpool) {}
  onEmit(record: SdkLogRecord): void {
    this.spool.logEmitted(record as unknown as ReadableLogRecord);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

const KEY = Symbol.for('memotel.exit-spool');

export function exitSpool(): ExitSpool {
  const g = globalThis as Record<symbol, ExitSpool | undefined>;
  return (g[KEY] ??= new ExitSpool());
}
