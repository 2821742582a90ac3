// The platform services of modules/platform.ts, implemented on the XS runtime's natives.
// Portable code gets them through these objects; nothing here is specific to the host runtime
// except which natives the build links.
import { CryptoError } from "../../../modules/platform.js";
import * as native from "./crypto.js";
import * as timer from "./timer.js";
import * as console from "./trace.js";
import * as store from "./storage.js";

// The primitives this build implements in C, asked of the natives at the first use: a preloaded image runs this
// module's body at build time, where no native answers (docs/firmware.md "Boot").
let features;
const featureList = () => (features ??= native.features().split(" "));
const has = (name) => featureList().indexOf(name) >= 0;

// Native errors (TypeError, RangeError, Error) become CryptoError, as CryptoPrimitives specifies; a primitive this
// build does not implement (`feature` not among the natives' features) throws one too.
function guard(name, f, feature) {
  return function (...args) {
    try {
      if (feature && !has(feature)) throw new CryptoError(name + ": not available in this build");
      return f(...args);
    } catch (e) {
      if (e instanceof CryptoError) throw e;
      throw new CryptoError(e instanceof Error ? e.message : name + ": " + String(e));
    }
  };
}

/** CryptoPrimitives on the natives. Every XS build links all of native/crypto (manifest.json "natives"), the AES
 * modes included; the portable fallback (modules/crypto/soft.ts) is for platforms with only AES-128 and is not
 * carried in the images (about 4 KB of the device's flash). */
export const xsCrypto = Object.freeze({
  aes128: guard("aes128", native.aes128, "aes128"),
  sha256: guard("sha256", native.sha256, "sha256"),
  hmacSha256: guard("hmacSha256", native.hmacSha256, "hmacSha256"),
  p256GenerateKeyPair: guard("p256GenerateKeyPair", () => {
    const pair = native.p256GenerateKeyPair();
    return { privateKey: pair.slice(0, 32), publicKey: pair.slice(32, 96) };
  }),
  p256ValidatePublicKey(publicKey) {
    // Not a 64-byte Uint8Array: not a valid key (false, as the interface says), without asking C.
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 64) return false;
    return native.p256ValidatePublicKey(publicKey);
  },
  p256Ecdh: guard("p256Ecdh", native.p256Ecdh),
  randomBytes: guard("randomBytes", native.randomBytes),
  aesCmac: guard("aesCmac", native.aesCmac, "aesCmac"),
  aesCcmEncrypt: guard("aesCcmEncrypt", native.aesCcmEncrypt, "aesCcm"),
  aesCcmDecrypt: guard("aesCcmDecrypt", native.aesCcmDecrypt, "aesCcm"),
});

/** The primitives this build implements in C (a copy). */
export function nativeCryptoFeatures() {
  return featureList().slice();
}

/** Clock on the runtime's monotonic clock and run-loop timers. */
export const xsClock = Object.freeze({
  now: timer.now,
  setTimeout: (callback, ms) => timer.setTimeout(callback, ms),
  clearTimeout: (handle) => timer.clearTimeout(typeof handle === "number" ? handle : undefined),
});

/** Logger writing "[level] tag: message" lines to stdout. */
export const xsLogger = Object.freeze({
  log: (level, tag, message) => console.log(level, tag, message),
});

/** Storage on the runtime's storage natives (atomic writes). */
export const xsStorage = Object.freeze({
  read: (key) => store.read(key),
  write: (key, value) => store.write(key, value),
  remove: (key) => store.remove(key),
});
