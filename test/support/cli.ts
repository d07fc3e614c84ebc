import { runCli } from '../../src/cli/main.ts';

/** Runs the CLI in this process with captured output, as `npm run cli -- …` would. */
export async function runCliCaptured(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: Uint8Array } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stdin = opts.stdin ?? new Uint8Array();
  const code = await runCli(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readStdin: (max) => stdin.subarray(0, max),
    env: opts.env,
  });
  return { code, stdout, stderr };
}
