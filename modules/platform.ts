/**
 * Platform services, as small typed interfaces.
 *
 * Everything under modules/ is portable: it runs unchanged on Node and on the XS
 * engine, so it never touches a Node API. Whatever the platform provides (crypto
 * primitives, the radio, timers, randomness, storage, logging) reaches it through
 * the interfaces below. Implementations live in host/ (Node, simulated air) and,
 * for the XS runtime and the firmware, in native/ bindings.
 */

export type Bytes = Uint8Array;

/** Raised by a primitive for bad arguments (wrong length, invalid key, ...). */
export class CryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CryptoError";
  }
}

/**
 * Cryptographic primitives: bytes in, bytes out, synchronous.
 * Every implementation checks argument lengths and throws CryptoError.
 */
export interface CryptoPrimitives {
  /** AES-128 encryption of one 16-byte block (FIPS-197). key: 16 bytes, block: 16 bytes. */
  aes128(key: Bytes, block: Bytes): Bytes;
  /** AES-CMAC (RFC 4493), 16-byte tag. */
  aesCmac(key: Bytes, message: Bytes): Bytes;
  /** AES-CCM (NIST SP 800-38C) with a 13-byte nonce. Returns ciphertext || MIC. micLength is 4 or 8. */
  aesCcmEncrypt(key: Bytes, nonce: Bytes, plaintext: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes;
  /** AES-CCM decryption of ciphertext || MIC. Returns the plaintext, or null when the MIC does not match. */
  aesCcmDecrypt(key: Bytes, nonce: Bytes, ciphertextAndMic: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes | null;
  /** SHA-256 (FIPS 180-4). */
  sha256(message: Bytes): Bytes;
  /** HMAC-SHA256 (RFC 2104). */
  hmacSha256(key: Bytes, message: Bytes): Bytes;
  /** A new P-256 key pair. privateKey: 32 bytes big-endian; publicKey: X || Y, 64 bytes big-endian. */
  p256GenerateKeyPair(): { privateKey: Bytes; publicKey: Bytes };
  /** True when X || Y (64 bytes) is a point on P-256: both coordinates below p, on the curve, not infinity. */
  p256ValidatePublicKey(publicKey: Bytes): boolean;
  /** ECDH: the X coordinate (32 bytes) of privateKey * peerPublicKey. Throws CryptoError when the peer key is invalid. */
  p256Ecdh(privateKey: Bytes, peerPublicKey: Bytes): Bytes;
  /**
   * Optional: the same ECDH, completed later (a hardware engine that runs while the CPU sleeps, or a simulated
   * platform that charges the computation's time on its Clock). `done` runs once, with the secret, or with
   * undefined when the computation failed. Where present, the provisioning layer uses it instead of p256Ecdh.
   */
  p256EcdhAsync?(privateKey: Bytes, peerPublicKey: Bytes, done: (secret: Bytes | undefined) => void): void;
  /** Cryptographically strong random bytes. */
  randomBytes(length: number): Bytes;
}

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** Monotonic time in milliseconds and one-shot timers. The simulated air provides a virtual-time Clock. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** AD types carried by the advertising bearer (Mesh Protocol 1.1, 3.3.1 and 5.2.1). */
export const AD_TYPE = {
  PB_ADV: 0x29,
  MESH_MESSAGE: 0x2a,
  MESH_BEACON: 0x2b,
} as const;

/** One received advertising-bearer AD structure. */
export interface RadioPacket {
  adType: number;
  /** AD data, without the AD length and AD type bytes. */
  data: Bytes;
  /** Received signal strength, dBm. */
  rssi: number;
  /** Clock time of reception, ms. */
  time: number;
}

export interface AdvertiseOptions {
  /** Number of advertising events (each event sends on channels 37, 38, 39). At least 1. */
  count: number;
  /** Advertising interval between events, ms (the radio adds advDelay jitter, 0..10 ms). */
  intervalMs: number;
}

/** Handle to a queued or running advertisement. */
export interface AdvertiseHandle {
  cancel(): void;
}

/**
 * The advertising radio: sends AD structures as ADV_NONCONN_IND and scans for the Mesh AD types.
 * Implemented by the simulated air (host/), by the XS host runtime's radio native, and by the nRF52840 driver.
 */
export interface Radio {
  /**
   * Transmit one AD structure in `count` advertising events.
   * `onDone` runs after the last event has gone out (not after a cancel).
   */
  advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle;
  /** Deliver every received Mesh AD structure to `receiver` (null stops delivery). Scanning runs while a receiver is set. */
  setReceiver(receiver: ((packet: RadioPacket) => void) | null): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Logging. Secrets (private keys, ECDH secret, AuthValue, session key, device key, network key, provisioning
 * data) are never logged, at any level.
 */
export interface Logger {
  log(level: LogLevel, tag: string, message: string): void;
  /**
   * Whether messages of `level` are kept (absent: all are). Callers skip building the messages a logger would
   * drop: on the device a message string costs allocations and collections even when it is never printed.
   */
  enabled?(level: LogLevel): boolean;
}

/** Whether `logger` keeps messages of `level` (none without a logger; all when it does not say). */
export function logs(logger: Logger | undefined, level: LogLevel): boolean {
  return logger !== undefined && (logger.enabled === undefined || logger.enabled(level));
}

/** Persistent key/value storage (a file on the host, flash pages on the device). */
export interface Storage {
  read(key: string): Bytes | undefined;
  /** Writes atomically: after a crash the old or the new value is there, never a mix. */
  write(key: string, value: Bytes): void;
  remove(key: string): void;
}

/** The services a provisioning stack needs, bundled. */
export interface Platform {
  crypto: CryptoPrimitives;
  clock: Clock;
  radio: Radio;
  logger?: Logger;
  storage?: Storage;
}
