import { ConfigError } from './config.js';

/**
 * Runs an admin command (export-council, outbox) to its exit code: a settings problem is said in
 * one line, anything else with its stack.
 */
export function runAdminCommand(run: (argv: string[]) => Promise<number>): void {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
      process.exit(1);
    },
  );
}
