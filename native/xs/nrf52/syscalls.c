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

/*
 * stdio without newlib's (issue 9: some 7 KB of flash for its FILE machinery and vfprintf): everything the device
 * prints (the trace natives, exception reports, the engine's fatal reports) goes unbuffered to the log UART, as
 * _write does, formatted by the boards' small formatter (native/boards/fmt.c: %d %i %u %x %X %c %s %p %%, flags,
 * widths, l/ll/z; no floating point, which nothing on the device prints). The FILE argument only chooses nothing:
 * stdout and stderr are the same UART. gcc turns some calls into others (fprintf of a literal into fwrite, of
 * "%s" into fputs, of "%c" into fputc, printf into puts and putchar): those are here too. `used`: LTO keeps them
 * for the calls it makes up late.
 */
#include <stdio.h>

#include "../../boards/fmt.h"


static void log_sink(const char *s, size_t n) { hal_log_write(s, n); }

static int log_vprintf(const char *fmt, va_list ap) { return (int)fmt_vwrite(log_sink, fmt, ap); }

__attribute__((used)) int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    (void)f;
    return log_vprintf(fmt, ap);
}

__attribute__((used)) int vprintf(const char *fmt, va_list ap) { return log_vprintf(fmt, ap); }

__attribute__((used)) int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    int n;
    (void)f;
    va_start(ap, fmt);
    n = log_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* newlib-nano's integer-only names (gcc calls them when no argument is floating point) */
int fiprintf(FILE *f, const char *fmt, ...) __attribute__((used, nonnull(2), alias("fprintf")));

__attribute__((used)) int printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = log_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int iprintf(const char *fmt, ...) __attribute__((used, nonnull(1), alias("printf")));

__attribute__((used)) int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    return (int)fmt_vformat(buf, cap, fmt, ap);
}

__attribute__((used)) int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = (int)fmt_vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

__attribute__((used)) int fputs(const char *s, FILE *f)
{
    size_t n = 0;
    (void)f;
    while (s[n]) n++;
    hal_log_write(s, n);
    return 0;
}

__attribute__((used)) int puts(const char *s)
{
    fputs(s, stdout);
    hal_log_write("\n", 1);
    return 0;
}

__attribute__((used)) int fputc(int c, FILE *f)
{
    char ch = (char)c;
    (void)f;
    hal_log_write(&ch, 1);
    return (unsigned char)c;
}

__attribute__((used)) int putchar(int c) { return fputc(c, stdout); }

__attribute__((used)) size_t fwrite(const void *p, size_t size, size_t count, FILE *f)
{
    (void)f;
    hal_log_write(p, size * count);
    return count;
}

/* nothing is buffered (_fflush_r too: newlib's fflush.o, which also defines fflush, would otherwise come with
 * ungetc, which sscanf names) */
int _fflush_r(struct _reent *r, FILE *f);
__attribute__((used)) int _fflush_r(struct _reent *r, FILE *f)
{
    (void)r;
    (void)f;
    return 0;
}

__attribute__((used)) int fflush(FILE *f)
{
    (void)f;
    return 0;
}

__attribute__((used)) int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    (void)f;
    (void)buf;
    (void)mode;
    (void)size;
    return 0;
}
