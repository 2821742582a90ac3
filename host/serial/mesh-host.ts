/**
 * Client models on the host, through the modem's mesh node (docs/serial-protocol.md §3.5): a Configuration
 * Client, a Generic OnOff Client, a Health Client (modules/models) run here as they run on a node, but their
 * messages go out with SEND from the modem's element and their answers come back as MESSAGE events. This is
 * what `meshprov config|onoff … --serial PATH` needs: ModemElement gives the models the ModelContext a node's
 * access layer would give them (send, reply; no publication: a host has none).
 */
import type { Bytes, Clock, Logger } from "../../modules/platform.js";
import type { Model, ModelContext, NodeConfig, ReceivedMessage, SendCallback, SendOptions } from "../../modules/access/model.js";
import { decodeAccessPayload, encodeAccessPayload } from "../../modules/access/opcode.js";
import type { MeshMessage } from "../../modules/serial/protocol.js";
import type { ModemDriver } from "./driver.js";

export interface ModemElementOptions {
  driver: ModemDriver;
  /** The clock of the models' request timeouts (the host's). */
  clock: Clock;
  /** The modem node's unicast address (NET_SETUP). */
  address: number;
  /** The NetKey index for the device key's messages (default 0). */
  netKeyIndex?: number;
  logger?: Logger;
}

/** The host's models on the modem's element. */
export class ModemElement {
  private readonly contexts = new Map<Model, ModelContext>();

  constructor(
    private readonly o: ModemElementOptions,
    readonly models: Model[],
  ) {
    for (const m of models) {
      const ctx = this.context();
      this.contexts.set(m, ctx);
      m.attach?.(ctx);
    }
    const previous = o.driver.onMessage;
    o.driver.onMessage = (msg) => {
      previous?.(msg);
      this.receive(msg);
    };
  }

  /** Detach the models (their pending requests end). */
  close(): void {
    for (const m of this.models) m.detach?.();
  }

  /** A MESSAGE for the element: to the models that take its opcode with that key (Mesh Protocol 1.1, 3.7.4). */
  receive(m: MeshMessage): void {
    const d = decodeAccessPayload(m.payload);
    if (typeof d === "string") return;
    for (const model of this.models) {
      const entry = model.opcodes.filter((e) => e.opcode === d.opcode)[0];
      if (!entry) continue;
      const device = m.appKeyIndex === undefined;
      if (device !== ((model.keyPolicy ?? "app") === "device")) continue;
      if (d.params.length < entry.minLength || (entry.maxLength !== undefined && d.params.length > entry.maxLength)) continue;
      const msg: ReceivedMessage = {
        opcode: d.opcode,
        params: d.params,
        src: m.src,
        dst: m.dst,
        key: device ? { kind: "device" } : { kind: "app", appKeyIndex: m.appKeyIndex! },
        netKeyIndex: m.netKeyIndex,
        ttl: m.ttl,
        rssi: m.rssi,
        elementIndex: 0,
      };
      try {
        entry.handler(msg, this.contexts.get(model)!, model);
      } catch (e) {
        this.o.logger?.log("error", "serial", `handler of 0x${d.opcode.toString(16)} threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private send(opcode: number, params: Bytes, options: SendOptions, done?: SendCallback): void {
    const key = options.key.kind === "app" ? { appKeyIndex: options.key.appKeyIndex } : options.key.deviceKey ? { deviceKey: options.key.deviceKey } : undefined;
    if (!key || options.label) {
      // the modem node's own device key stays on the modem; virtual destinations are not carried by SEND
      done?.("not-sent");
      return;
    }
    this.o.driver
      .sendMesh({ dst: options.dst, netKeyIndex: options.netKeyIndex ?? this.o.netKeyIndex ?? 0, ttl: options.ttl ?? 0xff, key, payload: encodeAccessPayload(opcode, params) })
      .then(
        (r) => done?.(r),
        (e: unknown) => {
          this.o.logger?.log("warn", "serial", `SEND: ${e instanceof Error ? e.message : String(e)}`);
          done?.("not-sent");
        },
      );
  }

  private context(): ModelContext {
    const self = this;
    return {
      elementIndex: 0,
      elementAddress: this.o.address,
      clock: this.o.clock,
      ...(this.o.logger ? { logger: this.o.logger } : {}),
      reply(msg, opcode, params, done) {
        const key = msg.key.kind === "app" ? { kind: "app" as const, appKeyIndex: msg.key.appKeyIndex } : undefined;
        if (!key) return done?.("not-sent");
        self.send(opcode, params, { dst: msg.src, key, netKeyIndex: msg.netKeyIndex, ttl: msg.ttl === 0 ? 0 : 0xff }, done);
      },
      publish(_opcode, _params, done) {
        done?.("not-sent"); // a host's models have no publication
      },
      send: (opcode, params, options, done) => this.send(opcode, params, options, done),
      get config(): NodeConfig {
        throw new Error("the host's element has no Configuration Server state");
      },
    };
  }
}
