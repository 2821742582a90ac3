/*
 * The .xsb file format: one compiled module (or program), as our bytecode compiler xsbc writes it and
 * the runtime's module store reads it. Atoms, as in Moddable's XS binaries: a big-endian 4-byte size
 * (including the 8-byte atom header) and a 4-byte type, then the body:
 *
 *   XS_B { VERS {major, minor, patch, 0}, SYMB {symbols}, [HOST {hosts}], CODE {code} }
 *
 * SYMB, HOST and CODE are the parser's txScript buffers as they are (symbol IDs not yet linked: the
 * runtime maps them to its own keys when it loads the module). IDs are 16-bit on every platform.
 */
#ifndef XSR_XSB_H
#define XSR_XSB_H

#define XSR_ATOM_BINARY 0x58535F42  /* 'XS_B' */
#define XSR_ATOM_VERSION 0x56455253 /* 'VERS' */
#define XSR_ATOM_SYMBOLS 0x53594D42 /* 'SYMB' */
#define XSR_ATOM_HOSTS 0x484F5354   /* 'HOST' */
#define XSR_ATOM_CODE 0x434F4445    /* 'CODE' */

#endif /* XSR_XSB_H */
