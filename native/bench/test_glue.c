/* Output of the C test vectors (native/crypto/test/test_crypto.c) on the bare-metal harness. */
#include "board.h"

void test_out(const char *s);

void test_out(const char *s)
{
    board_puts(s);
}
