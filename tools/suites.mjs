// The test suites that `npm test` runs, in order. Each suite:
//   name      short name, printed in the summary
//   requires  commands that must be on PATH (the suite is skipped, loudly, when one is missing; a failure
//             under CI)
//   install   what to run to get them (printed when skipped)
//   command   [program, ...args], run from the repository root ("@host-tests": every host-tests/**/*.test.*)
//   counts    how tools/test.mjs counts its tests:
//             "node"   node:test TAP output (--test-reporter=tap): "# pass", "# fail", "# cancelled" (failed),
//                      "# skipped", "# todo" (skipped)
//             "plain"  every line "N passed, N failed" (optionally ", N skipped") the suite prints, added up
//             "exit"   the suite is one check, passed when it exits 0 (the typechecks)
//           A suite that exits non-zero, prints no figures or runs no test fails.
// Add a suite by appending an entry; keep each one's own output readable.
export const suites = [
  {
    name: "typecheck",
    requires: [],
    command: ["npx", "tsc", "-p", "tsconfig.json", "--noEmit"],
    counts: "exit",
  },
  {
    name: "typecheck-portable",
    requires: [],
    command: ["npx", "tsc", "-p", "tsconfig.modules.json", "--noEmit"],
    counts: "exit",
  },
  {
    name: "host-tests",
    requires: [],
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "@host-tests"],
    counts: "node",
  },
  {
    name: "native-p256",
    requires: ["cc", "make"],
    install: "apt-get install gcc make",
    command: ["make", "-s", "-f", "native/crypto/test/p256.mk", "p256-test"],
    counts: "plain",
  },
  {
    name: "native-p256-m4",
    requires: ["make", "arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["make", "-s", "-f", "native/crypto/test/p256.mk", "p256-m4"],
    counts: "plain",
  },
  {
    name: "firmware-host",
    requires: ["cc"],
    install: "apt-get install gcc",
    command: ["node", "tools/nrf52/host-tests.mjs"],
    counts: "plain",
  },
  {
    name: "firmware-twin",
    requires: ["arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/twin-smoke.ts"],
    counts: "node",
  },
  {
    name: "firmware-images",
    requires: ["arm-none-eabi-gcc"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/images.ts"],
    counts: "node",
  },
  {
    name: "firmware-twin-e2e",
    requires: ["arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/twin-e2e.ts"],
    counts: "node",
  },
  {
    name: "firmware-twin-modem",
    requires: ["arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/twin-modem.ts"],
    counts: "node",
  },
  {
    // issue 12: the light carries no provisioner code, the standalone provisioner no provisionee code (image
    // strings and archive modules); the provisioner variant builds within budgets on every board
    name: "firmware-roles",
    requires: ["arm-none-eabi-gcc"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/roles.ts"],
    counts: "node",
  },
  {
    // issue 12: the standalone provisioner twin provisions a light-node twin through the air hub, configures it, its
    // button toggles the lamp; both restart
    name: "firmware-twin-provisioner",
    requires: ["arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/twin-provisioner.ts"],
    counts: "node",
  },
  {
    // the mesh node on the preloaded twin light: provisioned, configured, toggled, restarted, reset (issue 10)
    name: "firmware-twin-node",
    requires: ["arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["node", "--import", "tsx", "--test", "--test-reporter=tap", "host-tests/firmware/twin-node.ts"],
    counts: "node",
  },
  {
    name: "native-crypto-host",
    requires: ["cc", "make"],
    install: "apt-get install gcc make",
    command: ["make", "-s", "--no-print-directory", "-C", "native", "host-test"],
    counts: "plain",
  },
  {
    name: "native-crypto-m4",
    requires: ["make", "arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["make", "-s", "--no-print-directory", "-C", "native", "m4-test"],
    counts: "plain",
  },
  {
    // The same at -Os (the nRF52840 image's optimisation): the stack-residue checks depend on the frames.
    name: "native-crypto-m4-Os",
    requires: ["make", "arm-none-eabi-gcc", "qemu-system-arm"],
    install: "sudo bash tools/install-cross.sh",
    command: ["make", "-s", "--no-print-directory", "-C", "native", "m4-test", "OPT=-Os"],
    counts: "plain",
  },
];
