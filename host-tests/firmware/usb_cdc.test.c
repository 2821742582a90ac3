// sources:
/*
 * The Dongle modem's USB (native/nrf52/usbd.c, cdc_acm.c) compiled on the host against fake registers. Not tried on
 * a Dongle here (no hardware): these check what the code does against USB 2.0 chapter 9, CDC 1.2 / PSTN 1.2 and the
 * nRF52840 PS's USBD register interface:
 *   - the descriptor bytes (device 18, configuration 67 with the CDC functional descriptors, strings);
 *   - the power-up sequence (VBUS, ENABLE, READY, the USB supply, then the pull-up);
 *   - enumeration as Linux does it (GET_DESCRIPTOR device 64, reset, SET_ADDRESS, device 18, configuration 9 then
 *     255 in two packets, strings, SET_CONFIGURATION 1, SET_LINE_CODING, SET_CONTROL_LINE_STATE DTR|RTS,
 *     GET_LINE_CODING), with the EP0 tasks each step triggers;
 *   - bad requests STALLed; bulk OUT into the ring with NAK flow control; bulk IN packet by packet.
 */
#include <stdint.h>
#include <string.h>

static uint32_t fake_usbd[1024], fake_power[1024], fake_ficr[1024], fake_other;
static uint8_t fake_other8;
static volatile uint32_t *fake_reg(uintptr_t addr) {
    if (addr >= 0x40027000u && addr < 0x40028000u) return &fake_usbd[(addr - 0x40027000u) / 4];
    if (addr >= 0x40000000u && addr < 0x40001000u) return &fake_power[(addr - 0x40000000u) / 4];
    if (addr >= 0x10000000u && addr < 0x10001000u) return &fake_ficr[(addr - 0x10000000u) / 4];
    return &fake_other;
}
#define NRF_REG(base, offset) (*fake_reg((uintptr_t)(base) + (uintptr_t)(offset)))
#define ARMV7M_REG(addr) (*fake_reg((uintptr_t)(addr)))
#define ARMV7M_REG8(addr) (*((void)(addr), &fake_other8))

static uint32_t fake_ms;
uint32_t hal_now_ms(void) { return fake_ms += 10; }

#include "../../native/nrf52/cdc_acm.c"
#include "../../native/nrf52/clock.c"
#include "../../native/nrf52/ficr.c"
#include "../../native/nrf52/usbd.c"
#include "test.h"

#define U(off) fake_usbd[(off) / 4]
#define PTR32(p) ((uint32_t)(uintptr_t)(p))

static void power_on(void) {
    memset(fake_usbd, 0, sizeof fake_usbd);
    memset(fake_power, 0, sizeof fake_power);
    memset(&fn, 0, sizeof fn);
    opened = 0;
    tx_head = tx_tail = 0;
    ring.head = ring.tail = ring.dropped = 0;
    fake_ficr[0x060 / 4] = 0x12345678u;
    fake_ficr[0x064 / 4] = 0x9ABCDEF0u;
    fake_power[0x438 / 4] = 3;            /* USBREGSTATUS: VBUSDETECT, OUTPUTRDY */
    fake_power[0x40C / 4] = 1u | (1u << 16); /* HFCLKSTAT: the crystal runs */
    U(0x400) = 1u << 11;                   /* EVENTCAUSE.READY */
}

static void clear_tasks(void) { memset(fake_usbd, 0, 0x100); }

static void setup(uint8_t rt, uint8_t req, uint16_t value, uint16_t index, uint16_t length) {
    clear_tasks();
    U(0x480) = rt;
    U(0x484) = req;
    U(0x488) = value & 0xFF;
    U(0x48C) = value >> 8;
    U(0x490) = index & 0xFF;
    U(0x494) = index >> 8;
    U(0x498) = length & 0xFF;
    U(0x49C) = length >> 8;
    U(0x15C) = 1;
    USBD_IRQHandler();
}

/* Runs the IN data stage the driver started: each STARTEPIN[0] is one packet; EP0DATADONE asks for the next.
 * Returns the bytes; *packets the packets; the stage must end with EP0STATUS. */
static size_t in_stage(uint8_t *out, size_t cap, int *packets) {
    size_t n = 0;
    *packets = 0;
    for (int guard = 0; guard < 10 && U(0x004); guard++) {
        if (U(0x600) != PTR32(ep0_stage)) return (size_t)-1; /* EasyDMA from RAM: the stage */
        uint32_t cnt = U(0x604);
        if (n + cnt > cap || cnt > 64) return (size_t)-1;
        memcpy(out + n, ep0_stage, cnt);
        n += cnt;
        (*packets)++;
        clear_tasks();
        U(0x128) = 1; /* EP0DATADONE */
        USBD_IRQHandler();
    }
    return U(0x050) ? n : (size_t)-1;
}

static int stalled(void) { return U(0x054) == 1 && U(0x050) == 0 && U(0x004) == 0; }

static void test_descriptor_bytes(void) {
    static const uint8_t device[18] = {0x12, 0x01, 0x00, 0x02, 0x02, 0x00, 0x00, 0x40, 0x09, 0x12, 0x01, 0x00,
                                       0x00, 0x01, 0x01, 0x02, 0x03, 0x01};
    CHECK(memcmp(cdc_acm_device_descriptor, device, 18) == 0);
    const uint8_t *c = cdc_acm_config_descriptor;
    CHECK_EQ(c[2] | (c[3] << 8), 67); /* wTotalLength */
    /* walk the descriptors: lengths add up, and the types come in the CDC order */
    static const uint8_t types[] = {2, 4, 0x24, 0x24, 0x24, 0x24, 5, 4, 5, 5};
    size_t at = 0, k = 0;
    while (at < 67 && k < sizeof types) {
        CHECK_EQ(c[at + 1], types[k]);
        at += c[at];
        k++;
    }
    CHECK_EQ(at, 67);
    CHECK_EQ(k, sizeof types);
    CHECK_EQ(c[9 + 5], 0x02); /* interface 0: communication class */
    CHECK_EQ(c[9 + 6], 0x02); /* ACM */
    CHECK_EQ(c[9 + 9 + 5 + 5 + 3], 0x02); /* ACM capabilities: line coding and control line state */
    CHECK_EQ(c[44 + 5], 0x0A); /* interface 1: data class */
    CHECK_EQ(c[53 + 2], 0x02); /* bulk OUT 0x02 */
    CHECK_EQ(c[60 + 2], 0x81); /* bulk IN 0x81 */
    CHECK_EQ(c[60 + 4], 64);
}

static void test_power_up_sequence(void) {
    power_on();
    fake_power[0x438 / 4] = 0; /* no VBUS: no port, the pull-up stays off */
    CHECK_EQ(serial_port_open(), -1);
    CHECK_EQ(U(0x504), 0);
    power_on();
    CHECK_EQ(serial_port_open(), 0);
    CHECK_EQ(U(0x500), 1); /* ENABLE */
    CHECK_EQ(U(0x504), 1); /* USBPULLUP: attached */
    CHECK_EQ(U(0x510), 1); /* only EP0 until configured */
    CHECK_EQ(U(0x514), 1);
    CHECK(U(0x304) & (1u << 23)); /* EP0SETUP interrupt */
    CHECK_EQ(serial_port_connected(), 0);
}

static void test_linux_enumeration(void) {
    uint8_t buf[300];
    int packets;
    size_t n;
    power_on();
    REQUIRE(serial_port_open() == 0);
    setup(0x80, 6, 0x0100, 0, 64); /* GET_DESCRIPTOR device, 64 (Linux's first question) */
    n = in_stage(buf, sizeof buf, &packets);
    CHECK_EQ(n, 18);
    CHECK_EQ(packets, 1);
    CHECK(memcmp(buf, cdc_acm_device_descriptor, 18) == 0);
    U(0x100) = 1; /* USBRESET */
    USBD_IRQHandler();
    setup(0x00, 5, 7, 0, 0); /* SET_ADDRESS 7: the USBD answers by itself */
    CHECK_EQ(U(0x050), 0);
    CHECK_EQ(U(0x054), 0);
    CHECK_EQ(fn.address, 7);
    setup(0x80, 6, 0x0100, 0, 18);
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 18);
    setup(0x80, 6, 0x0200, 0, 9); /* configuration header first */
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 9);
    CHECK_EQ(buf[2], 67);
    setup(0x80, 6, 0x0200, 0, 255); /* then the whole: 64 + 3 */
    n = in_stage(buf, sizeof buf, &packets);
    CHECK_EQ(n, 67);
    CHECK_EQ(packets, 2);
    CHECK(memcmp(buf, cdc_acm_config_descriptor, 67) == 0);
    setup(0x80, 6, 0x0200, 0, 64); /* exactly one full packet asked for: no zero-length packet after it */
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 64);
    CHECK_EQ(packets, 1);
    setup(0x80, 6, 0x0300, 0, 255); /* languages */
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 4);
    CHECK_EQ(buf[2] | (buf[3] << 8), 0x0409);
    setup(0x80, 6, 0x0303, 0x0409, 255); /* serial number: the FICR DEVICEID */
    n = in_stage(buf, sizeof buf, &packets);
    CHECK_EQ(n, 34);
    CHECK(buf[2] == '1' && buf[4] == '2' && buf[32] == '0' && buf[3] == 0);
    setup(0x80, 6, 0x0302, 0x0409, 255);
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 2 + 2 * strlen("Mesh modem (test VID/PID)"));
    setup(0x00, 9, 1, 0, 0); /* SET_CONFIGURATION 1 */
    CHECK_EQ(U(0x050), 1);
    CHECK_EQ(U(0x510), 0x0B); /* IN 0, 1, 3 */
    CHECK_EQ(U(0x514), 0x05); /* OUT 0, 2 */
    setup(0x80, 8, 0, 0, 1); /* GET_CONFIGURATION */
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 1);
    CHECK_EQ(buf[0], 1);
    /* SET_LINE_CODING 1 000 000 8N1: EP0RCVOUT, then the 7 bytes by DMA, then the status stage */
    setup(0x21, 0x20, 0, 0, 7);
    CHECK_EQ(U(0x04C), 1);
    clear_tasks();
    U(0x128) = 1;
    USBD_IRQHandler();
    CHECK_EQ(U(0x028), 1); /* STARTEPOUT[0] */
    CHECK_EQ(U(0x700), PTR32(ep0_out));
    static const uint8_t coding[7] = {0x40, 0x42, 0x0F, 0x00, 0, 0, 8};
    memcpy(ep0_out, coding, 7);
    U(0x708) = 7;
    U(0x130) = 1; /* ENDEPOUT[0] */
    USBD_IRQHandler();
    CHECK_EQ(U(0x050), 1);
    CHECK_EQ(serial_port_connected(), 0); /* no DTR yet */
    setup(0x21, 0x22, 3, 0, 0); /* SET_CONTROL_LINE_STATE DTR | RTS: a program opened the tty */
    CHECK_EQ(U(0x050), 1);
    CHECK_EQ(serial_port_connected(), 1);
    setup(0xA1, 0x21, 0, 0, 7); /* GET_LINE_CODING reads it back */
    CHECK_EQ(in_stage(buf, sizeof buf, &packets), 7);
    CHECK(memcmp(buf, coding, 7) == 0);
    setup(0x21, 0x22, 0, 0, 0); /* the tty closed: the host is gone */
    CHECK_EQ(serial_port_connected(), 0);
}

static void configure(void) {
    uint8_t buf[80];
    int packets;
    power_on();
    serial_port_open();
    setup(0x00, 5, 3, 0, 0);
    setup(0x00, 9, 1, 0, 0);
    setup(0x21, 0x22, 1, 0, 0);
    (void)in_stage(buf, sizeof buf, &packets);
    clear_tasks();
}

static void test_bad_requests_are_stalled(void) {
    power_on();
    serial_port_open();
    setup(0x21, 0x22, 1, 0, 0); /* a class request before the configuration */
    CHECK(stalled());
    setup(0x00, 9, 1, 0, 0); /* SET_CONFIGURATION before an address */
    CHECK(stalled());
    configure();
    setup(0x80, 6, 0x0600, 0, 10); /* DEVICE_QUALIFIER: full speed only */
    CHECK(stalled());
    setup(0x80, 6, 0x0309, 0x0409, 255); /* no string 9 */
    CHECK(stalled());
    setup(0x80, 6, 0x0201, 0, 255); /* no configuration index 1 */
    CHECK(stalled());
    setup(0x00, 9, 2, 0, 0); /* no configuration 2 */
    CHECK(stalled());
    CHECK_EQ(fn.configuration, 1);
    setup(0x00, 5, 9, 0, 0); /* SET_ADDRESS while configured */
    CHECK(stalled());
    setup(0x40, 0x01, 0, 0, 0); /* a vendor request */
    CHECK(stalled());
    setup(0x21, 0x20, 0, 0, 9); /* SET_LINE_CODING with 9 bytes */
    CHECK(stalled());
    setup(0x21, 0x20, 0, 1, 7); /* to the data interface */
    CHECK(stalled());
    setup(0x21, 0x7F, 0, 0, 0); /* an unknown class request */
    CHECK(stalled());
    setup(0x21, 0x22, 4, 0, 0); /* control line bits beyond DTR and RTS */
    CHECK(stalled());
    setup(0x00, 3, 1, 0, 0); /* SET_FEATURE remote wake-up: not supported */
    CHECK(stalled());
    /* a SET_LINE_CODING whose data is malformed (9 data bits): the status stage is a STALL */
    setup(0x21, 0x20, 0, 0, 7);
    clear_tasks();
    U(0x128) = 1;
    USBD_IRQHandler();
    static const uint8_t bad[7] = {0x00, 0xC2, 0x01, 0x00, 0, 0, 9};
    memcpy(ep0_out, bad, 7);
    U(0x708) = 7;
    U(0x130) = 1;
    USBD_IRQHandler();
    CHECK_EQ(U(0x054), 1);
    CHECK_EQ(U(0x050), 0);
    CHECK_EQ(fn.line_coding[6], 8); /* unchanged */
}

static void out_packet(const uint8_t *data, uint32_t n) {
    clear_tasks();
    U(0x4A0 + 4 * 2) = n; /* SIZE.EPOUT[2] */
    U(0x46C) = 1u << 18;  /* EPDATASTATUS: OUT 2 */
    U(0x160) = 1;
    USBD_IRQHandler();
    if (U(0x028 + 4 * 2)) { /* STARTEPOUT[2]: the DMA moves it */
        memcpy(out_pkt, data, U(0x704 + 0x14 * 2));
        U(0x708 + 0x14 * 2) = U(0x704 + 0x14 * 2);
        U(0x138) = 1; /* ENDEPOUT[2] */
        USBD_IRQHandler();
    }
}

static void test_bulk_out_into_the_ring_with_flow_control(void) {
    configure();
    uint8_t pkt[64], got[SERIAL_RING_BYTES];
    for (int i = 0; i < 64; i++) pkt[i] = (uint8_t)(i ^ 0x5A);
    out_packet(pkt, 20);
    CHECK_EQ(U(0x700 + 0x14 * 2), PTR32(out_pkt));
    CHECK_EQ(serial_port_read(got, sizeof got), 20);
    CHECK(memcmp(got, pkt, 20) == 0);
    /* fill the ring: the packet that does not fit stays in the USBD (NAK) until the loop reads */
    for (unsigned k = 0; k < SERIAL_RING_BYTES / 64; k++) out_packet(pkt, 64);
    out_packet(pkt, 64);
    CHECK_EQ(U(0x028 + 4 * 2), 0); /* no DMA: the host is NAKed */
    CHECK_EQ(serial_port_dropped(), 0);
    clear_tasks();
    CHECK_EQ(serial_port_read(got, 100), 100);
    CHECK_EQ(U(0x028 + 4 * 2), 1); /* room now: the waiting packet moves */
    memcpy(out_pkt, pkt, 64);
    U(0x708 + 0x14 * 2) = 64;
    U(0x138) = 1;
    USBD_IRQHandler();
    CHECK_EQ(serial_port_read(got, sizeof got), SERIAL_RING_BYTES - 100 + 64);
    CHECK_EQ(serial_port_dropped(), 0);
}

static void test_bulk_in_packet_by_packet(void) {
    configure();
    uint8_t frame[150], seen[200];
    size_t n = 0;
    for (unsigned i = 0; i < sizeof frame; i++) frame[i] = (uint8_t)(i * 3);
    CHECK_EQ(serial_port_write(frame, sizeof frame), 0);
    int packets = 0;
    while (U(0x004 + 4 * 1) && packets < 10) { /* STARTEPIN[1] */
        CHECK_EQ(U(0x600 + 0x14 * 1), PTR32(in_pkt));
        uint32_t cnt = U(0x604 + 0x14 * 1);
        memcpy(seen + n, in_pkt, cnt);
        n += cnt;
        packets++;
        clear_tasks();
        U(0x46C) = 1u << 1; /* EPDATASTATUS: IN 1, the host took it */
        U(0x160) = 1;
        USBD_IRQHandler();
    }
    CHECK_EQ(packets, 3);
    CHECK_EQ(n, sizeof frame);
    CHECK(memcmp(seen, frame, sizeof frame) == 0);
    setup(0x21, 0x22, 0, 0, 0); /* DTR off: writes are dropped, not queued */
    CHECK_EQ(serial_port_write(frame, 10), -1);
}

int main(void) {
    RUN(test_descriptor_bytes);
    RUN(test_power_up_sequence);
    RUN(test_linux_enumeration);
    RUN(test_bad_requests_are_stalled);
    RUN(test_bulk_out_into_the_ring_with_flow_control);
    RUN(test_bulk_in_packet_by_packet);
    return test_summary();
}
