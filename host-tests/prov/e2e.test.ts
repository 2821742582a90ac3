/**
 * End-to-end provisioning in virtual time over PB-ADV on the simulated air: every authentication method x
 * both algorithms x with / without OOB public key; loss, duplicates and reordering; several devices at once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AuthenticationMethod, InputOobAction, OutputOobAction } from "../../modules/prov/pdu.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import type { OobUseParams } from "../../modules/prov/common.js";
import { autoOobPolicy } from "../../modules/prov/provisioner.js";
import { World } from "./air-world.js";
import { hex } from "./helpers.js";

interface Method {
  name: string;
  caps: Partial<CapabilitiesFields>;
  method: number;
  action: number;
  size: number;
}

const METHODS: Method[] = [
  { name: "No OOB", caps: {}, method: AuthenticationMethod.NoOob, action: 0, size: 0 },
  { name: "Static OOB", caps: { oobType: 1 }, method: AuthenticationMethod.StaticOob, action: 0, size: 0 },
  ...(
    [
      ["Blink", OutputOobAction.Blink, 1],
      ["Beep", OutputOobAction.Beep, 2],
      ["Vibrate", OutputOobAction.Vibrate, 1],
      ["Output Numeric", OutputOobAction.OutputNumeric, 6],
      ["Output Alphanumeric", OutputOobAction.OutputAlphanumeric, 8],
    ] as const
  ).map(([name, action, size]) => ({
    name: "Output " + name,
    caps: { outputOobSize: 8, outputOobAction: 0x1f },
    method: AuthenticationMethod.OutputOob,
    action,
    size,
  })),
  ...(
    [
      ["Push", InputOobAction.Push, 1],
      ["Twist", InputOobAction.Twist, 2],
      ["Input Numeric", InputOobAction.InputNumeric, 8],
      ["Input Alphanumeric", InputOobAction.InputAlphanumeric, 5],
    ] as const
  ).map(([name, action, size]) => ({
    name: "Input " + name,
    caps: { inputOobSize: 8, inputOobAction: 0x0f },
    method: AuthenticationMethod.InputOob,
    action,
    size,
  })),
];

/**
 * Both sides completed with the same keys and data, links closed with Success. Under loss the device may miss
 * every copy of the provisioner's Link Close (5.3.2): its protocol timer then closes the link (Timeout)
 * after it has completed, which `lossy` allows.
 */
function checkSuccess(world: World, lossy = false): void {
  const prov = world.provisioner!;
  assert.deepEqual(prov.handlerErrors, []);
  assert.deepEqual(prov.of("failed"), []);
  for (const d of world.devices) {
    const n = d.node;
    assert.deepEqual(n.handlerErrors, []);
    assert.deepEqual(n.of("failed"), [], d.node.name);
    const dc = n.last("complete")!;
    const pc = prov.of("complete").find((c) => hex(c.ctx.uuid) === hex(d.uuid))!;
    assert.ok(dc && pc, n.name + " completed");
    assert.equal(hex(dc.deviceKey), hex(pc.deviceKey));
    assert.deepEqual(dc.data, pc.data);
    assert.ok(["success", ...(lossy ? ["timeout"] : [])].includes(n.last("link-closed")!.reason), n.name + " link closed");
    assert.equal(prov.of("link-closed").find((c) => hex(c.ctx.uuid) === hex(d.uuid))?.reason, "success");
    assert.equal(n.prov.listening, false);
  }
}

let seed = 100;
for (const m of METHODS) {
  for (const algorithm of [0, 1]) {
    for (const oobPublicKey of [false, true]) {
      const title = `${m.name}, ${algorithm ? "HMAC-SHA256" : "CMAC-AES128"}, ${oobPublicKey ? "OOB" : "in-band"} public key`;
      const s = seed++;
      test(`provisioning over PB-ADV: ${title}`, () => {
        const world = new World({ seed: s });
        const device = world.addDevice("device", { capabilities: { algorithms: 0x03, numberOfElements: 2, ...m.caps }, oobPublicKey });
        const choice: OobUseParams = { algorithm, publicKey: oobPublicKey ? 1 : 0, method: m.method, action: m.action, size: m.size };
        const prov = world.addProvisioner(() => choice);
        world.start();
        assert.ok(world.runUntilAllDone(), "finished");
        checkSuccess(world);
        // The value output on one side is the one entered on the other.
        const out = [...device.of("output-request"), ...prov.of("output-request")];
        const inp = [...device.of("input-request"), ...prov.of("input-request")];
        if (m.method === AuthenticationMethod.OutputOob || m.method === AuthenticationMethod.InputOob) {
          assert.equal(out.length, 1);
          assert.equal(inp.length, 1);
          assert.equal((m.method === AuthenticationMethod.OutputOob ? device : prov).of("output-request").length, 1);
          const v = out[0]!.value;
          if (m.action === (m.method === AuthenticationMethod.OutputOob ? OutputOobAction.OutputAlphanumeric : InputOobAction.InputAlphanumeric)) {
            assert.match(String(v), new RegExp(`^[0-9A-Z]{${m.size}}$`));
          } else {
            assert.equal(typeof v, "number");
            assert.ok((v as number) < 10 ** m.size);
          }
        } else {
          assert.equal(out.length + inp.length, 0);
        }
        assert.equal(device.of("static-request").length, m.method === AuthenticationMethod.StaticOob ? 1 : 0);
        assert.equal(prov.of("oob-pubkey-request").length, oobPublicKey ? 1 : 0);
        const start = device.last("start-received")!.start;
        assert.deepEqual(start, {
          algorithm,
          publicKey: oobPublicKey ? 1 : 0,
          authenticationMethod: m.method,
          authenticationAction: m.action,
          authenticationSize: m.size,
        });
        // Attention: 2 s from the Invite, stopped by Start at the latest.
        const att = device.of("attention");
        assert.equal(att[0]?.on, true);
        assert.equal(att[0]?.remaining, 2);
        assert.equal(att[att.length - 1]?.on, false);
        assert.equal(prov.last("complete")!.numberOfElements, 2);
      });
    }
  }
}

test("the automatic OOB policy picks the strongest method offered and completes", () => {
  const world = new World({ seed: 7 });
  world.addDevice("static", { capabilities: { algorithms: 0x03, oobType: 1, outputOobSize: 4, outputOobAction: 0x1f } });
  world.addDevice("output", { capabilities: { algorithms: 0x01, outputOobSize: 4, outputOobAction: 0x09 } });
  world.addDevice("input", { capabilities: { algorithms: 0x03, inputOobSize: 3, inputOobAction: 0x05 } });
  world.addDevice("none", { capabilities: { algorithms: 0x01 } });
  const policy = autoOobPolicy();
  world.addProvisioner((caps) => policy(caps)!);
  world.start();
  assert.ok(world.runUntilAllDone());
  checkSuccess(world);
  const starts = world.devices.map((d) => d.node.last("start-received")!.start);
  assert.deepEqual(
    starts.map((s) => [s.algorithm, s.authenticationMethod, s.authenticationAction, s.authenticationSize]),
    [
      [1, AuthenticationMethod.StaticOob, 0, 0],
      [0, AuthenticationMethod.OutputOob, OutputOobAction.OutputNumeric, 4],
      [1, AuthenticationMethod.InputOob, InputOobAction.InputNumeric, 3],
      [0, AuthenticationMethod.NoOob, 0, 0],
    ],
  );
});

for (const loss of [0, 0.1, 0.2, 0.3]) {
  test(`${loss * 100} % loss with duplicates and reordering: four devices at once, all provisioned`, () => {
    const world = new World({ seed: 1000 + loss * 100, link: { loss, duplicate: loss / 2, delayMs: loss ? 15 : 0 }, ecdhComputeMs: 80 });
    for (let i = 0; i < 4; i++) {
      world.addDevice("dev" + i, { capabilities: { algorithms: 0x03, outputOobSize: 6, outputOobAction: 1 << OutputOobAction.OutputNumeric } });
    }
    world.addProvisioner((_caps, i) => ({ algorithm: i % 2, publicKey: 0, method: AuthenticationMethod.OutputOob, action: OutputOobAction.OutputNumeric, size: 6 }));
    world.start();
    assert.ok(world.runUntilAllDone(30 * 60_000), "all done");
    checkSuccess(world, loss > 0);
    if (loss > 0) {
      assert.ok(world.hub.counters.lostLink > 0, "packets were lost");
      assert.ok(world.hub.counters.duplicated > 0, "packets were duplicated");
    }
    // Distinct addresses and device keys.
    const prov = world.provisioner!;
    const addrs = new Set(prov.of("complete").map((c) => c.unicastAddress));
    const keys = new Set(prov.of("complete").map((c) => hex(c.deviceKey)));
    assert.equal(addrs.size, 4);
    assert.equal(keys.size, 4);
  });
}
