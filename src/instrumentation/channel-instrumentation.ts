// What every memotel instrumentation shares: subscribing to one TracingChannel of the
// contract in src/memory/channels.ts and turning each traced operation into one span.
//
// Nesting: the span is started inside `start.bindStore(storage, transform)`, where storage is
// the AsyncLocalStorage of memotel's context manager. The transform runs before the traced
// function and its return value becomes the active OpenTelemetry context for the function's
// whole run, so operations nested inside (capture → git, embedding, index) and anything the app
// does there become children of this span. Without memotel's context manager (these classes
// used with another SDK) there is no storage to bind: the span is started in a plain `start`
// subscriber instead, with the then-active context as parent, and nested operations are
// siblings rather than children.
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Channel } from 'node:diagnostics_channel';
import {
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Exception,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { tracingChannelFor, type ChannelContexts } from '../memory/channels.js';
import { activeContextStorage } from '../sdk/context-manager.js';
import { errorMessageOf, errorTypeOf } from './error-type.js';
import { ATTR_ERROR_TYPE } from './semconv.js';
import type { MemotelInstrumentationConfig } from './types.js';
import { PACKAGE_VERSION } from './version.js';

export type TracedChannelName = keyof ChannelContexts;

/** What a subclass decides when an operation starts (samplers see these attributes). */
export interface SpanStart {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
}

/** What the base class knows when an operation ends. */
export interface OperationEnd {
  durationSeconds: number;
  /** Set when the operation failed. */
  errorType?: string;
}

interface Operation {
  span: Span;
  startedAt: number;
  errorType?: string;
}

export abstract class ChannelInstrumentation<
  N extends TracedChannelName,
  Config extends MemotelInstrumentationConfig = MemotelInstrumentationConfig,
> extends InstrumentationBase<Config> {
  // Dev Note: InstrumentationBase's constructor calls enable() (and _updateMetricInstruments())
  // before this class's field initialisers run; an initialiser would then reset what enable()
  // set up, losing the subscriptions. Hence `declare` (no emitted field) and lazy `??=` in enable().
  declare private _unsubscribers: Array<() => void> | undefined;
  declare private _operations: WeakMap<object, Operation> | undefined;
  declare private _boundStorage: AsyncLocalStorage<Context> | undefined;

  constructor(instrumentationName: string, config: Config) {
    super(instrumentationName, PACKAGE_VERSION, config);
  }

  /** Which channel of the contract this instrumentation observes. A method, not a field: it is needed during super(). */
  protected abstract channelName(): N;
  protected abstract spanStart(message: ChannelContexts[N]): SpanStart;
  /** Adds end-of-operation attributes and records metrics. The span is ended afterwards. */
  protected abstract spanEnd(span: Span, message: ChannelContexts[N], end: OperationEnd): void;

  // No module to patch: the memory services publish on diagnostics_channel.
  protected init(): void {
    return undefined;
  }

  override enable(): void {
    super.enable();
    this._unsubscribers ??= [];
    this._operations ??= new WeakMap();
    if (this._unsubscribers.length > 0) return; // already enabled

    const ch = tracingChannelFor(this.channelName());
    this._listen(ch.start, (message) => this._onStart(message));
    this._listen(ch.end, (message) => this._onEnd(message));
    this._listen(ch.error, (message) => this._onError(message));
    this._listen(ch.asyncEnd, (message) => this._onAsyncEnd(message));
    this._bindStorage();
  }

  override disable(): void {
    super.disable();
    for (const unsubscribe of this._unsubscribers ?? []) unsubscribe();
    if (this._unsubscribers) this._unsubscribers.length = 0;
    this._boundStorage = undefined;
  }

  private _listen(channel: Channel<unknown, ChannelContexts[N]>, handler: (message: ChannelContexts[N]) => void): void {
    // A subscriber that throws would surface as an uncaught exception in the app: guard it.
    const listener = (message: unknown): void => {
      try {
        handler(message as ChannelContexts[N]);
      } catch (err) {
        this._diag.error('memotel instrumentation failed while handling an event', err);
      }
    };
    channel.subscribe(listener);
    this._unsubscribers!.push(() => channel.unsubscribe(listener));
  }

  /**
   * Binds the context manager's storage to the channel's start event when memotel's context
   * manager exists. Called at enable() and again at each start: an SDK may construct its context
   * manager after the instrumentations, and from then on operations nest.
   * A channel holds one transform per storage: a second enabled instance of the same
   * instrumentation replaces this one's binding (and its disable() removes it). One per process.
   */
  private _bindStorage(): void {
    if (this._boundStorage) return;
    const storage = activeContextStorage();
    if (!storage) return;
    const start = tracingChannelFor(this.channelName()).start as unknown as Channel<Context, ChannelContexts[N]>;
    start.bindStore(storage, (message) => this._startInStore(message, storage));
    this._boundStorage = storage;
    this._unsubscribers!.push(() => start.unbindStore(storage));
  }

  /** The bindStore transform: must return a context and must never throw (Node would report it as uncaught). */
  private _startInStore(message: ChannelContexts[N], storage: AsyncLocalStorage<Context>): Context {
    const parent = context.active();
    try {
      const span = this._startSpan(message, parent);
      return span ? trace.setSpan(parent, span) : parent;
    } catch (err) {
      this._diag.error('memotel instrumentation failed to start a span', err);
      return storage.getStore() ?? ROOT_CONTEXT;
    }
  }

  private _onStart(message: ChannelContexts[N]): void {
    if (this._operations!.has(message)) return; // started by the store transform
    this._startSpan(message, context.active());
    this._bindStorage();
  }

  private _startSpan(message: ChannelContexts[N], parent: Context): Span | undefined {
    if (this.getConfig().enabled === false) return undefined;
    const { name, kind, attributes } = this.spanStart(message);
    const span = this.tracer.startSpan(name, { kind, attributes }, parent);
    this._operations!.set(message, { span, startedAt: performance.now() });
    return span;
  }

  private _onError(message: ChannelContexts[N]): void {
    const operation = this._operations!.get(message);
    if (!operation) return;
    const error = message.error;
    operation.errorType = errorTypeOf(error);
    const { span } = operation;
    span.setAttribute(ATTR_ERROR_TYPE, operation.errorType);
    // Objects keep their code/name/message/stack; anything else thrown is recorded as text.
    span.recordException(typeof error === 'object' && error !== null ? (error as Exception) : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessageOf(error) });
  }

  // `end` follows the synchronous part of the call. An async operation finishes at asyncEnd; one
  // that threw synchronously gets no asyncEnd, and its error has been published before `end`.
  private _onEnd(message: ChannelContexts[N]): void {
    const operation = this._operations!.get(message);
    if (operation?.errorType !== undefined) this._finish(message, operation);
  }

  private _onAsyncEnd(message: ChannelContexts[N]): void {
    const operation = this._operations!.get(message);
    if (operation) this._finish(message, operation);
  }

  private _finish(message: ChannelContexts[N], operation: Operation): void {
    this._operations!.delete(message);
    const durationSeconds = (performance.now() - operation.startedAt) / 1000;
    try {
      this.spanEnd(operation.span, message, { durationSeconds, errorType: operation.errorType });
    } finally {
      operation.span.end();
    }
  }

  /** Content attributes are recorded only when the user opted in. */
  protected get captureContent(): boolean {
    return this.getConfig().captureContent === true;
  }
}
