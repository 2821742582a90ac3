/* A small printf-style formatter for logs (no libc printf: it costs kilobytes of flash). */
#ifndef MESHPROV_FMT_H
#define MESHPROV_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supports %d %i %u %x %X %c %s %p %%, the flags '0' and '-', a field width, and the length modifiers l, ll, z.
 * Always NUL-terminates (when cap > 0); returns the length the full output would have had (like snprintf).
 */
size_t fmt_vformat(char *buf, size_t cap, const char *fmt, va_list ap);
size_t fmt_format(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same formatting, any length: the output goes to sink in pieces of at most 64 bytes; returns its length. */
size_t fmt_vwrite(void (*sink)(const char *, size_t), const char *fmt, va_list ap);

#endif
