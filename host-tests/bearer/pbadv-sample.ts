/**
 * Mesh Protocol 1.1, section 8.7 sample data: PB-ADV frames of a whole provisioning (CMAC algorithm),
 * copied from the specification's sample data. Each frame is the PB-ADV PDU (Link ID || Transaction Number ||
 * Generic Provisioning PDU) without the AD length and AD type octets; segments of one transaction are listed
 * in order. PubProv / PubDev are the public keys (X || Y) of section 8.7 / 8.17.1 carried by the Public Key PDUs.
 */
export const SAMPLE = {
  linkId: 0x23af5850,
  uuid: "70cf7c9732a345b691494810d2e9cbf4",
  pubProv: "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f",
  pubDev: "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279",
  frames: {
    LinkOpen: ["23af5850000370cf7c9732a345b691494810d2e9cbf4"],
    LinkAck: ["23af58500007"],
    Invite: ["23af585000000002140000"],
    InviteAck: ["23af58500001"],
    Capabilities: ["23af58508000000cd6010100010000000000000000"],
    Start: ["23af58500100000664020000000000"],
    PublicKeyProvisioner: ["23af585002080041d1032c31a47b5779809ef44cb5eaaf5c3e43d5f8fa", "23af58500206ad4a8794cb987e9b03745c78dd919512183898dfbecd52", "23af5850020ae2408e43871fd021109117bd3ed4eaf8437743715d4f"],
    PublicKeyDevice: ["23af5850810800411003f465e43ff23d3f1b9dc7dfc04da8758184dbc9", "23af5850810666204796eccf0d6cf5e16500cc0201d048bcbbd899eeef", "23af5850810ac424164e33c201c2b010ca6b4d43a8a155cad8ecb279"],
    ConfirmationProvisioner: ["23af585003000011d105b38a114dfdca1fe153bd2c1e0dc46ac2"],
    ConfirmationDevice: ["23af585082000011ec05eeba521c196b52cc2e37aa40329f554e"],
    RandomProvisioner: ["23af585004000011d3068b19ac31d58b124c946209b5db1021b9"],
    RandomDevice: ["23af585083000011590655a2a2bca04cd32ff6f346bd0a0c1a3a"],
    Data: ["23af5850050400228b07d0bd7f4a89a2ff6222af59a90a60ad58acfe31", "23af5850050623356f5cec2973e0ec50783b10c7"],
    Complete: ["23af5850840000013e08"],
    LinkClose: ["23af5850000b00"],
  },
} as const;
