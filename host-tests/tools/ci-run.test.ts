// .ci/run: when the toolchain is missing and it is not root, it fails loudly (non-zero, one clear line) before
// installing or testing anything, instead of skipping the toolchain install.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../.ci/run", import.meta.url));

test(".ci/run, not root and the toolchain missing: exit non-zero with a clear line; npm never runs", () => {
  const bin = mkdtempSync(join(tmpdir(), "ci-run-"));
  try {
    const tool = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    tool("id", 'echo 1000');                                // not root
    tool("dpkg-query", "exit 1");                           // no package installed
    tool("apt-get", `touch "${bin}/apt-get-ran"; exit 1`);
    tool("npm", `touch "${bin}/npm-ran"; exit 0`);
    const r = spawnSync("bash", [script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    assert.notEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /install-cross: missing gcc-arm-none-eabi .*; run as root/);
    assert.match(r.stderr, /^\.ci\/run: FAILED: the toolchain is missing and could not be installed/m);
    assert.ok(!existsSync(join(bin, "npm-ran")), "npm install / npm test must not run");
    assert.ok(!existsSync(join(bin, "apt-get-ran")));
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test(".ci/run runs npm test with CI=true (a skip fails there)", () => {
  const bin = mkdtempSync(join(tmpdir(), "ci-run-"));
  try {
    writeFileSync(join(bin, "dpkg-query"), "#!/bin/sh\necho 'install ok installed'\n");
    writeFileSync(join(bin, "npm"), `#!/bin/sh\necho "$* CI=$CI" >> "${bin}/npm-log"\n`);
    chmodSync(join(bin, "dpkg-query"), 0o755);
    chmodSync(join(bin, "npm"), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    delete env.CI;
    const r = spawnSync("bash", [script], { encoding: "utf8", env });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(readFileSync(join(bin, "npm-log"), "utf8").trim().split("\n"), ["install --no-fund --no-audit CI=", "test CI=true"]);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
