/*
 * Crypto natives for JavaScript (native/xs/js/crypto.js), wrapping native/crypto.
 *
 * Every argument is checked here (type: exactly a Uint8Array or an integer; length) and a bad one
 * throws a JS TypeError or RangeError: nothing reaches the C library unchecked, nothing crashes.
 * Inputs are copied to C buffers before the result is allocated (the XS heap may move array
 * buffers when it allocates); secrets in C buffers are wiped before returning.
 *
 * A primitive whose C source is not linked in a build is still defined, so the binding table links, but
 * throws an Error saying so; xs_crypto_features() lists the ones built, and native/xs/js/platform.js
 * falls back to the portable code (modules/crypto/soft.ts) for the AES modes.
 */
#include "xsr.h"

#include <stdlib.h>
#include <string.h>

#include "crypto_common.h"
#include "p256.h"
/*
 * Adapters to native/crypto's API. A primitive is built natively when its C source is linked (the build
 * defines XSR_NATIVE_<NAME> for every native source, e.g. XSR_NATIVE_AES for native/crypto/aes.c); the
 * macros below adapt its API (XSR_CMAC, XSR_CCM_ENCRYPT/DECRYPT, XSR_SHA256, XSR_HMAC_SHA256).
 */
#if defined(XSR_NATIVE_AES)
	#include "aes.h"
	#define XSR_HAVE_AES 1
#endif
#if defined(XSR_NATIVE_CMAC)
	#include "cmac.h"
	#define XSR_CMAC(key, message, length, tag) aes_cmac(key, message, length, tag)
#endif
#if defined(XSR_NATIVE_CCM)
	#include "ccm.h"
	#define XSR_CCM_ENCRYPT(args, out) aes_ccm_encrypt((args)->key, (args)->nonce, (args)->aad, (args)->aadLength, \
		(args)->data, (args)->dataLength, (size_t)(args)->micLength, out)
	#define XSR_CCM_DECRYPT(args, out) aes_ccm_decrypt((args)->key, (args)->nonce, (args)->aad, (args)->aadLength, \
		(args)->data, (args)->dataLength, (size_t)(args)->micLength, out)
#endif
#if defined(XSR_NATIVE_SHA256)
	#include "sha256.h"
	#define XSR_SHA256(message, length, digest) sha256(message, length, digest)
#endif
#if defined(XSR_NATIVE_HMAC_SHA256)
	#include "hmac_sha256.h"
	#define XSR_HMAC_SHA256(key, keyLength, message, length, mac) hmac_sha256(key, keyLength, message, length, mac)
#endif
#ifdef XSR_CMAC
	#define XSR_HAVE_CMAC 1
#endif
#if defined(XSR_CCM_ENCRYPT) && defined(XSR_CCM_DECRYPT)
	#define XSR_HAVE_CCM 1
#endif
#ifdef XSR_SHA256
	#define XSR_HAVE_SHA256 1
#endif
#ifdef XSR_HMAC_SHA256
	#define XSR_HAVE_HMAC 1
#endif

/* Largest message for CMAC, SHA-256 and HMAC, and largest CCM payload/AAD (Mesh PDUs are far shorter;
 * the limit keeps the C buffers on the stack bounded). A device build sets a smaller one (tools/fw). */
#ifndef XSR_CRYPTO_MAX_MESSAGE
#define XSR_CRYPTO_MAX_MESSAGE 4096
#endif
#define XSR_CRYPTO_MAX_RANDOM (1 << 20)

#if !(defined(XSR_HAVE_AES) && defined(XSR_HAVE_CMAC) && defined(XSR_HAVE_CCM) && defined(XSR_HAVE_SHA256) && defined(XSR_HAVE_HMAC))
static void notBuilt(xsMachine* the, const char* what)
{
	xsUnknownError("%s: the native implementation is not in this build", what);
}
#endif

/* Copies a Uint8Array argument of at most `max` bytes into buffer; returns its length. */
static size_t copyArg(xsMachine* the, int index, const char* what, uint8_t* buffer, size_t max)
{
	size_t length;
	uint8_t* data = xsrGetBytes(the, &xsArg(index), what, &length);
	if (length > max)
		xsRangeError("%s must be at most %d bytes, got %d", what, (int)max, (int)length);
	memcpy(buffer, data, length);
	return length;
}

static void copyArgOf(xsMachine* the, int index, const char* what, uint8_t* buffer, size_t expected)
{
	uint8_t* data = xsrGetBytesOf(the, &xsArg(index), what, expected);
	memcpy(buffer, data, expected);
}

/* Sets xsResult to a new Uint8Array holding bytes[0..length). */
static void returnBytes(xsMachine* the, const uint8_t* bytes, size_t length)
{
	uint8_t* out = xsrNewBytes(the, length);
	memcpy(out, bytes, length);
}

/* xs_crypto_features() -> "aes128 aesCmac ..." : the primitives this build implements natively */
void xs_crypto_features(xsMachine* the)
{
	char features[160] = "p256 randomBytes";
#ifdef XSR_HAVE_AES
	strcat(features, " aes128");
#endif
#ifdef XSR_HAVE_CMAC
	strcat(features, " aesCmac");
#endif
#ifdef XSR_HAVE_CCM
	strcat(features, " aesCcm");
#endif
#ifdef XSR_HAVE_SHA256
	strcat(features, " sha256");
#endif
#ifdef XSR_HAVE_HMAC
	strcat(features, " hmacSha256");
#endif
	xsResult = xsString(features);
}

/* xs_crypto_aes128(key[16], block[16]) -> Uint8Array(16) */
void xs_crypto_aes128(xsMachine* the)
{
	uint8_t key[16], block[16], out[16];
	xsrCheckArgc(the, 2, "aes128");
	copyArgOf(the, 0, "aes128: key", key, 16);
	copyArgOf(the, 1, "aes128: block", block, 16);
#ifdef XSR_HAVE_AES
	{
		int rc = aes128_encrypt(key, block, out);
		crypto_wipe(key, sizeof(key));
		if (rc != CRYPTO_OK)
			xsUnknownError("aes128: failed (%d)", rc);
	}
	returnBytes(the, out, 16);
	crypto_wipe(out, sizeof(out));
#else
	(void)out;
	crypto_wipe(key, sizeof(key));
	notBuilt(the, "aes128");
#endif
}

/* xs_crypto_aes_cmac(key[16], message[0..4096]) -> Uint8Array(16) */
void xs_crypto_aes_cmac(xsMachine* the)
{
	uint8_t key[16];
	uint8_t* message = NULL;
	size_t length;
	xsrCheckArgc(the, 2, "aesCmac");
	copyArgOf(the, 0, "aesCmac: key", key, 16);
	xsrGetBytes(the, &xsArg(1), "aesCmac: message", &length);
	if (length > XSR_CRYPTO_MAX_MESSAGE)
		xsRangeError("aesCmac: message must be at most %d bytes", XSR_CRYPTO_MAX_MESSAGE);
#ifdef XSR_HAVE_CMAC
	{
		uint8_t tag[16];
		uint8_t buffer[XSR_CRYPTO_MAX_MESSAGE];
		int rc;
		length = copyArg(the, 1, "aesCmac: message", buffer, XSR_CRYPTO_MAX_MESSAGE);
		message = buffer;
		rc = XSR_CMAC(key, message, length, tag);
		crypto_wipe(key, sizeof(key));
		if (rc != CRYPTO_OK)
			xsUnknownError("aesCmac: failed (%d)", rc);
		returnBytes(the, tag, 16);
	}
#else
	(void)message;
	crypto_wipe(key, sizeof(key));
	notBuilt(the, "aesCmac");
#endif
}

/* Arguments shared by CCM encrypt and decrypt: key, nonce, data, micLength, aad? */
typedef struct {
	uint8_t key[16];
	uint8_t nonce[13];
	uint8_t data[XSR_CRYPTO_MAX_MESSAGE + 8];
	size_t dataLength;
	uint8_t aad[XSR_CRYPTO_MAX_MESSAGE];
	size_t aadLength;
	int micLength;
} ccmArgs;

static void ccmArguments(xsMachine* the, const char* function, ccmArgs* args, int decrypt)
{
	char what[48];
	xsrCheckArgc(the, 4, function);
	snprintf(what, sizeof(what), "%s: key", function);
	copyArgOf(the, 0, what, args->key, 16);
	snprintf(what, sizeof(what), "%s: nonce", function);
	copyArgOf(the, 1, what, args->nonce, 13);
	snprintf(what, sizeof(what), "%s: %s", function, decrypt ? "ciphertextAndMic" : "plaintext");
	args->dataLength = copyArg(the, 2, what, args->data, XSR_CRYPTO_MAX_MESSAGE + (decrypt ? 8 : 0));
	snprintf(what, sizeof(what), "%s: micLength", function);
	args->micLength = xsrGetInteger(the, &xsArg(3), what, 4, 8);
	if ((args->micLength != 4) && (args->micLength != 8))
		xsRangeError("%s: micLength must be 4 or 8", function);
	if (decrypt && (args->dataLength < (size_t)args->micLength))
		xsRangeError("%s: ciphertextAndMic is shorter than the MIC", function);
	args->aadLength = 0;
	if ((xsToInteger(xsArgc) > 4) && (xsTypeOf(xsArg(4)) != xsUndefinedType)) {
		snprintf(what, sizeof(what), "%s: aad", function);
		args->aadLength = copyArg(the, 4, what, args->aad, XSR_CRYPTO_MAX_MESSAGE);
	}
}

/* xs_crypto_aes_ccm_encrypt(key[16], nonce[13], plaintext, micLength 4|8, aad?) -> ciphertext || MIC */
void xs_crypto_aes_ccm_encrypt(xsMachine* the)
{
	ccmArgs* args = calloc(1, sizeof(ccmArgs));
	if (!args)
		xsUnknownError("aesCcmEncrypt: out of memory");
	xsTry {
		ccmArguments(the, "aesCcmEncrypt", args, 0);
	}
	xsCatch {
		crypto_wipe(args, sizeof(ccmArgs));
		free(args);
		xsThrow(xsException);
	}
#ifdef XSR_HAVE_CCM
	{
		uint8_t out[XSR_CRYPTO_MAX_MESSAGE + 8];
		int rc = XSR_CCM_ENCRYPT(args, out);
		size_t length = args->dataLength + (size_t)args->micLength;
		crypto_wipe(args, sizeof(ccmArgs));
		free(args);
		if (rc != CRYPTO_OK)
			xsUnknownError("aesCcmEncrypt: failed (%d)", rc);
		returnBytes(the, out, length);
	}
#else
	crypto_wipe(args, sizeof(ccmArgs));
	free(args);
	notBuilt(the, "aesCcmEncrypt");
#endif
}

/* xs_crypto_aes_ccm_decrypt(key[16], nonce[13], ciphertextAndMic, micLength 4|8, aad?) -> plaintext | null */
void xs_crypto_aes_ccm_decrypt(xsMachine* the)
{
	ccmArgs* args = calloc(1, sizeof(ccmArgs));
	if (!args)
		xsUnknownError("aesCcmDecrypt: out of memory");
	xsTry {
		ccmArguments(the, "aesCcmDecrypt", args, 1);
	}
	xsCatch {
		crypto_wipe(args, sizeof(ccmArgs));
		free(args);
		xsThrow(xsException);
	}
#ifdef XSR_HAVE_CCM
	{
		uint8_t out[XSR_CRYPTO_MAX_MESSAGE];
		size_t length = args->dataLength - (size_t)args->micLength;
		int rc = XSR_CCM_DECRYPT(args, out);
		crypto_wipe(args, sizeof(ccmArgs));
		free(args);
		if (rc == CRYPTO_ERR_AUTH) {
			xsResult = xsNull;
			return;
		}
		if (rc != CRYPTO_OK)
			xsUnknownError("aesCcmDecrypt: failed (%d)", rc);
		returnBytes(the, out, length);
		crypto_wipe(out, sizeof(out));
	}
#else
	crypto_wipe(args, sizeof(ccmArgs));
	free(args);
	notBuilt(the, "aesCcmDecrypt");
#endif
}

/* xs_crypto_sha256(message[0..4096]) -> Uint8Array(32) */
void xs_crypto_sha256(xsMachine* the)
{
	size_t length;
	xsrCheckArgc(the, 1, "sha256");
	xsrGetBytes(the, &xsArg(0), "sha256: message", &length);
	if (length > XSR_CRYPTO_MAX_MESSAGE)
		xsRangeError("sha256: message must be at most %d bytes", XSR_CRYPTO_MAX_MESSAGE);
#ifdef XSR_HAVE_SHA256
	{
		uint8_t buffer[XSR_CRYPTO_MAX_MESSAGE];
		uint8_t digest[32];
		int rc;
		length = copyArg(the, 0, "sha256: message", buffer, XSR_CRYPTO_MAX_MESSAGE);
		rc = XSR_SHA256(buffer, length, digest);
		if (rc != CRYPTO_OK)
			xsUnknownError("sha256: failed (%d)", rc);
		returnBytes(the, digest, 32);
	}
#else
	notBuilt(the, "sha256");
#endif
}

/* xs_crypto_hmac_sha256(key[0..4096], message[0..4096]) -> Uint8Array(32) */
void xs_crypto_hmac_sha256(xsMachine* the)
{
	size_t keyLength, length;
	xsrCheckArgc(the, 2, "hmacSha256");
	xsrGetBytes(the, &xsArg(0), "hmacSha256: key", &keyLength);
	xsrGetBytes(the, &xsArg(1), "hmacSha256: message", &length);
	if (keyLength > XSR_CRYPTO_MAX_MESSAGE)
		xsRangeError("hmacSha256: key must be at most %d bytes", XSR_CRYPTO_MAX_MESSAGE);
	if (length > XSR_CRYPTO_MAX_MESSAGE)
		xsRangeError("hmacSha256: message must be at most %d bytes", XSR_CRYPTO_MAX_MESSAGE);
#ifdef XSR_HAVE_HMAC
	{
		uint8_t key[XSR_CRYPTO_MAX_MESSAGE];
		uint8_t buffer[XSR_CRYPTO_MAX_MESSAGE];
		uint8_t mac[32];
		int rc;
		keyLength = copyArg(the, 0, "hmacSha256: key", key, XSR_CRYPTO_MAX_MESSAGE);
		length = copyArg(the, 1, "hmacSha256: message", buffer, XSR_CRYPTO_MAX_MESSAGE);
		rc = XSR_HMAC_SHA256(key, keyLength, buffer, length, mac);
		crypto_wipe(key, keyLength);
		if (rc != CRYPTO_OK)
			xsUnknownError("hmacSha256: failed (%d)", rc);
		returnBytes(the, mac, 32);
	}
#else
	notBuilt(the, "hmacSha256");
#endif
}

/* xs_crypto_p256_generate_key_pair() -> Uint8Array(96): privateKey (32) || publicKey X || Y (64) */
void xs_crypto_p256_generate_key_pair(xsMachine* the)
{
	uint8_t pair[96];
	int rc = p256_keygen(pair, pair + 32, xsrRandomBytes, NULL);
	if (rc != P256_OK) {
		crypto_wipe(pair, sizeof(pair));
		xsUnknownError("p256GenerateKeyPair: failed (%d)", rc);
	}
	returnBytes(the, pair, sizeof(pair));
	crypto_wipe(pair, sizeof(pair));
}

/* xs_crypto_p256_validate_public_key(publicKey[64]) -> boolean */
void xs_crypto_p256_validate_public_key(xsMachine* the)
{
	uint8_t key[64];
	xsrCheckArgc(the, 1, "p256ValidatePublicKey");
	copyArgOf(the, 0, "p256ValidatePublicKey: publicKey", key, 64);
	xsResult = xsBoolean(p256_validate_public(key) == P256_OK);
}

/* xs_crypto_p256_ecdh(privateKey[32], peerPublicKey[64]) -> Uint8Array(32): the shared X coordinate */
void xs_crypto_p256_ecdh(xsMachine* the)
{
	uint8_t privateKey[32], peer[64], secret[32];
	int rc;
	xsrCheckArgc(the, 2, "p256Ecdh");
	copyArgOf(the, 0, "p256Ecdh: privateKey", privateKey, 32);
	copyArgOf(the, 1, "p256Ecdh: peerPublicKey", peer, 64);
	rc = p256_ecdh(secret, privateKey, peer);
	crypto_wipe(privateKey, sizeof(privateKey));
	if (rc == P256_ERR_INVALID_POINT)
		xsRangeError("p256Ecdh: invalid peer public key");
	if (rc == P256_ERR_INVALID_SCALAR)
		xsRangeError("p256Ecdh: private key out of range");
	if (rc != P256_OK)
		xsUnknownError("p256Ecdh: failed (%d)", rc);
	returnBytes(the, secret, 32);
	crypto_wipe(secret, sizeof(secret));
}

/* xs_crypto_random_bytes(length 0..2^20) -> Uint8Array(length) */
void xs_crypto_random_bytes(xsMachine* the)
{
	int32_t length;
	uint8_t* out;
	xsrCheckArgc(the, 1, "randomBytes");
	length = xsrGetInteger(the, &xsArg(0), "randomBytes: length", 0, XSR_CRYPTO_MAX_RANDOM);
	out = xsrNewBytes(the, (size_t)length);
	if ((length > 0) && (xsrRandomBytes(NULL, out, (size_t)length) != 0))
		xsUnknownError("randomBytes: the random source failed");
}
