import { type ChildProcess, spawn } from 'node:child_process';
import { CommandError, CommandTimeoutError } from './errors';

function finished(child: ChildProcess, argv: readonly string[]): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new CommandError(argv, null, error.message)));
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new CommandError(argv, signal ? null : code, stderr))));
  });
}

/**
 * `producer | consumer`, both spawned from argument arrays (no shell); fails with the first of the
 * two that failed, naming it. The consumer may be `ssh … tar -x`: the stream never touches disk here.
 * Past `timeoutMs` both are killed: what they unpacked is a release directory that the next
 * attempt starts over.
 */
export async function pipeCommands(producer: readonly string[], consumer: ChildProcess, consumerArgv: readonly string[], timeoutMs: number): Promise<void> {
  const source = spawn(producer[0]!, producer.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  source.stdout.pipe(consumer.stdin!);
  // A consumer that dies early (no space left) must not leave the producer blocked on a full pipe.
  consumer.stdin?.on('error', () => source.kill());
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    source.kill('SIGKILL');
    consumer.kill('SIGKILL');
  }, timeoutMs);
  const results = await Promise.allSettled([finished(source, producer), finished(consumer, consumerArgv)]);
  clearTimeout(timer);
  if (timedOut) throw new CommandTimeoutError([...producer, '|', ...consumerArgv], timeoutMs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The consumer side run on this machine. */
export function spawnConsumer(argv: readonly string[]): ChildProcess {
  return spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
}
