/* ARM semihosting calls: BKPT 0xAB with the operation in r0 and the parameter block in r1. */
#include "semihost.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_SEEK = 0x0A,
    SYS_FLEN = 0x0C,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int)r0;
}

int sh_open(const char *path, int mode) {
    uint32_t block[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
    return call(SYS_OPEN, block);
}

int sh_close(int fd) {
    uint32_t block[1] = {(uint32_t)fd};
    return call(SYS_CLOSE, block);
}

int sh_write(int fd, const void *buf, size_t len) {
    uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return call(SYS_WRITE, block);
}

int sh_read(int fd, void *buf, size_t len) {
    uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return call(SYS_READ, block);
}

int sh_seek(int fd, uint32_t pos) {
    uint32_t block[2] = {(uint32_t)fd, pos};
    return call(SYS_SEEK, block);
}

long sh_flen(int fd) {
    uint32_t block[1] = {(uint32_t)fd};
    return call(SYS_FLEN, block);
}

int sh_get_cmdline(char *buf, size_t cap) {
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)cap};
    return call(SYS_GET_CMDLINE, block);
}

void sh_write0(const char *s) { call(SYS_WRITE0, s); }

void sh_exit(int status) {
    /* SYS_EXIT_EXTENDED carries the status; QEMU supports it. */
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    call(SYS_EXIT_EXTENDED, block);
    call(SYS_EXIT, (const void *)(uintptr_t)(status ? 0x20024u /* RunTimeErrorUnknown */ : ADP_STOPPED_APPLICATION_EXIT));
    for (;;) {
    }
}
