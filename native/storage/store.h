/*
 * Power-loss-safe record storage on two flash pages.
 *
 * A small key/value store (keys: NUL-terminated strings of 1..STORE_MAX_KEY bytes; values: 0..STORE_MAX_VALUE
 * bytes) kept in two flash pages, so that a reset or power loss at any moment leaves, for every key, either the
 * old or the new value, never a mix and never a corrupted value. It backs the provisioning data record
 * (prov_record.h) and the TypeScript Storage interface (modules/platform.ts) on the device.
 *
 * Layout (all words little-endian 32-bit, see docs/firmware.md "Record storage"):
 *
 *   page header   w0 PAGE_MAGIC   w1 generation   w2 ~generation   w3 COMPLETE marker (written last)
 *   record        w0 header (tag 0x5A | key length | value length)   w1 ~header   w2 sequence number
 *                 key bytes, value bytes (padded with 0xFF to a word)  CRC32 word   COMMIT marker (written last)
 *
 * Writes append a record to the active page; the record counts only once its COMMIT marker is there and its
 * CRC32 matches. When the page is full, the live records are copied (renumbered 1, 2, ..., so sequence numbers
 * never wrap) to the other page, whose COMPLETE marker is written once the copy is done, and only then is the
 * older page erased. At open, the complete page with the newer generation (the other's + 1, mod 2^32) is the
 * active one; anything else (an interrupted copy, an older page whose erase was interrupted, garbage) is
 * erased, and what was ignored is reported in store_report_t. A page whose sequence numbers are too close to
 * 2^32 for its free space is compacted (renumbered) before the next write.
 */
#ifndef MESHPROV_STORE_H
#define MESHPROV_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "flash.h"

#define STORE_MAX_KEY 64 /* as the XS host runtime's storage (native/xs/natives/host/storage_xs.c) */
#define STORE_MAX_VALUE 1024

/* Results. Negative values are errors. */
typedef enum {
    STORE_OK = 0,
    STORE_ERR_NOT_FOUND = -1, /* no value for that key (never written, or removed) */
    STORE_ERR_ARG = -2,       /* bad argument: NULL, empty or too long key, value too long */
    STORE_ERR_FULL = -3,      /* the live records and the new one do not fit in one page */
    STORE_ERR_FLASH = -4,     /* the flash backend failed (power lost, verify failed): state unchanged on flash */
    STORE_ERR_NOT_OPEN = -5,  /* store_open has not succeeded */
    STORE_ERR_BUFFER = -6,    /* the caller's buffer is too small: *len tells the value's length */
    STORE_ERR_GEOMETRY = -7   /* page size unusable (must be a multiple of 4, 256..65536) */
} store_status_t;

/* What the scan at store_open found and did not trust (bit flags in store_report_t.issues). */
enum {
    STORE_ISSUE_BAD_CRC = 1u << 0,        /* a committed record whose CRC32 does not match: ignored */
    STORE_ISSUE_TRUNCATED = 1u << 1,      /* a record without a valid COMMIT marker (interrupted write): ignored */
    STORE_ISSUE_BAD_HEADER = 1u << 2,     /* a record header that does not check: it and the rest of the page ignored */
    STORE_ISSUE_DIRTY_TAIL = 1u << 3,     /* the space after the last record is not erased: not written to again */
    STORE_ISSUE_GARBAGE_PAGE = 1u << 4,   /* a page neither erased nor holding a valid page header: erased */
    STORE_ISSUE_INTERRUPTED_COPY = 1u << 5, /* a page whose compaction copy was interrupted: erased, the source kept */
    STORE_ISSUE_STALE_PAGE = 1u << 6,     /* an older complete page (its erase was interrupted): erased */
    STORE_ISSUE_FORMATTED = 1u << 7       /* no valid page: the store was formatted (empty) */
};

typedef struct store_report {
    uint32_t issues;          /* STORE_ISSUE_* bits */
    uint32_t ignored_records; /* records not trusted (bad CRC, truncated, bad header) */
    uint32_t erased_pages;    /* pages erased during recovery or formatting */
} store_report_t;

typedef struct store {
    const flash_dev_t *flash;
    uint32_t base;      /* address of page 0; page 1 follows at base + page_size */
    uint32_t gen;       /* generation of the active page */
    uint32_t next_seq;  /* sequence number of the next record */
    uint32_t write_off; /* offset of the first free word in the active page */
    uint32_t compactions;
    uint8_t active;     /* 0 or 1 */
    uint8_t sealed;     /* the active page takes no more records: the next write compacts first */
    uint8_t is_open;
    store_report_t report;
} store_t;

/* Open (and if needed recover or format) the store in the two pages at base and base + page_size. */
int store_open(store_t *s, const flash_dev_t *flash, uint32_t base);

/* Read the value of key into out (capacity cap). *len receives the value's length (also on STORE_ERR_BUFFER). */
int store_read(store_t *s, const char *key, uint8_t *out, size_t cap, size_t *len);

/* Write (replace) the value of key atomically. len may be 0. */
int store_write(store_t *s, const char *key, const uint8_t *value, size_t len);

/* Remove key (atomically). Removing a missing key is STORE_OK. */
int store_remove(store_t *s, const char *key);

/* Bytes still free in the active page (before the next compaction). */
uint32_t store_free_bytes(const store_t *s);

/* A short English name for a store_status_t value, for logs. */
const char *store_strerror(int status);

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), as used by the records. Chainable: start with crc = 0. */
uint32_t store_crc32(uint32_t crc, const void *data, size_t len);

#endif
