/**
 * A simulated person between a device and a provisioner: what one side outputs (blinks, displays) is entered
 * into the other side after `delayMs`, whichever side asks first.
 */
import type { Bytes, Clock } from "../modules/platform.js";
import type { OobValue } from "../modules/prov/api.js";
import { bytesToHex } from "../modules/crypto/bytes.js";

export class Person {
  private readonly shown = new Map<string, OobValue>();
  private readonly waiting = new Map<string, (v: OobValue) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly delayMs = 500,
  ) {}

  /** A value was output for the device `uuid`. */
  show(uuid: Bytes, value: OobValue): void {
    const k = bytesToHex(uuid);
    const w = this.waiting.get(k);
    if (w) {
      this.waiting.delete(k);
      this.clock.setTimeout(() => w(value), this.delayMs);
    } else this.shown.set(k, value);
  }

  /** The other side wants the value for `uuid`. */
  enter(uuid: Bytes, answer: (v: OobValue) => void): void {
    const k = bytesToHex(uuid);
    const v = this.shown.get(k);
    if (v !== undefined) {
      this.shown.delete(k);
      this.clock.setTimeout(() => answer(v), this.delayMs);
    } else this.waiting.set(k, answer);
  }
}
