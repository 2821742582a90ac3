/** The platform services of modules/platform.ts on the XS runtime's natives. */
import type { Clock, CryptoPrimitives, Logger, Storage } from "../../../modules/platform.js";

/** CryptoPrimitives on the natives (errors are CryptoError); AES-CMAC/CCM from modules/crypto if not native. */
export declare const xsCrypto: CryptoPrimitives;
/** The primitives implemented in C in this build, e.g. ["p256", "randomBytes", "aes128", ...]. */
export declare function nativeCryptoFeatures(): string[];
export declare const xsClock: Clock;
export declare const xsLogger: Logger;
export declare const xsStorage: Storage;
