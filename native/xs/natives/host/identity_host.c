/*
 * The device identity on the host runtime (native/xs/js/identity.js): the name (xsrun --name, default
 * "xs-device") and the device UUID: xsrun --uuid HEX (32 hex digits, dashes allowed), else derived from the
 * name: SHA-256("meshprov xs device " || name), first 16 bytes, with the version (4) and variant (10) bits of
 * an RFC 4122 UUID, so the same name always gives the same UUID.
 */
#include "xsr.h"
#include "xsr_hostrt.h"
#include "sha256.h"

#include <string.h>

static int identityHex(char c)
{
	if ((c >= '0') && (c <= '9')) return c - '0';
	if ((c >= 'a') && (c <= 'f')) return c - 'a' + 10;
	if ((c >= 'A') && (c <= 'F')) return c - 'A' + 10;
	return -1;
}

/* xs_identity_uuid() -> Uint8Array(16) */
void xs_identity_uuid(xsMachine* the)
{
	uint8_t uuid[16];
	uint8_t* out;
	const char* name = gxsrHostOptions.name ? gxsrHostOptions.name : "xs-device";
	if (gxsrHostOptions.uuid) {
		const char* p = gxsrHostOptions.uuid;
		int n = 0;
		for (; *p; p++) {
			int hi, lo;
			if (*p == '-')
				continue;
			if ((n == 16) || ((hi = identityHex(p[0])) < 0) || ((lo = identityHex(p[1])) < 0))
				xsRangeError("identity: --uuid must be 32 hex digits");
			uuid[n++] = (uint8_t)(hi << 4 | lo);
			p++;
		}
		if (n != 16)
			xsRangeError("identity: --uuid must be 32 hex digits");
	}
	else {
		static const char prefix[] = "meshprov xs device ";
		uint8_t digest[32];
		sha256_ctx ctx;
		sha256_init(&ctx);
		sha256_update(&ctx, (const uint8_t*)prefix, sizeof(prefix) - 1);
		sha256_update(&ctx, (const uint8_t*)name, strlen(name));
		sha256_final(&ctx, digest);
		memcpy(uuid, digest, 16);
		uuid[6] = (uint8_t)((uuid[6] & 0x0F) | 0x40);
		uuid[8] = (uint8_t)((uuid[8] & 0x3F) | 0x80);
	}
	out = xsrNewBytes(the, 16);
	memcpy(out, uuid, 16);
}

/* xs_identity_name() -> string */
void xs_identity_name(xsMachine* the)
{
	xsResult = xsString(gxsrHostOptions.name ? gxsrHostOptions.name : "xs-device");
}
