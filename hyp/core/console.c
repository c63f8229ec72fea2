/*
 * Console output. Each printk() is formatted on the caller's stack first and
 * then written out in one piece under the console lock, so lines from
 * different CPUs never interleave. The lock is taken with interrupts masked:
 * an interrupt handler that prints cannot deadlock against its own CPU.
 */
#include "arch/cpu.h"
#include "core/console.h"
#include "core/machine.h"
#include "core/spinlock.h"
#include "drivers/pl011.h"
#include "lib/format.h"

#define PRINTK_BUF 512
#define EMERGENCY_SPINS 10000000UL

static void *uart_regs;
static spinlock_t console_lock = SPINLOCK_INIT;
static bool emergency;

void console_set_uart(void *regs)
{
	uart_regs = regs;
}

static void write_out(const char *s, size_t n)
{
	if (!uart_regs)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc(uart_regs, '\r');
		pl011_putc(uart_regs, s[i]);
	}
}

/* In an emergency, give up on the lock after a while rather than go silent. */
static bool lock_console(void)
{
	if (!emergency) {
		spin_lock(&console_lock);
		return true;
	}
	for (unsigned long i = 0; i < EMERGENCY_SPINS; i++) {
		if (spin_trylock(&console_lock))
			return true;
		arch_cpu_relax();
	}
	return false;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_BUF];
	int len = vformat(buf, sizeof(buf), fmt, ap);
	size_t n = len < 0 ? 0 : MIN((size_t)len, sizeof(buf) - 1);
	uint64_t flags = arch_irq_save();
	bool locked = lock_console();

	write_out(buf, n);
	if ((size_t)len >= sizeof(buf))
		write_out("[...]\n", 6);
	if (locked)
		spin_unlock(&console_lock);
	arch_irq_restore(flags);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vprintk(fmt, ap);
	va_end(ap);
	return len;
}

int console_getc(void)
{
	return uart_regs ? pl011_getc(uart_regs) : -1;
}

void console_enable_rx_irq(void)
{
	if (uart_regs)
		pl011_enable_rx_irq(uart_regs);
}

void console_enter_emergency(void)
{
	emergency = true;
}

void fatal(const char *fmt, ...)
{
	char msg[PRINTK_BUF];
	va_list ap;

	console_enter_emergency();
	va_start(ap, fmt);
	vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("elvisor: FATAL: %s\n", msg);
	machine_exit(1);
}
