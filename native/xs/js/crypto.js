// Crypto natives (native/xs/natives/crypto_xs.c). Each checks its arguments in C and throws a
// TypeError or RangeError on a bad one. For the CryptoPrimitives object, see platform.js.
export function features() @ "xs_crypto_features";
export function aes128(key, block) @ "xs_crypto_aes128";
export function aesCmac(key, message) @ "xs_crypto_aes_cmac";
export function aesCcmEncrypt(key, nonce, plaintext, micLength, aad) @ "xs_crypto_aes_ccm_encrypt";
export function aesCcmDecrypt(key, nonce, ciphertextAndMic, micLength, aad) @ "xs_crypto_aes_ccm_decrypt";
export function sha256(message) @ "xs_crypto_sha256";
export function hmacSha256(key, message) @ "xs_crypto_hmac_sha256";
export function p256GenerateKeyPair() @ "xs_crypto_p256_generate_key_pair";
export function p256ValidatePublicKey(publicKey) @ "xs_crypto_p256_validate_public_key";
export function p256Ecdh(privateKey, peerPublicKey) @ "xs_crypto_p256_ecdh";
export function randomBytes(length) @ "xs_crypto_random_bytes";
