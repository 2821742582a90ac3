/**
 * SAR parameters (Mesh Protocol 1.1, 4.2.x SAR Transmitter and SAR Receiver states, used by 3.5.3), as the
 * spec encodes them (steps), with the spec's defaults. Each state's unit is in its comment.
 */
export interface SarTransmitter {
  /** Segment transmission interval: (step + 1) * 10 ms. Default 5 (60 ms). */
  segmentIntervalStep: number;
  /** Unicast retransmissions count. Default 2. */
  unicastRetransmissionsCount: number;
  /** Unicast retransmissions without progress count. Default 2. */
  unicastRetransmissionsWithoutProgressCount: number;
  /** Unicast retransmissions interval: (step + 1) * 25 ms. Default 7 (200 ms). */
  unicastRetransmissionsIntervalStep: number;
  /** Unicast retransmissions interval increment per hop: (inc + 1) * 25 ms. Default 1 (50 ms). */
  unicastRetransmissionsIntervalIncrement: number;
  /** Multicast retransmissions count. Default 2. */
  multicastRetransmissionsCount: number;
  /** Multicast retransmissions interval: (step + 1) * 25 ms. Default 8 (225 ms). */
  multicastRetransmissionsIntervalStep: number;
}

export interface SarReceiver {
  /** Above this many segments, Segment Acks are retransmitted. Default 3. */
  segmentsThreshold: number;
  /** Acknowledgment delay increment: inc + 1.5 segments. Default 1. */
  ackDelayIncrement: number;
  /** Discard timeout: (t + 1) * 5 s. Default 1 (10 s). */
  discardTimeout: number;
  /** Segment reception interval: (step + 1) * 10 ms. Default 5 (60 ms). */
  receiverSegmentIntervalStep: number;
  /** Segment Ack retransmissions (when above the threshold). Default 0. */
  ackRetransmissionsCount: number;
}

export const DEFAULT_SAR_TRANSMITTER: Readonly<SarTransmitter> = Object.freeze({
  segmentIntervalStep: 5,
  unicastRetransmissionsCount: 2,
  unicastRetransmissionsWithoutProgressCount: 2,
  unicastRetransmissionsIntervalStep: 7,
  unicastRetransmissionsIntervalIncrement: 1,
  multicastRetransmissionsCount: 2,
  multicastRetransmissionsIntervalStep: 8,
});

export const DEFAULT_SAR_RECEIVER: Readonly<SarReceiver> = Object.freeze({
  segmentsThreshold: 3,
  ackDelayIncrement: 1,
  discardTimeout: 1,
  receiverSegmentIntervalStep: 5,
  ackRetransmissionsCount: 0,
});

export function segmentIntervalMs(t: SarTransmitter): number {
  return (t.segmentIntervalStep + 1) * 10;
}

/** Initial unicast retransmission timer (3.5.3.3): step + increment * (TTL - 1) for TTL > 0, the step for TTL 0. */
export function unicastRetransmissionMs(t: SarTransmitter, ttl: number): number {
  const step = (t.unicastRetransmissionsIntervalStep + 1) * 25;
  return ttl > 0 ? step + (t.unicastRetransmissionsIntervalIncrement + 1) * 25 * (ttl - 1) : step;
}

export function multicastRetransmissionMs(t: SarTransmitter): number {
  return (t.multicastRetransmissionsIntervalStep + 1) * 25;
}

export function discardTimeoutMs(r: SarReceiver): number {
  return (r.discardTimeout + 1) * 5000;
}

/** Segment Ack timer (3.5.3.4): min(SegN + 0.5, ack delay increment + 1.5) * segment reception interval. */
export function ackDelayMs(r: SarReceiver, segN: number): number {
  return Math.min(segN + 0.5, r.ackDelayIncrement + 1.5) * (r.receiverSegmentIntervalStep + 1) * 10;
}
