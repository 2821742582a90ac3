/**
 * The provisioner of `meshprov provision --all` (engine.ts) on an in-process simulated network
 * (host/network.ts; ECDH takes its simulated time, `ecdhComputeMs`), with the nodes stored in an in-memory database: the provisioner benchmark and the tests.
 * No person: No OOB only.
 */
import type { SimNetwork } from "../network.js";
import { ProvisionerEngine } from "./engine.js";
import type { Outcome, Phase } from "./engine.js";
import { addNode, bytesOf, newNetwork, unicastAllocator } from "../cdb/cdb.js";
import type { Cdb } from "../cdb/cdb.js";
import type { Bytes } from "../../modules/platform.js";

export interface SimProvisioner {
  engine: ProvisionerEngine;
  db: Cdb;
  /** Every device's outcome, in order. */
  outcomes: Outcome[];
}

export function simProvisioner(
  net: SimNetwork,
  o: { links: number; onPhase?: (uuid: Bytes, phase: Phase, detail: string) => void; onOutcome?: (o: Outcome) => void },
): SimProvisioner {
  const db = newNetwork({ random: (n) => net.crypto.randomBytes(n) });
  const outcomes: Outcome[] = [];
  const noPerson = "no person on this network: No OOB only";
  const engine = new ProvisionerEngine({
    radio: net.hub.createRadio("provisioner"),
    clock: net.clock,
    crypto: net.platformCrypto, // ECDH takes the network's simulated time
    netKey: bytesOf(db.netKeys[0]!.key),
    netKeyIndex: db.netKeys[0]!.index,
    ivIndex: db.ivIndex ?? 0,
    oob: "none",
    alg: "auto",
    links: o.links,
    addresses: unicastAllocator(db, db.provisioners[0]!),
    auth: { staticValue: (_u, _l, _a, fail) => fail(noPerson), deviceOutput: (_u, _a, _s, _v, fail) => fail(noPerson), showInput: () => {} },
    ...(o.onPhase ? { onPhase: o.onPhase } : {}),
    onOutcome: (x) => {
      if (x.ok) addNode(db, { uuid: x.uuid, unicastAddress: x.unicastAddress!, elements: x.elements!, deviceKey: x.deviceKey!, security: x.security!, netKeyIndex: db.netKeys[0]!.index });
      outcomes.push(x);
      o.onOutcome?.(x);
    },
  });
  return { engine, db, outcomes };
}
