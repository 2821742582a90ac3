/**
 * meshprov: a Bluetooth Mesh provisioner with a Mesh Configuration Database, and the simulated air and devices
 * to use it on. One verb per job (host/cli/verbs.ts); `meshprov --help`, `meshprov VERB --help`. Exit status:
 * 0 done, 1 a failed operation, 2 a mistake in the command line (one line and a hint, never a stack trace).
 */
import { UsageError, runMain } from "./args.js";
import { USAGE, dispatch } from "./verbs.js";

let hint = "run `meshprov --help` for the verbs";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === undefined) {
    process.stdout.write(USAGE + "\n");
    process.exitCode = 2;
    return;
  }
  await dispatch(argv, (name) => (hint = `run \`meshprov ${name} --help\` for its options`));
}

runMain("meshprov", "run `meshprov --help` for the verbs", () =>
  main().catch((e: unknown) => {
    // the hint names the verb once it is known
    if (e instanceof UsageError && hint !== "run `meshprov --help` for the verbs") {
      process.stderr.write(`meshprov: ${e.message}\n${hint}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }),
);
