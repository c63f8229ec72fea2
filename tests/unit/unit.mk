# Host unit tests: build/host/unit-tests, run from the repository root.
#
# Included by the top-level Makefile, or standalone:
#   make -f tests/unit/unit.mk unit-tests && build/host/unit-tests [filter]
#
# The hypervisor's portable sources are compiled for the host with ASan and
# UBSan; hyp/lib/string.c is compiled with its functions renamed elv_*
# (LIB_STRING_PREFIXED) so it can be tested against the host libc it would
# otherwise clash with. DTB fixtures come from tests/unit/dts via dtc, cpio
# fixtures from GNU cpio (make-cpio-fixtures.sh).
#
# Defines the target unit-tests and UNIT_TEST_BINS; every variable it sets
# starts with UNIT_. It leaves the including Makefile's default goal alone,
# so standalone use must name the target.

UNIT_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

UNIT_DIR := tests/unit
UNIT_OUT := build/host
UNIT_OBJ := $(UNIT_OUT)/unit-obj
UNIT_DTB_DIR := $(UNIT_OUT)/dtb
UNIT_CPIO_DIR := $(UNIT_OUT)/cpio

UNIT_CC := gcc
UNIT_DTC := dtc
UNIT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wvla
UNIT_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	$(UNIT_WARN) $(UNIT_SANITIZE) -Itests/unit/shim -Ihyp/include -MMD -MP \
	-DUNIT_FIXTURE_DIR='"$(abspath $(UNIT_OUT))"'
UNIT_LDFLAGS := $(UNIT_SANITIZE)
UNIT_LDLIBS := -lfdt

UNIT_HYP_SRCS := hyp/lib/format.c hyp/lib/cpio.c hyp/lib/page_alloc.c \
	hyp/core/platform.c hyp/core/bootargs.c hyp/arch/arm64/esr.c \
	hyp/core/manifest.c hyp/core/manifest_parser.c hyp/core/manifest_app.c
UNIT_HYP_SRCS += hyp/arch/arm64/pgtable.c
UNIT_HYP_SRCS += hyp/core/vgic.c hyp/core/vgic_mmio.c hyp/core/vgic_lr.c
UNIT_HYP_SRCS += hyp/lib/elf.c
UNIT_HYP_SRCS += hyp/core/app_check.c
UNIT_HYP_SRCS += hyp/arch/arm64/guest_idregs.c
UNIT_TEST_SRCS := $(wildcard $(UNIT_DIR)/*.c)
UNIT_STRING_OBJ := $(UNIT_OBJ)/hyp/lib/string-prefixed.o
UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/%.o,$(UNIT_HYP_SRCS) $(UNIT_TEST_SRCS))

UNIT_DTS := $(wildcard $(UNIT_DIR)/dts/*.dts)
UNIT_DTSI := $(wildcard $(UNIT_DIR)/dts/*.dtsi)
UNIT_DTBS := $(patsubst $(UNIT_DIR)/dts/%.dts,$(UNIT_DTB_DIR)/%.dtb,$(UNIT_DTS))
UNIT_CPIO_STAMP := $(UNIT_CPIO_DIR)/.stamp

UNIT_TEST_BINS := $(UNIT_OUT)/unit-tests

.PHONY: unit-tests
unit-tests: $(UNIT_TEST_BINS) $(UNIT_DTBS) $(UNIT_CPIO_STAMP)

$(UNIT_TEST_BINS): $(UNIT_OBJS) $(UNIT_STRING_OBJ)
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LDLIBS)

$(UNIT_OBJS): $(UNIT_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_STRING_OBJ): hyp/lib/string.c
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -DLIB_STRING_PREFIXED -c $< -o $@

# dtc warns about the fixtures that are broken on purpose: -q.
$(UNIT_DTBS): $(UNIT_DTB_DIR)/%.dtb: $(UNIT_DIR)/dts/%.dts $(UNIT_DTSI)
	@mkdir -p $(@D)
	$(UNIT_DTC) -q -I dts -O dtb -i $(UNIT_DIR)/dts -o $@ $<

$(UNIT_CPIO_STAMP): $(UNIT_DIR)/make-cpio-fixtures.sh
	sh $< $(UNIT_CPIO_DIR)
	@touch $@

-include $(UNIT_OBJS:.o=.d) $(UNIT_STRING_OBJ:.o=.d)

.DEFAULT_GOAL := $(UNIT_SAVED_DEFAULT_GOAL)
