/**
 * Never break the page: every entry point of the widget (the page's calls, event listeners,
 * timers, network callbacks) runs through `safe`, which swallows what goes wrong.
 */
export function safe<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch {
      return undefined;
    }
  };
}

/** A random id (crypto when the browser has it). */
export function randomId(): string {
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (c && typeof c.getRandomValues === 'function') {
    const bytes = c.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, (b: number) => (b + 256).toString(16).slice(1)).join('');
  }
  let out = '';
  for (let i = 0; i < 32; i++) out += Math.floor(Math.random() * 16).toString(16);
  return out;
}
