/*
 * Random bytes for the host runtime: /dev/urandom (kept open), read until the request is filled.
 *
 * Simulation only: with xsrun --random-seed TEXT the bytes are a deterministic stream instead, SHA-256(TEXT ||
 * counter) block after block, so a simulated device behaves the same on every run with the same seed (the
 * simulator gives each device its own seed). Not a secure source: never for a real device.
 */
#include "xsr.h"
#include "xsr_hostrt.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int xsrSeededBytes(const char* seed, uint8_t* out, size_t length)
{
	static uint64_t counter = 0;
	static uint8_t block[32];
	static size_t used = 32;
	while (length > 0) {
		size_t n;
		if (used == 32) {
			uint8_t c[8];
			sha256_ctx ctx;
			int i;
			for (i = 0; i < 8; i++)
				c[i] = (uint8_t)(counter >> (56 - 8 * i));
			counter++;
			if ((sha256_init(&ctx) != 0) || (sha256_update(&ctx, (const uint8_t*)seed, strlen(seed)) != 0)
				|| (sha256_update(&ctx, c, 8) != 0) || (sha256_final(&ctx, block) != 0))
				return -1;
			used = 0;
		}
		n = 32 - used;
		if (n > length)
			n = length;
		memcpy(out, block + used, n);
		used += n;
		out += n;
		length -= n;
	}
	return 0;
}

int xsrRandomBytes(void* context, uint8_t* out, size_t length)
{
	static int fd = -1;
	(void)context;
	if (gxsrHostOptions.randomSeed)
		return xsrSeededBytes(gxsrHostOptions.randomSeed, out, length);
	if (fd < 0) {
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	while (length > 0) {
		ssize_t n = read(fd, out, length);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		out += n;
		length -= (size_t)n;
	}
	return 0;
}
