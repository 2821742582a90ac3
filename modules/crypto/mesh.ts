/**
 * Mesh security toolbox functions (Mesh Protocol 1.1, 3.9.2) and the provisioning key derivations
 * (Mesh Protocol 1.1, 5.4.2.4 authentication, 5.4.2.5 distribution of provisioning data).
 * Portable: every primitive comes from a CryptoPrimitives.
 */
import { CryptoError } from "../platform.js";
import type { Bytes, CryptoPrimitives } from "../platform.js";
import { bytesEqual, concatBytes, utf8Encode } from "./bytes.js";

export { bytesEqual };

/** Provisioning algorithms (Mesh Protocol 1.1, 5.4.1.2: the Algorithms field of Provisioning Capabilities). */
export const Algorithm = {
  BTM_ECDH_P256_CMAC_AES128_AES_CCM: 0x00,
  BTM_ECDH_P256_HMAC_SHA256_AES_CCM: 0x01,
} as const;
export type Algorithm = (typeof Algorithm)[keyof typeof Algorithm];

/** Length of the Provisioning Invite, Capabilities and Start PDU values and the two public keys (5.4.2.4). */
export const CONFIRMATION_INPUTS_LENGTH = 1 + 11 + 5 + 64 + 64;
/** Length of the Provisioning Data (5.4.2.5): NetKey 16, Key Index 2, Flags 1, IV Index 4, Unicast Address 2. */
export const PROVISIONING_DATA_LENGTH = 25;
/** Provisioning Data MIC length (5.4.2.5). */
export const PROVISIONING_DATA_MIC_LENGTH = 8;

const ZERO16 = new Uint8Array(16);
const ZERO32 = new Uint8Array(32);
// Fixed ASCII P parameters of 5.4.2.4 and 5.4.2.5. (The k2/k3/k4 salts are computed once, lazily, in MeshCrypto.)
const PRCK = utf8Encode("prck");
const PRCK256 = utf8Encode("prck256");
const PRSK = utf8Encode("prsk");
const PRSN = utf8Encode("prsn");
const PRDK = utf8Encode("prdk");

function need(what: string, b: Bytes, ...lengths: number[]): void {
  if (!(b instanceof Uint8Array)) throw new CryptoError(what + " must be a Uint8Array");
  if (lengths.length > 0 && lengths.indexOf(b.length) < 0) {
    throw new CryptoError(what + " must be " + lengths.join(" or ") + " bytes, got " + b.length);
  }
}

function checkAlgorithm(alg: number): void {
  if (alg !== Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM && alg !== Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM) {
    throw new CryptoError("unknown provisioning algorithm " + alg);
  }
}

export class MeshCrypto {
  private saltK2: Bytes | undefined;
  private saltK3: Bytes | undefined;
  private saltK4: Bytes | undefined;

  constructor(readonly primitives: CryptoPrimitives) {}

  // ---- 3.9.2 Mesh security toolbox ----

  /** s1 SALT generation function (3.9.2): AES-CMAC with a zero key. */
  s1(m: Bytes): Bytes {
    need("s1: M", m);
    return this.primitives.aesCmac(ZERO16, m);
  }

  /** k1 derivation function (3.9.2): T = AES-CMAC_SALT(N), k1 = AES-CMAC_T(P). SALT is 16 bytes. */
  k1(n: Bytes, salt: Bytes, p: Bytes): Bytes {
    need("k1: N", n);
    need("k1: SALT", salt, 16);
    need("k1: P", p);
    const t = this.primitives.aesCmac(salt, n);
    return this.primitives.aesCmac(t, p);
  }

  /**
   * k2 network key material derivation function (3.9.2). N is 16 bytes, P at least 1 byte.
   * Returns NID (7 bits), EncryptionKey and PrivacyKey.
   */
  k2(n: Bytes, p: Bytes): { nid: number; encryptionKey: Bytes; privacyKey: Bytes } {
    need("k2: N", n, 16);
    need("k2: P", p);
    if (p.length < 1) throw new CryptoError("k2: P must be at least 1 byte");
    const salt = (this.saltK2 ??= this.s1(utf8Encode("smk2")));
    const t = this.primitives.aesCmac(salt, n);
    const t1 = this.primitives.aesCmac(t, concatBytes(p, Uint8Array.of(0x01)));
    const t2 = this.primitives.aesCmac(t, concatBytes(t1, p, Uint8Array.of(0x02)));
    const t3 = this.primitives.aesCmac(t, concatBytes(t2, p, Uint8Array.of(0x03)));
    // k2 = (T1 || T2 || T3) mod 2^263: the NID is the low 7 bits of T1.
    return { nid: t1[15] & 0x7f, encryptionKey: t2, privacyKey: t3 };
  }

  /** k3 derivation function (3.9.2): the 8-byte Network ID of a 16-byte N. */
  k3(n: Bytes): Bytes {
    need("k3: N", n, 16);
    const salt = (this.saltK3 ??= this.s1(utf8Encode("smk3")));
    const t = this.primitives.aesCmac(salt, n);
    return this.primitives.aesCmac(t, concatBytes(utf8Encode("id64"), Uint8Array.of(0x01))).slice(8);
  }

  /** k4 derivation function (3.9.2): the 6-bit AID of a 16-byte N. */
  k4(n: Bytes): number {
    need("k4: N", n, 16);
    const salt = (this.saltK4 ??= this.s1(utf8Encode("smk4")));
    const t = this.primitives.aesCmac(salt, n);
    return this.primitives.aesCmac(t, concatBytes(utf8Encode("id6"), Uint8Array.of(0x01)))[15] & 0x3f;
  }

  /** s2 SALT generation function (3.9.2): HMAC-SHA-256 with a 32-byte zero key. */
  s2(m: Bytes): Bytes {
    need("s2: M", m);
    return this.primitives.hmacSha256(ZERO32, m);
  }

  /** k5 derivation function (3.9.2): T = HMAC-SHA-256_SALT(N), k5 = HMAC-SHA-256_T(P). SALT is 32 bytes. */
  k5(n: Bytes, salt: Bytes, p: Bytes): Bytes {
    need("k5: N", n);
    need("k5: SALT", salt, 32);
    need("k5: P", p);
    const t = this.primitives.hmacSha256(salt, n);
    return this.primitives.hmacSha256(t, p);
  }

  // ---- 5.4.2.4 Authentication ----

  /** 16 for CMAC, 32 for HMAC: length of AuthValue, Confirmation, Random (5.4.2.4). */
  static authValueLength(alg: Algorithm): 16 | 32 {
    checkAlgorithm(alg);
    return alg === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM ? 16 : 32;
  }

  /**
   * ConfirmationSalt (5.4.2.4): s1(ConfirmationInputs) for CMAC (16 bytes), s2(ConfirmationInputs)
   * for HMAC (32 bytes). ConfirmationInputs = Invite || Capabilities || Start PDU values || PublicKeyProvisioner
   * || PublicKeyDevice, 145 bytes.
   */
  confirmationSalt(alg: Algorithm, confirmationInputs: Bytes): Bytes {
    checkAlgorithm(alg);
    need("ConfirmationInputs", confirmationInputs, CONFIRMATION_INPUTS_LENGTH);
    return alg === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM ? this.s1(confirmationInputs) : this.s2(confirmationInputs);
  }

  /**
   * ConfirmationKey: k1(ECDHSecret, ConfirmationSalt, "prck") for CMAC;
   * k5(ECDHSecret || AuthValue, ConfirmationSalt, "prck256") for HMAC (5.4.2.4).
   */
  confirmationKey(alg: Algorithm, ecdhSecret: Bytes, confirmationSalt: Bytes, authValue: Bytes): Bytes {
    const len = MeshCrypto.authValueLength(alg);
    need("ECDHSecret", ecdhSecret, 32);
    need("ConfirmationSalt", confirmationSalt, len);
    need("AuthValue", authValue, len);
    return alg === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM
      ? this.k1(ecdhSecret, confirmationSalt, PRCK)
      : this.k5(concatBytes(ecdhSecret, authValue), confirmationSalt, PRCK256);
  }

  /**
   * Confirmation value (Provisioner or Device): AES-CMAC_ConfirmationKey(Random || AuthValue) for CMAC;
   * HMAC-SHA-256_ConfirmationKey(Random) for HMAC, where the AuthValue is in the key (5.4.2.4).
   */
  confirmation(alg: Algorithm, confirmationKey: Bytes, random: Bytes, authValue: Bytes): Bytes {
    const len = MeshCrypto.authValueLength(alg);
    need("ConfirmationKey", confirmationKey, len);
    need("Random", random, len);
    need("AuthValue", authValue, len);
    return alg === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM
      ? this.primitives.aesCmac(confirmationKey, concatBytes(random, authValue))
      : this.primitives.hmacSha256(confirmationKey, random);
  }

  // ---- 5.4.2.5 Distribution of provisioning data ----

  /**
   * ProvisioningSalt = s1(ConfirmationSalt || RandomProvisioner || RandomDevice);
   * SessionKey = k1(ECDHSecret, ProvisioningSalt, "prsk");
   * SessionNonce = k1(ECDHSecret, ProvisioningSalt, "prsn") mod 2^104 (13 bytes);
   * DeviceKey = k1(ECDHSecret, ProvisioningSalt, "prdk") (5.4.2.5).
   * ConfirmationSalt and the randoms are 16 bytes (CMAC) or 32 bytes (HMAC), all the same length.
   */
  sessionKeys(
    ecdhSecret: Bytes,
    confirmationSalt: Bytes,
    randomProvisioner: Bytes,
    randomDevice: Bytes,
  ): { provisioningSalt: Bytes; sessionKey: Bytes; sessionNonce: Bytes; deviceKey: Bytes } {
    need("ECDHSecret", ecdhSecret, 32);
    need("ConfirmationSalt", confirmationSalt, 16, 32);
    need("RandomProvisioner", randomProvisioner, confirmationSalt.length);
    need("RandomDevice", randomDevice, confirmationSalt.length);
    const provisioningSalt = this.s1(concatBytes(confirmationSalt, randomProvisioner, randomDevice));
    const sessionKey = this.k1(ecdhSecret, provisioningSalt, PRSK);
    const sessionNonce = this.k1(ecdhSecret, provisioningSalt, PRSN).slice(3);
    const deviceKey = this.k1(ecdhSecret, provisioningSalt, PRDK);
    return { provisioningSalt, sessionKey, sessionNonce, deviceKey };
  }

  /** Encrypted Provisioning Data || Provisioning Data MIC (5.4.2.5): AES-CCM, 8-byte MIC. 25 bytes -> 33. */
  encryptProvisioningData(sessionKey: Bytes, sessionNonce: Bytes, provisioningData: Bytes): Bytes {
    need("SessionKey", sessionKey, 16);
    need("SessionNonce", sessionNonce, 13);
    need("ProvisioningData", provisioningData, PROVISIONING_DATA_LENGTH);
    return this.primitives.aesCcmEncrypt(sessionKey, sessionNonce, provisioningData, PROVISIONING_DATA_MIC_LENGTH);
  }

  /**
   * The 25-byte Provisioning Data from Encrypted Provisioning Data || MIC (33 bytes), or null when the MIC
   * does not match or `encrypted` is not 33 bytes (a peer's malformed PDU). Bad key/nonce lengths throw CryptoError.
   */
  decryptProvisioningData(sessionKey: Bytes, sessionNonce: Bytes, encrypted: Bytes): Bytes | null {
    need("SessionKey", sessionKey, 16);
    need("SessionNonce", sessionNonce, 13);
    if (!(encrypted instanceof Uint8Array) || encrypted.length !== PROVISIONING_DATA_LENGTH + PROVISIONING_DATA_MIC_LENGTH) {
      return null;
    }
    return this.primitives.aesCcmDecrypt(sessionKey, sessionNonce, encrypted, PROVISIONING_DATA_MIC_LENGTH);
  }
}

