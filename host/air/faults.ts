/**
 * Faulty peers for tests and benchmarks, built by wrapping a radio (never a knob of the product's API).
 *
 * withoutTransactionAcks: the radio never sends a PB-ADV Transaction Acknowledgment (Mesh Protocol 1.1,
 * 5.3.1.2): a peer like BlueZ bluetooth-meshd, whose queued acknowledgments are replaced by its next PDU, taken
 * to the extreme. Everything else goes out unchanged.
 */
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Clock, Radio, RadioPacket } from "../../modules/platform.js";
import { AD_TYPE } from "../../modules/platform.js";
import { decodePbAdvPdu } from "../../modules/bearer/pb-adv.js";

/** True for a PB-ADV PDU carrying a Transaction Acknowledgment. */
export function isTransactionAck(adType: number, data: Bytes): boolean {
  if (adType !== AD_TYPE.PB_ADV) return false;
  const r = decodePbAdvPdu(data);
  return r.ok && r.pdu.type === "TransactionAcknowledgment";
}

/**
 * A Radio that drops every Transaction Acknowledgment `radio` is asked to send. The dropped advertisement still
 * "ends" (its onDone runs, on `clock`, as it would once sent), so the sender's own bookkeeping is unchanged.
 */
export function withoutTransactionAcks(radio: Radio, clock: Clock): Radio {
  return {
    advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
      if (!isTransactionAck(adType, data)) return radio.advertise(adType, data, options, onDone);
      let cancelled = false;
      clock.setTimeout(() => {
        if (!cancelled) onDone?.();
      }, 0);
      return {
        cancel: () => {
          cancelled = true;
        },
      };
    },
    setReceiver(receiver: ((packet: RadioPacket) => void) | null): void {
      radio.setReceiver(receiver);
    },
  };
}

/**
 * The same, in place: from now on `radio` (a radio already handed to a bearer, e.g. a SimNetwork device's) never
 * sends a Transaction Acknowledgment.
 */
export function stopTransactionAcks(radio: Radio, clock: Clock): void {
  const inner: Radio = { advertise: radio.advertise.bind(radio), setReceiver: radio.setReceiver.bind(radio) };
  radio.advertise = withoutTransactionAcks(inner, clock).advertise;
}
