import { describe, expect, it, vi } from 'vitest';
import { type HostEvent, terminalReporter, textReporter } from '../src/reporter';

const progress = (done: number, bytes: number): HostEvent => ({
  type: 'progress',
  task: 'publishing assets',
  done,
  total: 4,
  bytes,
  totalBytes: 4 * 1048576,
  bytesPerSecond: 2 * 1048576,
});

describe('progress', () => {
  it('as plain lines: at most one every 2 s while it runs, and the last one always', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const lines: string[] = [];
      const out = textReporter((line) => lines.push(line));
      out.emit(progress(1, 1048576));
      vi.advanceTimersByTime(500);
      out.emit(progress(2, 2 * 1048576));
      vi.advanceTimersByTime(2000);
      out.emit(progress(3, 3 * 1048576));
      out.emit(progress(4, 4 * 1048576));
      expect(lines).toEqual([
        '    publishing assets: 1/4 files, 1.0/4.0 MiB, 2.0 MiB/s',
        '    publishing assets: 3/4 files, 3.0/4.0 MiB, 2.0 MiB/s',
        '    publishing assets: 4/4 files, 4.0/4.0 MiB, 2.0 MiB/s',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('on a terminal: one bar redrawn in place, cleared before the next line', () => {
    let screen = '';
    const out = terminalReporter((text) => (screen += text));
    out.emit(progress(1, 1048576));
    out.emit(progress(2, 2 * 1048576));
    out.emit({ type: 'note', message: 'wrote 4 objects' });
    expect(screen).toBe(
      '\r\x1b[2K    [######..................] publishing assets: 1/4 files, 1.0/4.0 MiB, 2.0 MiB/s' +
        '\r\x1b[2K    [############............] publishing assets: 2/4 files, 2.0/4.0 MiB, 2.0 MiB/s' +
        '\r\x1b[2K    wrote 4 objects\n',
    );
  });
});
