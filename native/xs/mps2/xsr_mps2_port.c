/*
 * The XS runtime's port on the Cortex-M4 twin (qemu-system-arm -M mps2-an386 -icount shift=0): exits end
 * QEMU with a status (semihosting), and the twin measures what the nRF52840 cannot tell as easily.
 *
 * Instruction counter: with -icount shift=0 QEMU's virtual clock advances 1 ns per instruction, and the
 * FPGA I/O COUNTER register (0x40028018, PRESCALE 0) counts that clock at 25 MHz, i.e. one count per 40
 * instructions, without arming any timer. Idle time (WFI: -icount sleep=off skips it, to the next timer
 * when one is armed, none in the air hub's virtual mode) is left out all the same: the run loop brackets its
 * waits with xsr_port_idle. Counts are reported x 40 (+-40 per reading).
 *
 * Markers (log lines "twin-mark {json}"), found by watching the radio API and the P-256 functions (the
 * firmware build links the twin with --wrap=radio_set_receiver,radio_advertise,p256_ecdh,p256_keygen,
 * so these shims sit between the XS natives and the real functions):
 *   invite    the first Provisioning Invite received (PB-ADV Transaction Start, Provisioning PDU type 0x00)
 *   complete  the first Provisioning Complete sent (type 0x08), with the instructions since the invite and
 *             the share spent in p256_ecdh and p256_keygen, and the XS heap's peaks since the invite (with
 *             garbage: the engine's; live: the most in use right after a collection, see xsrTwinGcReport)
 *   start, created, entry  app_main entered, the machine created, the entry module imported (instructions since
 *             reset; "imported" too, after the boot's diagnostics, in a debug build)
 *   beacon    the first Unprovisioned Device beacon sent: the boot's end (reset -> first beacon)
 * Instructions since reset leave out the time the twin waits for the air hub's WELCOME (air_uart.c air_connect:
 * the nRF52840 has no such wait) and the run loop's waits (xsr_port_idle).
 * and "twin-rx {json}" for each Mesh Message (AD type 0x2A, a Network PDU: 3.3.1) the radio delivers, with the
 * instructions its delivery to JavaScript took (decoding, decryption, dispatch to the models; the XS natives it calls
 * included): host-tests/firmware/twin-node.ts. The XS heap's peaks are reset after the provisioning link closed, so
 * the "xs-mem" line "rx" logged after each of them reports the peak of the mesh node's life so far.
 * Mesh Protocol 1.1: 5.2.1 (PB-ADV), 5.3.1 (Generic Provisioning PDU: Transaction Start, GPCF 0b00),
 * 5.4.1 (Provisioning PDU types).
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../../boards/hal.h"
#include "../../crypto/p256.h"
#include "../../mps2/mps2.h"
#include "../../mps2/semihost.h"
#include "../../nrf52/radio.h"
#include "../nrf52/xsr_device_port.h"

#define FPGAIO_COUNTER MPS2_REG(MPS2_FPGAIO_BASE + 0x018)
#define FPGAIO_PRESCALE MPS2_REG(MPS2_FPGAIO_BASE + 0x01C)
#define INSNS_PER_COUNT 40u /* 25 MHz counter, 1 GHz instruction clock */

#define AD_TYPE_PB_ADV 0x29u
#define AD_TYPE_MESH_MESSAGE 0x2Au
#define AD_TYPE_MESH_BEACON 0x2Bu
#define BEACON_UNPROVISIONED 0x00u
#define PROV_INVITE 0x00u
#define PROV_COMPLETE 0x08u

static uint64_t counter_high;
static uint32_t counter_last;
static int counter_started;

static uint64_t idle_total, idle_since;

/* The counter since reset, in instructions of QEMU's virtual clock (the 32-bit counter wraps after 172 s:
 * extended here). */
static uint64_t twin_clock_insns(void)
{
    uint32_t c;
    if (!counter_started) {
        FPGAIO_PRESCALE = 0;
        counter_started = 1;
    }
    c = FPGAIO_COUNTER;
    if (c < counter_last) counter_high += 1ull << 32;
    counter_last = c;
    return (counter_high + c) * INSNS_PER_COUNT;
}

/* Instructions executed since reset: the virtual clock without the time the run loop spent idle (in WFI,
 * where -icount sleep=off skips ahead to the next timer). */
static uint64_t twin_insns(void)
{
    return twin_clock_insns() - idle_total;
}

void xsr_port_idle(int entering)
{
    if (entering) idle_since = twin_clock_insns();
    else idle_total += twin_clock_insns() - idle_since;
}

static struct {
    int invited, completed;
    uint64_t invite_at;
    uint64_t ecdh, keygen; /* instructions in p256_ecdh / p256_keygen since the invite */
    unsigned ecdh_calls, keygen_calls;
    uint64_t aes;          /* in the AES, AES-CMAC and AES-CCM natives (JavaScript's calls into native/crypto) */
    unsigned aes_calls;
    uint64_t gc;           /* in the garbage collector (xsr_port_gc) */
    unsigned gc_count;
    int collecting;
    uint64_t gc_since;
} M;

/*
 * Garbage collections, counted between the Invite and the Complete: the twin's xsMemory.c is compiled with mxNever
 * and gettimeofday renamed xsrTwinGcClock (tools/fw/xs-image.mjs), so the collector asks this clock when it starts
 * marking (and at its other phases); its report at the end ("# Slot collection", xsr_device.c xsrTwinGcReport)
 * ends the collection. The engine's own timing arithmetic on the clock's zeros stays inside (a few hundred
 * instructions a collection).
 */
void xsr_port_gc(int starting)
{
    if (starting) {
        if (M.collecting) return;
        M.collecting = 1;
        M.gc_since = twin_insns();
        return;
    }
    if (!M.collecting) return;
    M.collecting = 0;
    if (M.invited && !M.completed) {
        M.gc += twin_insns() - M.gc_since;
        M.gc_count++;
    }
}

int xsrTwinGcClock(struct timeval *tv, void *tz);
int xsrTwinGcClock(struct timeval *tv, void *tz)
{
    (void)tz;
    xsr_port_gc(1);
    if (tv) {
        tv->tv_sec = 0;
        tv->tv_usec = 0;
    }
    return 0;
}

static void log_u64(const char *key, uint64_t v, int comma)
{
    hal_log("\"%s\":%llu%s", key, (unsigned long long)v, comma ? "," : "");
}

/* ARMv7-M MPU (PMSAv7, ARMv7-M ARM B3.5): region number, base address, attributes and size */
#define MPU_CTRL MPS2_REG(0xE000ED94u)
#define MPU_RNR MPS2_REG(0xE000ED98u)
#define MPU_RBAR MPS2_REG(0xE000ED9Cu)
#define MPU_RASR MPS2_REG(0xE000EDA0u)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RASR_ENABLE (1u << 0)
#define MPU_RASR_SIZE(log2) (((log2) - 1u) << 1)
#define MPU_RASR_C (1u << 17)
#define MPU_RASR_AP_RO (6u << 24) /* read-only, privileged and unprivileged */
#define MPU_RASR_AP_RW (3u << 24) /* full access */
#define MPU_RASR_XN (1u << 28)

/* The nRF52840's flash cannot be written by a store, but the twin's is RAM (SSRAM1): the MPU makes the
 * application area read-only, so anything writing the code, the constants or the prelinked archive (which
 * the engine must use in place) faults (the twin then exits with an error) instead of going unnoticed.
 * The record store's two pages stay writable (the RAM flash behind hal_storage_flash). */
void xsr_port_init(void)
{
    extern uint32_t __storage_start[];
    MPU_RNR = 0;
    MPU_RBAR = 0x00000000u;
    MPU_RASR = MPU_RASR_ENABLE | MPU_RASR_SIZE(20) | MPU_RASR_C | MPU_RASR_AP_RO; /* 1 MB from 0 */
    MPU_RNR = 1;
    MPU_RBAR = (uint32_t)(uintptr_t)__storage_start;
    MPU_RASR = MPU_RASR_ENABLE | MPU_RASR_SIZE(13) | MPU_RASR_AP_RW | MPU_RASR_XN; /* the 8 KB store */
    MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void xsr_port_mark(const char *what)
{
    hal_log("twin-mark {\"at\":\"%s\",", what);
    log_u64("insns", twin_insns(), 1);
    log_u64("ms", hal_now_ms64(), 0);
    hal_log("}\n");
}

void xsr_port_exit(int status)
{
    hal_log("twin: exit %d at %lu ms\n", status, (unsigned long)hal_now_ms());
    sh_exit(status);
}

/* The type of the Provisioning PDU that starts in this PB-ADV AD data, or -1. */
static int prov_pdu_type(const uint8_t *data, size_t len)
{
    /* Link ID (4) | Transaction Number (1) | Transaction Start: SegN<<2 | 0b00, TotalLength (2), FCS (1) | PDU */
    if (len < 10 || (data[5] & 0x03u) != 0) return -1;
    return data[9] & 0x3F;
}

static void on_invite(void)
{
    if (M.invited) return;
    M.invited = 1;
    M.ecdh = M.keygen = 0;
    M.ecdh_calls = M.keygen_calls = 0;
    M.aes = 0;
    M.aes_calls = 0;
    M.gc = 0;
    M.gc_count = 0;
    M.collecting = 0; /* (the machine's creation asked the clock too, outside any collection) */
    xsr_device_log_memory("invite");
    xsr_device_reset_peaks();
    M.invite_at = twin_insns();
    xsr_port_mark("invite");
}

static void on_complete(void)
{
    xsrDeviceMemory m;
    uint64_t now = twin_insns();
    if (!M.invited || M.completed) return;
    M.completed = 1;
    xsr_device_memory(&m);
    hal_log("twin-mark {\"at\":\"complete\",");
    log_u64("insns", now, 1);
    log_u64("inviteToComplete", now - M.invite_at, 1);
    log_u64("ecdh", M.ecdh, 1);
    log_u64("keygen", M.keygen, 1);
    hal_log("\"ecdhCalls\":%u,\"keygenCalls\":%u,", M.ecdh_calls, M.keygen_calls);
    log_u64("aes", M.aes, 1);
    hal_log("\"aesCalls\":%u,", M.aes_calls);
    log_u64("gc", M.gc, 1);
    hal_log("\"gcCount\":%u,", M.gc_count);
    hal_log("\"chunksPeak\":%lu,\"slotsPeak\":%lu,\"chunksReserved\":%lu,\"slotsReserved\":%lu,",
            (unsigned long)m.chunksPeak, (unsigned long)m.slotsPeak, (unsigned long)m.chunkBytes,
            (unsigned long)m.slotBytes);
    hal_log("\"livePeak\":%lu,", (unsigned long)m.livePeak);
    log_u64("ms", hal_now_ms64(), 0);
    hal_log("}\n");
    xsr_device_log_memory("complete");
}

/* ---- shims (--wrap) ---- */

typedef struct {
    radio_receiver_fn receiver;
    void *ctx;
} receiver_shim_t;
static receiver_shim_t shim;

void __real_radio_set_receiver(radio_receiver_fn receiver, void *ctx);
int32_t __real_radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                               radio_done_fn on_done, void *ctx);
int __real_p256_ecdh(uint8_t secret[32], const uint8_t priv[32], const uint8_t peer_pub[64]);
int __real_p256_keygen(uint8_t priv[32], uint8_t pub[64], p256_rng_fn rng, void *rng_ctx);

void __wrap_radio_set_receiver(radio_receiver_fn receiver, void *ctx);
int32_t __wrap_radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                               radio_done_fn on_done, void *ctx);
int __wrap_p256_ecdh(uint8_t secret[32], const uint8_t priv[32], const uint8_t peer_pub[64]);
int __wrap_p256_keygen(uint8_t priv[32], uint8_t pub[64], p256_rng_fn rng, void *rng_ctx);

/* PB-ADV Link Close (Generic Provisioning Control, GPCF 0b11, opcode 0x02: 5.3.1.4.3) */
static int link_close(const uint8_t *data, size_t len)
{
    return len >= 7 && data[5] == ((0x02u << 2) | 0x03u);
}

static void receiver_shim(const radio_packet_t *p, void *ctx)
{
    static int closed;
    (void)ctx;
    if (p->ad_type == AD_TYPE_PB_ADV && prov_pdu_type(p->data, p->len) == PROV_INVITE) on_invite();
    if (p->ad_type == AD_TYPE_MESH_MESSAGE && shim.receiver) {
        uint64_t t = twin_insns();
        shim.receiver(p, shim.ctx);
        hal_log("twin-rx {\"len\":%u,", (unsigned)p->len);
        log_u64("insns", twin_insns() - t, 0);
        hal_log("}\n");
        xsr_device_log_memory("rx");
        return;
    }
    if (shim.receiver) shim.receiver(p, shim.ctx);
    /* after the Complete and the record written: the link's end, memory as the provisioning left it */
    if (M.completed && !closed && p->ad_type == AD_TYPE_PB_ADV && link_close(p->data, p->len)) {
        closed = 1;
        xsr_device_log_memory("closed");
        xsr_device_reset_peaks();
    }
}

void __wrap_radio_set_receiver(radio_receiver_fn receiver, void *ctx)
{
    shim.receiver = receiver;
    shim.ctx = ctx;
    __real_radio_set_receiver(receiver ? receiver_shim : NULL, NULL);
}

int32_t __wrap_radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                               radio_done_fn on_done, void *ctx)
{
    static int beaconed;
    if (ad_type == AD_TYPE_PB_ADV && data && prov_pdu_type(data, len) == PROV_COMPLETE) on_complete();
    /* the boot's end: the first Unprovisioned Device beacon (Mesh Beacon AD type, Beacon Type 0x00: 3.10.2) */
    if (!beaconed && ad_type == AD_TYPE_MESH_BEACON && data && len > 0 && data[0] == BEACON_UNPROVISIONED) {
        beaconed = 1;
        xsr_port_mark("beacon");
    }
    return __real_radio_advertise(ad_type, data, len, count, interval_ms, on_done, ctx);
}

int __wrap_p256_ecdh(uint8_t secret[32], const uint8_t priv[32], const uint8_t peer_pub[64])
{
    uint64_t t = twin_insns();
    int rc = __real_p256_ecdh(secret, priv, peer_pub);
    if (M.invited && !M.completed) {
        M.ecdh += twin_insns() - t;
        M.ecdh_calls++;
    }
    return rc;
}

int __wrap_p256_keygen(uint8_t priv[32], uint8_t pub[64], p256_rng_fn rng, void *rng_ctx)
{
    uint64_t t = twin_insns();
    int rc = __real_p256_keygen(priv, pub, rng, rng_ctx);
    if (M.invited && !M.completed) {
        M.keygen += twin_insns() - t;
        M.keygen_calls++;
    }
    return rc;
}

/* The AES natives (native/xs/natives/crypto_xs.c), counted between the Invite and Complete like P-256 (the
 * instructions of the native, its argument checks and its result included). */
#define TWIN_AES_WRAP(NAME) \
    void __real_##NAME(void *the); \
    void __wrap_##NAME(void *the); \
    void __wrap_##NAME(void *the) \
    { \
        uint64_t t = twin_insns(); \
        uint64_t gc = M.gc; \
        __real_##NAME(the); \
        if (M.invited && !M.completed) { \
            M.aes += twin_insns() - t - (M.gc - gc); /* a collection inside: counted as GC */ \
            M.aes_calls++; \
        } \
    }
TWIN_AES_WRAP(xs_crypto_aes128)
TWIN_AES_WRAP(xs_crypto_aes_cmac)
TWIN_AES_WRAP(xs_crypto_aes_ccm_encrypt)
TWIN_AES_WRAP(xs_crypto_aes_ccm_decrypt)
