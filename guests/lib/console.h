/*
 * Console output through ELVISOR_HVC_CONSOLE_WRITE (the hypervisor prefixes
 * each line with the domain's name). One printf() is one hypercall of at most
 * ELVISOR_CONSOLE_MAX bytes, so lines from different vCPUs never mix as long
 * as each printf() ends its line. Longer output is cut.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#define CONSOLE_LINE_MAX 256		/* ELVISOR_CONSOLE_MAX */

void console_write(const char *s, size_t len);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
