import { runCreateCli } from './run-cli.ts';

runCreateCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `create-engine-kit: unexpected failure: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
