/* Small printf-style formatter (fmt.h). */
#include "fmt.h"

#include <stdint.h>

typedef struct out {
    char *buf;
    size_t cap, len;
    void (*sink)(const char *, size_t); /* fmt_vwrite: buf is a window, handed to sink when full */
    size_t used;
} out_t;

static void put(out_t *o, char c) {
    if (o->sink) {
        o->buf[o->used++] = c;
        if (o->used == o->cap) {
            o->sink(o->buf, o->used);
            o->used = 0;
        }
    } else if (o->len + 1 < o->cap) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void put_field(out_t *o, const char *s, size_t n, unsigned width, int left, char pad) {
    size_t fill = width > n ? width - n : 0;
    if (!left)
        while (fill--) put(o, pad);
    for (size_t i = 0; i < n; i++) put(o, s[i]);
    if (left)
        while (fill--) put(o, ' ');
}

static void put_number(out_t *o, unsigned long long v, int negative, unsigned base, int upper, unsigned width,
                       int left, char pad) {
    char tmp[24];
    size_t n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (negative) {
        if (pad == '0') {
            put(o, '-');
            if (width) width--;
        } else {
            tmp[n++] = '-';
        }
    }
    char rev[24];
    for (size_t i = 0; i < n; i++) rev[i] = tmp[n - 1 - i];
    put_field(o, rev, n, width, left, left ? ' ' : pad);
}

static void format(out_t *op, const char *fmt, va_list ap) {
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(op, *p);
            continue;
        }
        p++;
        int left = 0;
        char pad = ' ';
        unsigned width = 0;
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '0') pad = '0';
            else break;
        }
        while (*p >= '0' && *p <= '9') width = width * 10u + (unsigned)(*p++ - '0');
        int lng = 0;
        if (*p == 'z') {
            lng = sizeof(size_t) > sizeof(unsigned) ? 2 : 0;
            p++;
        }
        while (*p == 'l') {
            lng++;
            p++;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            long long v = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            put_number(op, mag, v < 0, 10, 0, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = lng >= 2   ? va_arg(ap, unsigned long long)
                                   : lng == 1 ? va_arg(ap, unsigned long)
                                              : va_arg(ap, unsigned);
            put_number(op, v, 0, *p == 'u' ? 10u : 16u, *p == 'X', width, left, pad);
            break;
        }
        case 'p':
            put(op, '0');
            put(op, 'x');
            put_number(op, (uintptr_t)va_arg(ap, void *), 0, 16, 0, width, left, pad);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_field(op, &c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            size_t n = 0;
            while (s[n]) n++;
            put_field(op, s, n, width, left, ' ');
            break;
        }
        case '%':
            put(op, '%');
            break;
        case '\0':
            p--;
            break;
        default:
            put(op, '%');
            put(op, *p);
            break;
        }
    }
}

size_t fmt_vformat(char *buf, size_t cap, const char *fmt, va_list ap) {
    out_t o = {buf, cap, 0, 0, 0};
    format(&o, fmt, ap);
    if (cap) buf[o.len < cap ? o.len : cap - 1] = '\0';
    return o.len;
}

size_t fmt_vwrite(void (*sink)(const char *, size_t), const char *fmt, va_list ap) {
    char window[64];
    out_t o = {window, sizeof window, 0, sink, 0};
    format(&o, fmt, ap);
    if (o.used) sink(window, o.used);
    return o.len;
}

size_t fmt_format(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
