/*
 * Random bytes for the host runtime: /dev/urandom (kept open), read until the request is filled.
 */
#include "xsr.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int xsrRandomBytes(void* context, uint8_t* out, size_t length)
{
	static int fd = -1;
	(void)context;
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
