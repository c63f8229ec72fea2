# stubdom/stubdom.mk: every app, built a second time as a stub domain.
#
#   make -f stubdom/stubdom.mk TOOLCHAIN=gcc stubs     (or TOOLCHAIN=clang)
#
# For every app apps/apps.mk builds (every apps/<name>/ but sdk), links its
# sources and the SDK's library, compiled again with -DAPP_STUB_BACKEND
# (app.h's syscalls become calls into the runtime), with the stub runtime
# (stubdom/*.c, *.S) into build/<toolchain>/stubdom/<name>-stub.elf and the
# raw arm64 Image <name>-stub.bin a manifest's `elvisor,stubdom` node names.
# The same compiler flags as the EL0 apps (apps/apps.mk's APPS_CFLAGS), in
# an object directory of their own. Each image is checked by
# stubdom/check-stub.sh. The design is in docs/stubdom.md.
#
# Included by the top-level Makefile after apps/apps.mk: every variable here
# starts with STUB_, and this file does not change the default goal of its
# includer.

STUB_PREV_DEFAULT_GOAL := $(.DEFAULT_GOAL)
# Read on its own (make -f stubdom/stubdom.mk) or included by another makefile?
STUB_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),yes)

# The app list, the SDK's sources and the app flags come from apps.mk.
ifndef APPS_CFLAGS
include apps/apps.mk
endif

STUB_SRC := stubdom
STUB_OUT := $(APPS_BUILD)/$(TOOLCHAIN)/stubdom
STUB_OBJ := $(STUB_OUT)/obj
STUB_OBJCOPY := $(TC_OBJCOPY)
# GNU objdump for both toolchains (binutils-aarch64-linux-gnu is installed
# for either by scripts/deps.sh): one disassembly format for check-stub.sh.
STUB_OBJDUMP := aarch64-linux-gnu-objdump

# -I stubdom/arm64: the runtime's arch.h (the host test has its own).
STUB_CFLAGS := $(APPS_CFLAGS) -DAPP_STUB_BACKEND -I$(STUB_SRC) -I$(STUB_SRC)/arm64
STUB_ASFLAGS := $(APPS_ASFLAGS) -DAPP_STUB_BACKEND -I$(STUB_SRC) -I$(STUB_SRC)/arm64
STUB_LDS := $(STUB_SRC)/stub.lds
STUB_LDFLAGS := -nostdlib -static --no-dynamic-linker -z noexecstack -z max-page-size=4096 \
	--build-id=none --gc-sections -T $(STUB_LDS)

# The runtime.
STUB_RT_SRCS := $(wildcard $(STUB_SRC)/*.c $(STUB_SRC)/*.S)
STUB_RT_OBJS := $(patsubst $(STUB_SRC)/%,$(STUB_OBJ)/runtime/%.o,$(STUB_RT_SRCS))
# The SDK's library (not crt0: the runtime is the stub's crt0).
STUB_SDK_FORMAT_OBJ := $(STUB_OBJ)/sdk/hyp-format.c.o
STUB_SDK_STRING_OBJ := $(STUB_OBJ)/sdk/hyp-string.c.o
STUB_SDK_LIB_OBJS := $(patsubst $(APPS_SRC)/%,$(STUB_OBJ)/%.o,$(APPS_SDK_LIB_SRCS)) \
	$(STUB_SDK_FORMAT_OBJ) $(STUB_SDK_STRING_OBJ)
# Each app's own objects.
STUB_APP_OBJS := $(patsubst $(APPS_SRC)/%,$(STUB_OBJ)/%.o,$(APPS_APP_SRCS))
STUB_ALL_OBJS := $(STUB_RT_OBJS) $(STUB_SDK_LIB_OBJS) $(STUB_APP_OBJS)

STUB_ELFS := $(patsubst %,$(STUB_OUT)/%-stub.elf,$(APPS_NAMES))
STUB_BINS := $(STUB_ELFS:.elf=.bin)

# The host test of the request loop (stubdom/test/runtime_test.c), with
# ASan and UBSan, run before any stub image is linked: twice, with handlers
# and with none (crt0's defaults). Shared by both toolchains' builds.
STUB_HOST_CC := gcc
STUB_HOST_OUT := $(APPS_BUILD)/host/stubdom
STUB_HOST_SRCS := $(STUB_SRC)/test/runtime_test.c $(STUB_SRC)/runtime.c $(STUB_SRC)/exception.c \
	$(APPS_SDK)/lib/log.c $(APPS_SDK)/lib/device.c hyp/lib/format.c
STUB_HOST_DEPS := $(STUB_HOST_SRCS) $(STUB_SRC)/test/arch.h $(STUB_SRC)/stub.h \
	$(APPS_SDK)/include/app.h hyp/include/abi/app.h hyp/include/abi/stubdom.h $(STUB_SRC)/stubdom.mk
STUB_HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $(APPS_WARNINGS) \
	-fsanitize=address,undefined -fno-sanitize-recover=all -DAPP_STUB_BACKEND \
	-I$(STUB_SRC)/test -I$(STUB_SRC) -I$(APPS_SDK)/include -Ihyp/include
STUB_HOST_TESTS := $(STUB_HOST_OUT)/runtime-test $(STUB_HOST_OUT)/runtime-test-null-ops
STUB_HOST_OK := $(STUB_HOST_OUT)/runtime-test.ok

# FP/SIMD instructions an app has on purpose, by encoding: faulty's hand-
# encoded "fmov d0, xzr" (FAULTY_CMD_FP), which must fault. check-stub.sh
# rejects every other one.
STUB_FP_ALLOWED_faulty := 9e6703e0

ifneq ($(V),1)
  STUB_Q := @
  stub_say = @echo "  $(1)	$(2)"
endif

.PHONY: stubs stubs-clean stubs-host-test
stubs: $(STUB_BINS)
stubs-host-test: $(STUB_HOST_OK)

stubs-clean:
	rm -rf $(APPS_BUILD)/gcc/stubdom $(APPS_BUILD)/clang/stubdom $(STUB_HOST_OUT)

$(STUB_HOST_OUT)/runtime-test: $(STUB_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(call stub_say,HOSTCC,$@)
	$(STUB_Q)$(STUB_HOST_CC) $(STUB_HOST_CFLAGS) -o $@ $(STUB_HOST_SRCS)

$(STUB_HOST_OUT)/runtime-test-null-ops: $(STUB_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(call stub_say,HOSTCC,$@)
	$(STUB_Q)$(STUB_HOST_CC) $(STUB_HOST_CFLAGS) -DTEST_NULL_OPS -o $@ $(STUB_HOST_SRCS)

$(STUB_HOST_OK): $(STUB_HOST_TESTS)
	$(call stub_say,TEST,$(STUB_HOST_TESTS))
	$(STUB_Q)for t in $(STUB_HOST_TESTS); do $$t >/dev/null || { echo "stubdom: $$t failed" >&2; exit 1; }; done
	@touch $@

# Static pattern rules: they win over the includer's implicit rules.
$(filter %.c.o,$(STUB_RT_OBJS)): $(STUB_OBJ)/runtime/%.c.o: $(STUB_SRC)/%.c $(STUB_SRC)/stubdom.mk
	@mkdir -p $(dir $@)
	$(call stub_say,CC,$@)
	$(STUB_Q)$(APPS_CC) $(STUB_CFLAGS) -c $< -o $@

$(filter %.S.o,$(STUB_RT_OBJS)): $(STUB_OBJ)/runtime/%.S.o: $(STUB_SRC)/%.S $(STUB_SRC)/stubdom.mk
	@mkdir -p $(dir $@)
	$(call stub_say,AS,$@)
	$(STUB_Q)$(APPS_CC) $(STUB_ASFLAGS) -c $< -o $@

$(filter-out $(STUB_SDK_FORMAT_OBJ) $(STUB_SDK_STRING_OBJ),$(filter %.c.o,$(STUB_SDK_LIB_OBJS) \
		$(STUB_APP_OBJS))): $(STUB_OBJ)/%.c.o: $(APPS_SRC)/%.c $(STUB_SRC)/stubdom.mk
	@mkdir -p $(dir $@)
	$(call stub_say,CC,$@)
	$(STUB_Q)$(APPS_CC) $(STUB_CFLAGS) -c $< -o $@

$(filter %.S.o,$(STUB_APP_OBJS)): $(STUB_OBJ)/%.S.o: $(APPS_SRC)/%.S $(STUB_SRC)/stubdom.mk
	@mkdir -p $(dir $@)
	$(call stub_say,AS,$@)
	$(STUB_Q)$(APPS_CC) $(STUB_ASFLAGS) -c $< -o $@

$(STUB_SDK_FORMAT_OBJ): hyp/lib/format.c $(STUB_SRC)/stubdom.mk
	@mkdir -p $(dir $@)
	$(call stub_say,CC,$@)
	$(STUB_Q)$(APPS_CC) $(STUB_CFLAGS) -c $< -o $@

$(STUB_SDK_STRING_OBJ): hyp/lib/string.c $(STUB_SRC)/stubdom.mk
	@mkdir -p $(dir $@)
	$(call stub_say,CC,$@)
	$(STUB_Q)$(APPS_CC) $(STUB_CFLAGS) -c $< -o $@

# One link rule per app: the runtime, the app's objects, the SDK's library.
define STUB_LINK_RULE
$(STUB_OUT)/$(1)-stub.elf: $(STUB_RT_OBJS) $(filter $(STUB_OBJ)/$(1)/%,$(STUB_APP_OBJS)) \
		$(STUB_SDK_LIB_OBJS) $(STUB_LDS) $(STUB_SRC)/check-stub.sh $(STUB_HOST_OK)
	$$(call stub_say,LD,$$@)
	$$(STUB_Q)$$(APPS_LD) $$(STUB_LDFLAGS) -o $$@ $$(STUB_RT_OBJS) \
		$(filter $(STUB_OBJ)/$(1)/%,$(STUB_APP_OBJS)) $$(STUB_SDK_LIB_OBJS) -Map $$(@:.elf=.map)
	$$(STUB_Q)sh $(STUB_SRC)/check-stub.sh $$@ $$(STUB_OBJDUMP) $$(APPS_READELF) \
		"$$(STUB_FP_ALLOWED_$(1))" || { rm -f $$@; exit 1; }
endef
$(foreach a,$(APPS_NAMES),$(eval $(call STUB_LINK_RULE,$(a))))

$(STUB_BINS): $(STUB_OUT)/%.bin: $(STUB_OUT)/%.elf
	$(call stub_say,IMAGE,$@)
	$(STUB_Q)$(STUB_OBJCOPY) -O binary $< $@
	$(STUB_Q)sh scripts/check-image.sh $@ $< $(APPS_READELF) || { rm -f $@; exit 1; }

-include $(STUB_ALL_OBJS:.o=.d)

# Standalone (make -f stubdom/stubdom.mk): build the stub images by default.
# Included: leave the includer's default goal alone, set or not yet set.
ifeq ($(STUB_STANDALONE),yes)
  .DEFAULT_GOAL := stubs
else
  .DEFAULT_GOAL := $(STUB_PREV_DEFAULT_GOAL)
endif
