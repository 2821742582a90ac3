/*
 * newlib glue for the device runtime: the C heap (malloc: the engine's key array and name tables, timers,
 * temporary host tables) is a fixed static array, so the RAM plan is known at link time; stdout and stderr
 * (the trace natives, exception reports) go to the log UART; gettimeofday is the time since boot.
 * The other system calls are libnosys's (they fail).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../../boards/hal.h"

#ifndef XSR_CHEAP_BYTES
#define XSR_CHEAP_BYTES 12288
#endif

static uint8_t cheap[XSR_CHEAP_BYTES] __attribute__((aligned(8), section(".xsheap")));
static size_t cheap_top;

void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
    size_t top = cheap_top;
    if (increment < 0 || (size_t)increment > sizeof cheap - top) {
        errno = ENOMEM;
        return (void *)-1;
    }
    cheap_top = top + (size_t)increment;
    return cheap + top;
}

uint32_t xsr_cheap_size(void);
uint32_t xsr_cheap_used(void);
uint32_t xsr_cheap_size(void) { return (uint32_t)sizeof cheap; }
uint32_t xsr_cheap_used(void) { return (uint32_t)cheap_top; }

int _write(int fd, const char *buf, int len);
int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    if (len > 0) hal_log_write(buf, (size_t)len);
    return len;
}

int _isatty(int fd);
int _isatty(int fd) { return fd >= 0 && fd <= 2; }

int _gettimeofday(struct timeval *tv, void *tz);
int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    if (tv) {
        uint64_t us = hal_now_us();
        tv->tv_sec = (time_t)(us / 1000000u);
        tv->tv_usec = (suseconds_t)(us % 1000000u);
    }
    return 0;
}
