/**
 * The parse worker: reads and validates a file on its own thread and posts its batches (see
 * batch-wire.ts), so that on a two-core machine parsing overlaps the writes of the importing
 * thread. It stays at most AHEAD batches in front of the importer, which bounds memory.
 */
import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { orderColumnsOf } from '../domain/order-columns.js';
import { encodeBatch, encodeError, MORE, type ParseRequest, type WorkerMessage } from './batch-wire.js';
import { readFormat } from './formats/index.js';

/** Batches posted and not yet taken by the importer. */
const AHEAD = 2;

/** What the worker needs of its port (a worker's parentPort, or a MessageChannel end in tests). */
export type WorkerPort = Pick<MessagePort, 'postMessage' | 'on' | 'off'>;

/** Reads `request` and posts every batch, then 'end' (or 'error') to `port`. */
export async function serveParse(port: WorkerPort, request: ParseRequest): Promise<void> {
  let credit = AHEAD;
  let wake: (() => void) | undefined;
  const onMessage = (m: unknown) => {
    if (m !== MORE) return;
    credit++;
    wake?.();
  };
  port.on('message', onMessage);
  try {
    for await (const batch of readFormat(request.format, request.path, request.options)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      credit--;
      const { message, transfer } = encodeBatch(batch, orderColumnsOf(batch.orders.map((o) => o.value)));
      port.postMessage(message, transfer);
    }
    port.postMessage({ type: 'end' } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ type: 'error', error: encodeError(error) } satisfies WorkerMessage);
  } finally {
    port.off('message', onMessage);
  }
}

/** Data a worker is started with: the marker tells this entry point from any other worker. */
export interface ParseWorkerData {
  nurtureParse: ParseRequest;
}

function isParseWorkerData(data: unknown): data is ParseWorkerData {
  return typeof data === 'object' && data !== null && 'nurtureParse' in data;
}

if (!isMainThread && parentPort !== null && isParseWorkerData(workerData)) {
  const port = parentPort;
  await serveParse(port, workerData.nurtureParse);
  port.close();
}
