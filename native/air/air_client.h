/*
 * A C client of the simulated air hub (docs/air-protocol.md, protocol version 1), portable: the frames, HELLO/
 * WELCOME, ADVERTISE/CANCEL/ADV_DONE, SCAN/RX, WAIT_UNTIL/TIME and MARK (virtual-time synchronisation) and BYE, over a
 * byte transport the platform provides. It implements the C radio API (native/nrf52/radio.h):
 *
 *   radio_advertise    -> ADVERTISE(id, adType, count, intervalMs, data)   (the hub schedules events and advDelay)
 *   radio_cancel       -> CANCEL(id)
 *   radio_set_receiver -> SCAN(1/0)
 *   RX(time, rssi, channel, adType, data) -> the receiver;  ADV_DONE(id, time) -> on_done
 *
 * Used by the Cortex-M4 twin (native/mps2/air_uart.c: UART1, interrupts) and by the XS host runtime
 * (native/xs/host/xsr_air.c: a TCP socket watched by the run loop).
 *
 * Time (section 3). Virtual mode: the hub's time is the platform's clock. For each wake message (TIME, RX,
 * ADV_DONE) the client calls io->advance(t) (run local timers due at or before t, the clock standing at each
 * timer's time, then set the clock to t), delivers the packet or calls on_done, then io->run_due() (timers
 * set with 0 delay), and counts the wake; when the platform is idle it calls air_client_idle(next), which
 * sends WAIT_UNTIL(next, wakes) when either changed since the last one. Real mode: the platform's clock is
 * its own (aligned with the hub's time at WELCOME, air_client_welcome_time()); WAIT_UNTIL is not sent.
 * Offline (no hub): advertisements complete on the platform's timers (io->offline_start/stop, and
 * air_client_offline_event when one fires); nothing is received.
 *
 * Bad input from the hub (a malformed frame, an unknown type, a WELCOME that is not one) is a clean error:
 * air_client_process returns AIR_ERR_PROTOCOL, the client stops (state AIR_STATE_FAILED) and
 * air_client_error() says why; nothing is delivered from a bad frame. The hub's ERROR gives AIR_ERR_HUB, its
 * BYE AIR_CLOSED, the link closing without BYE AIR_ERR_LINK.
 *
 * All callbacks (on_done, the receiver, io->advance/run_due) run from air_client_process, i.e. from the
 * platform's main loop; air_client_process is not re-entrant (a nested call returns AIR_OK at once).
 */
#ifndef MESHPROV_AIR_CLIENT_H
#define MESHPROV_AIR_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "../nrf52/radio.h"

#define AIR_PROTOCOL_VERSION 1
#define AIR_FRAME_MAX 513 /* the length field: type + body */
#define AIR_NAME_MAX 64

/* air_client_process / air_client_connect results */
#define AIR_OK 0
#define AIR_CLOSED 1          /* the hub said BYE */
#define AIR_ERR_PROTOCOL (-1) /* malformed or unexpected input from the hub */
#define AIR_ERR_HUB (-2)      /* the hub sent ERROR (air_client_error() has its code and message) */
#define AIR_ERR_LINK (-3)     /* the transport failed, or the link closed without BYE */
#define AIR_ERR_ARG (-4)      /* bad argument (name length) */

typedef enum {
    AIR_STATE_OFFLINE = 0, /* no hub: advertisements complete on local timers */
    AIR_STATE_HELLO,       /* HELLO sent, waiting for WELCOME */
    AIR_STATE_CONNECTED,
    AIR_STATE_CLOSED,      /* BYE either way */
    AIR_STATE_FAILED       /* a protocol or link error */
} air_state_t;

typedef struct air_client_io {
    /* Writes all n bytes (may block until they are queued). 0, or -1 when the link is broken. */
    int (*send)(void *ctx, const uint8_t *data, size_t n);
    /* Reads what has arrived, at most cap bytes, without blocking: the count (0: nothing yet), or -1 when the
     * link closed. */
    int (*recv)(void *ctx, uint8_t *buf, size_t cap);
    /* Virtual mode: run the local timers due at or before t_ms (in time order, the clock at each one's time),
     * then set the clock to t_ms (never backwards). */
    void (*advance)(void *ctx, double t_ms);
    /* Virtual mode: run the timers due now (set with 0 delay by a delivery). */
    void (*run_due)(void *ctx);
    /* Offline: call air_client_offline_event(slot) after delay_ms (replacing that slot's timer); stop it. */
    void (*offline_start)(void *ctx, int slot, uint32_t delay_ms);
    void (*offline_stop)(void *ctx, int slot);
    /* Random numbers (offline advDelay). */
    uint32_t (*random32)(void *ctx);
    void *ctx;
} air_client_io_t;

/* The platform's interface: the platform defines this function (native/mps2/air_uart.c, native/xs/host/xsr_air.c);
 * the client calls it once, at radio_init or air_client_connect, whichever comes first. */
const air_client_io_t *air_platform_io(void);
/* Replaces the platform's interface (tests). */
void air_client_setup(const air_client_io_t *io);
/* Sends HELLO (name: 1..64 bytes; address: the static random address, least significant byte first as
 * radio.h keeps it, or NULL to let the hub draw one). The state is AIR_STATE_HELLO until air_client_process
 * has seen the WELCOME (AIR_STATE_CONNECTED). */
int air_client_connect(const char *name, const uint8_t address[6]);
/* Reads what the transport has and handles every complete frame. AIR_OK, or an AIR_CLOSED / AIR_ERR_* that
 * stays (the client is then closed or failed and sends nothing more). */
int air_client_process(void);
/* Idle (virtual mode): send WAIT_UNTIL(next_ms, wakes) when next or the wake count changed. next_ms:
 * INFINITY (or any value >= 1e300) when no timer is pending. Nothing in real mode or offline. */
void air_client_idle(double next_ms);
/* Virtual mode: the platform has just written line "mark N" on a side channel the hub's owner reads (stdout); sends
 * MARK(mark), mark counting up from 1: the hub holds its time until that line has been read (section 3.3). Call it
 * before air_client_idle. Nothing in real mode or offline. */
void air_client_mark(uint32_t mark);
/* Says BYE and closes (nothing more is sent). */
void air_client_bye(void);
/* An offline advertisement's timer fired (io->offline_start). */
void air_client_offline_event(int slot);

air_state_t air_client_state(void);
int air_client_is_virtual(void);
/* The hub's time at WELCOME, ms. */
double air_client_welcome_time(void);
/* The address the hub confirmed (most significant byte first, as on the wire). */
void air_client_address(uint8_t out[6]);
/* Wake messages handled so far (WELCOME is the first). */
uint32_t air_client_wakes(void);
/* The last error, as text ("" when none). */
const char *air_client_error(void);

/* Frame helpers (exposed for tests): encode one frame into out (at least 3 + len bytes); returns its size. */
size_t air_frame_encode(uint8_t type, const uint8_t *body, size_t len, uint8_t *out);

#endif
