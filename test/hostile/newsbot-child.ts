import { spawn } from 'node:child_process';

// The real bot process (`node --import tsx src/main.ts`, as `npm start` runs it) with every byte
// it writes to stdout and stderr kept, for the hostile tests that grep a whole run.

export interface NewsbotChild {
  /** stdout and stderr, interleaved as they arrived. */
  readonly output: () => string;
  /** JSON log lines parsed from stdout (other lines are skipped). */
  readonly lines: () => Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Waits until a log line's msg contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): void;
}

export function startNewsbotChild(
  env: Record<string, string>,
  args: string[] = ['src/main.ts'],
): NewsbotChild {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
  });
  const lines = () => {
    const parsed: Record<string, unknown>[] = [];
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A line still being written.
      }
    }
    return parsed;
  };
  return {
    output: () => out,
    lines,
    exited,
    async waitForLog(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines().find((l) => typeof l.msg === 'string' && l.msg.includes(text));
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no log line with "${text}" within ${timeoutMs} ms; output:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}

/** The forms in which a bot token must never appear: whole, its secret half, percent-encoded. */
export function tokenForms(token: string): string[] {
  const secret = token.slice(token.indexOf(':') + 1);
  return [token, secret, encodeURIComponent(token)];
}
