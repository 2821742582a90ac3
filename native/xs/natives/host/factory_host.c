/*
 * The factory area on the host runtime (native/xs/js/device-main.js's readFactoryArea): there is none. A simulated device gets its
 * per-unit values from its entry's arguments (native/xs/js/device-host.js); the firmware entry
 * (native/xs/js/device-main.js) run here finds no record and keeps the build's defaults.
 *
 *   xs_factory_read() -> undefined
 */
#include "xsr.h"

void xs_factory_read(xsMachine* the)
{
	xsResult = xsUndefined;
}
