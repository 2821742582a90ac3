/**
 * Where `meshprov config|onoff` and the configuration after `meshprov provision` reach the mesh from: a hub's
 * air (--air ADDR: the provisioner's own node in this process, host/cli/mesh.ts openMesh) or a mesh modem
 * (--serial PATH: the modem's mesh node sends for the same Configuration and Generic OnOff Clients running
 * here, host/serial/cli-bearer.ts openModemMesh). Either way the provisioner's address and device key are the
 * database's node of the provisioner, so the verbs are written once against MeshSession.
 */
import { ConfigClient } from "../../modules/models/config-client.js";
import { OnOffClient } from "../../modules/models/onoff.js";
import type { RequestOptions } from "../../modules/models/kit.js";
import { bytesOf, parseAddress } from "../cdb/cdb.js";
import type { Cdb } from "../cdb/cdb.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { OperationError } from "./args.js";
import type { Parsed } from "./args.js";
import { airOption, joinAir, radioName } from "./common.js";
import type { AirAddress } from "./common.js";
import { appKeyOf, openMesh, selfNode } from "./mesh.js";
import type { MeshSession } from "./mesh.js";
import { openModemMesh, serialOf } from "../serial/cli-bearer.js";

/** A hub's air or a modem's serial path: exactly one (--air with --serial is a usage error). */
export type MeshPlace = { air: AirAddress } | { serial: string };

export function meshPlaceOf(p: Parsed): MeshPlace {
  const serial = serialOf(p);
  return serial !== undefined ? { serial } : { air: airOption(p) };
}

export interface MeshLink {
  mesh: MeshSession;
  /** Rejects with one line when the hub or the modem goes away. */
  lost: Promise<never>;
  close(): Promise<void>;
}

export interface MeshLinkOptions {
  request: RequestOptions;
  /** The AppKey the Generic OnOff Client sends with. */
  appKeyIndex?: number;
  /** The OnOff client's first TID. */
  firstTid?: number;
}

/** The provisioner's clients on the mesh at `place`; one-line OperationErrors. */
export async function openMeshLink(place: MeshPlace, db: Cdb, dbPath: string, o: MeshLinkOptions): Promise<MeshLink> {
  if ("air" in place) {
    const client = await joinAir(place.air, radioName("meshprov"));
    try {
      const mesh = openMesh(db, dbPath, client, o);
      const lost = client.closed.then(() => Promise.reject<never>(new OperationError("the hub closed the connection")));
      lost.catch(() => {}); // only the verb's race reports it
      return {
        mesh,
        lost,
        close: async () => {
          mesh.close();
          await client.close();
        },
      };
    } catch (e) {
      await client.close();
      throw e;
    }
  }
  const self = selfNode(db);
  const netKey = db.netKeys.find((k) => self.netKeys.some((x) => x.index === k.index)) ?? db.netKeys[0];
  if (!netKey) throw new OperationError("the database has no NetKey");
  if (o.appKeyIndex !== undefined) appKeyOf(db, o.appKeyIndex);
  const config = new ConfigClient(o.request);
  const onoff = new OnOffClient(o.firstTid ?? new NodeCryptoPrimitives().randomBytes(1)[0]!);
  const m = await openModemMesh(place.serial, {
    dbPath,
    node: { unicastAddress: parseAddress(self.unicastAddress), netKeyIndex: netKey.index, netKey: bytesOf(netKey.key), ivIndex: db.ivIndex ?? 0, ivUpdate: false, deviceKey: bytesOf(self.deviceKey) },
    appKeys: db.appKeys.map((k) => ({ netKeyIndex: k.boundNetKey, appKeyIndex: k.index, key: bytesOf(k.key) })),
    models: [config, onoff],
  });
  const lost = new Promise<never>((_r, reject) => {
    m.driver.onClosed = (why) => reject(new OperationError(`the modem at ${place.serial} went away (${why})`));
  });
  lost.catch(() => {}); // only the verb's race reports it
  const mesh: MeshSession = {
      config,
      onoff,
      request: o.request,
      target: (n) => ({ address: parseAddress(n.unicastAddress), deviceKey: bytesOf(n.deviceKey) }),
      // SEND is answered once the modem's node has queued the message; the modem stays on the air to send it
      drain: () => Promise.resolve(),
      close: () => m.close(),
  };
  return { mesh, lost, close: () => Promise.resolve(mesh.close()) };
}
