/**
 * Mesh Protocol 1.1, section 8 sample data, copied from the spec's tables into the project (values only):
 * 8.2 key derivations, 8.3 messages #1-#24 (every network PDU with its intermediates), 8.4.3-8.4.5 Secure
 * Network beacons. Hex, big-endian, as on the air. Where sources disagree the v1.1 values are used: #21 DST
 * c105, #24 ASZMIC=1, #22/#23 lower transport PDU starting with 66, #16 PECB re-derived from a corrected
 * PrivacyPlaintext (the published NetworkPDU is unaffected).
 */

export const KEYS = {
  netKey: "7dd7364cd842ad18c17c2b820c84c3d6",
  appKey: "63964771734fbd76e3b40519d1d94a48",
  devKey: "9d6dd0e96eb25dc19a40ed9914f8f03f",
  devKeyAddress: 0x1201,
  aid: 0x26,
  flooding: { p: "00", nid: 0x68, encryptionKey: "0953fa93e7caac9638f58820220a398e", privacyKey: "8b84eedec100067d670971dd2aa700cf" },
  friendship: { p: "01120123450000072f", nid: 0x5e, encryptionKey: "be635105434859f484fc798e043ce40e", privacyKey: "5d396d4b54d3cbafe943e051fe9a4eb8" },
  networkId: "3ecaff672f673370",
  beaconKey: "5423d967da639a99cb02231a83f7d254",
} as const;

export interface SamplePdu {
  seq: number;
  segO?: number;
  lowerTransportPdu: string;
  networkNonce: string;
  netMicSize: 32 | 64;
  encDstTransportPdu: string;
  netMic: string;
  pecb: string;
  networkPdu: string;
}

export interface SampleMessage {
  n: number;
  credentials: "flooding" | "friendship";
  ivIndex: number;
  ctl: 0 | 1;
  ttl: number;
  src: number;
  dst: number;
  seg: 0 | 1;
  seqZero?: number;
  segN?: number;
  control?: { opcode: number; parameters: string };
  access?: {
    accessPayload: string;
    key: "application" | "device";
    aid: number;
    szmic: 0 | 1;
    nonce: string;
    label?: string;
    upperTransportPdu: string;
  };
  /** Samples that resend another sample's lower transport PDU (relay: TTL - 1, same SEQ). */
  sameAs?: { message: number; pdu: number; relay?: boolean };
  pdus: SamplePdu[];
}

export const MESSAGES: SampleMessage[] = [
  {
    // §8.3.1: Friend Request from a new Low Power node to all-friends, TTL 0
    n: 1, credentials: "flooding", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x1201, dst: 0xfffd, seg: 0, control: { opcode: 0x03, parameters: "4b50057e400000010000" },
    pdus: [
      { seq: 0x000001, lowerTransportPdu: "034b50057e400000010000", networkNonce: "00800000011201000012345678", netMicSize: 64, encDstTransportPdu: "b5e5bfdacbaf6cb7fb6bff871f", netMic: "035444ce83a670df", pecb: "6ca487507564", networkPdu: "68eca487516765b5e5bfdacbaf6cb7fb6bff871f035444ce83a670df" },
    ],
  },
  {
    // §8.3.2: Friend Offer from Friend node 2345
    n: 2, credentials: "flooding", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x2345, dst: 0x1201, seg: 0, control: { opcode: 0x04, parameters: "320308ba072f" },
    pdus: [
      { seq: 0x014820, lowerTransportPdu: "04320308ba072f", networkNonce: "00800148202345000012345678", netMicSize: 64, encDstTransportPdu: "79d7dbc0c9b4d43eeb", netMic: "ec129d20a620d01e", pecb: "54c96e094e3c", networkPdu: "68d4c826296d7979d7dbc0c9b4d43eebec129d20a620d01e" },
    ],
  },
  {
    // §8.3.3: Friend Offer from Friend node 2fe3
    n: 3, credentials: "flooding", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x2fe3, dst: 0x1201, seg: 0, control: { opcode: 0x04, parameters: "fa0205a6000a" },
    pdus: [
      { seq: 0x2b3832, lowerTransportPdu: "04fa0205a6000a", networkNonce: "00802b38322fe3000012345678", netMicSize: 64, encDstTransportPdu: "53273086b8c5ee00bd", netMic: "d9cfcc62a2ddf572", pecb: "5a2d13fb4211", networkPdu: "68da062bc96df253273086b8c5ee00bdd9cfcc62a2ddf572" },
    ],
  },
  {
    // §8.3.4: Friend Poll (FSN 0), friendship credentials
    n: 4, credentials: "friendship", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x1201, dst: 0x2345, seg: 0, control: { opcode: 0x01, parameters: "00" },
    pdus: [
      { seq: 0x000002, lowerTransportPdu: "0100", networkNonce: "00800000021201000012345678", netMicSize: 64, encDstTransportPdu: "b0e5d0ad", netMic: "970d579a4e88051c", pecb: "04eba0902a0e", networkPdu: "5e84eba092380fb0e5d0ad970d579a4e88051c" },
    ],
  },
  {
    // §8.3.5: Friend Update (IV index 12345678, MD 0), friendship credentials
    n: 5, credentials: "friendship", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x2345, dst: 0x1201, seg: 0, control: { opcode: 0x02, parameters: "001234567800" },
    pdus: [
      { seq: 0x014834, lowerTransportPdu: "02001234567800", networkNonce: "00800148342345000012345678", netMicSize: 64, encDstTransportPdu: "5c39da1792b1fee9ec", netMic: "74b786c56d3a9dee", pecb: "2fd7bd08609e", networkPdu: "5eafd6f53c43db5c39da1792b1fee9ec74b786c56d3a9dee" },
    ],
  },
  {
    // §8.3.6: Config AppKey Add (device key) from Configuration Client 0003, two segments
    n: 6, credentials: "flooding", ivIndex: 0x12345678, ctl: 0, ttl: 0x04, src: 0x0003, dst: 0x1201, seg: 1, seqZero: 0x09ab, segN: 1, access: { accessPayload: "0056341263964771734fbd76e3b40519d1d94a48", key: "device", aid: 0x00, szmic: 0, nonce: "02003129ab0003120112345678", upperTransportPdu: "ee9dddfd2169326d23f3afdfcfdc18c52fdef772e0e17308" },
    pdus: [
      { seq: 0x3129ab, segO: 0, lowerTransportPdu: "8026ac01ee9dddfd2169326d23f3afdf", networkNonce: "00043129ab0003000012345678", netMicSize: 32, encDstTransportPdu: "0afba8c63d4e686364979deaf4fd40961145", netMic: "939cda0e", pecb: "ce84ec9f8a20", networkPdu: "68cab5c5348a230afba8c63d4e686364979deaf4fd40961145939cda0e" },
      { seq: 0x3129ac, segO: 1, lowerTransportPdu: "8026ac21cfdc18c52fdef772e0e17308", networkNonce: "00043129ac0003000012345678", netMicSize: 32, encDstTransportPdu: "6cae0c032bf0746f44f1b8cc8ce5edc57e55", netMic: "beed49c0", pecb: "12249c714a87", networkPdu: "681615b5dd4a846cae0c032bf0746f44f1b8cc8ce5edc57e55beed49c0" },
    ],
  },
  {
    // §8.3.7: Segment Acknowledgment (OBO, block 0 only) from the Friend node of 1201
    n: 7, credentials: "flooding", ivIndex: 0x12345678, ctl: 1, ttl: 0x0b, src: 0x2345, dst: 0x0003, seg: 0, control: { opcode: 0x00, parameters: "a6ac00000002" },
    pdus: [
      { seq: 0x014835, lowerTransportPdu: "00a6ac00000002", networkNonce: "008b0148352345000012345678", netMicSize: 64, encDstTransportPdu: "0d0d730f94d7f3509d", netMic: "f987bb417eb7c05f", pecb: "6f77fd62bfdd", networkPdu: "68e476b5579c980d0d730f94d7f3509df987bb417eb7c05f" },
    ],
  },
  {
    // §8.3.8: Configuration Client retransmits #6 segment 0 with a new SEQ (network-only sample)
    n: 8, credentials: "flooding", ivIndex: 0x12345678, ctl: 0, ttl: 0x04, src: 0x0003, dst: 0x1201, seg: 1, seqZero: 0x09ab, segN: 1, sameAs: { message: 6, pdu: 0 },
    pdus: [
      { seq: 0x3129ad, segO: 0, lowerTransportPdu: "8026ac01ee9dddfd2169326d23f3afdf", networkNonce: "00043129ad0003000012345678", netMicSize: 32, encDstTransportPdu: "0e2f91add6f06e66006844cec97f973105ae", netMic: "2534f958", pecb: "499b4bcac2cc", networkPdu: "684daa6267c2cf0e2f91add6f06e66006844cec97f973105ae2534f958" },
    ],
  },
  {
    // §8.3.9: Segment Acknowledgment (OBO, blocks 0 and 1)
    n: 9, credentials: "flooding", ivIndex: 0x12345678, ctl: 1, ttl: 0x0b, src: 0x2345, dst: 0x0003, seg: 0, control: { opcode: 0x00, parameters: "a6ac00000003" },
    pdus: [
      { seq: 0x014836, lowerTransportPdu: "00a6ac00000003", networkNonce: "008b0148362345000012345678", netMicSize: 64, encDstTransportPdu: "d85d806bbed248614f", netMic: "938067b0d983bb7b", pecb: "25c52fdb6a44", networkPdu: "68aec467ed4901d85d806bbed248614f938067b0d983bb7b" },
    ],
  },
  {
    // §8.3.10: Friend Poll (FSN 1), friendship credentials
    n: 10, credentials: "friendship", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x1201, dst: 0x2345, seg: 0, control: { opcode: 0x01, parameters: "01" },
    pdus: [
      { seq: 0x000003, lowerTransportPdu: "0101", networkNonce: "00800000031201000012345678", netMicSize: 64, encDstTransportPdu: "7777ed35", netMic: "5afaf66d899c1e3d", pecb: "fb78656b679e", networkPdu: "5e7b786568759f7777ed355afaf66d899c1e3d" },
    ],
  },
  {
    // §8.3.11: Friend node delivers the stored #8 PDU (segment 0 of #6) to the LPN, friendship credentials, TTL 3 (network-only sample)
    n: 11, credentials: "friendship", ivIndex: 0x12345678, ctl: 0, ttl: 0x03, src: 0x0003, dst: 0x1201, seg: 1, seqZero: 0x09ab, segN: 1, sameAs: { message: 8, pdu: 0 },
    pdus: [
      { seq: 0x3129ad, segO: 0, lowerTransportPdu: "8026ac01ee9dddfd2169326d23f3afdf", networkNonce: "00033129ad0003000012345678", netMicSize: 32, encDstTransportPdu: "d5e708a20ecfd98ddfd32de80befb400213d", netMic: "98468322", pecb: "e55a21d1fb5c", networkPdu: "5ee66b087cfb5fd5e708a20ecfd98ddfd32de80befb400213d98468322" },
    ],
  },
  {
    // §8.3.12: Friend Poll repeated with the same FSN 1
    n: 12, credentials: "friendship", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x1201, dst: 0x2345, seg: 0, control: { opcode: 0x01, parameters: "01" },
    pdus: [
      { seq: 0x000004, lowerTransportPdu: "0101", networkNonce: "00800000041201000012345678", netMicSize: 64, encDstTransportPdu: "ae214660", netMic: "87599c2426ce9a35", pecb: "0a18fc6a5f04", networkPdu: "5e8a18fc6e4d05ae21466087599c2426ce9a35" },
    ],
  },
  {
    // §8.3.13: Friend node resends the same PDU as #11 (network-only sample)
    n: 13, credentials: "friendship", ivIndex: 0x12345678, ctl: 0, ttl: 0x03, src: 0x0003, dst: 0x1201, seg: 1, seqZero: 0x09ab, segN: 1, sameAs: { message: 11, pdu: 0 },
    pdus: [
      { seq: 0x3129ad, segO: 0, lowerTransportPdu: "8026ac01ee9dddfd2169326d23f3afdf", networkNonce: "00033129ad0003000012345678", netMicSize: 32, encDstTransportPdu: "d5e708a20ecfd98ddfd32de80befb400213d", netMic: "98468322", pecb: "e55a21d1fb5c", networkPdu: "5ee66b087cfb5fd5e708a20ecfd98ddfd32de80befb400213d98468322" },
    ],
  },
  {
    // §8.3.14: Friend Poll (FSN 0) for the next stored message
    n: 14, credentials: "friendship", ivIndex: 0x12345678, ctl: 1, ttl: 0x00, src: 0x1201, dst: 0x2345, seg: 0, control: { opcode: 0x01, parameters: "00" },
    pdus: [
      { seq: 0x000005, lowerTransportPdu: "0100", networkNonce: "00800000051201000012345678", netMicSize: 64, encDstTransportPdu: "7d3ae62a", netMic: "3c75dff683dce24e", pecb: "8bbaf92e4e8e", networkPdu: "5e0bbaf92b5c8f7d3ae62a3c75dff683dce24e" },
    ],
  },
  {
    // §8.3.15: Friend node delivers #6 segment 1 to the LPN, friendship credentials, TTL 3 (network-only sample)
    n: 15, credentials: "friendship", ivIndex: 0x12345678, ctl: 0, ttl: 0x03, src: 0x0003, dst: 0x1201, seg: 1, seqZero: 0x09ab, segN: 1, sameAs: { message: 6, pdu: 1 },
    pdus: [
      { seq: 0x3129ac, segO: 1, lowerTransportPdu: "8026ac21cfdc18c52fdef772e0e17308", networkNonce: "00033129ac0003000012345678", netMicSize: 32, encDstTransportPdu: "f1d29805664d235eacd707217dedfe78497f", netMic: "efec7391", pecb: "abeb9ca27ee4", networkPdu: "5ea8dab50e7ee7f1d29805664d235eacd707217dedfe78497fefec7391" },
    ],
  },
  {
    // §8.3.16: Config AppKey Status (device key) from the LPN to the Configuration Client
    n: 16, credentials: "flooding", ivIndex: 0x12345678, ctl: 0, ttl: 0x0b, src: 0x1201, dst: 0x0003, seg: 0, access: { accessPayload: "800300563412", key: "device", aid: 0x00, szmic: 0, nonce: "02000000061201000312345678", upperTransportPdu: "89511bf1d1a81c11dcef" },
    pdus: [
      { seq: 0x000006, lowerTransportPdu: "0089511bf1d1a81c11dcef", networkNonce: "000b0000061201000012345678", netMicSize: 32, encDstTransportPdu: "6b9be7f5a642f2f98680e61c3a", netMic: "8b47f228", pecb: "e30e5da3bd0f", networkPdu: "68e80e5da5af0e6b9be7f5a642f2f98680e61c3a8b47f228" },
    ],
  },
  {
    // §8.3.17: Relay node relays #16 with TTL decremented to 0a (network-only sample)
    n: 17, credentials: "flooding", ivIndex: 0x12345678, ctl: 0, ttl: 0x0a, src: 0x1201, dst: 0x0003, seg: 0, sameAs: { message: 16, pdu: 0, relay: true },
    pdus: [
      { seq: 0x000006, lowerTransportPdu: "0089511bf1d1a81c11dcef", networkNonce: "000a0000061201000012345678", netMicSize: 32, encDstTransportPdu: "2a80d381b91f824dd4f0a3cd54", netMic: "cea23b7a", pecb: "b8bd2c18096e", networkPdu: "68b2bd2c1e1b6f2a80d381b91f824dd4f0a3cd54cea23b7a" },
    ],
  },
  {
    // §8.3.18: Health Current Status, no faults (application key) to all-nodes
    n: 18, credentials: "flooding", ivIndex: 0x12345678, ctl: 0, ttl: 0x03, src: 0x1201, dst: 0xffff, seg: 0, access: { accessPayload: "0400000000", key: "application", aid: 0x26, szmic: 0, nonce: "01000000071201ffff12345678", upperTransportPdu: "5a8bde6d9106ea078a" },
    pdus: [
      { seq: 0x000007, lowerTransportPdu: "665a8bde6d9106ea078a", networkNonce: "00030000071201000012345678", netMicSize: 32, encDstTransportPdu: "5673728a627fb938535508e2", netMic: "1a6baf57", pecb: "4bcba430940f", networkPdu: "6848cba437860e5673728a627fb938535508e21a6baf57" },
    ],
  },
  {
    // §8.3.19: Health Current Status with three faults (application key) to all-nodes
    n: 19, credentials: "flooding", ivIndex: 0x12345678, ctl: 0, ttl: 0x03, src: 0x1201, dst: 0xffff, seg: 0, access: { accessPayload: "04000000010703", key: "application", aid: 0x26, szmic: 0, nonce: "01000000091201ffff12345678", upperTransportPdu: "ca6cd88e698d1265f43fc5" },
    pdus: [
      { seq: 0x000009, lowerTransportPdu: "66ca6cd88e698d1265f43fc5", networkNonce: "00030000091201000012345678", netMicSize: 32, encDstTransportPdu: "3010a05e1b23a926023da75d25ba", netMic: "91793736", pecb: "120edee5ca3d", networkPdu: "68110edeecd83c3010a05e1b23a926023da75d25ba91793736" },
    ],
  },
  {
    // §8.3.20: Health Current Status with three faults at IV index 12345677 (IVI = 1)
    n: 20, credentials: "flooding", ivIndex: 0x12345677, ctl: 0, ttl: 0x03, src: 0x1234, dst: 0xffff, seg: 0, access: { accessPayload: "04000000010703", key: "application", aid: 0x26, szmic: 0, nonce: "01000708091234ffff12345677", upperTransportPdu: "9c9803e110fea929e9542d" },
    pdus: [
      { seq: 0x070809, lowerTransportPdu: "669c9803e110fea929e9542d", networkNonce: "00030708091234000012345677", netMicSize: 32, encDstTransportPdu: "8c3dc87344a16c787f6b08cc897c", netMic: "941a5368", pecb: "5fcd59ebfaad", networkPdu: "e85cca51e2e8998c3dc87344a16c787f6b08cc897c941a5368" },
    ],
  },
  {
    // §8.3.21: Vendor message (opcode 15, company 000a) to group address c105
    n: 21, credentials: "flooding", ivIndex: 0x12345677, ctl: 0, ttl: 0x03, src: 0x1234, dst: 0xc105, seg: 0, access: { accessPayload: "d50a0048656c6c6f", key: "application", aid: 0x26, szmic: 0, nonce: "010007080a1234c10512345677", upperTransportPdu: "4d92e9dfcf3ab85b6e8fcf03" },
    pdus: [
      { seq: 0x07080a, lowerTransportPdu: "664d92e9dfcf3ab85b6e8fcf03", networkNonce: "000307080a1234000012345677", netMicSize: 32, encDstTransportPdu: "a4d61157bb76352ea6307eebfe0f30", netMic: "b83500e9", pecb: "4d88b60a2d6c", networkPdu: "e84e8fbe003f58a4d61157bb76352ea6307eebfe0f30b83500e9" },
    ],
  },
  {
    // §8.3.22: Vendor message to virtual address b529 (Label UUID as CCM additional data)
    n: 22, credentials: "flooding", ivIndex: 0x12345677, ctl: 0, ttl: 0x03, src: 0x1234, dst: 0xb529, seg: 0, access: { accessPayload: "d50a0048656c6c6f", key: "application", aid: 0x26, szmic: 0, nonce: "010007080b1234b52912345677", label: "0073e7e4d8b9440faf8415df4c56c0e1", upperTransportPdu: "3871b904d431526316ca48a0" },
    pdus: [
      { seq: 0x07080b, lowerTransportPdu: "663871b904d431526316ca48a0", networkNonce: "000307080b1234000012345677", netMicSize: 32, encDstTransportPdu: "ed31f3fdcf88a411135fea55df730b", netMic: "6b28e255", pecb: "db5ba6c5e3d7", networkPdu: "e8d85caecef1e3ed31f3fdcf88a411135fea55df730b6b28e255" },
    ],
  },
  {
    // §8.3.23: Vendor message to a different virtual address 9736
    n: 23, credentials: "flooding", ivIndex: 0x12345677, ctl: 0, ttl: 0x03, src: 0x1234, dst: 0x9736, seg: 0, access: { accessPayload: "d50a0048656c6c6f", key: "application", aid: 0x26, szmic: 0, nonce: "010007080c1234973612345677", label: "f4a002c7fb1e4ca0a469a021de0db875", upperTransportPdu: "2456db5e3100eef65daa7a38" },
    pdus: [
      { seq: 0x07080c, lowerTransportPdu: "662456db5e3100eef65daa7a38", networkNonce: "000307080c1234000012345677", netMicSize: 32, encDstTransportPdu: "7a9d696d3dd16a75489696f0b70c71", netMic: "1b881385", pecb: "74a385d9ec19", networkPdu: "e877a48dd5fe2d7a9d696d3dd16a75489696f0b70c711b881385" },
    ],
  },
  {
    // §8.3.24: Vendor message (opcode 2a) to virtual address 9736 with a 64-bit TransMIC (SZMIC 1), two segments
    n: 24, credentials: "flooding", ivIndex: 0x12345677, ctl: 0, ttl: 0x03, src: 0x1234, dst: 0x9736, seg: 1, seqZero: 0x080d, segN: 1, access: { accessPayload: "ea0a00576f726c64", key: "application", aid: 0x26, szmic: 1, nonce: "018007080d1234973612345677", label: "f4a002c7fb1e4ca0a469a021de0db875", upperTransportPdu: "c3c51d8e476b28e3aa5001f31c01cea6" },
    pdus: [
      { seq: 0x07080d, segO: 0, lowerTransportPdu: "e6a03401c3c51d8e476b28e3aa5001f3", networkNonce: "000307080d1234000012345677", netMicSize: 32, encDstTransportPdu: "94e998b4081f47a35251fdd3896d99e4db48", netMic: "9b918599", pecb: "61496db69e23", networkPdu: "e8624e65bb8c1794e998b4081f47a35251fdd3896d99e4db489b918599" },
      { seq: 0x07080e, segO: 1, lowerTransportPdu: "e6a034211c01cea6", networkNonce: "000307080e1234000012345677", netMicSize: 32, encDstTransportPdu: "dc2f4dd6fb4db33a6c08", netMic: "8d023b47", pecb: "a4d7f8acf876", networkPdu: "e8a7d0f0a2ea42dc2f4dd6fb4db33a6c088d023b47" },
    ],
  },
];

export interface SampleBeacon {
  section: string;
  netKey: string;
  ivIndex: number;
  ivUpdate: boolean;
  keyRefresh: boolean;
  networkId: string;
  beaconKey: string;
  beacon: string;
}

export const SECURE_BEACONS: SampleBeacon[] = [
  { section: "8.4.3", netKey: "7dd7364cd842ad18c17c2b820c84c3d6", ivIndex: 0x12345678, ivUpdate: false, keyRefresh: false, networkId: "3ecaff672f673370", beaconKey: "5423d967da639a99cb02231a83f7d254", beacon: "01003ecaff672f673370123456788ea261582f364f6f" },
  { section: "8.4.4", netKey: "7dd7364cd842ad18c17c2b820c84c3d6", ivIndex: 0x12345679, ivUpdate: true, keyRefresh: false, networkId: "3ecaff672f673370", beaconKey: "5423d967da639a99cb02231a83f7d254", beacon: "01023ecaff672f67337012345679c2af80ad072a135c" },
  { section: "8.4.5", netKey: "7dd7364cd842ad18c17c2b820c84c3d6", ivIndex: 0x12345679, ivUpdate: false, keyRefresh: false, networkId: "3ecaff672f673370", beaconKey: "5423d967da639a99cb02231a83f7d254", beacon: "01003ecaff672f67337012345679c62f09e4c957f59d" },
];

/** §8.1.3-8.1.6: k2 (managed flooding and friendship P), k3 and k4 with their own NetKey and AppKey. */
export const SECURITY_SAMPLES = {
  netKey: "f7a2a44f8e8a8029064f173ddc1e2b00",
  k2Flooding: { p: "00", nid: 0x7f, encryptionKey: "9f589181a0f50de73c8070c7a6d27f46", privacyKey: "4c715bd4a64b938f99b453351653124f" },
  k2Friendship: { p: "010203040506070809", nid: 0x73, encryptionKey: "11efec0642774992510fb5929646df49", privacyKey: "d4d7cc0dfa772d836a8df9df5510d7a7" },
  networkId: "ff046958233db014",
  appKey: "3216d1509884b533248541792b877f98",
  aid: 0x38,
} as const;
