/*
 * The few libc functions the guests (and the compilers) need: the
 * hypervisor's portable ones, compiled into the guests' library by
 * guests.mk (hyp/lib/string.c; formatting is lib/format.h's format and
 * vformat). They work byte by byte or with aligned words only: with the
 * MMU off every access is Device memory, where nothing may be unaligned.
 */
#ifndef GUEST_LIBC_H
#define GUEST_LIBC_H

#include "lib/string.h"

#endif
