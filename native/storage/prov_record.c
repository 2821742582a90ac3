/* The provisioning data record (prov_record.h). */
#include "prov_record.h"

#include <string.h>

static int check(const prov_record_t *r) {
    if (r->key_index > 0x0FFFu) return PROV_RECORD_ERR_VALUE;
    if (r->unicast_address == 0 || r->unicast_address > 0x7FFFu) return PROV_RECORD_ERR_VALUE;
    return 0;
}

int prov_record_encode(const prov_record_t *r, uint8_t out[PROV_RECORD_BYTES]) {
    if (!r || !out) return STORE_ERR_ARG;
    int st = check(r);
    if (st) return st;
    out[0] = PROV_RECORD_VERSION;
    memcpy(out + 1, r->net_key, 16);
    out[17] = (uint8_t)(r->key_index >> 8);
    out[18] = (uint8_t)r->key_index;
    out[19] = r->flags;
    out[20] = (uint8_t)(r->iv_index >> 24);
    out[21] = (uint8_t)(r->iv_index >> 16);
    out[22] = (uint8_t)(r->iv_index >> 8);
    out[23] = (uint8_t)r->iv_index;
    out[24] = (uint8_t)(r->unicast_address >> 8);
    out[25] = (uint8_t)r->unicast_address;
    memcpy(out + 26, r->dev_key, 16);
    return 0;
}

int prov_record_decode(const uint8_t *in, size_t len, prov_record_t *r) {
    if (!in || !r) return STORE_ERR_ARG;
    if (len != PROV_RECORD_BYTES || in[0] != PROV_RECORD_VERSION) return PROV_RECORD_ERR_FORMAT;
    prov_record_t t;
    memcpy(t.net_key, in + 1, 16);
    t.key_index = (uint16_t)((in[17] << 8) | in[18]);
    t.flags = in[19];
    t.iv_index = ((uint32_t)in[20] << 24) | ((uint32_t)in[21] << 16) | ((uint32_t)in[22] << 8) | in[23];
    t.unicast_address = (uint16_t)((in[24] << 8) | in[25]);
    memcpy(t.dev_key, in + 26, 16);
    int st = check(&t);
    if (st) return st;
    *r = t;
    return 0;
}

int prov_record_save(store_t *s, const prov_record_t *r) {
    uint8_t buf[PROV_RECORD_BYTES];
    int st = prov_record_encode(r, buf);
    if (st) return st;
    st = store_write(s, PROV_RECORD_KEY, buf, sizeof buf);
    memset(buf, 0, sizeof buf);
    return st;
}

int prov_record_load(store_t *s, prov_record_t *r) {
    uint8_t buf[PROV_RECORD_BYTES];
    size_t len = 0;
    int st = store_read(s, PROV_RECORD_KEY, buf, sizeof buf, &len);
    if (st == STORE_ERR_BUFFER) return PROV_RECORD_ERR_FORMAT;
    if (st == STORE_OK) st = prov_record_decode(buf, len, r);
    memset(buf, 0, sizeof buf);
    return st;
}

int prov_record_erase(store_t *s) { return store_remove(s, PROV_RECORD_KEY); }
