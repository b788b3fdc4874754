/** Benchmarked servers run in child processes of their own, so that the load generator does not share their event loop. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Server {
  url: string;
  proc: ChildProcess;
}

/**
 * Runs `script --serve <name>` (with this process's loader flags, e.g. tsx) and
 * waits for the line "LISTENING <url>" it prints once it listens.
 */
export async function startServer(
  script: string,
  name: string,
  opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<Server> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...process.execArgv, script, '--serve', name], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: string) => {
      out += d;
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    proc.once('exit', (code) => reject(new Error(`${name} server exited (${code}) before listening`)));
  });
  return { url, proc };
}
