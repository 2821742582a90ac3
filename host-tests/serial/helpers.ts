/**
 * The serial tests' set-up: a SimNetwork of devices (the device application, in process, virtual time),
 * a MeshModem on the same air, and a ModemDriver at the other end of a simulated serial line.
 */
import { SimNetwork } from "../../host/network.js";
import type { SimDevice, SimDeviceOptions } from "../../host/network.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { runVirtual, simModem } from "../../host/serial/sim-line.js";
import type { SerialLineOptions, SimSerialDirection } from "../../host/serial/sim-line.js";
import type { ModemDriverOptions } from "../../host/serial/driver.js";
import type { Bytes, CryptoPrimitives } from "../../modules/platform.js";
import type { ProvisioningData } from "../../modules/prov/api.js";
import { FrameDecoder, FrameType } from "../../modules/serial/frame.js";
import type { Frame } from "../../modules/serial/frame.js";

/** The host's crypto, remembering every private key it made (to look for them on the wire). */
export class RecordingCrypto extends NodeCryptoPrimitives {
  readonly privateKeys: Bytes[] = [];
  readonly secrets: Bytes[] = [];
  override p256GenerateKeyPair() {
    const k = super.p256GenerateKeyPair();
    this.privateKeys.push(k.privateKey.slice());
    return k;
  }
  override p256Ecdh(privateKey: Bytes, peer: Bytes): Bytes {
    const s = super.p256Ecdh(privateKey, peer);
    this.secrets.push(s.slice());
    return s;
  }
}

export interface Rig {
  net: SimNetwork;
  devices: SimDevice[];
  modem: ReturnType<typeof simModem>["modem"];
  driver: ReturnType<typeof simModem>["driver"];
  hostCrypto: RecordingCrypto;
  modemCrypto: CryptoPrimitives;
  /** Every frame on the wire, decoded, both directions. */
  wire: { dir: "tx" | "rx"; frame: Frame }[];
  /** Every byte on the wire, both directions. */
  raw: Bytes[];
  line: { toModem: SimSerialDirection; toHost: SimSerialDirection };
  /** Reset the modem: a new one on the same line, all its RAM lost (it says STARTED, soft reset). */
  resetModem(): void;
  run(notDone: () => boolean, limitMs?: number): Promise<boolean>;
  data(address: number): ProvisioningData;
  netKey: Bytes;
}

export function rig(o: { seed?: number; devices?: SimDeviceOptions[]; line?: SerialLineOptions; maxLinks?: number; mesh?: boolean; driver?: Partial<ModemDriverOptions> } = {}): Rig {
  const seed = o.seed ?? 1;
  const net = new SimNetwork({ seed, logger: { log() {} } });
  const devices = (o.devices ?? [{ name: "light-1" }]).map((d) => net.addDevice(d));
  const hostCrypto = new RecordingCrypto({ random: seededRandom(seed + 1000) });
  const wire: Rig["wire"] = [];
  const raw: Bytes[] = [];
  const decoders = {
    tx: new FrameDecoder([FrameType.Command], (f) => wire.push({ dir: "tx", frame: f }), () => {}),
    rx: new FrameDecoder([FrameType.Response, FrameType.Event], (f) => wire.push({ dir: "rx", frame: f }), () => {}),
  };
  const rnd = seededRandom(seed + 2000);
  const s = simModem({
    hub: net.hub,
    clock: net.clock,
    modemCrypto: net.crypto,
    hostCrypto,
    line: o.line ?? { baud: 115200, latencyMs: 2 },
    ...(o.maxLinks !== undefined ? { maxLinks: o.maxLinks } : {}),
    ...(o.mesh !== undefined ? { mesh: o.mesh } : {}),
    ...(o.driver ? { driver: o.driver } : {}),
    tap: (dir, bytes) => {
      raw.push(bytes);
      decoders[dir].push(bytes);
    },
  });
  const netKey = rnd(16);
  return {
    net,
    devices,
    modem: s.modem,
    driver: s.driver,
    hostCrypto,
    modemCrypto: net.crypto,
    wire,
    raw,
    line: { toModem: s.toModem, toHost: s.toHost },
    resetModem: () => void s.reset(),
    run: (notDone, limitMs = 120_000) => runVirtual(net.hub.virtualClock, notDone, limitMs),
    data: (address) => ({ networkKey: netKey, keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0x12345678, unicastAddress: address }),
    netKey,
  };
}

/** The DeviceKey the device application itself derived (its 'complete' event). */
export function deviceKeyOf(d: SimDevice): Bytes | undefined {
  for (const { event } of d.events) if (event.type === "complete") return event.deviceKey;
  return undefined;
}

export function contains(haystack: Bytes, needle: Bytes): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
