/*
 * ARM semihosting (the "Semihosting for AArch32 and AArch64" specification), as QEMU implements it with
 * -semihosting-config enable=on,target=native: the twin reads its command line, keeps its flash in a host
 * file across restarts, and exits with a status.
 */
#ifndef MPS2_SEMIHOST_H
#define MPS2_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* open modes (SYS_OPEN) */
#define SH_MODE_RB 1
#define SH_MODE_RPLUSB 3
#define SH_MODE_WPLUSB 7

int sh_open(const char *path, int mode);                  /* handle >= 0, or -1 */
int sh_close(int fd);
int sh_write(int fd, const void *buf, size_t len);        /* bytes NOT written (0 = all) */
int sh_read(int fd, void *buf, size_t len);               /* bytes NOT read */
int sh_seek(int fd, uint32_t pos);                        /* 0 ok */
long sh_flen(int fd);
int sh_get_cmdline(char *buf, size_t cap);                /* 0 ok */
void sh_write0(const char *s);
void sh_exit(int status) __attribute__((noreturn));

#endif
