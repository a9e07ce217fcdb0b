import type { Clock } from '../../src/engine/clock.js';

/** A clock that moves only when the test advances it; sleepers wake when their time comes. */
export class ManualClock implements Clock {
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(private ms: number) {}

  now(): Date {
    return new Date(this.ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const sleeper = {
        until: this.ms + ms,
        resolve: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => sleeper.resolve(), { once: true });
    });
  }

  /** Moves time on and wakes whoever slept until then. */
  advance(ms: number): void {
    this.ms += ms;
    for (const s of [...this.sleepers]) if (s.until <= this.ms) s.resolve();
  }

  /** How many are asleep (the dispatcher's loop, when idle). */
  get sleeping(): number {
    return this.sleepers.length;
  }
}
