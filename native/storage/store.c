/* Power-loss-safe record storage on two flash pages: see store.h for the layout and the guarantees. */
#include "store.h"

#include <string.h>

#define PAGE_MAGIC 0x5453504Du /* "MPST" little-endian */
#define PAGE_COMPLETE 0xC0DEC0DEu
#define REC_COMMIT 0x0000A55Au
#define REC_TAG 0x5Au
#define REC_TOMBSTONE 0xFFFFu
#define PAGE_HDR_BYTES 16u
#define ERASED 0xFFFFFFFFu
#define REC_MIN_BYTES 20u /* header, ~header, sequence, a 1-byte key padded to a word, CRC32, COMMIT */

/* Outcome of parsing one record. */
enum { REC_OK, REC_END, REC_BAD_HEADER, REC_TRUNCATED, REC_BAD_CRC, REC_FLASH };

typedef struct rec {
    uint32_t off;   /* offset of w0 in the page */
    uint32_t bytes; /* whole record, header to COMMIT */
    uint32_t header;
    uint32_t seq;
    uint8_t klen;
    uint16_t vlen; /* REC_TOMBSTONE for a removal */
} rec_t;

/* ---------------------------------------------------------------- CRC-32 */

uint32_t store_crc32(uint32_t crc, const void *data, size_t len) {
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

const char *store_strerror(int status) {
    switch (status) {
    case STORE_OK: return "ok";
    case STORE_ERR_NOT_FOUND: return "not found";
    case STORE_ERR_ARG: return "bad argument";
    case STORE_ERR_FULL: return "store full";
    case STORE_ERR_FLASH: return "flash operation failed";
    case STORE_ERR_NOT_OPEN: return "store not open";
    case STORE_ERR_BUFFER: return "buffer too small";
    case STORE_ERR_GEOMETRY: return "unusable page size";
    default: return "unknown store status";
    }
}

/* ---------------------------------------------------------------- flash helpers */

static uint32_t page_addr(const store_t *s, unsigned page) { return s->base + page * s->flash->page_size; }

static int rd(const store_t *s, unsigned page, uint32_t off, void *out, uint32_t len) {
    return s->flash->read(s->flash->ctx, page_addr(s, page) + off, out, len) == FLASH_OK ? STORE_OK : STORE_ERR_FLASH;
}

static int rd32(const store_t *s, unsigned page, uint32_t off, uint32_t *w) {
    uint8_t b[4];
    if (rd(s, page, off, b, 4) != STORE_OK) return STORE_ERR_FLASH;
    *w = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    return STORE_OK;
}

/* Program one word and read it back. */
static int prog(const store_t *s, unsigned page, uint32_t off, uint32_t w) {
    uint32_t back;
    if (s->flash->program_word(s->flash->ctx, page_addr(s, page) + off, w) != FLASH_OK) return STORE_ERR_FLASH;
    if (rd32(s, page, off, &back) != STORE_OK || back != w) return STORE_ERR_FLASH;
    return STORE_OK;
}

static int erase(store_t *s, unsigned page) {
    return s->flash->erase_page(s->flash->ctx, page_addr(s, page)) == FLASH_OK ? STORE_OK : STORE_ERR_FLASH;
}

static void put32(uint8_t *b, uint32_t w) {
    b[0] = (uint8_t)w;
    b[1] = (uint8_t)(w >> 8);
    b[2] = (uint8_t)(w >> 16);
    b[3] = (uint8_t)(w >> 24);
}

/* 1 when every word of [off, page end) is erased, 0 when not, <0 on a flash error. */
static int is_blank(const store_t *s, unsigned page, uint32_t off) {
    uint32_t words[16]; /* compared a word at a time: this scan is most of a first boot's store work */
    uint8_t *buf = (uint8_t *)words;
    uint32_t end = s->flash->page_size;
    while (off < end) {
        uint32_t n = end - off < sizeof words ? end - off : (uint32_t)sizeof words;
        uint32_t i = 0;
        if (rd(s, page, off, buf, n) != STORE_OK) return STORE_ERR_FLASH;
        for (; i + 4 <= n; i += 4)
            if (words[i / 4] != 0xFFFFFFFFu) return 0;
        for (; i < n; i++)
            if (buf[i] != 0xFF) return 0;
        off += n;
    }
    return 1;
}

/* ---------------------------------------------------------------- records */

static uint32_t rec_bytes(uint8_t klen, uint16_t vlen) {
    uint32_t payload = (uint32_t)klen + (vlen == REC_TOMBSTONE ? 0u : vlen);
    return 12u + ((payload + 3u) & ~3u) + 8u;
}

static uint32_t payload_len(const rec_t *r) { return (uint32_t)r->klen + (r->vlen == REC_TOMBSTONE ? 0u : r->vlen); }

/* Parse the record at off in page, within [off, limit). Checks header, CRC32 and COMMIT. */
static int rec_parse(const store_t *s, unsigned page, uint32_t off, uint32_t limit, rec_t *r) {
    uint32_t w0, w1, crc_stored, commit;
    uint8_t hdr[8], buf[64];
    r->off = off;
    if (off + 4u > limit) return REC_END;
    if (rd32(s, page, off, &w0) != STORE_OK) return REC_FLASH;
    if (w0 == ERASED) return REC_END;
    if (off + 12u > limit) return REC_BAD_HEADER;
    if (rd32(s, page, off + 4, &w1) != STORE_OK || rd32(s, page, off + 8, &r->seq) != STORE_OK) return REC_FLASH;
    r->header = w0;
    r->klen = (uint8_t)(w0 >> 16);
    r->vlen = (uint16_t)w0;
    if ((w0 >> 24) != REC_TAG || w1 != ~w0 || r->klen == 0 || r->klen > STORE_MAX_KEY ||
        (r->vlen != REC_TOMBSTONE && r->vlen > STORE_MAX_VALUE))
        return REC_BAD_HEADER;
    r->bytes = rec_bytes(r->klen, r->vlen);
    if (r->bytes > limit - off) return REC_BAD_HEADER;
    if (rd32(s, page, off + r->bytes - 8, &crc_stored) != STORE_OK ||
        rd32(s, page, off + r->bytes - 4, &commit) != STORE_OK)
        return REC_FLASH;
    if (commit != REC_COMMIT) return REC_TRUNCATED;
    put32(hdr, w0);
    put32(hdr + 4, r->seq);
    uint32_t crc = store_crc32(0, hdr, 8);
    uint32_t left = payload_len(r), pos = off + 12;
    while (left) {
        uint32_t n = left < sizeof buf ? left : (uint32_t)sizeof buf;
        if (rd(s, page, pos, buf, n) != STORE_OK) return REC_FLASH;
        crc = store_crc32(crc, buf, n);
        pos += n;
        left -= n;
    }
    return crc == crc_stored ? REC_OK : REC_BAD_CRC;
}

/* 1 when record r in page carries key (length klen), 0 when not, <0 on a flash error. */
static int rec_key_is(const store_t *s, unsigned page, const rec_t *r, const char *key, size_t klen) {
    uint8_t buf[STORE_MAX_KEY];
    if (r->klen != klen) return 0;
    if (rd(s, page, r->off + 12, buf, r->klen) != STORE_OK) return STORE_ERR_FLASH;
    return memcmp(buf, key, klen) == 0;
}

/*
 * Sequence numbers never wrap: a compaction renumbers the records it copies 1, 2, ..., each append takes the
 * next number, and a page holds at most page_size / REC_MIN_BYTES records, so the store itself never writes a
 * number above that (3,276 for the largest page). A page found at open with a number so high that its free
 * space could make the next ones wrap (records of older firmware, or a damaged record whose CRC happens to
 * match) is sealed: the next write compacts, and renumbers, first. So a plain comparison is enough (and
 * transitive, unlike serial arithmetic, whatever a damaged record carries); only CRC-checked records count.
 */
static int seq_after(uint32_t a, uint32_t b) { return a > b; }

/* Of two complete pages, 1 when page 1 is the newer. A compaction gives its target the source's generation + 1
 * (mod 2^32: 0xFFFFFFFF is followed by 0 like any other step), so that relation decides; two generations
 * without it (damage) fall back to the larger. */
static int page1_newer(uint32_t gen0, uint32_t gen1) {
    if (gen1 == gen0 + 1u) return 1;
    if (gen0 == gen1 + 1u) return 0;
    return gen1 > gen0;
}

/* Find the newest valid record for key in the active page. */
static int find(const store_t *s, const char *key, size_t klen, rec_t *found) {
    rec_t r;
    int have = 0;
    uint32_t off = PAGE_HDR_BYTES;
    for (;;) {
        int st = rec_parse(s, s->active, off, s->write_off, &r);
        if (st == REC_FLASH) return STORE_ERR_FLASH;
        if (st == REC_END || st == REC_BAD_HEADER || st == REC_TRUNCATED) break;
        if (st == REC_OK) {
            int m = rec_key_is(s, s->active, &r, key, klen);
            if (m < 0) return m;
            if (m && (!have || seq_after(r.seq, found->seq))) {
                *found = r;
                have = 1;
            }
        }
        off += r.bytes;
    }
    return have ? STORE_OK : STORE_ERR_NOT_FOUND;
}

/* ---------------------------------------------------------------- page headers */

typedef struct page_state {
    int valid;    /* magic and generation check */
    int complete; /* COMPLETE marker present */
    int blank;    /* all erased */
    uint32_t gen;
} page_state_t;

static int page_state(const store_t *s, unsigned page, page_state_t *ps) {
    uint32_t w[4];
    for (int i = 0; i < 4; i++)
        if (rd32(s, page, (uint32_t)i * 4u, &w[i]) != STORE_OK) return STORE_ERR_FLASH;
    ps->valid = w[0] == PAGE_MAGIC && w[2] == ~w[1];
    ps->complete = ps->valid && w[3] == PAGE_COMPLETE;
    ps->gen = w[1];
    int b = is_blank(s, page, 0);
    if (b < 0) return b;
    ps->blank = b;
    return STORE_OK;
}

static int write_page_header(store_t *s, unsigned page, uint32_t gen) {
    int st;
    if ((st = prog(s, page, 0, PAGE_MAGIC)) != STORE_OK) return st;
    if ((st = prog(s, page, 4, gen)) != STORE_OK) return st;
    return prog(s, page, 8, ~gen);
}

/* Scan the active page: where records end, whether new ones may follow, the next sequence number. */
static int scan_active(store_t *s) {
    rec_t r;
    uint32_t off = PAGE_HDR_BYTES, max_seq = 0;
    s->sealed = 0;
    for (;;) {
        int st = rec_parse(s, s->active, off, s->flash->page_size, &r);
        if (st == REC_FLASH) return STORE_ERR_FLASH;
        if (st == REC_END) break;
        if (st == REC_BAD_HEADER) {
            s->report.issues |= STORE_ISSUE_BAD_HEADER;
            s->report.ignored_records++;
            s->sealed = 1;
            break;
        }
        if (st == REC_OK && seq_after(r.seq, max_seq)) max_seq = r.seq;
        if (st == REC_TRUNCATED) {
            /* The interrupted write of the last record: nothing was written after it. */
            s->report.issues |= STORE_ISSUE_TRUNCATED;
            s->report.ignored_records++;
            s->sealed = 1;
            off += r.bytes;
            break;
        }
        if (st == REC_BAD_CRC) {
            s->report.issues |= STORE_ISSUE_BAD_CRC;
            s->report.ignored_records++;
            s->sealed = 1;
        }
        off += r.bytes;
    }
    s->write_off = off;
    if (!s->sealed) {
        int b = is_blank(s, s->active, off);
        if (b < 0) return b;
        if (!b) {
            s->report.issues |= STORE_ISSUE_DIRTY_TAIL;
            s->sealed = 1;
        }
    }
    /* Room for the page's remaining records below 2^32, or the next write compacts (and renumbers) first. */
    if (max_seq > UINT32_MAX - s->flash->page_size / REC_MIN_BYTES) s->sealed = 1;
    s->next_seq = max_seq + 1u;
    return STORE_OK;
}

/* ---------------------------------------------------------------- open / recovery */

int store_open(store_t *s, const flash_dev_t *flash, uint32_t base) {
    page_state_t ps[2];
    int st;
    if (!s || !flash || !flash->erase_page || !flash->program_word || !flash->read) return STORE_ERR_ARG;
    memset(s, 0, sizeof *s);
    if (flash->page_size % 4u || flash->page_size < 256u || flash->page_size > 65536u) return STORE_ERR_GEOMETRY;
    s->flash = flash;
    s->base = base;
    for (unsigned p = 0; p < 2; p++)
        if ((st = page_state(s, p, &ps[p])) != STORE_OK) return st;

    int active = -1;
    if (ps[0].complete && ps[1].complete)
        active = page1_newer(ps[0].gen, ps[1].gen);
    else if (ps[0].complete)
        active = 0;
    else if (ps[1].complete)
        active = 1;

    if (active < 0) {
        /* No complete page: nothing was ever committed (a compaction keeps its source complete until the copy
         * is complete). Format page 0. */
        uint32_t gen = 1;
        for (unsigned p = 0; p < 2; p++) {
            if (ps[p].valid && !seq_after(gen, ps[p].gen)) gen = ps[p].gen + 1u;
            if (!ps[p].blank) s->report.issues |= ps[p].valid ? STORE_ISSUE_INTERRUPTED_COPY : STORE_ISSUE_GARBAGE_PAGE;
        }
        s->report.issues |= STORE_ISSUE_FORMATTED;
        if (!ps[1].blank) {
            if ((st = erase(s, 1)) != STORE_OK) return st;
            s->report.erased_pages++;
        }
        /* Page 0 is erased even when it reads blank: an interrupted erase may have left it weakly erased. */
        if ((st = erase(s, 0)) != STORE_OK) return st;
        if (!ps[0].blank) s->report.erased_pages++;
        if ((st = write_page_header(s, 0, gen)) != STORE_OK) return st;
        if ((st = prog(s, 0, 12, PAGE_COMPLETE)) != STORE_OK) return st;
        active = 0;
        ps[0].gen = gen;
    } else {
        unsigned other = (unsigned)(1 - active);
        if (!ps[other].blank) {
            if (ps[other].complete)
                s->report.issues |= STORE_ISSUE_STALE_PAGE;
            else if (ps[other].valid)
                s->report.issues |= STORE_ISSUE_INTERRUPTED_COPY;
            else
                s->report.issues |= STORE_ISSUE_GARBAGE_PAGE;
            if ((st = erase(s, other)) != STORE_OK) return st;
            s->report.erased_pages++;
        }
    }
    s->active = (uint8_t)active;
    s->gen = ps[active].gen;
    if ((st = scan_active(s)) != STORE_OK) return st;
    s->is_open = 1;
    return STORE_OK;
}

/* ---------------------------------------------------------------- writing */

/*
 * Copy the record r of page src to page dst at offset t with sequence number seq: header, ~header, seq, the key
 * and value words as they are, the CRC32 for seq, then COMMIT. The bytes copied are checked once more against
 * the source's CRC32 (a flash that reads back differently now is an error, not a record blessed with a new CRC).
 */
static int copy_record(store_t *s, unsigned src, unsigned dst, const rec_t *r, uint32_t t, uint32_t seq) {
    uint8_t hdr[8], w[4];
    uint32_t crc_old, crc_new, stored, left = payload_len(r);
    int st;
    put32(hdr, r->header);
    put32(hdr + 4, r->seq);
    crc_old = store_crc32(0, hdr, 8);
    put32(hdr + 4, seq);
    crc_new = store_crc32(0, hdr, 8);
    if ((st = prog(s, dst, t, r->header)) != STORE_OK) return st;
    if ((st = prog(s, dst, t + 4u, ~r->header)) != STORE_OK) return st;
    if ((st = prog(s, dst, t + 8u, seq)) != STORE_OK) return st;
    for (uint32_t i = 12u; i + 8u < r->bytes; i += 4u) {
        uint32_t n = left < 4u ? left : 4u;
        if (rd(s, src, r->off + i, w, 4) != STORE_OK) return STORE_ERR_FLASH;
        crc_old = store_crc32(crc_old, w, n);
        crc_new = store_crc32(crc_new, w, n);
        left -= n;
        uint32_t word = (uint32_t)w[0] | ((uint32_t)w[1] << 8) | ((uint32_t)w[2] << 16) | ((uint32_t)w[3] << 24);
        if (word != ERASED && (st = prog(s, dst, t + i, word)) != STORE_OK) return st;
    }
    if (rd32(s, src, r->off + r->bytes - 8u, &stored) != STORE_OK || stored != crc_old) return STORE_ERR_FLASH;
    if ((st = prog(s, dst, t + r->bytes - 8u, crc_new)) != STORE_OK) return st;
    return prog(s, dst, t + r->bytes - 4u, REC_COMMIT);
}

/* 1 when a later valid record in page (after r, before limit) carries the same key. */
static int superseded(const store_t *s, unsigned page, const rec_t *r, uint32_t limit) {
    char key[STORE_MAX_KEY];
    rec_t q;
    if (rd(s, page, r->off + 12, key, r->klen) != STORE_OK) return STORE_ERR_FLASH;
    for (uint32_t off = r->off + r->bytes;;) {
        int st = rec_parse(s, page, off, limit, &q);
        if (st == REC_FLASH) return STORE_ERR_FLASH;
        if (st == REC_END || st == REC_BAD_HEADER || st == REC_TRUNCATED) return 0;
        if (st == REC_OK && seq_after(q.seq, r->seq)) {
            int m = rec_key_is(s, page, &q, key, r->klen);
            if (m != 0) return m;
        }
        off += q.bytes;
    }
}

/*
 * Copy the live records to the other page, renumbered 1, 2, ... (one record per key there, so their order
 * does not matter), and make it the active one. Order (each step power-loss safe): erase target; header
 * (magic, gen+1, ~gen); live records, each with its COMMIT last; COMPLETE marker; erase source. Until COMPLETE
 * is written the source stays the active page; after it, the target is.
 */
static int compact(store_t *s) {
    unsigned src = s->active, dst = 1u - s->active;
    uint32_t gen = s->gen + 1u, t = PAGE_HDR_BYTES, seq = 1;
    rec_t r;
    int st;
    s->compactions++;
    if ((st = erase(s, dst)) != STORE_OK) return st;
    if ((st = write_page_header(s, dst, gen)) != STORE_OK) return st;
    for (uint32_t off = PAGE_HDR_BYTES;;) {
        st = rec_parse(s, src, off, s->write_off, &r);
        if (st == REC_FLASH) return STORE_ERR_FLASH;
        if (st == REC_END || st == REC_BAD_HEADER || st == REC_TRUNCATED) break;
        if (st == REC_OK && r.vlen != REC_TOMBSTONE) {
            int sup = superseded(s, src, &r, s->write_off);
            if (sup < 0) return sup;
            if (!sup) {
                if ((st = copy_record(s, src, dst, &r, t, seq++)) != STORE_OK) return st;
                t += r.bytes;
            }
        }
        off += r.bytes;
    }
    if ((st = prog(s, dst, 12, PAGE_COMPLETE)) != STORE_OK) return st;
    s->active = (uint8_t)dst;
    s->gen = gen;
    s->write_off = t;
    s->next_seq = seq;
    s->sealed = 0;
    return erase(s, src);
}

/* Append one record (value NULL and vlen REC_TOMBSTONE for a removal), compacting first when needed. */
static int append(store_t *s, const char *key, size_t klen, const uint8_t *value, uint16_t vlen) {
    uint32_t need = rec_bytes((uint8_t)klen, vlen);
    int st;
    if (s->sealed || need > s->flash->page_size - s->write_off) {
        if ((st = compact(s)) != STORE_OK) {
            s->sealed = 1;
            return st;
        }
        if (need > s->flash->page_size - s->write_off) return STORE_ERR_FULL;
    }
    unsigned page = s->active;
    uint32_t off = s->write_off;
    uint32_t header = ((uint32_t)REC_TAG << 24) | ((uint32_t)klen << 16) | vlen;
    uint32_t seq = s->next_seq;
    uint8_t hdr[8], w[4];
    put32(hdr, header);
    put32(hdr + 4, seq);
    uint32_t crc = store_crc32(0, hdr, 8);
    crc = store_crc32(crc, key, klen);
    uint32_t vbytes = vlen == REC_TOMBSTONE ? 0u : vlen;
    if (vbytes) crc = store_crc32(crc, value, vbytes);

    /* From here on any failure leaves a partial record: the page takes no more records. */
    s->sealed = 1;
    if ((st = prog(s, page, off, header)) != STORE_OK) return st;
    if ((st = prog(s, page, off + 4, ~header)) != STORE_OK) return st;
    if ((st = prog(s, page, off + 8, seq)) != STORE_OK) return st;
    uint32_t total = (uint32_t)klen + vbytes, pos = off + 12;
    for (uint32_t i = 0; i < total; i += 4u) {
        for (uint32_t j = 0; j < 4u; j++) {
            uint32_t k = i + j;
            w[j] = k < klen ? (uint8_t)key[k] : k < total ? value[k - klen] : 0xFFu;
        }
        uint32_t word = (uint32_t)w[0] | ((uint32_t)w[1] << 8) | ((uint32_t)w[2] << 16) | ((uint32_t)w[3] << 24);
        if (word != ERASED && (st = prog(s, page, pos, word)) != STORE_OK) return st;
        pos += 4u;
    }
    if ((st = prog(s, page, pos, crc)) != STORE_OK) return st;
    if ((st = prog(s, page, pos + 4u, REC_COMMIT)) != STORE_OK) return st;
    s->sealed = 0;
    s->write_off = off + need;
    s->next_seq = seq + 1u;
    return STORE_OK;
}

static int check_key(const store_t *s, const char *key, size_t *klen) {
    if (!s || !s->is_open) return STORE_ERR_NOT_OPEN;
    if (!key) return STORE_ERR_ARG;
    size_t n = 0;
    while (n <= STORE_MAX_KEY && key[n]) n++;
    if (n == 0 || n > STORE_MAX_KEY) return STORE_ERR_ARG;
    *klen = n;
    return STORE_OK;
}

int store_read(store_t *s, const char *key, uint8_t *out, size_t cap, size_t *len) {
    size_t klen;
    rec_t r;
    int st = check_key(s, key, &klen);
    if (st != STORE_OK) return st;
    if (!len || (cap && !out)) return STORE_ERR_ARG;
    if ((st = find(s, key, klen, &r)) != STORE_OK) return st;
    if (r.vlen == REC_TOMBSTONE) return STORE_ERR_NOT_FOUND;
    *len = r.vlen;
    if (r.vlen > cap) return STORE_ERR_BUFFER;
    return rd(s, s->active, r.off + 12u + r.klen, out, r.vlen);
}

int store_write(store_t *s, const char *key, const uint8_t *value, size_t len) {
    size_t klen;
    int st = check_key(s, key, &klen);
    if (st != STORE_OK) return st;
    if (len > STORE_MAX_VALUE || (len && !value)) return STORE_ERR_ARG;
    return append(s, key, klen, value, (uint16_t)len);
}

int store_remove(store_t *s, const char *key) {
    size_t klen;
    rec_t r;
    int st = check_key(s, key, &klen);
    if (st != STORE_OK) return st;
    st = find(s, key, klen, &r);
    if (st == STORE_ERR_NOT_FOUND || (st == STORE_OK && r.vlen == REC_TOMBSTONE)) return STORE_OK;
    if (st != STORE_OK) return st;
    return append(s, key, klen, NULL, REC_TOMBSTONE);
}

uint32_t store_free_bytes(const store_t *s) {
    if (!s || !s->is_open || s->sealed) return 0;
    uint32_t left = s->flash->page_size - s->write_off;
    return left > 20u ? left - 20u : 0u;
}
