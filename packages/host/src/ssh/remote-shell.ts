import type { ChildProcess } from 'node:child_process';
import { SshError } from '../errors';
import type { RunResult } from '../host';
import { remoteCommand } from './remote-command';
import type { SshConnection } from './ssh-connection';
import { sshFailure } from './ssh-failure';

/**
 * One long-lived `sh` per server that runs each operation in turn, instead of one `ssh` client
 * (and one remote login shell) per operation: that process pair cost 11–22 ms an operation, the
 * whole gap between a deploy here and over SSH. Each request is written to the shell's stdin as a
 * fragment that runs the command with its input, output and errors in files of a private
 * directory, then prints a header (`__SY id status out-bytes err-bytes`) and the two outputs.
 */
const START = 'T=$(mktemp -d) || exit 1; trap \'rm -rf "$T"\' EXIT\n';
const END_OF_INPUT = '__SY_INPUT_END__';

interface Pending {
  id: number;
  resolve(result: RunResult): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

export interface RemoteShell {
  /** Runs a command line (a remoteCommand) with `input` on its stdin; the same result as one `ssh` would give. */
  exec(command: string, input: string | undefined, timeoutMs?: number): Promise<RunResult>;
  close(): void;
}

function fragment(id: number, command: string, input: string | undefined): string {
  // base64 has no "_": the end marker cannot occur in the data, and any byte survives.
  const stdin = input
    ? `base64 -d > "$T/in" <<'${END_OF_INPUT}'\n${Buffer.from(input).toString('base64').replace(/.{1,76}/g, '$&\n')}${END_OF_INPUT}\n`
    : '';
  const from = input ? '"$T/in"' : '/dev/null';
  // The input may hold secrets: emptied (a builtin, no process) as soon as the command is done.
  const forget = input ? '; : >"$T/in"' : '';
  // Output goes through pipes, as it would to an ssh client: each `cat` ends only once every process
  // holding its pipe has let go, so a command that starts a daemon (setsid -f) is done when the
  // daemon has set up its own output, not the moment it forks — as a local command's pipes behave.
  const run = `{ { { ${command} <${from}; echo $? >"$T/rc"; } 2>&1 1>&3 3>&- | cat >"$T/err"; } 3>&1 | cat >"$T/out"; }${forget}`;
  return `${stdin}${run}\nread rc <"$T/rc"; printf '__SY %s %s %s %s\\n' ${id} "$rc" "$(wc -c <"$T/out")" "$(wc -c <"$T/err")"; cat "$T/out" "$T/err"\n`;
}

export function remoteShell(ssh: SshConnection): RemoteShell {
  let child: ChildProcess | undefined;
  let buffer = Buffer.alloc(0);
  let stderr = '';
  let nextId = 1;
  const pending: Pending[] = [];

  const fail = (error: Error) => {
    for (const request of pending.splice(0)) {
      clearTimeout(request.timer);
      request.reject(error);
    }
  };

  const stop = () => {
    const running = child;
    child = undefined;
    buffer = Buffer.alloc(0);
    if (running && running.exitCode === null) {
      running.stdin?.end();
      running.kill('SIGTERM');
    }
  };

  const parse = () => {
    for (;;) {
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      const header = /^__SY (\d+) (\d+) (\d+) (\d+)$/.exec(buffer.subarray(0, end).toString());
      if (!header) {
        fail(new SshError(`${ssh.target.destination}: the remote shell answered out of turn: ${buffer.subarray(0, Math.min(end, 200)).toString()}`));
        stop();
        return;
      }
      const [outBytes, errBytes] = [Number(header[3]), Number(header[4])];
      if (buffer.length < end + 1 + outBytes + errBytes) return;
      const out = buffer.subarray(end + 1, end + 1 + outBytes).toString();
      const err = buffer.subarray(end + 1 + outBytes, end + 1 + outBytes + errBytes).toString();
      buffer = buffer.subarray(end + 1 + outBytes + errBytes);
      const request = pending.shift();
      if (!request || request.id !== Number(header[1])) {
        fail(new SshError(`${ssh.target.destination}: the remote shell answered request ${header[1]} out of order`));
        stop();
        return;
      }
      clearTimeout(request.timer);
      const code = Number(header[2]);
      request.resolve({ ok: code === 0, exitCode: code, signal: null, stdout: out, stderr: err });
    }
  };

  const start = (): ChildProcess => {
    stderr = '';
    const started = ssh.session(remoteCommand({ argv: ['sh', '-s'] }));
    started.stdout?.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      parse();
    });
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    started.stdin?.on('error', () => undefined);
    started.on('close', (code) => {
      if (child === started) child = undefined;
      fail(sshFailure(ssh.target, stderr) ?? new SshError(`${ssh.target.destination}: the remote shell ended (exit ${code}): ${stderr.trim()}`));
    });
    started.stdin?.write(START);
    return started;
  };

  return {
    exec(command, input, timeoutMs) {
      child ??= start();
      const id = nextId++;
      return new Promise<RunResult>((resolve, reject) => {
        const request: Pending = { id, resolve, reject };
        // The remote side ends a command at its timeout (timeout(1)); this bound only catches a hung link.
        if (timeoutMs !== undefined)
          request.timer = setTimeout(() => {
            fail(new SshError(`${ssh.target.destination}: no answer within ${Math.round((timeoutMs + 15_000) / 1000)} s`));
            stop();
          }, timeoutMs + 15_000);
        pending.push(request);
        child!.stdin?.write(fragment(id, command, input));
      });
    },
    close() {
      fail(new SshError(`${ssh.target.destination}: the SSH connection was closed`));
      stop();
    },
  };
}
