/*
 * The XS runtime's port on the nRF52840: after a fatal engine error or the end of the run loop the device
 * logs why and resets (the record store keeps the provisioning data; the application starts again).
 */
#include "../../../boards/hal.h"
#include "../xsr_device_port.h"

void xsr_port_exit(int status)
{
    hal_log("xs: restarting (status %d)\n", status);
    hal_reset();
}

void xsr_port_init(void)
{
}

void xsr_port_mark(const char *what)
{
    (void)what;
}

void xsr_port_idle(int entering)
{
    (void)entering;
}
