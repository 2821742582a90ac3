/* Device identity derivation (ident.h). */
#include "ident.h"

void ident_uuid(const uint32_t deviceid[2], const uint32_t deviceaddr[2], uint8_t uuid[16]) {
    /* Bytes 0..7: DEVICEID (64 bits, unique per chip); bytes 8..13: DEVICEADDR; bytes 14..15: "NR". Then the
     * RFC 4122 version nibble (byte 6) and variant bits (byte 8) are set; the bits they replace are folded into
     * bytes 14..15 first, so two chips with different DEVICEID/DEVICEADDR still get different UUIDs. */
    for (int i = 0; i < 4; i++) {
        uuid[i] = (uint8_t)(deviceid[0] >> (8 * i));
        uuid[4 + i] = (uint8_t)(deviceid[1] >> (8 * i));
        uuid[8 + i] = (uint8_t)(deviceaddr[0] >> (8 * i));
    }
    uuid[12] = (uint8_t)deviceaddr[1];
    uuid[13] = (uint8_t)(deviceaddr[1] >> 8);
    uuid[14] = (uint8_t)('N' ^ (uuid[6] & 0xF0u));
    uuid[15] = (uint8_t)('R' ^ (uuid[8] & 0xC0u));
    uuid[6] = (uint8_t)((uuid[6] & 0x0Fu) | 0x40u); /* version 4 */
    uuid[8] = (uint8_t)((uuid[8] & 0x3Fu) | 0x80u); /* variant 10 */
}

void ident_static_address(const uint32_t deviceaddr[2], uint8_t addr[6]) {
    for (int i = 0; i < 4; i++) addr[i] = (uint8_t)(deviceaddr[0] >> (8 * i));
    addr[4] = (uint8_t)deviceaddr[1];
    addr[5] = (uint8_t)((deviceaddr[1] >> 8) | 0xC0u); /* static random: the two top bits are 1 */
    /* The random part (46 bits) must be neither all zeros nor all ones. */
    int zeros = 1, ones = 1;
    for (int i = 0; i < 6; i++) {
        uint8_t v = i == 5 ? (uint8_t)(addr[5] & 0x3Fu) : addr[i];
        uint8_t full = i == 5 ? 0x3Fu : 0xFFu;
        if (v != 0) zeros = 0;
        if (v != full) ones = 0;
    }
    if (zeros) addr[0] = 0x01;
    if (ones) addr[0] = 0xFE;
}
