/* FICR: the factory device identifier and address (the derivations are in native/boards/ident.c). */
#include "drivers.h"
#include "regs/ficr.h"

void ficr_device_id(uint32_t id[2]) {
    id[0] = FICR_DEVICEID(0);
    id[1] = FICR_DEVICEID(1);
}

void ficr_device_addr(uint32_t addr[2]) {
    addr[0] = FICR_DEVICEADDR(0);
    addr[1] = FICR_DEVICEADDR(1);
}
