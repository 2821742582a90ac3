/**
 * The crypto natives of the XS runtime (native/xs/natives/crypto_xs.c), as crypto.js declares them.
 * Arguments are checked in C: a wrong type throws TypeError, a wrong length or range RangeError.
 * Messages, CCM payloads and AAD are limited to 4096 bytes. Use platform.js's xsCrypto for a
 * CryptoPrimitives (it throws CryptoError and completes what this build lacks).
 */
/** The primitives implemented natively in this build, space-separated ("p256 randomBytes aes128 ..."). */
export declare function features(): string;
export declare function aes128(key: Uint8Array, block: Uint8Array): Uint8Array;
export declare function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array;
export declare function aesCcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, micLength: number, aad?: Uint8Array): Uint8Array;
export declare function aesCcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertextAndMic: Uint8Array, micLength: number, aad?: Uint8Array): Uint8Array | null;
export declare function sha256(message: Uint8Array): Uint8Array;
export declare function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array;
/** 96 bytes: privateKey (32, big-endian) || publicKey X || Y (64). */
export declare function p256GenerateKeyPair(): Uint8Array;
export declare function p256ValidatePublicKey(publicKey: Uint8Array): boolean;
export declare function p256Ecdh(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array;
export declare function randomBytes(length: number): Uint8Array;
