# P-256 host tests. Standalone: `make -f native/crypto/test/p256.mk p256-test` from the
# repository root; or include it from another makefile (paths are relative to the root).
P256_DIR   ?= native/crypto
P256_BUILD ?= build/p256
P256_CC    ?= cc
P256_CFLAGS ?= -std=c99 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: p256-test p256-cli
p256-test: $(P256_BUILD)/test_p256 $(P256_BUILD)/test_p256_table $(P256_BUILD)/test_p256_field
	$(P256_BUILD)/test_p256
	$(P256_BUILD)/test_p256_table
	$(P256_BUILD)/test_p256_field

p256-cli: $(P256_BUILD)/test_p256_cli

$(P256_BUILD)/test_p256: $(P256_DIR)/test/test_p256.c $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)
	$(P256_CC) $(P256_CFLAGS) -o $@.tmp.$$$$ $(P256_DIR)/test/test_p256.c $(P256_DIR)/p256.c && mv -f $@.tmp.$$$$ $@

$(P256_BUILD)/test_p256_cli: $(P256_DIR)/test/test_p256_cli.c $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)
	$(P256_CC) $(P256_CFLAGS) -o $@.tmp.$$$$ $(P256_DIR)/test/test_p256_cli.c $(P256_DIR)/p256.c && mv -f $@.tmp.$$$$ $@

# P-256 on the Cortex-M4 build (QEMU mps2-an386, suite "native-p256-m4"): the standard vectors through the
# inline-assembly path, and the field and point operations' instruction counts (fe_mul, pt_double, ...), which
# tune p256.c. The whole operations' figures of record (keygen, ECDH, validation: instructions, code size,
# stack) come from the shared harness, `npm run bench:crypto` (native/bench/); the ECDH and keygen counts this
# target also prints are its own loop's and differ from those by a few thousand instructions.
P256_M4_CC     ?= arm-none-eabi-gcc
P256_M4_CFLAGS ?= -mcpu=cortex-m4 -mthumb -O2 -std=c99 -Wall -Wextra -Werror -ffunction-sections -fdata-sections
P256_M4_DIR    := $(P256_DIR)/test/m4
P256_QEMU      ?= qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none -icount shift=0 \
                  -chardev stdio,id=semi -semihosting-config enable=on,target=native,chardev=semi -kernel

.PHONY: p256-m4 p256-size
p256-m4: $(P256_BUILD)/m4/bench_p256.elf $(P256_BUILD)/m4/test_p256_field.elf
	$(P256_QEMU) $(P256_BUILD)/m4/test_p256_field.elf
	$(P256_QEMU) $(P256_BUILD)/m4/bench_p256.elf

p256-size: $(P256_BUILD)/m4/p256.o
	arm-none-eabi-size -A $< | awk '/^\.(text|rodata)/ { s += $$2 } END { print "{\"bench\":\"p256\",\"op\":\"code_size\",\"bytes\":" s "}" }'

$(P256_BUILD)/m4/p256.o: $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)/m4
	$(P256_M4_CC) $(P256_M4_CFLAGS) -c -o $@.tmp.$$$$ $< && mv -f $@.tmp.$$$$ $@

$(P256_BUILD)/m4/test_p256_field.elf: $(P256_DIR)/test/test_p256_field.c $(P256_DIR)/p256.c $(P256_M4_DIR)/startup.c $(P256_M4_DIR)/link.ld
	@mkdir -p $(P256_BUILD)/m4
	$(P256_M4_CC) $(P256_M4_CFLAGS) -nostartfiles --specs=nano.specs -T $(P256_M4_DIR)/link.ld -Wl,--gc-sections \
		-o $@.tmp.$$$$ $(P256_M4_DIR)/startup.c $(P256_DIR)/test/test_p256_field.c && mv -f $@.tmp.$$$$ $@

$(P256_BUILD)/m4/bench_p256.elf: $(P256_BUILD)/m4/p256.o $(P256_M4_DIR)/bench_p256.c $(P256_M4_DIR)/startup.c $(P256_M4_DIR)/link.ld
	$(P256_M4_CC) $(P256_M4_CFLAGS) -nostartfiles --specs=nano.specs -T $(P256_M4_DIR)/link.ld -Wl,--gc-sections \
		-o $@.tmp.$$$$ $(P256_M4_DIR)/startup.c $(P256_M4_DIR)/bench_p256.c $(P256_BUILD)/m4/p256.o && mv -f $@.tmp.$$$$ $@

# The comb table in p256.c: `p256-table-check` (part of p256-test) recomputes and compares it;
# `p256-table-update` rewrites the block between the BEGIN/END COMB TABLE markers.
.PHONY: p256-table-check p256-table-update
p256-table-check: $(P256_BUILD)/test_p256_table
	$(P256_BUILD)/test_p256_table

p256-table-update: $(P256_BUILD)/test_p256_table
	$(P256_BUILD)/test_p256_table --print > $(P256_BUILD)/comb.txt
	awk -v f=$(P256_BUILD)/comb.txt '/END COMB TABLE/ { while ((getline l < f) > 0) print l; skip = 0 } !skip { print } /BEGIN COMB TABLE/ { skip = 1 }' \
		$(P256_DIR)/p256.c > $(P256_BUILD)/p256.c.new && mv $(P256_BUILD)/p256.c.new $(P256_DIR)/p256.c

$(P256_BUILD)/test_p256_field: $(P256_DIR)/test/test_p256_field.c $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)
	$(P256_CC) $(P256_CFLAGS) -o $@.tmp.$$$$ $(P256_DIR)/test/test_p256_field.c && mv -f $@.tmp.$$$$ $@

$(P256_BUILD)/test_p256_table: $(P256_DIR)/test/test_p256_table.c $(P256_DIR)/p256.c $(P256_DIR)/p256.h
	@mkdir -p $(P256_BUILD)
	$(P256_CC) $(P256_CFLAGS) -o $@.tmp.$$$$ $(P256_DIR)/test/test_p256_table.c && mv -f $@.tmp.$$$$ $@
