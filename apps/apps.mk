# apps/apps.mk: the EL0 apps and their SDK.
#
#   make -f apps/apps.mk TOOLCHAIN=gcc apps     (or TOOLCHAIN=clang)
#
# builds every app under apps/<name>/ (every directory but sdk; its *.c and
# *.S files) into build/<toolchain>/apps/<name>.elf: a static, non-PIE EL0
# executable linked at 0x400000 with apps/sdk/app.lds against the SDK
# (crt0, libapp, hyp/lib/format.c). Each image is checked by
# apps/sdk/check-app.sh (segments inside the app window, no W+X segment).
# The ABI is hyp/include/abi/app.h; the guide is docs/app-abi.md.
#
# Included by the top-level Makefile: every variable here starts with
# APPS_, and this file does not change the default goal of its includer.

APPS_PREV_DEFAULT_GOAL := $(.DEFAULT_GOAL)
# Read on its own (make -f apps/apps.mk) or included by another makefile?
APPS_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),yes)

TOOLCHAIN ?= gcc
# The includer's BUILD if it has one (the top-level Makefile does).
APPS_BUILD ?= $(if $(BUILD),$(BUILD),build)
APPS_SRC := apps
APPS_SDK := $(APPS_SRC)/sdk
APPS_OUT := $(APPS_BUILD)/$(TOOLCHAIN)/apps

include mk/toolchain.mk
APPS_CC := $(TC_CC)
APPS_LD := $(TC_LD)
APPS_READELF := $(TC_READELF)
APPS_TC_CFLAGS := $(TC_CFLAGS)

# Every directory under apps/ except the SDK is an app.
APPS_NAMES := $(filter-out sdk,$(patsubst $(APPS_SRC)/%/,%,$(wildcard $(APPS_SRC)/*/)))
APPS_ELFS := $(patsubst %,$(APPS_OUT)/%.elf,$(APPS_NAMES))

# The SDK: crt0 first on the link line, then libapp.
APPS_SDK_CRT0 := $(APPS_OUT)/obj/sdk/crt0.S.o
APPS_SDK_LIB_SRCS := $(wildcard $(APPS_SDK)/lib/*.c)
APPS_SDK_FORMAT_OBJ := $(APPS_OUT)/obj/sdk/hyp-format.c.o
APPS_SDK_STRING_OBJ := $(APPS_OUT)/obj/sdk/hyp-string.c.o
APPS_SDK_LIB_OBJS := $(patsubst $(APPS_SRC)/%,$(APPS_OUT)/obj/%.o,$(APPS_SDK_LIB_SRCS)) \
	$(APPS_SDK_FORMAT_OBJ) $(APPS_SDK_STRING_OBJ)
APPS_SDK_OBJS := $(APPS_SDK_CRT0) $(APPS_SDK_LIB_OBJS)
APPS_LDS := $(APPS_SDK)/app.lds

# Each app's own objects.
APPS_APP_SRCS := $(foreach a,$(APPS_NAMES),$(wildcard $(APPS_SRC)/$(a)/*.c $(APPS_SRC)/$(a)/*.S))
APPS_APP_OBJS := $(patsubst $(APPS_SRC)/%,$(APPS_OUT)/obj/%.o,$(APPS_APP_SRCS))
APPS_ALL_OBJS := $(APPS_SDK_OBJS) $(APPS_APP_OBJS)

APPS_WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wvla
# -mgeneral-regs-only: FP/SIMD in an app is an app fault. -fno-pic -fno-pie:
# linked at a fixed address. No stack protector: apps have no TLS or guard
# value; the stack's guard page catches overflows.
APPS_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(APPS_CC) -print-file-name=include) \
	-O2 -g -march=armv8-a -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-stack-protector -fno-common -fno-strict-aliasing \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	$(APPS_WARNINGS) $(APPS_TC_CFLAGS) \
	-I$(APPS_SDK)/include -Ihyp/include -MMD -MP
APPS_ASFLAGS := $(filter-out -std=c11,$(APPS_CFLAGS)) -D__ASSEMBLER__
APPS_LDFLAGS := -nostdlib -static --no-dynamic-linker -z noexecstack -z max-page-size=4096 \
	--build-id=none --gc-sections -T $(APPS_LDS)

ifneq ($(V),1)
  APPS_Q := @
  apps_say = @echo "  $(1)	$(2)"
endif

.PHONY: apps apps-clean
apps: $(APPS_ELFS)

apps-clean:
	rm -rf $(APPS_BUILD)/gcc/apps $(APPS_BUILD)/clang/apps

# Static pattern rules: they win over the includer's implicit rules.
$(filter-out $(APPS_SDK_FORMAT_OBJ) $(APPS_SDK_STRING_OBJ),$(filter %.c.o,$(APPS_ALL_OBJS))): $(APPS_OUT)/obj/%.c.o: $(APPS_SRC)/%.c $(APPS_SRC)/apps.mk
	@mkdir -p $(dir $@)
	$(call apps_say,CC,$@)
	$(APPS_Q)$(APPS_CC) $(APPS_CFLAGS) -c $< -o $@

$(filter %.S.o,$(APPS_ALL_OBJS)): $(APPS_OUT)/obj/%.S.o: $(APPS_SRC)/%.S $(APPS_SRC)/apps.mk
	@mkdir -p $(dir $@)
	$(call apps_say,AS,$@)
	$(APPS_Q)$(APPS_CC) $(APPS_ASFLAGS) -c $< -o $@

# The hypervisor's formatter and string functions, compiled unchanged into
# libapp: portable freestanding code, one copy in the tree.
$(APPS_SDK_FORMAT_OBJ): hyp/lib/format.c $(APPS_SRC)/apps.mk
	@mkdir -p $(dir $@)
	$(call apps_say,CC,$@)
	$(APPS_Q)$(APPS_CC) $(APPS_CFLAGS) -c $< -o $@

$(APPS_SDK_STRING_OBJ): hyp/lib/string.c $(APPS_SRC)/apps.mk
	@mkdir -p $(dir $@)
	$(call apps_say,CC,$@)
	$(APPS_Q)$(APPS_CC) $(APPS_CFLAGS) -c $< -o $@

# One link rule per app: its objects, then the SDK.
define APPS_LINK_RULE
$(APPS_OUT)/$(1).elf: $(filter $(APPS_OUT)/obj/$(1)/%,$(APPS_APP_OBJS)) $(APPS_SDK_OBJS) \
		$(APPS_LDS) $(APPS_SDK)/check-app.sh
	$$(call apps_say,LD,$$@)
	$$(APPS_Q)$$(APPS_LD) $$(APPS_LDFLAGS) -o $$@ $$(APPS_SDK_CRT0) \
		$(filter $(APPS_OUT)/obj/$(1)/%,$(APPS_APP_OBJS)) $$(APPS_SDK_LIB_OBJS) -Map $$(@:.elf=.map)
	$$(APPS_Q)sh $(APPS_SDK)/check-app.sh $$@ $$(APPS_READELF) || { rm -f $$@; exit 1; }
endef
$(foreach a,$(APPS_NAMES),$(eval $(call APPS_LINK_RULE,$(a))))

-include $(APPS_ALL_OBJS:.o=.d)

# Standalone (make -f apps/apps.mk): build the apps by default.
# Included: leave the includer's default goal alone, set or not yet set.
ifeq ($(APPS_STANDALONE),yes)
  .DEFAULT_GOAL := apps
else
  .DEFAULT_GOAL := $(APPS_PREV_DEFAULT_GOAL)
endif
