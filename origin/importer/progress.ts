/**
 * The importer's progress on stderr: a bar redrawn in place on a terminal, plain lines (each
 * phase's start, every quarter, its end) when stderr is a file or a pipe (CI logs).
 */
export interface Progress {
  phase(name: string, total: number): void;
  tick(n?: number): void;
  end(): void;
}

export const silentProgress: Progress = { phase: () => {}, tick: () => {}, end: () => {} };

export function streamProgress(stream: NodeJS.WriteStream): Progress {
  const tty = stream.isTTY === true;
  let name = '';
  let total = 0;
  let done = 0;
  let lastQuarter = -1;
  const draw = () => {
    if (tty) {
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stream.write(`\r${name.padEnd(12)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
    } else {
      const quarter = total === 0 ? 4 : Math.floor((done / total) * 4);
      if (quarter !== lastQuarter) {
        lastQuarter = quarter;
        stream.write(`${name}: ${done}/${total}\n`);
      }
    }
  };
  return {
    phase(n, t) {
      name = n;
      total = t;
      done = 0;
      lastQuarter = -1;
      draw();
    },
    tick(n = 1) {
      done = Math.min(total, done + n);
      draw();
    },
    end() {
      done = total;
      draw();
      if (tty) stream.write('\n');
    },
  };
}
