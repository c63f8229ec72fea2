/*
 * The hypervisor's console: formatted output that several CPUs can use at
 * once without interleaving (each call is written out whole, under a lock),
 * and fatal-error reporting.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdarg.h>
#include "lib/types.h"

/* Use the PL011 whose registers are mapped at regs. */
void console_set_uart(void *regs);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#define pr_err(fmt, ...) printk("elvisor: error: " fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk("elvisor: warning: " fmt, ##__VA_ARGS__)

/* Non-blocking read of one input character, -1 if none. */
int console_getc(void);

/* Let the UART raise its receive interrupt (the shell sleeps until input). */
void console_enable_rx_irq(void);

/*
 * Stop with a message: prints "elvisor: FATAL: <message>" and ends the
 * machine with status 1. For bad input found at boot.
 */
void fatal(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Like fatal(), plus the CPU and a backtrace: for broken invariants. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/*
 * From here on the console lock is taken only if it comes free within a
 * bounded time: a CPU that dies holding it must not silence the report.
 */
void console_enter_emergency(void);

#endif
