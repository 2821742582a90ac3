/*
 * The provisioning data record: what a device keeps after provisioning (Mesh Protocol 1.1, 5.4.2.5 Provisioning
 * Data PDU fields, plus the device key derived in 5.4.2.5 / 3.8.6.1), stored under the key "prov" in the record
 * store (store.h), so that a reset or power loss at any moment leaves the old or the new record.
 *
 * Encoded value (PROV_RECORD_BYTES bytes, multi-octet fields big-endian as in the Provisioning Data PDU):
 *   version (1, = PROV_RECORD_VERSION) | Network Key (16) | Key Index (2) | Flags (1) | IV Index (4) |
 *   Unicast Address (2) | Device Key (16)
 * The record is a secret: never log it.
 */
#ifndef MESHPROV_PROV_RECORD_H
#define MESHPROV_PROV_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define PROV_RECORD_KEY "prov"
#define PROV_RECORD_VERSION 1u
#define PROV_RECORD_BYTES 42u

/* Errors beyond store_status_t. */
#define PROV_RECORD_ERR_FORMAT (-20) /* a stored value of the wrong length or version: not trusted */
#define PROV_RECORD_ERR_VALUE (-21)  /* a field out of range (key index > 0x0FFF, unicast address not unicast) */

typedef struct prov_record {
    uint8_t net_key[16];
    uint16_t key_index; /* 12-bit global key index */
    uint8_t flags;      /* bit 0 Key Refresh, bit 1 IV Update */
    uint32_t iv_index;
    uint16_t unicast_address; /* 0x0001..0x7FFF */
    uint8_t dev_key[16];
} prov_record_t;

int prov_record_encode(const prov_record_t *r, uint8_t out[PROV_RECORD_BYTES]);
int prov_record_decode(const uint8_t *in, size_t len, prov_record_t *r);

/* Store / load / forget the record (atomic, power-loss safe). load gives STORE_ERR_NOT_FOUND when unprovisioned. */
int prov_record_save(store_t *s, const prov_record_t *r);
int prov_record_load(store_t *s, prov_record_t *r);
int prov_record_erase(store_t *s);

#endif
