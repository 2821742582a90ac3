/*
 * The factory area on the device (native/xs/js/device-main.js's readFactoryArea): the bytes production wrote for this unit, read
 * in place (nRF52840: the UICR customer registers; the twin: its factory page; hal_factory_area). The record
 * inside is decoded and checked in JavaScript (modules/factory/record.ts, docs/firmware.md "Factory data").
 *
 *   xs_factory_read() -> Uint8Array (a copy of the whole area, erased bytes included)
 */
#include "xsr.h"

#include <string.h>

#include "../../../boards/hal.h"

void xs_factory_read(xsMachine* the)
{
	size_t length = 0;
	const uint8_t* area = hal_factory_area(&length);
	if (!area || !length) {
		xsResult = xsUndefined;
		return;
	}
	memcpy(xsrNewBytes(the, length), area, length);
}
