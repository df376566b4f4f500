/** Throttles onProgress callbacks to a few per second. */
export function throttle(
  cb: ((rows: number, bytes: number) => void) | undefined,
  intervalMs = 250,
): { tick(rows: number, bytes: number): void; done(rows: number, bytes: number): void } {
  let last = 0;
  return {
    tick(rows, bytes) {
      if (!cb) return;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        cb(rows, bytes);
      }
    },
    done(rows, bytes) {
      if (cb) cb(rows, bytes);
    },
  };
}
