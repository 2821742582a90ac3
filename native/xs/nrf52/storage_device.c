/*
 * The storage natives (native/xs/js/storage.js) on the device: the power-loss-safe record store in two flash
 * pages (native/storage/store.h; nRF52840: NVMC; twin: a RAM flash written through to a host file).
 *
 *   xs_storage_read(key) -> Uint8Array | undefined
 *   xs_storage_write(key, value)
 *   xs_storage_remove(key)           (nothing when the key is absent)
 *
 * Keys as on the host runtime: 1..64 characters of [A-Za-z0-9_.-/]. Values: Uint8Array of at most
 * STORE_MAX_VALUE (1024) bytes (the host allows 4096). A write or removal is atomic: after a reset or
 * power loss the key has its old or its new value. Errors: TypeError / RangeError for bad arguments,
 * RangeError when the store is full, Error when the flash fails.
 */
#include "xsr.h"

#include <string.h>

#include "../../boards/hal.h"
#include "../../storage/store.h"

static store_t gStore;

static void storageOpen(xsMachine* the)
{
	uint32_t base;
	const flash_dev_t* flash;
	int rc;
	if (gStore.is_open)
		return;
	flash = hal_storage_flash(&base);
	rc = store_open(&gStore, flash, base);
	if (rc != STORE_OK)
		xsUnknownError("storage: cannot open the record store: %s", store_strerror(rc));
	if (gStore.report.issues)
		hal_log("storage: opened, issues 0x%lx (ignored records %lu)\n", (unsigned long)gStore.report.issues,
			(unsigned long)gStore.report.ignored_records);
}

static void storageThrow(xsMachine* the, int rc, const char* what)
{
	if (rc == STORE_ERR_FULL)
		xsRangeError("storage: %s: the store is full", what);
	xsUnknownError("storage: %s: %s", what, store_strerror(rc));
}

void xs_storage_read(xsMachine* the)
{
	char key[STORE_MAX_KEY + 1];
	uint8_t value[STORE_MAX_VALUE];
	size_t length = 0;
	int rc;
	xsrCheckArgc(the, 1, "storage.read");
	xsrGetStorageKey(the, &xsArg(0), key, sizeof(key));
	storageOpen(the);
	rc = store_read(&gStore, key, value, sizeof(value), &length);
	if (rc == STORE_ERR_NOT_FOUND) {
		xsResult = xsUndefined;
		return;
	}
	if (rc != STORE_OK)
		storageThrow(the, rc, "read");
	memcpy(xsrNewBytes(the, length), value, length);
}

void xs_storage_write(xsMachine* the)
{
	char key[STORE_MAX_KEY + 1];
	uint8_t value[STORE_MAX_VALUE];
	size_t length;
	uint8_t* bytes;
	int rc;
	xsrCheckArgc(the, 2, "storage.write");
	xsrGetStorageKey(the, &xsArg(0), key, sizeof(key));
	bytes = xsrGetBytes(the, &xsArg(1), "storage: value", &length);
	if (length > STORE_MAX_VALUE)
		xsRangeError("storage: value must be at most %d bytes on this device", STORE_MAX_VALUE);
	memcpy(value, bytes, length); /* before anything can move the XS heap */
	storageOpen(the);
	rc = store_write(&gStore, key, value, length);
	if (rc != STORE_OK)
		storageThrow(the, rc, "write");
}

void xs_storage_remove(xsMachine* the)
{
	char key[STORE_MAX_KEY + 1];
	int rc;
	xsrCheckArgc(the, 1, "storage.remove");
	xsrGetStorageKey(the, &xsArg(0), key, sizeof(key));
	storageOpen(the);
	rc = store_remove(&gStore, key);
	if ((rc != STORE_OK) && (rc != STORE_ERR_NOT_FOUND))
		storageThrow(the, rc, "remove");
}
