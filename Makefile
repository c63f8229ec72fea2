# elvisor: top-level build.
#   make                  build the hypervisor (gcc) into build/gcc/elvisor.bin,
#                         and the test guests into build/gcc/guests/
#   make TOOLCHAIN=clang  the same with clang/lld into build/clang/
#   make run              boot it in QEMU with a console: the Linux demo
#                         (configs/linux.dts: Debian's Linux and a bare-metal domain)
#   make run MANIFEST=configs/demo.dts  the bare-metal demo; or your own manifest
#   make test             every test: host unit tests and QEMU scenarios, gcc and clang
#   make clean
# `run` and `test` install what is missing first (scripts/deps.sh).

TOOLCHAIN ?= gcc
BUILD     := build
OUT       := $(BUILD)/$(TOOLCHAIN)
CACHE     := $(BUILD)/cache
LIBFDT_A  := $(CACHE)/root/usr/lib/aarch64-linux-gnu/libfdt.a
LIBFDT_INC := $(CACHE)/root/usr/include
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

include mk/toolchain.mk
CC      := $(TC_CC)
LD      := $(TC_LD)
OBJCOPY := $(TC_OBJCOPY)
READELF := $(TC_READELF)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wvla

# -fpie: the image is linked at 0 and relocates itself at boot to the VA it
# runs at (PA under nVHE, upper half under VHE), see hyp/arch/arm64/head.S.
CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-O2 -g -mgeneral-regs-only -march=armv8-a -fpie -include hyp/include/lib/hidden.h \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fstack-protector-strong -fno-common -fno-strict-aliasing \
	$(WARNINGS) $(TC_CFLAGS) -Ihyp/include -isystem hyp/include/libc -I$(LIBFDT_INC) \
	-DELVISOR_VERSION='"$(VERSION)"' -DELVISOR_TOOLCHAIN='"$(TOOLCHAIN)"' -MMD -MP
ASFLAGS := $(filter-out -std=c11 -fstack-protector-strong -include hyp/include/lib/hidden.h,$(CFLAGS)) -D__ASSEMBLY__
LDFLAGS := -pie --no-dynamic-linker -z norelro -z noexecstack --gc-sections \
	--build-id=none -nostdlib -T hyp/arch/arm64/elvisor.lds

HYP_SRCS := $(wildcard hyp/arch/arm64/*.c hyp/arch/arm64/*.S hyp/core/*.c \
	hyp/drivers/*.c hyp/lib/*.c)
HYP_OBJS := $(patsubst %,$(OUT)/%.o,$(HYP_SRCS))

.PHONY: all deps run test clean unit-tests guests
all: $(OUT)/elvisor.bin guests apps stubs

$(LIBFDT_A):
	sh scripts/deps.sh $(CACHE)

deps:
	sh scripts/deps.sh $(CACHE)

# Code that runs before the MMU is on must not load the stack guard through
# the GOT: the GOT already holds virtual addresses then (see mmu_early.c).
EARLY_OBJS := $(OUT)/hyp/arch/arm64/mmu_early.c.o $(OUT)/hyp/arch/arm64/pgtable.c.o
$(EARLY_OBJS): CFLAGS += -fno-stack-protector

# V=1 shows the full commands.
ifneq ($(V),1)
  Q := @
  say = @echo "  $(1)	$(2)"
endif

$(OUT)/%.c.o: %.c Makefile | $(LIBFDT_A)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/%.S.o: %.S Makefile | $(LIBFDT_A)
	@mkdir -p $(dir $@)
	$(call say,AS,$@)
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(OUT)/elvisor.elf: $(HYP_OBJS) $(LIBFDT_A) hyp/arch/arm64/elvisor.lds
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(HYP_OBJS) $(LIBFDT_A) -Map $(OUT)/elvisor.map

$(OUT)/elvisor.bin: $(OUT)/elvisor.elf
	$(call say,IMAGE,$@)
	$(Q)$(OBJCOPY) -O binary $< $@
	$(Q)sh scripts/check-image.sh $@ $< $(READELF)

include tests/unit/unit.mk
include guests/guests.mk
include apps/apps.mk
include stubdom/stubdom.mk

# --- the boot archive: a manifest and the images it names -------------------
# Files the manifest names are looked up in its own directory, then in
# IMAGE_DIRS (yours), then among the test guests, then among the apps, then
# among the stub-domain images (build/<toolchain>/stubdom/).
# The default: the Linux demo (docs/linux.md); configs/demo.dts is the bare-metal one.
MANIFEST ?= configs/linux.dts
IMAGE_DIRS ?=
RUN_INITRD := $(OUT)/initrd-$(notdir $(basename $(MANIFEST))).cpio

$(RUN_INITRD): $(MANIFEST) scripts/mkinitrd.sh guests apps stubs FORCE
	$(call say,CPIO,$@)
	$(Q)sh scripts/mkinitrd.sh $(MANIFEST) $@ $(dir $(MANIFEST)) $(IMAGE_DIRS) $(GUESTS_OUT) \
		$(APPS_OUT) $(STUB_OUT)

FORCE:

# --- running -----------------------------------------------------------------
QEMU_CPU ?= max,pauth-impdef=on
QEMU_GIC ?= 3
QEMU_SMP ?= 4
QEMU_MEM ?= 512

run: deps all $(if $(INITRD),,$(RUN_INITRD))
	@echo "elvisor: starting QEMU. Leave with Ctrl-A then X."
	qemu-system-aarch64 -M virt,virtualization=on,gic-version=$(QEMU_GIC) \
		-cpu $(QEMU_CPU) -smp $(QEMU_SMP) -m $(QEMU_MEM) -nographic -nic none \
		-semihosting -kernel $(OUT)/elvisor.bin $(if $(BOOTARGS),-append "$(BOOTARGS)") \
		-initrd $(if $(INITRD),$(INITRD),$(RUN_INITRD))

test: deps
	$(MAKE) TOOLCHAIN=gcc all
	$(MAKE) TOOLCHAIN=clang all
	$(MAKE) unit-tests
	python3 tests/qemu/run.py --toolchains gcc,clang $(addprefix --unit ,$(UNIT_TEST_BINS))

clean:
	rm -rf $(BUILD)/gcc $(BUILD)/clang $(BUILD)/host $(BUILD)/test $(BUILD)/test-logs

# --- the benchmark (issue 7, docs/benchmarks.md) ------------------------------
# Round trips counted in instructions under QEMU icount (run twice, checked
# for determinism) and the wall-clock rows that can run; writes
# build/bench/results.json, docs/benchmarks.md and docs/benchmarks.png.
# Always measures the gcc build.
.PHONY: bench
bench: deps
	$(MAKE) TOOLCHAIN=gcc all
	python3 scripts/bench.py -j 2

# --- the Linux guest (issue 5; docs/linux.md) -------------------------------
# Debian's arm64 kernel and busybox-static, downloaded once into
# $(CACHE)/linux by scripts/linux.sh, and our initramfs (linux/init):
# build/linux/Image and build/linux/initramfs.cpio.gz. `make test` needs them
# for the linux-* and demo-linux scenarios; `make run` (configs/linux.dts) boots them.
LINUX_OUT := $(BUILD)/linux
LINUX_FILES := $(LINUX_OUT)/Image $(LINUX_OUT)/initramfs.cpio.gz
.PHONY: linux
linux: $(LINUX_FILES)

# After deps.sh (order only): both use apt's private lists in $(CACHE).
$(LINUX_FILES) &: scripts/linux.sh linux/init linux/mkcpio.py | $(LIBFDT_A)
	$(call say,LINUX,$(LINUX_OUT))
	$(Q)sh scripts/linux.sh $(CACHE) $(LINUX_OUT)
	$(Q)touch $(LINUX_FILES)

test: linux
# A Linux manifest's boot archive takes the files from build/linux.
ifneq ($(filter configs/linux.dts configs/tests/linux%,$(MANIFEST)),)
override IMAGE_DIRS += $(LINUX_OUT)
$(RUN_INITRD): linux
endif

-include $(HYP_OBJS:.o=.d)
