/**
 * Standard test vectors, copied into the project (hex strings).
 * - Mesh Protocol 1.1 section 8.1 (security sample data), 8.2 (key derivations), 8.3.x (CCM in the
 *   network/upper transport layers), 8.4.1/8.4.2 (Unprovisioned Device beacons), 8.17.1/8.17.2 (provisioning).
 * - RFC 4493 (AES-CMAC), RFC 3610 (AES-CCM), FIPS-197 (AES), FIPS 180-2 examples (SHA-256), RFC 4231 (HMAC-SHA-256).
 */

/** Mesh Protocol 1.1, 8.17: values common to both provisioning samples. Public keys are X || Y. */
export const PROV_COMMON = {
  PrivProv: "06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663",
  PubProv:
    "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f",
  PrivDev: "529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba",
  PubDev:
    "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279",
  ECDHSecret: "ab85843a2f6d883f62e5684b38e307335fe6e1945ecd19604105c6f23221eb69",
  /** NetKey(16) || KeyIndex(2) || Flags(1) || IVIndex(4) || UnicastAddress(2). */
  ProvData: "efb2255e6422d330088e09bb015ed707056700010203040b0c",
};

export interface ProvSample {
  Invite: string;
  Capabilities: string;
  Start: string;
  AuthValue: string;
  ConfirmationSalt: string;
  ConfirmationKey: string;
  RandProv: string;
  ConfProv: string;
  RandDev: string;
  ConfDev: string;
  ProvisioningSalt: string;
  SessionKey: string;
  SessionNonce: string;
  DeviceKey: string;
  EncData: string;
  MIC: string;
}

/** Mesh Protocol 1.1, 8.17.1: BTM_ECDH_P256_CMAC_AES128_AES_CCM. */
export const PROV_CMAC: ProvSample = {
  Invite: "00",
  Capabilities: "0100010000000000000000",
  Start: "0000000000",
  AuthValue: "00000000000000000000000000000000",
  ConfirmationSalt: "5faabe187337c71cc6c973369dcaa79a",
  ConfirmationKey: "e31fe046c68ec339c425fc6629f0336f",
  RandProv: "8b19ac31d58b124c946209b5db1021b9",
  ConfProv: "b38a114dfdca1fe153bd2c1e0dc46ac2",
  RandDev: "55a2a2bca04cd32ff6f346bd0a0c1a3a",
  ConfDev: "eeba521c196b52cc2e37aa40329f554e",
  ProvisioningSalt: "a21c7d45f201cf9489a2fb57145015b4",
  SessionKey: "c80253af86b33dfa450bbdb2a191fea3",
  SessionNonce: "da7ddbe78b5f62b81d6847487e",
  DeviceKey: "0520adad5e0142aa3e325087b4ec16d8",
  EncData: "d0bd7f4a89a2ff6222af59a90a60ad58acfe3123356f5cec29",
  MIC: "73e0ec50783b10c7",
};

/** Mesh Protocol 1.1, 8.17.2: BTM_ECDH_P256_HMAC_SHA256_AES_CCM. */
export const PROV_HMAC: ProvSample = {
  Invite: "00",
  Capabilities: "0100030001000000000000",
  Start: "0100010000",
  AuthValue: "906d73a3c7a7cb3ff730dca68a46b9c18d673f50e078202311473ebbe253669f",
  ConfirmationSalt: "a71141ba8cb6b40f4f52b622e1c091614c73fc308f871b78ca775e769bc3ae69",
  ConfirmationKey: "210c3c448152e8d59ef742aa7d22ee5ba59a38648bda6bf05c74f3e46fc2c0bb",
  RandProv: "36f968b94a13000e64b223576390db6bcc6d62f02617c369ee3f5b3e89df7e1f",
  ConfProv: "c99b54617ae646f5f32cf7e1ea6fcc49fd69066078eba9580fa6c7031833e6c8",
  RandDev: "5b9b1fc6a64b2de8bece53187ee989c6566db1fc7dc8580a73dafdd6211d56a5",
  ConfDev: "56e3722d291373d38c995d6f942c02928c96abb015c233557d7974b6e2df662b",
  ProvisioningSalt: "d1cb10ad8d51286067e348fc4b692122",
  SessionKey: "df4a494da3d45405e402f1d6a6cea338",
  SessionNonce: "11b987db2ae41fbb9e96b80446",
  DeviceKey: "2770852a737cf05d8813768f22af3a2d",
  EncData: "f9df98cbb736be1f600659ac4c37821a82db31e410a03de769",
  MIC: "3a2a0428fbdaf321",
};

/** Mesh Protocol 1.1, 8.1 (security sample data), with the published intermediate values. */
export const SAMPLE_8_1 = {
  s1Test: "b73cefbd641ef2ea598c2b6efb62f79c", // s1("test")
  k1: {
    N: "3216d1509884b533248541792b877f98",
    SALT: "2ba14ffa0df84a2831938d57d276cab4",
    P: "5a09d60797eeb4478aada59db3352a0d",
    T: "c764bea25cf9738b08956ea3c712d5af",
    k1: "f6ed15a8934afbe7d83e8dcb57fcf5d7",
  },
  s1smk2: "4f90480c1871bfbffd16971f4d8d10b1",
  k2Flooding: {
    N: "f7a2a44f8e8a8029064f173ddc1e2b00",
    P: "00",
    T: "2ea6467aa3378c4c545eda62935b9b86",
    T1: "82bea685dc2f1deec255ac643741f5ff",
    NID: 0x7f,
    EncryptionKey: "9f589181a0f50de73c8070c7a6d27f46",
    PrivacyKey: "4c715bd4a64b938f99b453351653124f",
  },
  k2Friendship: {
    N: "f7a2a44f8e8a8029064f173ddc1e2b00",
    P: "010203040506070809",
    T1: "3a6b950f56718c1eab2c600a92d4e9f3",
    NID: 0x73,
    EncryptionKey: "11efec0642774992510fb5929646df49",
    PrivacyKey: "d4d7cc0dfa772d836a8df9df5510d7a7",
  },
  k3: {
    N: "f7a2a44f8e8a8029064f173ddc1e2b00",
    SALT: "0036443503f195cc8a716e136291c302",
    T: "6da9698c95f500e4edce3bb47f92754f",
    CMAC: "3527c5985f0c05ccff046958233db014",
    NetworkID: "ff046958233db014",
  },
  k4: {
    N: "3216d1509884b533248541792b877f98",
    SALT: "0e9ac1b7cefa66874c97ee54ac5f49be",
    T: "62e5d9240cdb3bb0b2743207ea2d6276",
    CMAC: "1431ea1afeb05224ab892a0217ccab38",
    AID: 0x38,
  },
};

/** Mesh Protocol 1.1, 8.2 (mesh key derivation sample data). NetKey 7dd7..., AppKey 6396... */
export const SAMPLE_8_2 = {
  AppKey: "63964771734fbd76e3b40519d1d94a48",
  NetKey: "7dd7364cd842ad18c17c2b820c84c3d6",
  AID: 0x26,
  flooding: { P: "00", NID: 0x68, EncryptionKey: "0953fa93e7caac9638f58820220a398e", PrivacyKey: "8b84eedec100067d670971dd2aa700cf" },
  friendship: { P: "01120123450000072f", NID: 0x5e, EncryptionKey: "be635105434859f484fc798e043ce40e", PrivacyKey: "5d396d4b54d3cbafe943e051fe9a4eb8" },
  directed: { P: "02", NID: 0x0d, EncryptionKey: "b47a02c6cc9b4ac4cb9b88e765c9ade4", PrivacyKey: "9bf7ab5a5ad415fbd77e07bb808f4865" },
  NetworkID: "3ecaff672f673370",
  /** 8.2.6 IdentityKey = k1(NetKey, s1("nkik"), "id128" || 0x01). */
  identity: { SALT: "f8795a1aabf182e4f163d86e245e19f4", P: "696431323801", T: "55efb6c898c2a38bc9bd0a6097bff966", key: "84396c435ac48560b5965385253e210c" },
  /** 8.2.7 BeaconKey = k1(NetKey, s1("nkbk"), "id128" || 0x01). */
  beacon: { SALT: "2c24619ab793c1233f6e226738393dec", P: "696431323801", T: "829816cd429fde7d238b56d8bf771efb", key: "5423d967da639a99cb02231a83f7d254" },
};

/** AES-CCM vectors with a 13-byte nonce from the Mesh sample data (8.3.1: 8-byte NetMIC; 8.3.6, 8.3.22: 4-byte TransMIC). */
export const MESH_CCM = [
  {
    name: "8.3.1 Message #1 network layer (NetMIC 64 bits)",
    key: "0953fa93e7caac9638f58820220a398e",
    nonce: "00800000011201000012345678",
    aad: "",
    plaintext: "fffd034b50057e400000010000",
    ciphertext: "b5e5bfdacbaf6cb7fb6bff871f",
    mic: "035444ce83a670df",
  },
  {
    name: "8.3.6 Message #6 upper transport, device key (TransMIC 32 bits)",
    key: "9d6dd0e96eb25dc19a40ed9914f8f03f",
    nonce: "02003129ab0003120112345678",
    aad: "",
    plaintext: "0056341263964771734fbd76e3b40519d1d94a48",
    ciphertext: "ee9dddfd2169326d23f3afdfcfdc18c52fdef772",
    mic: "e0e17308",
  },
  {
    name: "8.3.22 Message #22 upper transport to a virtual address (Label UUID as AAD, TransMIC 32 bits)",
    key: "63964771734fbd76e3b40519d1d94a48",
    nonce: "010007080b1234b52912345677",
    aad: "0073e7e4d8b9440faf8415df4c56c0e1",
    plaintext: "d50a0048656c6c6f",
    ciphertext: "3871b904d4315263",
    mic: "16ca48a0",
  },
];

/** Mesh Protocol 1.1, 8.4.1 and 8.4.2: Unprovisioned Device beacons. */
export const BEACONS = {
  withoutUri: {
    uuid: "70cf7c9732a345b691494810d2e9cbf4",
    oobInfo: 0xa040, // String, on piece of paper, on device
    beacon: "0070cf7c9732a345b691494810d2e9cbf4a040",
  },
  withUri: {
    uuid: "70cf7c9732a345b691494810d2e9cbf4",
    oobInfo: 0x4020, // Number, inside manual
    uri: "https://www.example.com/meshuri",
    /** The URI AD data: the "https:" scheme is the code point U+0017. */
    uriData: "172f2f7777772e6578616d706c652e636f6d2f6d657368757269",
    s1UriData: "d36b25b8f8a600bd055c73049ef82227",
    beacon: "0070cf7c9732a345b691494810d2e9cbf44020d36b25b8",
  },
};

/** FIPS-197 Appendix C.1: AES-128. */
export const AES128 = { key: "000102030405060708090a0b0c0d0e0f", plaintext: "00112233445566778899aabbccddeeff", ciphertext: "69c4e0d86a7b0430d8cdb78070b4c55a" };

/** RFC 4493, section 4: AES-CMAC examples with K = 2b7e1516 28aed2a6 abf71588 09cf4f3c. */
export const RFC4493 = {
  key: "2b7e151628aed2a6abf7158809cf4f3c",
  L: "7df76b0c1ab899b33e42f047b91b546f",
  examples: [
    { message: "", tag: "bb1d6929e95937287fa37d129b756746" },
    { message: "6bc1bee22e409f96e93d7e117393172a", tag: "070a16b46b4d4144f79bdd9dd04a287c" },
    {
      message: "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411",
      tag: "dfa66747de9ae63030ca32611497c827",
    },
    {
      message:
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
      tag: "51f0bebf7e3b9d92fc49741779363cfe",
    },
  ],
};

/** RFC 3610, section 8: packet vectors #1-#6 (13-byte nonce, 8-byte MIC). `packet` = AAD (header) || payload. */
export const RFC3610 = [
  {
    name: "Packet Vector #1",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000003020100a0a1a2a3a4a5",
    headerLength: 8,
    packet: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
    result: "0001020304050607588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0",
  },
  {
    name: "Packet Vector #2",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000004030201a0a1a2a3a4a5",
    headerLength: 8,
    packet: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    result: "000102030405060772c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916",
  },
  {
    name: "Packet Vector #3",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000005040302a0a1a2a3a4a5",
    headerLength: 8,
    packet: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
    result: "000102030405060751b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5",
  },
  {
    name: "Packet Vector #4",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000006050403a0a1a2a3a4a5",
    headerLength: 12,
    packet: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
    result: "000102030405060708090a0ba28c6865939a9a79faaa5c4c2a9d4a91cdac8c96c861b9c9e61ef1",
  },
  {
    name: "Packet Vector #5",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000007060504a0a1a2a3a4a5",
    headerLength: 12,
    packet: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    result: "000102030405060708090a0bdcf1fb7b5d9e23fb9d4e131253658ad86ebdca3e51e83f077d9c2d93",
  },
  {
    name: "Packet Vector #6",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000008070605a0a1a2a3a4a5",
    headerLength: 12,
    packet: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
    result: "000102030405060708090a0b6fc1b011f006568b5171a42d953d469b2570a4bd87405a0443ac91cb94",
  },
];

/** FIPS 180-2 Appendix B examples (and the empty message). */
export const SHA256 = [
  { ascii: "abc", digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
  { ascii: "", digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
  { ascii: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
  { ascii: "a".repeat(1000000), digest: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
];

/** RFC 4231 test cases 1-4, 6, 7 (HMAC-SHA-256; case 5 is truncated output, case 5's first 128 bits checked separately). */
export const RFC4231 = [
  { name: "1", key: "0b".repeat(20), data: "4869205468657265", mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  {
    name: "2",
    key: "4a656665",
    data: "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
    mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  { name: "3", key: "aa".repeat(20), data: "dd".repeat(50), mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
  {
    name: "4",
    key: "0102030405060708090a0b0c0d0e0f10111213141516171819",
    data: "cd".repeat(50),
    mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
  },
  {
    name: "5 (truncated to 128 bits)",
    key: "0c".repeat(20),
    data: "546573742057697468205472756e636174696f6e",
    mac: "a3b6167473100ee06e0c796c2955552b",
  },
  {
    name: "6",
    key: "aa".repeat(131),
    data: "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    name: "7",
    key: "aa".repeat(131),
    data:
      "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];
