// sources: native/storage/store.c native/storage/flash_ram.c native/storage/prov_record.c
/*
 * Host tests of the record store (native/storage/): behaviour, compaction, corrupt data, and power loss injected
 * at every single word program and every page erase (then again during the recovery that follows), checking
 * that after the "reboot" every key reads exactly its old or its new value.
 */
#include <stdint.h>

#include "../../native/storage/flash_ram.h"
#include "../../native/storage/prov_record.h"
#include "../../native/storage/store.h"
#include "test.h"

#define MAX_PAGE 4096u
#define BASE 0x000FE000u /* an nRF52840-like address: the last two pages of a 1 MB flash */

static uint8_t mem[2 * MAX_PAGE], snap[2 * MAX_PAGE], snap2[2 * MAX_PAGE];
static uint8_t wcount[2 * MAX_PAGE / 4];
static flash_ram_t fr;
static flash_dev_t dev;
static store_t st;

static void sim_new(uint32_t page_size) {
    flash_ram_init(&fr, mem, wcount, 2 * page_size, BASE, page_size, 1);
    dev = flash_ram_dev(&fr);
}

static void sim_restore(const uint8_t *image) {
    memcpy(mem, image, 2 * fr.page_size);
    memset(wcount, 0, sizeof wcount);
    flash_ram_reboot(&fr);
}

/* ------------------------------------------------------------------ the model of what the store holds */

#define MAXK 6
typedef struct kv {
    const char *key;
    uint8_t val[64];
    size_t len;
    int present;
} kv_t;

typedef struct model {
    kv_t kv[MAXK];
    int n;
} model_t;

static const char *const KEYS[MAXK] = {"prov", "a", "seq", "k3", "long-key-name-0123456789abcdefgh", "x"};

static void model_init(model_t *m) {
    memset(m, 0, sizeof *m);
    m->n = MAXK;
    for (int i = 0; i < MAXK; i++) m->kv[i].key = KEYS[i];
}

static kv_t *model_get(model_t *m, const char *key) {
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->kv[i].key, key) == 0) return &m->kv[i];
    return NULL;
}

/* 1 when every key of m reads back exactly as m says. */
static int store_matches(store_t *s, const model_t *m) {
    for (int i = 0; i < m->n; i++) {
        uint8_t buf[128];
        size_t len = 0;
        int rc = store_read(s, m->kv[i].key, buf, sizeof buf, &len);
        if (m->kv[i].present) {
            if (rc != STORE_OK || len != m->kv[i].len || memcmp(buf, m->kv[i].val, len) != 0) return 0;
        } else if (rc != STORE_ERR_NOT_FOUND) {
            return 0;
        }
    }
    return 1;
}

/* An operation on the store and its effect on the model. */
typedef struct op {
    int remove;
    const char *key;
    uint8_t val[64];
    size_t len;
} op_t;

static int op_run(store_t *s, const op_t *op) {
    return op->remove ? store_remove(s, op->key) : store_write(s, op->key, op->val, op->len);
}

static void op_apply(model_t *m, const op_t *op) {
    kv_t *kv = model_get(m, op->key);
    if (op->remove) {
        kv->present = 0;
    } else {
        kv->present = 1;
        kv->len = op->len;
        memcpy(kv->val, op->val, op->len);
    }
}

static uint32_t lcg = 1;
static uint32_t rnd(void) {
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 8;
}

static op_t random_write(const char *key, size_t maxlen) {
    op_t op;
    memset(&op, 0, sizeof op);
    op.key = key;
    op.len = rnd() % (maxlen + 1);
    for (size_t i = 0; i < op.len; i++) op.val[i] = (uint8_t)rnd();
    return op;
}

/* ------------------------------------------------------------------ basics */

static void test_crc32_vector(void) {
    CHECK_EQ(store_crc32(0, "123456789", 9), 0xCBF43926u);
    CHECK_EQ(store_crc32(store_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
    CHECK_EQ(store_crc32(0, "", 0), 0);
}

static void test_fresh_store_formats_and_is_empty(void) {
    sim_new(4096);
    uint8_t buf[8];
    size_t len = 99;
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_FORMATTED);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_ERR_NOT_FOUND);
    CHECK(store_free_bytes(&st) > 4000);
    /* Reopen: already formatted, nothing to report. */
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    CHECK_EQ(fr.erases, 1);
}

static void test_write_read_overwrite_remove(void) {
    sim_new(4096);
    uint8_t buf[64];
    size_t len = 0;
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(store_write(&st, "a", (const uint8_t *)"hello", 5), STORE_OK);
    CHECK_EQ(store_write(&st, "b", (const uint8_t *)"", 0), STORE_OK);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(store_read(&st, "b", buf, sizeof buf, &len), STORE_OK);
    CHECK_EQ(len, 0);
    CHECK_EQ(store_write(&st, "a", (const uint8_t *)"goodbye!", 8), STORE_OK);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 8 && memcmp(buf, "goodbye!", 8) == 0);
    CHECK_EQ(store_read(&st, "a", buf, 4, &len), STORE_ERR_BUFFER);
    CHECK_EQ(len, 8);
    CHECK_EQ(store_remove(&st, "a"), STORE_OK);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_ERR_NOT_FOUND);
    CHECK_EQ(store_remove(&st, "a"), STORE_OK);      /* already gone: no write */
    CHECK_EQ(store_remove(&st, "never"), STORE_OK);  /* never there */
    /* Persistence across a reopen. */
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_ERR_NOT_FOUND);
    CHECK_EQ(store_read(&st, "b", buf, sizeof buf, &len), STORE_OK);
    CHECK_EQ(len, 0);
    CHECK(fr.max_writes_per_word <= 1);
}

static void test_bad_arguments(void) {
    sim_new(4096);
    uint8_t buf[4], big[STORE_MAX_VALUE + 1];
    size_t len;
    store_t closed;
    memset(&closed, 0, sizeof closed);
    memset(big, 0, sizeof big);
    CHECK_EQ(store_write(&closed, "a", buf, 1), STORE_ERR_NOT_OPEN);
    CHECK_EQ(store_open(NULL, &dev, BASE), STORE_ERR_ARG);
    flash_dev_t odd = dev;
    odd.page_size = 1022;
    CHECK_EQ(store_open(&st, &odd, BASE), STORE_ERR_GEOMETRY);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(store_write(&st, "", buf, 1), STORE_ERR_ARG);
    CHECK_EQ(store_write(&st, NULL, buf, 1), STORE_ERR_ARG);
    CHECK_EQ(store_write(&st, "this-key-is-sixty-five-bytes-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", buf, 1),
             STORE_ERR_ARG);
    CHECK_EQ(store_write(&st, "this-key-is-sixty-four-bytes-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", buf, 1),
             STORE_OK);
    CHECK_EQ(store_write(&st, "a", NULL, 3), STORE_ERR_ARG);
    CHECK_EQ(store_write(&st, "a", big, sizeof big), STORE_ERR_ARG);
    CHECK_EQ(store_write(&st, "a", big, STORE_MAX_VALUE), STORE_OK);
    CHECK_EQ(store_read(&st, "a", NULL, 0, &len), STORE_ERR_BUFFER);
    CHECK_EQ(len, STORE_MAX_VALUE);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, NULL), STORE_ERR_ARG);
    CHECK(strcmp(store_strerror(STORE_ERR_FULL), "store full") == 0);
}

static void test_full_store_reports_full(void) {
    sim_new(512);
    uint8_t v[STORE_MAX_VALUE];
    memset(v, 7, sizeof v);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(store_write(&st, "a", v, 300), STORE_OK);
    /* The old and the new value of "a" cannot both be in one 512-byte page. */
    CHECK_EQ(store_write(&st, "a", v, 300), STORE_ERR_FULL);
    CHECK_EQ(store_write(&st, "b", v, 600), STORE_ERR_FULL);
    size_t len;
    uint8_t buf[400];
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    CHECK_EQ(len, 300);
    CHECK_EQ(store_write(&st, "a", v, 100), STORE_OK);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    CHECK_EQ(len, 100);
}

static void test_compaction_keeps_live_records(void) {
    sim_new(1024);
    model_t m;
    model_init(&m);
    lcg = 7;
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    for (int i = 0; i < 500; i++) {
        op_t op = random_write(KEYS[rnd() % MAXK], 40);
        if (rnd() % 7 == 0) op.remove = 1;
        REQUIRE(op_run(&st, &op) == STORE_OK);
        op_apply(&m, &op);
        if (i % 50 == 0) REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
        REQUIRE(store_matches(&st, &m));
    }
    CHECK(st.compactions > 10 || fr.erases > 10);
    CHECK(fr.max_writes_per_word <= 1);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    CHECK(store_matches(&st, &m));
}

static void test_prov_record_roundtrip(void) {
    sim_new(4096);
    prov_record_t r, back;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < 16; i++) {
        r.net_key[i] = (uint8_t)(0x7d + i);
        r.dev_key[i] = (uint8_t)(0x10 * i);
    }
    r.key_index = 0x0567;
    r.flags = 0x02;
    r.iv_index = 0x01020304;
    r.unicast_address = 0x0b0c;
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(prov_record_load(&st, &back), STORE_ERR_NOT_FOUND);
    CHECK_EQ(prov_record_save(&st, &r), 0);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(prov_record_load(&st, &back), 0);
    CHECK(memcmp(&r.net_key, back.net_key, 16) == 0 && memcmp(r.dev_key, back.dev_key, 16) == 0);
    CHECK(back.key_index == 0x0567 && back.flags == 2 && back.iv_index == 0x01020304 && back.unicast_address == 0x0b0c);
    uint8_t enc[PROV_RECORD_BYTES];
    CHECK_EQ(prov_record_encode(&r, enc), 0);
    /* Big-endian fields, as in the Provisioning Data PDU (Mesh Protocol 1.1, 5.4.1.x). */
    CHECK(enc[0] == 1 && enc[17] == 0x05 && enc[18] == 0x67 && enc[20] == 1 && enc[23] == 4 && enc[24] == 0x0b);
    /* Bad values and bad stored data are refused. */
    r.unicast_address = 0x8000;
    CHECK_EQ(prov_record_save(&st, &r), PROV_RECORD_ERR_VALUE);
    r.unicast_address = 0;
    CHECK_EQ(prov_record_encode(&r, enc), PROV_RECORD_ERR_VALUE);
    r.unicast_address = 1;
    r.key_index = 0x1000;
    CHECK_EQ(prov_record_encode(&r, enc), PROV_RECORD_ERR_VALUE);
    CHECK_EQ(store_write(&st, PROV_RECORD_KEY, enc, 41), STORE_OK);
    CHECK_EQ(prov_record_load(&st, &back), PROV_RECORD_ERR_FORMAT);
    enc[0] = 9;
    CHECK_EQ(store_write(&st, PROV_RECORD_KEY, enc, PROV_RECORD_BYTES), STORE_OK);
    CHECK_EQ(prov_record_load(&st, &back), PROV_RECORD_ERR_FORMAT);
    uint8_t big[100] = {1};
    CHECK_EQ(store_write(&st, PROV_RECORD_KEY, big, sizeof big), STORE_OK);
    CHECK_EQ(prov_record_load(&st, &back), PROV_RECORD_ERR_FORMAT);
    CHECK_EQ(prov_record_erase(&st), STORE_OK);
    CHECK_EQ(prov_record_load(&st, &back), STORE_ERR_NOT_FOUND);
}

/* ------------------------------------------------------------------ corrupt data */

/* Offset in mem of the newest record of key in the active page (walks the record layout of store.h). */
static uint32_t record_offset(const char *key) {
    uint32_t page = st.active * fr.page_size, off = 16, found = 0;
    while (off + 12 <= fr.page_size) {
        uint32_t w0 = (uint32_t)mem[page + off] | ((uint32_t)mem[page + off + 1] << 8) |
                      ((uint32_t)mem[page + off + 2] << 16) | ((uint32_t)mem[page + off + 3] << 24);
        if (w0 == 0xFFFFFFFFu) break;
        uint32_t klen = (w0 >> 16) & 0xFF, vlen = w0 & 0xFFFF;
        if (vlen == 0xFFFF) vlen = 0;
        if (klen == strlen(key) && memcmp(mem + page + off + 12, key, klen) == 0) found = page + off;
        off += 12 + ((klen + vlen + 3) & ~3u) + 8;
    }
    return found;
}

static void setup_two_versions(void) {
    sim_new(1024);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    REQUIRE(store_write(&st, "prov", (const uint8_t *)"version-1", 9) == STORE_OK);
    REQUIRE(store_write(&st, "a", (const uint8_t *)"other", 5) == STORE_OK);
    REQUIRE(store_write(&st, "prov", (const uint8_t *)"version-2", 9) == STORE_OK);
}

static void test_bad_crc_is_ignored(void) {
    uint8_t buf[16];
    size_t len;
    setup_two_versions();
    uint32_t at = record_offset("prov");
    REQUIRE(at != 0);
    mem[at + 12 + 4 + 3] ^= 0x01; /* one bit of the value "version-2" */
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_BAD_CRC);
    CHECK_EQ(st.report.ignored_records, 1);
    /* The corrupt newest record is not trusted: the previous committed one is what the store holds. */
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-1", 9) == 0);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    /* The next write goes to a clean page (the damaged one is compacted away). */
    CHECK_EQ(store_write(&st, "prov", (const uint8_t *)"version-3", 9), STORE_OK);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-3", 9) == 0);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 5 && memcmp(buf, "other", 5) == 0);
}

static void test_bad_crc_single_version_reads_not_found(void) {
    uint8_t buf[16];
    size_t len;
    sim_new(1024);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    REQUIRE(store_write(&st, "prov", (const uint8_t *)"only", 4) == STORE_OK);
    uint32_t at = record_offset("prov");
    mem[at + 8] ^= 0x80; /* the sequence number is covered by the CRC too */
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_BAD_CRC);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_ERR_NOT_FOUND);
}

static void test_truncated_record_is_ignored(void) {
    uint8_t buf[16];
    size_t len;
    setup_two_versions();
    uint32_t at = record_offset("prov");
    /* Erase the COMMIT word of the newest record: as if its write had stopped just before it. */
    memset(mem + at + 12 + 16 + 4, 0xFF, 4);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_TRUNCATED);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-1", 9) == 0);
    CHECK_EQ(store_free_bytes(&st), 0); /* sealed: the next write compacts */
}

static void test_bad_record_header_is_ignored(void) {
    uint8_t buf[16];
    size_t len;
    setup_two_versions();
    uint32_t at = record_offset("prov");
    mem[at + 4] ^= 0x10; /* ~header no longer matches */
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_BAD_HEADER);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-1", 9) == 0);
    /* A length field claiming more than the page: not trusted either. */
    setup_two_versions();
    at = record_offset("prov");
    uint32_t hdr = 0x5A000000u | (4u << 16) | 1000u;
    for (int i = 0; i < 4; i++) {
        mem[at + i] = (uint8_t)(hdr >> (8 * i));
        mem[at + 4 + i] = (uint8_t)(~hdr >> (8 * i));
    }
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_BAD_HEADER);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-1", 9) == 0);
}

/* Little-endian word at mem[at]. */
static uint32_t mem32(uint32_t at) {
    return (uint32_t)mem[at] | ((uint32_t)mem[at + 1] << 8) | ((uint32_t)mem[at + 2] << 16) | ((uint32_t)mem[at + 3] << 24);
}

static void set_mem32(uint32_t at, uint32_t w) {
    for (int i = 0; i < 4; i++) mem[at + i] = (uint8_t)(w >> (8 * i));
}

/* Give the record at mem[at] sequence number seq, with a matching CRC (as if the store had written it so). */
static void set_record_seq(uint32_t at, uint32_t seq) {
    uint32_t w0 = mem32(at), plen = ((w0 >> 16) & 0xFF) + ((w0 & 0xFFFF) == 0xFFFF ? 0 : (w0 & 0xFFFF));
    set_mem32(at + 8, seq);
    uint32_t crc = store_crc32(0, mem + at, 4);
    crc = store_crc32(crc, mem + at + 8, 4);
    crc = store_crc32(crc, mem + at + 12, plen);
    set_mem32(at + 12 + ((plen + 3) & ~3u), crc);
}

/* The highest sequence number of the committed records in the active page. */
static uint32_t max_seq_in_active(void) {
    uint32_t page = st.active * fr.page_size, off = 16, max = 0;
    while (off + 12 <= fr.page_size && mem32(page + off) != 0xFFFFFFFFu) {
        uint32_t w0 = mem32(page + off), klen = (w0 >> 16) & 0xFF, vlen = w0 & 0xFFFF;
        if (vlen == 0xFFFF) vlen = 0;
        if (mem32(page + off + 8) > max) max = mem32(page + off + 8);
        off += 12 + ((klen + vlen + 3) & ~3u) + 8;
    }
    return max;
}

/* Defect 5: a committed record with sequence number 0xFFFFFFFF made the next one wrap to 0, and later writes
 * read back the old value. Now the page is compacted first (records renumbered from 1). */
static void test_sequence_number_wrap(void) {
    uint8_t buf[16];
    size_t len;
    sim_new(1024);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    REQUIRE(store_write(&st, "a", (const uint8_t *)"other", 5) == STORE_OK);
    REQUIRE(store_write(&st, "prov", (const uint8_t *)"version-1", 9) == STORE_OK);
    set_record_seq(record_offset("prov"), 0xFFFFFFFFu);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-1", 9) == 0);
    CHECK_EQ(store_write(&st, "prov", (const uint8_t *)"version-2", 9), STORE_OK);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-2", 9) == 0);
    CHECK_EQ(store_write(&st, "prov", (const uint8_t *)"version-3", 9), STORE_OK);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 9 && memcmp(buf, "version-3", 9) == 0);
    CHECK_EQ(store_read(&st, "a", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 5 && memcmp(buf, "other", 5) == 0);
    CHECK(max_seq_in_active() < 16);
    /* The store's own numbers stay small: every compaction renumbers from 1, so a page never holds a sequence
     * number above the number of records it can hold (here 1024 / 20 bytes, the smallest record). */
    lcg = 11;
    for (int i = 0; i < 3000; i++) {
        op_t op = random_write(KEYS[rnd() % MAXK], 8);
        REQUIRE(op_run(&st, &op) == STORE_OK);
        REQUIRE(max_seq_in_active() <= 1024 / 20);
    }
    CHECK(st.compactions > 20);
}

/* The same for generations: a page of generation 0xFFFFFFFF compacts to generation 0, and if the old page's
 * erase is interrupted, the new page (0) is still the newer one at open. */
static void test_generation_wrap(void) {
    uint8_t buf[16];
    size_t len;
    sim_new(1024);
    set_mem32(0, 0x5453504Du); /* a page formatted with generation 0xFFFFFFFF (store.h: page header) */
    set_mem32(4, 0xFFFFFFFFu);
    set_mem32(8, 0);
    set_mem32(12, 0xC0DEC0DEu);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    REQUIRE(store_write(&st, "prov", (const uint8_t *)"old", 3) == STORE_OK);
    while (st.compactions == 0) {
        memcpy(snap, mem, fr.page_size);
        REQUIRE(store_write(&st, "a", (const uint8_t *)"filler-filler", 13) == STORE_OK);
    }
    REQUIRE(st.active == 1);
    REQUIRE(store_write(&st, "prov", (const uint8_t *)"new", 3) == STORE_OK);
    memcpy(mem, snap, fr.page_size); /* page 0 as it was: its erase never happened */
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_STALE_PAGE);
    CHECK_EQ(st.active, 1);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 3 && memcmp(buf, "new", 3) == 0);
}

static void test_garbage_pages(void) {
    uint8_t buf[16];
    size_t len;
    /* Both pages garbage: nothing is trusted, the store is formatted. */
    sim_new(1024);
    lcg = 99;
    for (uint32_t i = 0; i < 2048; i++) mem[i] = (uint8_t)rnd();
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK(st.report.issues & STORE_ISSUE_GARBAGE_PAGE);
    CHECK(st.report.issues & STORE_ISSUE_FORMATTED);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_ERR_NOT_FOUND);
    CHECK_EQ(store_write(&st, "prov", (const uint8_t *)"ok", 2), STORE_OK);
    /* The other page garbage, the active one fine: the data stays, the garbage page is erased. */
    uint32_t other = (1u - st.active) * 1024u;
    for (uint32_t i = 0; i < 1024; i++) mem[other + i] = (uint8_t)rnd();
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, STORE_ISSUE_GARBAGE_PAGE);
    CHECK_EQ(st.report.erased_pages, 1);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 2 && memcmp(buf, "ok", 2) == 0);
    /* A page header with a plausible magic but a bad generation check is garbage too. */
    other = (1u - st.active) * 1024u;
    memset(mem + other, 0xFF, 1024);
    memcpy(mem + other, "MPST\x05\0\0\0\x05\0\0\0", 12);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, STORE_ISSUE_GARBAGE_PAGE);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    /* Garbage after the last record of the active page: kept out of, never trusted. */
    uint32_t act = st.active * 1024u;
    mem[act + 1000] = 0x12;
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, STORE_ISSUE_DIRTY_TAIL);
    CHECK_EQ(store_write(&st, "prov", (const uint8_t *)"ok2", 3), STORE_OK);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    CHECK_EQ(st.report.issues, 0);
    CHECK_EQ(store_read(&st, "prov", buf, sizeof buf, &len), STORE_OK);
    CHECK(len == 3 && memcmp(buf, "ok2", 3) == 0);
}

/* ------------------------------------------------------------------ power loss */

typedef struct sweep_stats {
    long cuts, old_seen, new_seen, double_cuts, ops;
    uint32_t compactions; /* in the clean run of the op */
} sweep_stats_t;

/*
 * From the flash image `start` (whose content is the model `before`), run `op` once cleanly to count its flash
 * operations N; then for every k < N (and a few random partial effects each) cut the power at operation k,
 * reboot, open, and check that the store holds exactly `before` or `before + op`; then cut again at every
 * operation of that recovery, and check the outcome did not change; then finish with a clean op.
 */
static void sweep(const uint8_t *start, const model_t *before, const op_t *op, int seeds, sweep_stats_t *stats) {
    model_t after = *before;
    op_apply(&after, op);
    sim_restore(start);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    REQUIRE(store_matches(&st, before));
    long base_ops = fr.ops;
    REQUIRE(op_run(&st, op) == STORE_OK);
    long n = fr.ops - base_ops;
    stats->ops = n;
    stats->compactions = st.compactions;
    REQUIRE(store_matches(&st, &after));
    for (long k = 0; k < n; k++) {
        for (int seed = 0; seed < seeds; seed++) {
            sim_restore(start);
            fr.rng = 0x2545F491u * (uint32_t)(k * 31 + seed + 1);
            REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
            fr.cut_at = fr.ops + k;
            int rc = op_run(&st, op);
            CHECK_EQ(rc, STORE_ERR_FLASH);
            stats->cuts++;
            memcpy(snap2, mem, 2 * fr.page_size);
            flash_ram_reboot(&fr);
            REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
            int is_new = store_matches(&st, &after), is_old = store_matches(&st, before);
            if (!is_new && !is_old) {
                printf("    cut at operation %ld of %ld (seed %d): neither the old nor the new state\n", k, n, seed);
                CHECK(is_new || is_old);
                return;
            }
            if (is_new) stats->new_seen++;
            if (is_old) stats->old_seen++;
            long recovery_ops = fr.ops;
            /* A second power loss during the recovery: the outcome must not change. */
            for (long j = 0; j < recovery_ops; j++) {
                sim_restore(snap2);
                fr.rng = 0x9E3779B1u * (uint32_t)(j + 7 * k + seed + 3);
                fr.cut_at = j;
                CHECK_EQ(store_open(&st, &dev, BASE), STORE_ERR_FLASH);
                flash_ram_reboot(&fr);
                REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
                stats->double_cuts++;
                if (!store_matches(&st, is_new ? &after : before)) {
                    printf("    cut at %ld, then at recovery operation %ld: the outcome changed\n", k, j);
                    CHECK(0);
                    return;
                }
            }
            /* Life goes on: the op succeeds now and survives a reopen. */
            sim_restore(snap2);
            REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
            REQUIRE(op_run(&st, op) == STORE_OK);
            REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
            if (!store_matches(&st, &after)) {
                printf("    cut at %ld: the op redone after recovery does not read back\n", k);
                CHECK(0);
                return;
            }
            CHECK(fr.max_writes_per_word <= 2);
        }
    }
}

/* Build a store image from ops (clean), keep it in snap, and return the model. */
static void build(uint32_t page_size, const op_t *ops, int nops, model_t *m) {
    sim_new(page_size);
    model_init(m);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    for (int i = 0; i < nops; i++) {
        REQUIRE(op_run(&st, &ops[i]) == STORE_OK);
        op_apply(m, &ops[i]);
    }
    memcpy(snap, mem, 2 * page_size);
}

/* Fill the active page until the next write of `next` needs a compaction. */
static void fill_until_compaction(uint32_t page_size, const op_t *next, model_t *m, int flip_page) {
    sim_new(page_size);
    model_init(m);
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    uint32_t need = 12 + ((uint32_t)(strlen(next->key) + next->len + 3) & ~3u) + 8;
    int i = 0;
    for (;;) {
        op_t op = random_write(KEYS[i++ % 4], 24);
        uint32_t rec = 12 + ((uint32_t)(strlen(op.key) + op.len + 3) & ~3u) + 8;
        /* Keep going while both this record and then `next` still fit without a compaction. */
        if (!flip_page && store_free_bytes(&st) + 20 < rec + need) break;
        REQUIRE(op_run(&st, &op) == STORE_OK);
        op_apply(m, &op);
        if (flip_page && st.compactions >= 1 && store_free_bytes(&st) + 20 < 2 * (rec + need)) flip_page = 0;
    }
    /* Pad with small writes of one key until `next` no longer fits. */
    while (store_free_bytes(&st) + 20 >= need) {
        op_t op = random_write("x", 0);
        REQUIRE(op_run(&st, &op) == STORE_OK);
        op_apply(m, &op);
    }
    memcpy(snap, mem, 2 * page_size);
}

static void test_power_loss_first_write(void) {
    sweep_stats_t s = {0, 0, 0, 0, 0, 0};
    model_t m;
    build(4096, NULL, 0, &m);
    op_t op = random_write("prov", 42);
    op.len = 42;
    sweep(snap, &m, &op, 4, &s);
    CHECK(s.old_seen > 0 && s.new_seen > 0);
    printf("    %ld flash operations, %ld cuts (%ld old, %ld new), %ld double cuts\n", s.ops, s.cuts, s.old_seen, s.new_seen, s.double_cuts);
}

static void test_power_loss_overwrite(void) {
    sweep_stats_t s = {0, 0, 0, 0, 0, 0};
    model_t m;
    op_t ops[3] = {random_write("prov", 42), random_write("a", 10), random_write("prov", 42)};
    build(4096, ops, 3, &m);
    op_t op = random_write("prov", 42);
    op.len = 42;
    sweep(snap, &m, &op, 4, &s);
    CHECK(s.old_seen > 0 && s.new_seen > 0);
    printf("    %ld flash operations, %ld cuts (%ld old, %ld new), %ld double cuts\n", s.ops, s.cuts, s.old_seen, s.new_seen, s.double_cuts);
}

static void test_power_loss_remove(void) {
    sweep_stats_t s = {0, 0, 0, 0, 0, 0};
    model_t m;
    op_t ops[2] = {random_write("prov", 42), random_write("a", 10)};
    build(4096, ops, 2, &m);
    op_t op;
    memset(&op, 0, sizeof op);
    op.remove = 1;
    op.key = "prov";
    sweep(snap, &m, &op, 4, &s);
    CHECK(s.old_seen > 0 && s.new_seen > 0);
    printf("    %ld flash operations, %ld cuts (%ld old, %ld new), %ld double cuts\n", s.ops, s.cuts, s.old_seen, s.new_seen, s.double_cuts);
}

static void test_power_loss_during_compaction_4k(void) {
    sweep_stats_t s = {0, 0, 0, 0, 0, 0};
    model_t m;
    lcg = 1234;
    op_t op = random_write("prov", 42);
    op.len = 42;
    fill_until_compaction(4096, &op, &m, 0);
    sweep(snap, &m, &op, 3, &s);
    CHECK_EQ(s.compactions, 1);
    CHECK(s.old_seen > 0 && s.new_seen > 0);
    printf("    %ld flash operations, %ld cuts (%ld old, %ld new), %ld double cuts\n", s.ops, s.cuts, s.old_seen, s.new_seen, s.double_cuts);
}

static void test_power_loss_during_compaction_back_to_page0(void) {
    sweep_stats_t s = {0, 0, 0, 0, 0, 0};
    model_t m;
    lcg = 555;
    op_t op = random_write("a", 30);
    fill_until_compaction(512, &op, &m, 1);
    REQUIRE(st.active == 1);
    sweep(snap, &m, &op, 4, &s);
    CHECK_EQ(s.compactions, 1);
    CHECK(s.old_seen > 0 && s.new_seen > 0);
    printf("    %ld flash operations, %ld cuts (%ld old, %ld new), %ld double cuts\n", s.ops, s.cuts, s.old_seen, s.new_seen, s.double_cuts);
}

static void test_power_loss_remove_during_compaction(void) {
    sweep_stats_t s = {0, 0, 0, 0, 0, 0};
    model_t m;
    lcg = 77;
    op_t op;
    memset(&op, 0, sizeof op);
    op.remove = 1;
    op.key = "seq";
    fill_until_compaction(512, &op, &m, 0);
    REQUIRE(model_get(&m, "seq")->present);
    sweep(snap, &m, &op, 4, &s);
    CHECK_EQ(s.compactions, 1);
    CHECK(s.old_seen > 0 && s.new_seen > 0);
    printf("    %ld flash operations, %ld cuts (%ld old, %ld new), %ld double cuts\n", s.ops, s.cuts, s.old_seen, s.new_seen, s.double_cuts);
}

static void test_power_loss_during_format(void) {
    /* Cut during the very first open (format): the store comes up empty, whatever happened. */
    model_t empty;
    model_init(&empty);
    for (long k = 0; k < 8; k++) {
        sim_new(1024);
        fr.cut_at = k;
        int rc = store_open(&st, &dev, BASE);
        flash_ram_reboot(&fr);
        REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
        CHECK(store_matches(&st, &empty));
        if (rc == STORE_OK) break;
    }
}

/* Random operations with random power cuts: the model follows old or new each time, never anything else. */
static void random_sequence(uint32_t page_size, uint32_t seed, int steps) {
    model_t m;
    long cuts = 0;
    sim_new(page_size);
    model_init(&m);
    lcg = seed;
    REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
    for (int i = 0; i < steps; i++) {
        op_t op = random_write(KEYS[rnd() % MAXK], 48);
        if (rnd() % 5 == 0) op.remove = 1;
        model_t after = m;
        op_apply(&after, &op);
        if (rnd() % 3 == 0) {
            fr.rng = rnd() | 1u;
            fr.cut_at = fr.ops + (long)(rnd() % 40);
        }
        int rc = op_run(&st, &op);
        if (rc == STORE_OK) {
            m = after;
            fr.cut_at = -1;
        } else {
            REQUIRE(rc == STORE_ERR_FLASH);
            cuts++;
            flash_ram_reboot(&fr);
            REQUIRE(store_open(&st, &dev, BASE) == STORE_OK);
            if (store_matches(&st, &after)) {
                m = after;
            } else if (!store_matches(&st, &m)) {
                printf("    step %d: after a cut, neither old nor new\n", i);
                CHECK(0);
                return;
            }
        }
        if (!store_matches(&st, &m)) {
            printf("    step %d: store does not match the model\n", i);
            CHECK(0);
            return;
        }
    }
    CHECK(cuts > steps / 10);
    CHECK(fr.max_writes_per_word <= 2);
    printf("    page %u: %d operations, %ld cuts\n", page_size, steps, cuts);
}

static void test_power_loss_random_sequence(void) {
    random_sequence(512, 4242, 6000);
    random_sequence(1024, 99, 6000);
    random_sequence(4096, 7, 6000);
}

int main(void) {
    RUN(test_crc32_vector);
    RUN(test_fresh_store_formats_and_is_empty);
    RUN(test_write_read_overwrite_remove);
    RUN(test_bad_arguments);
    RUN(test_full_store_reports_full);
    RUN(test_compaction_keeps_live_records);
    RUN(test_prov_record_roundtrip);
    RUN(test_bad_crc_is_ignored);
    RUN(test_bad_crc_single_version_reads_not_found);
    RUN(test_truncated_record_is_ignored);
    RUN(test_bad_record_header_is_ignored);
    RUN(test_sequence_number_wrap);
    RUN(test_generation_wrap);
    RUN(test_garbage_pages);
    RUN(test_power_loss_first_write);
    RUN(test_power_loss_overwrite);
    RUN(test_power_loss_remove);
    RUN(test_power_loss_during_compaction_4k);
    RUN(test_power_loss_during_compaction_back_to_page0);
    RUN(test_power_loss_remove_during_compaction);
    RUN(test_power_loss_during_format);
    RUN(test_power_loss_random_sequence);
    return test_summary();
}
