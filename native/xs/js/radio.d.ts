/**
 * The advertising radio of the XS runtime (native/xs/natives/radio_xs.c over native/nrf52/radio.h).
 * Arguments are checked in C: a wrong type throws TypeError, a value out of range RangeError (adType 0..255,
 * data a Uint8Array of at most 29 bytes, count an integer >= 1, intervalMs finite and >= 0); an uninitialised
 * radio throws Error. Callbacks run from the run loop, never inside a radio call; a packet's `time` is the
 * runtime clock (timer.now()) at delivery.
 */
import type { Radio } from "../../../modules/platform.js";

export declare const radio: Radio;
export default radio;

export interface RadioStats {
  /** Advertising events sent. */
  txEvents: number;
  /** PDUs (or hub RX messages) received. */
  rxPdus: number;
  /** AD structures delivered to the receiver. */
  rxDelivered: number;
  /** Received PDUs that were not well-formed ADV_NONCONN_IND. */
  rxMalformed: number;
  /** Callback events lost because the native's queue was full. */
  dropped: number;
  /** Advertisements held by the C radio now. */
  queued: number;
}
export declare function stats(): RadioStats;
