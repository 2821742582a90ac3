// Fake suites for host-tests/tools/test-runner.test.ts: each prints figures the way a real suite does
// (node:test TAP summary, "N passed, N failed" lines, or nothing) and exits with a chosen status.
const say = (text, status = 0) => ["node", "-e", `process.stdout.write(${JSON.stringify(text)}); process.exit(${status})`];
const tap = (pass, fail, skipped, todo = 0, cancelled = 0) =>
  `TAP version 13\nok 1 - x\n1..${pass + fail}\n# tests ${pass + fail + skipped + todo}\n# suites 0\n` +
  `# pass ${pass}\n# fail ${fail}\n# cancelled ${cancelled}\n# skipped ${skipped}\n# todo ${todo}\n# duration_ms 1\n`;

export const suites = [
  { name: "node-ok", requires: [], command: say(tap(3, 0, 2, 1)), counts: "node" },
  { name: "node-clean", requires: [], command: say(tap(4, 0, 0)), counts: "node" },
  { name: "plain-ok", requires: [], command: say("2 passed, 0 failed\nother output\n1 passed, 0 failed, 1 skipped\n"), counts: "plain" },
  { name: "exit-ok", requires: [], command: say(""), counts: "exit" },
  { name: "exit-fail", requires: [], command: say("", 2), counts: "exit" },
  { name: "missing-tool", requires: ["meshprov-no-such-tool"], install: "apt-get install nothing", command: say(tap(9, 0, 0)), counts: "node" },
  { name: "plain-fail", requires: [], command: say("1 passed, 1 failed\n", 1), counts: "plain" },
  { name: "node-cancelled", requires: [], command: say(tap(1, 0, 0, 0, 2), 1), counts: "node" },
  { name: "status-only-fail", requires: [], command: say(tap(2, 0, 0), 1), counts: "node" },
  { name: "no-figures", requires: [], command: say("built\n"), counts: "plain" },
  { name: "ran-nothing", requires: [], command: say(tap(0, 0, 0)), counts: "node" },
  { name: "not-a-program", requires: [], command: ["meshprov-no-such-program"], counts: "plain" },
  { name: "all-skipped", requires: [], command: say(tap(0, 0, 3)), counts: "node" },
];
