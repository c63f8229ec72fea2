/*
 * Formatted output into a buffer, snprintf semantics: the result is always
 * NUL-terminated when size > 0, and the return value is the length the full
 * output would have had (so truncation is detectable).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%; flags '-' '0' '+' ' ' '#';
 * field width and precision (also as '*'); length modifiers hh h l ll z t j.
 * %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)".
 * Anything else is printed literally, so a bad format never reads past its
 * arguments by more than one.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include "lib/types.h"

int vformat(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
