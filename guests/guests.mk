# guests/guests.mk: the bare-metal EL1 test guests and their library.
#
#   make -f guests/guests.mk TOOLCHAIN=gcc guests     (or TOOLCHAIN=clang)
#
# builds build/<toolchain>/guests/<name>.bin (raw arm64 Images linked at
# 0x40080000) and <name>.elf for disassembly. GUESTS_BAREMETAL=1 builds
# debug variants into build/<toolchain>/guests-baremetal/ that run without
# the hypervisor, straight under QEMU at EL1 (PL011 console, PSCI SYSTEM_OFF
# at the end):
#   qemu-system-aarch64 -M virt,gic-version=3 -cpu max -nographic -nic none \
#       -smp 4 -kernel build/gcc/guests-baremetal/hello.bin
#
# Included by the top-level Makefile: every variable here starts with
# GUESTS_, and this file does not change the default goal of its includer.

GUESTS_PREV_DEFAULT_GOAL := $(.DEFAULT_GOAL)
# Read on its own (make -f guests/guests.mk) or included by another makefile?
GUESTS_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),yes)

TOOLCHAIN ?= gcc
# The includer's BUILD if it has one (the top-level Makefile does).
GUESTS_BUILD ?= $(if $(BUILD),$(BUILD),build)
GUESTS_SRC := guests
ifeq ($(GUESTS_BAREMETAL),1)
  GUESTS_OUT := $(GUESTS_BUILD)/$(TOOLCHAIN)/guests-baremetal
  GUESTS_MODE_CFLAGS := -DGUEST_BAREMETAL
else
  GUESTS_OUT := $(GUESTS_BUILD)/$(TOOLCHAIN)/guests
  GUESTS_MODE_CFLAGS :=
endif

include mk/toolchain.mk
GUESTS_CC := $(TC_CC)
GUESTS_LD := $(TC_LD)
GUESTS_OBJCOPY := $(TC_OBJCOPY)
GUESTS_READELF := $(TC_READELF)
GUESTS_TC_CFLAGS := $(TC_CFLAGS)

# The test guests, one raw Image each: every guests/<name>.c.
GUESTS_NAMES := $(sort $(basename $(notdir $(wildcard $(GUESTS_SRC)/*.c))))

GUESTS_LIB_SRCS := $(wildcard $(GUESTS_SRC)/lib/*.c $(GUESTS_SRC)/lib/*.S)
# The hypervisor's portable string functions and formatter, compiled
# unchanged into the guests' library: one copy of each in the tree.
GUESTS_HYPLIB_SRCS := hyp/lib/string.c hyp/lib/format.c
GUESTS_HYPLIB_OBJS := $(patsubst hyp/lib/%.c,$(GUESTS_OUT)/obj/hyplib/%.c.o,$(GUESTS_HYPLIB_SRCS))
GUESTS_LIB_OBJS := $(patsubst $(GUESTS_SRC)/%,$(GUESTS_OUT)/obj/%.o,$(GUESTS_LIB_SRCS)) \
	$(GUESTS_HYPLIB_OBJS)
GUESTS_MAIN_OBJS := $(patsubst %,$(GUESTS_OUT)/obj/%.c.o,$(GUESTS_NAMES))
GUESTS_BINS := $(patsubst %,$(GUESTS_OUT)/%.bin,$(GUESTS_NAMES))
GUESTS_ELFS := $(patsubst %,$(GUESTS_OUT)/%.elf,$(GUESTS_NAMES))
GUESTS_LDS := $(GUESTS_SRC)/lib/guest.lds
# The virtio-blk test disk the configs/tests/virtio-*.dts manifests name.
GUESTS_DISK := $(GUESTS_OUT)/virtio-disk.img

GUESTS_WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wvla
# -mstrict-align: with the MMU off all data accesses are Device memory,
# where an unaligned access faults. -fno-pic: linked at a fixed address.
GUESTS_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(GUESTS_CC) -print-file-name=include) \
	-O2 -g -march=armv8-a -mgeneral-regs-only -mstrict-align -fno-pic -fno-pie \
	-fno-stack-protector -fno-common -fno-strict-aliasing \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	$(GUESTS_WARNINGS) $(GUESTS_TC_CFLAGS) $(GUESTS_MODE_CFLAGS) \
	-I$(GUESTS_SRC)/lib -Ihyp/include -MMD -MP
GUESTS_ASFLAGS := $(filter-out -std=c11,$(GUESTS_CFLAGS)) -D__ASSEMBLER__
GUESTS_LDFLAGS := -nostdlib -static --no-dynamic-linker -z noexecstack -z max-page-size=4096 \
	--build-id=none -T $(GUESTS_LDS)

ifneq ($(V),1)
  GUESTS_Q := @
  guests_say = @echo "  $(1)	$(2)"
endif

.PHONY: guests guests-clean
guests: $(GUESTS_BINS) $(GUESTS_DISK)

guests-clean:
	rm -rf $(GUESTS_BUILD)/gcc/guests $(GUESTS_BUILD)/clang/guests \
		$(GUESTS_BUILD)/gcc/guests-baremetal $(GUESTS_BUILD)/clang/guests-baremetal

# Static pattern rules: they win over the includer's implicit rules.
$(GUESTS_HYPLIB_OBJS): $(GUESTS_OUT)/obj/hyplib/%.c.o: hyp/lib/%.c $(GUESTS_SRC)/guests.mk
	@mkdir -p $(dir $@)
	$(call guests_say,CC,$@)
	$(GUESTS_Q)$(GUESTS_CC) $(GUESTS_CFLAGS) -c $< -o $@

$(filter-out $(GUESTS_HYPLIB_OBJS),$(filter %.c.o,$(GUESTS_LIB_OBJS) $(GUESTS_MAIN_OBJS))): \
		$(GUESTS_OUT)/obj/%.c.o: $(GUESTS_SRC)/%.c $(GUESTS_SRC)/guests.mk
	@mkdir -p $(dir $@)
	$(call guests_say,CC,$@)
	$(GUESTS_Q)$(GUESTS_CC) $(GUESTS_CFLAGS) -c $< -o $@

$(filter %.S.o,$(GUESTS_LIB_OBJS)): $(GUESTS_OUT)/obj/%.S.o: $(GUESTS_SRC)/%.S \
		$(GUESTS_SRC)/guests.mk
	@mkdir -p $(dir $@)
	$(call guests_say,AS,$@)
	$(GUESTS_Q)$(GUESTS_CC) $(GUESTS_ASFLAGS) -c $< -o $@

$(GUESTS_ELFS): $(GUESTS_OUT)/%.elf: $(GUESTS_OUT)/obj/%.c.o $(GUESTS_LIB_OBJS) $(GUESTS_LDS)
	$(call guests_say,LD,$@)
	$(GUESTS_Q)$(GUESTS_LD) $(GUESTS_LDFLAGS) -o $@ $< $(GUESTS_LIB_OBJS) -Map $(@:.elf=.map)

$(GUESTS_BINS): $(GUESTS_OUT)/%.bin: $(GUESTS_OUT)/%.elf
	$(call guests_say,IMAGE,$@)
	$(GUESTS_Q)$(GUESTS_OBJCOPY) -O binary $< $@
	$(GUESTS_Q)sh scripts/check-image.sh $@ $< $(GUESTS_READELF)

$(GUESTS_DISK): scripts/mkdisk.sh
	@mkdir -p $(dir $@)
	$(call guests_say,DISK,$@)
	$(GUESTS_Q)sh scripts/mkdisk.sh $@

-include $(GUESTS_LIB_OBJS:.o=.d) $(GUESTS_MAIN_OBJS:.o=.d)

# Standalone (make -f guests/guests.mk): build the guests by default.
# Included: leave the includer's default goal alone, set or not yet set.
ifeq ($(GUESTS_STANDALONE),yes)
  .DEFAULT_GOAL := guests
else
  .DEFAULT_GOAL := $(GUESTS_PREV_DEFAULT_GOAL)
endif
