# The AArch64 cross toolchain, chosen by TOOLCHAIN (gcc or clang): one
# definition for the hypervisor, the guests and the apps. Included by the
# top-level Makefile, guests/guests.mk and apps/apps.mk (each may also be
# used on its own); defines only TC_* variables.
ifndef TC_TOOLCHAIN_MK
TC_TOOLCHAIN_MK := 1

TOOLCHAIN ?= gcc

ifeq ($(TOOLCHAIN),gcc)
  TC_CROSS ?= aarch64-linux-gnu-
  TC_CC := $(TC_CROSS)gcc
  TC_LD := $(TC_CROSS)ld
  TC_OBJCOPY := $(TC_CROSS)objcopy
  TC_READELF := $(TC_CROSS)readelf
  # No outlined atomics (they live in libgcc); no loop-to-memset rewriting
  # (memset itself is one of our loops).
  TC_CFLAGS := -mno-outline-atomics -fno-tree-loop-distribute-patterns
else ifeq ($(TOOLCHAIN),clang)
  TC_CC := clang --target=aarch64-none-elf
  TC_LD := ld.lld
  TC_OBJCOPY := llvm-objcopy
  TC_READELF := llvm-readelf
  TC_CFLAGS :=
else
  $(error TOOLCHAIN must be gcc or clang, not '$(TOOLCHAIN)')
endif

endif
