/**
 * meshprov: a Bluetooth Mesh provisioner with a Mesh Configuration Database, and the simulated air and devices
 * to use it on. One verb per job (host/cli/verbs.ts); `meshprov --help`, `meshprov VERB --help`. Exit status:
 * 0 done, 1 a failed operation, 2 a mistake in the command line (one line and a hint, never a stack trace).
 */
import { UsageError, parseArgs, runMain } from "./args.js";
import { USAGE, VERBS } from "./verbs.js";

let hint = "run `meshprov --help` for the verbs";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const name = argv[0];
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE + "\n");
    if (name === undefined) process.exitCode = 2;
    return;
  }
  const verb = VERBS[name];
  if (!verb) throw new UsageError(name.startsWith("-") ? `a verb comes first, not "${name}"` : `unknown verb "${name}"`);
  hint = `run \`meshprov ${name} --help\` for its options`;
  const p = parseArgs(argv.slice(1), verb.options, verb.positionals);
  if (p.values.help) {
    process.stdout.write(verb.usage + "\n");
    return;
  }
  await verb.run(p);
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
