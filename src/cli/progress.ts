/**
 * Progress on stderr: a single rewritten line on a TTY, plain lines (at most one every 2 s per task) otherwise.
 * `--quiet` silences everything but errors.
 */
export interface Progress {
  /** a one-off status line */
  info(msg: string): void;
  /** periodic progress of a long task; `total` when known */
  tick(task: string, done: number, unit: string, extra?: string): void;
  /** end of a task */
  done(task: string, msg: string): void;
}

export function createProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const last = new Map<string, number>();
  let open = false;
  const clear = () => {
    if (open) {
      stream.write('\r\x1b[2K');
      open = false;
    }
  };
  if (opts.quiet) return { info() {}, tick() {}, done() {} };
  return {
    info(msg) {
      clear();
      stream.write(msg + '\n');
    },
    tick(task, done, unit, extra) {
      const now = Date.now();
      const prev = last.get(task) ?? 0;
      if (tty) {
        if (now - prev < 100) return;
        last.set(task, now);
        stream.write(`\r\x1b[2K${task}  ${done.toLocaleString('en-US')} ${unit}${extra ? '  ' + extra : ''}`);
        open = true;
      } else {
        if (now - prev < 2000) return;
        if (prev === 0) {
          last.set(task, now);
          return;
        }
        last.set(task, now);
        stream.write(`${task}  ${done.toLocaleString('en-US')} ${unit}${extra ? '  ' + extra : ''}\n`);
      }
    },
    done(task, msg) {
      clear();
      last.delete(task);
      stream.write(`${task}  ${msg}\n`);
    },
  };
}
