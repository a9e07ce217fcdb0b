/**
 * Reading a file in the parse worker (parse-worker.ts), seen from the importing thread: the same
 * stream of ParsedBatch as readFormat, with orders as columns. While the importer writes one
 * batch the worker parses the next ones.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decodeBatch, decodeError, MORE, type ParseRequest, type WorkerMessage } from './batch-wire.js';
import type { ImportFormat, ParsedBatch } from './records.js';

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

/** Formats whose batches travel as columns: the order exports, where files get big. */
const WORKER_FORMATS: ReadonlySet<ImportFormat> = new Set(['shopify-orders', 'orders-csv']);

/**
 * Whether `format` can be parsed in a worker here. The worker runs compiled JavaScript; from
 * TypeScript sources (tests) there is none, and files are parsed on the importing thread.
 */
export function canParseInWorker(format: ImportFormat): boolean {
  return WORKER_FORMATS.has(format) && existsSync(fileURLToPath(WORKER_URL));
}

/** The port end the importer reads: a Worker, or a MessageChannel end in tests. */
export interface BatchSource {
  on(event: 'message', listener: (m: WorkerMessage) => void): unknown;
  postMessage(m: unknown): void;
}

/** Messages as they arrive, awaited one at a time; a failure is delivered after what came before it. */
class Inbox {
  private readonly items: WorkerMessage[] = [];
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;

  push(m: WorkerMessage): void {
    this.items.push(m);
    this.waiter?.();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.waiter?.();
  }

  async next(): Promise<WorkerMessage> {
    while (this.items.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    return this.items.shift()!;
  }
}

/** Batches from a source until its 'end'; a worker error is rethrown here. */
export async function* receiveBatches(
  source: BatchSource,
  inbox = inboxOf(source),
): AsyncGenerator<ParsedBatch> {
  for (;;) {
    const m = await inbox.next();
    if (m.type === 'end') return;
    if (m.type === 'error') throw decodeError(m.error);
    // Let the worker read on while this batch is written.
    source.postMessage(MORE);
    yield decodeBatch(m.batch);
  }
}

function inboxOf(source: BatchSource): Inbox {
  const inbox = new Inbox();
  source.on('message', (m) => inbox.push(m));
  return inbox;
}

/** Options that describe how the parent's own code was given (inline code, its module type). */
const ENTRY_OPTIONS = /^(-e|--eval|-p|--print|--input-type)/;

/**
 * A worker inherits the parent's Node options, and refuses to start with those that describe
 * the parent's entry (`--input-type`); it cannot be given V8 options such as --expose-gc
 * explicitly either. So: inherit, unless the parent runs inline code; then start it bare.
 */
function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((a) => ENTRY_OPTIONS.test(a)) ? [] : undefined;
}

/** Reads a file in a parse worker; the worker stops when the reader is done or abandoned. */
export async function* readInWorker(request: ParseRequest): AsyncGenerator<ParsedBatch> {
  const worker = new Worker(WORKER_URL, {
    workerData: { nurtureParse: request },
    execArgv: workerExecArgv(),
  });
  const inbox = new Inbox();
  worker.on('message', (m: WorkerMessage) => inbox.push(m));
  worker.on('error', (e) => inbox.fail(e));
  worker.on('exit', (code) =>
    inbox.fail(new Error(`import parse worker exited (code ${code}) before the end of the file`)),
  );
  try {
    yield* receiveBatches(worker, inbox);
  } finally {
    await worker.terminate();
  }
}
