/**
 * Streaming file output in large chunks. Each row is encoded straight into a 1 MB chunk buffer;
 * full chunks go to one fs.WriteStream, waiting for 'drain' when the stream asks to
 * (backpressure).
 *
 * Why not concatenate rows into a big string and write that: a Shopify orders row is ~780
 * characters of mostly Vietnamese text, and flattening a rope of a thousand of them before the
 * stream encodes it took twice as long as encoding each row into the buffer as it comes.
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/** Where rows are written: a file (ChunkedFileWriter) or a string (StringSink). */
export interface RowSink {
  text(s: string): void;
}

/** Collects rows into a string (tests, small outputs). */
export class StringSink implements RowSink {
  out = '';
  text(s: string): void {
    this.out += s;
  }
}

/** Bytes per chunk handed to the stream; large chunks keep stream writes few. */
const CHUNK_BYTES = 1 << 20;
/** The stream may hold a few chunks, so that the disk works while the next chunk is built. */
const STREAM_HIGH_WATER = 4 * CHUNK_BYTES;

/** A file written in 1 MB chunks through one WriteStream, with backpressure (see the module comment). */
export class ChunkedFileWriter implements RowSink {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private full: Buffer[] = [];
  private error: Error | undefined;

  private constructor(private readonly stream: WriteStream) {
    // Remembered and rethrown on the next flush, so a failed disk never goes unnoticed.
    stream.on('error', (e) => {
      this.error ??= e;
    });
  }

  static create(path: string): ChunkedFileWriter {
    return new ChunkedFileWriter(createWriteStream(path, { highWaterMark: STREAM_HIGH_WATER }));
  }

  /** Bytes written to the file so far. */
  get bytes(): number {
    return this.stream.bytesWritten;
  }

  /** True when a chunk is full and the caller should `await flush()`. */
  get needsFlush(): boolean {
    return this.full.length > 0;
  }

  text(s: string): void {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (this.used + s.length * 3 > this.chunk.length) this.startChunk(s.length * 3);
    this.used += this.chunk.write(s, this.used);
  }

  /** Appends text; true when the caller should `await flush()`. */
  push(s: string): boolean {
    this.text(s);
    return this.full.length > 0;
  }

  private startChunk(atLeast: number): void {
    if (this.used > 0) this.full.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.used = 0;
  }

  /** Hands the full chunks to the stream, waiting for it to drain when it asks to. */
  async flush(): Promise<void> {
    if (this.error) throw this.error;
    const chunks = this.full;
    this.full = [];
    for (const c of chunks) if (!this.stream.write(c)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.startChunk(0);
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.error) throw this.error;
  }
}
