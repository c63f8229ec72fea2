/*
 * The interactive console (the default boot mode): a line editor over the
 * UART and a few commands that show the machine's state. Input arrives by
 * the UART's receive interrupt; between keys the boot CPU sleeps in WFI.
 */
#include "arch/cpu.h"
#include "core/boot.h"
#include "core/console.h"
#include "core/initrd.h"
#include "core/irq.h"
#include "core/mm.h"
#include "core/percpu.h"
#include "core/shell.h"
#include "core/smp.h"
#include "drivers/gic.h"
#include "lib/string.h"

#define LINE_MAX 80

static void cmd_help(void)
{
	printk("commands:\n"
	       "  help     this list\n"
	       "  cpus     CPUs with their MPIDR and interrupt counts\n"
	       "  mem      physical memory and the page allocator\n"
	       "  initrd   the files of the boot archive\n"
	       "Leave QEMU with Ctrl-A then X.\n");
}

static void cmd_cpus(void)
{
	for (unsigned c = 0; c < smp_cpu_count(); c++) {
		struct percpu *p = &percpu_data[c];

		printk("  CPU %u  MPIDR 0x%08lx  %-7s irqs %lu  timer %lu  sgi %lu\n",
		       c, p->mpidr, p->online ? "online" : "offline",
		       (uint64_t)p->irqs, (uint64_t)p->timer_irqs, (uint64_t)p->sgis);
	}
}

static void cmd_mem(void)
{
	const struct platform *plat = platform_get();

	for (unsigned b = 0; b < plat->ram_banks; b++)
		printk("  RAM bank %u: [%#lx, %#lx) %lu MiB\n", b, plat->ram[b].base,
		       plat->ram[b].base + plat->ram[b].size, plat->ram[b].size >> 20);
	printk("  pages: %zu total, %zu free (%zu KiB)\n", mm_total_page_count(),
	       mm_free_page_count(), mm_free_page_count() * 4);
}

static void run_command(const char *line)
{
	if (!line[0])
		return;
	if (!strcmp(line, "help"))
		cmd_help();
	else if (!strcmp(line, "cpus"))
		cmd_cpus();
	else if (!strcmp(line, "mem"))
		cmd_mem();
	else if (!strcmp(line, "initrd"))
		initrd_list();
	else
		printk("unknown command \"%s\"; type help\n", line);
}

/* The UART interrupt only wakes the CPU; the loop below drains the FIFO. */
static void uart_irq(uint32_t intid, void *ctx)
{
	(void)ctx;
	gic_disable(intid);
}

void shell_run(void)
{
	const struct platform *plat = platform_get();
	char line[LINE_MAX];
	size_t len = 0;
	bool irq_driven = plat->uart.present && plat->uart.irq.valid &&
			  !irq_register(plat->uart.irq.intid, uart_irq, NULL);

	printk("elvisor: console ready; type help. Leave QEMU with Ctrl-A then X.\n");
	printk("elvisor> ");
	for (;;) {
		int c = console_getc();

		if (c < 0) {
			smp_poll_work();
			if (irq_driven) {
				console_enable_rx_irq();
				gic_enable(plat->uart.irq.intid, true);
			}
			arch_wait_for_interrupt();
			continue;
		}
		if (c == '\r' || c == '\n') {
			printk("\n");
			line[len] = '\0';
			run_command(line);
			len = 0;
			printk("elvisor> ");
		} else if ((c == 0x7f || c == 0x08) && len) {
			len--;
			printk("\b \b");
		} else if (c >= 0x20 && c < 0x7f && len < LINE_MAX - 1) {
			line[len++] = (char)c;
			printk("%c", c);
		}
	}
}
