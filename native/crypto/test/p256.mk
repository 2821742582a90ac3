# P-256 host tests. Standalone: `make -f native/crypto/test/p256.mk p256-test` from the
# repository root; or include it from another makefile (paths are relative to the root).
P256_DIR   ?= native/crypto
P256_BUILD ?= build/p256
P256_CC    ?= cc
P256_CFLAGS ?= -std=c99 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: p256-test p256-cli
p256-test: $(P256_BUILD)/test_p256
	$(P256_BUILD)/test_p256

p256-cli: $(P256_BUILD)/test_p256_cli

$(P256_BUILD)/test_p256: $(P256_DIR)/test/test_p256.c $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)
	$(P256_CC) $(P256_CFLAGS) -o $@ $(P256_DIR)/test/test_p256.c $(P256_DIR)/p256.c

$(P256_BUILD)/test_p256_cli: $(P256_DIR)/test/test_p256_cli.c $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)
	$(P256_CC) $(P256_CFLAGS) -o $@ $(P256_DIR)/test/test_p256_cli.c $(P256_DIR)/p256.c
