/*
 * Device identity from the factory information (FICR on the nRF52840; made-up values on the twin):
 *   - the 16-byte Device UUID (Mesh Protocol 1.1, 3.10.3 / 5.4.2.x: the device's UUID in the Unprovisioned Device
 *     beacon), formatted as an RFC 4122 UUID (version 4 field, variant 10) and stable for the chip;
 *   - the 6-byte static random device address for advertising (Bluetooth Core, Vol 6, Part B, 1.3.2.1: the two
 *     most significant bits are 1, and it is neither all ones nor all zeros in the random part).
 * Portable: host-tested.
 */
#ifndef MESHPROV_IDENT_H
#define MESHPROV_IDENT_H

#include <stdint.h>

/* deviceid: FICR.DEVICEID[0..1]; deviceaddr: FICR.DEVICEADDR[0..1] (bits 0..47 used). */
void ident_uuid(const uint32_t deviceid[2], const uint32_t deviceaddr[2], uint8_t uuid[16]);
/* AdvA, least significant byte first (the order on air). */
void ident_static_address(const uint32_t deviceaddr[2], uint8_t addr[6]);

#endif
