type Task = () => Promise<void> | void;

const tasks: Task[] = [];
const again = new Set<Task>();

/**
 * Registers something to undo (stop a load, stop the colours and nginx); returns a function that
 * drops it. `repeatOnSignal`: after a signal, run it a second time a moment later, in case a
 * command that was under way started something after the first pass.
 */
export function onCleanup(task: Task, options: { repeatOnSignal?: boolean } = {}): () => void {
  tasks.push(task);
  if (options.repeatOnSignal) again.add(task);
  return () => {
    const index = tasks.indexOf(task);
    if (index >= 0) tasks.splice(index, 1);
    again.delete(task);
  };
}

/** Runs every registered task, newest first; one failing does not keep the others from running. */
export async function runCleanups(): Promise<void> {
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    try {
      await task();
    } catch (error) {
      console.error(`cleanup: ${(error as Error).message}`);
    }
  }
}

/** Ctrl-C or a kill: stop what the benchmark started before exiting. */
export function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the load, the colours and nginx…`);
      const repeat = [...again];
      void runCleanups()
        .then(() => new Promise((resolve) => setTimeout(resolve, 1000)))
        .then(async () => {
          for (const task of repeat) await Promise.resolve(task()).catch(() => undefined);
        })
        .finally(() => process.exit(130));
    });
}
