/*
 * The interactive console (the default boot mode): a line editor over the
 * UART and a few commands that show the machine's state. It lives entirely
 * in the PL011's receive interrupt (on the boot CPU), so every pCPU is free
 * to run guests meanwhile.
 */
#include "core/machine.h"
#include "core/app.h"
#include "core/boot.h"
#include "core/console.h"
#include "core/domain_ops.h"
#include "core/initrd.h"
#include "core/irq.h"
#include "core/mm.h"
#include "core/percpu.h"
#include "core/shell.h"
#include "core/smp.h"
#include "drivers/gic.h"
#include "lib/string.h"

#define LINE_MAX 80
#define FOCUS_KEY 0x14		/* Ctrl-T: next console owner */

static char line[LINE_MAX];
static size_t line_len;
/* Who gets typed bytes: NULL = these commands, else a domain's console app. */
static struct domain *focus;

static void cmd_help(void)
{
	printk("commands:\n"
	       "  help     this list\n"
	       "  domains  domains, their vCPUs and accounting (times in ms, traps by class)\n"
	       "  apps     EL0 apps, the domain each serves, its range and statistics\n"
	       "  cpus     pCPUs with their MPIDR and interrupt counts\n"
	       "  mem      physical memory and the page allocator\n"
	       "  initrd   the files of the boot archive\n"
	       "  shutdown stop every domain and power the machine off\n"
	       "Ctrl-T moves the console's input to the next domain whose manifest gives\n"
	       "an app the console (then back here). Leave QEMU with Ctrl-A then X.\n");
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

static void run_command(const char *cmd)
{
	if (!cmd[0])
		return;
	if (!strcmp(cmd, "help"))
		cmd_help();
	else if (!strcmp(cmd, "domains"))
		domains_print();
	else if (!strcmp(cmd, "apps"))
		apps_print();
	else if (!strcmp(cmd, "cpus"))
		cmd_cpus();
	else if (!strcmp(cmd, "mem"))
		cmd_mem();
	else if (!strcmp(cmd, "initrd"))
		initrd_list();
	else if (!strcmp(cmd, "shutdown")) {
		printk("elvisor: shutdown requested at the console\n");
		machine_exit(0);
	}
	else
		printk("unknown command \"%s\"; type help\n", cmd);
}

static void handle_key(int c)
{
	if (c == '\r' || c == '\n') {
		printk("\n");
		line[line_len] = '\0';
		run_command(line);
		line_len = 0;
		printk("elvisor> ");
	} else if ((c == 0x7f || c == 0x08) && line_len) {
		line_len--;
		printk("\b \b");
	} else if (c >= 0x20 && c < 0x7f && line_len < LINE_MAX - 1) {
		line[line_len++] = (char)c;
		printk("%c", c);
	}
}

/* The domain after `from` (NULL: the first) with a console app, or NULL. */
static struct domain *next_console_domain(const struct domain *from)
{
	bool past = from == NULL;

	for (unsigned i = 0; i < ndomains; i++) {
		if (past && apps_have_console(domains[i]))
			return domains[i];
		past = past || domains[i] == from;
	}
	return NULL;
}

static void move_focus(void)
{
	focus = next_console_domain(focus);
	printk("\nelvisor: console focus: %s\n", focus ? focus->name : "elvisor");
	if (!focus)
		printk("elvisor> %.*s", (int)line_len, line);
}

static void route_key(int c)
{
	if (c == FOCUS_KEY)
		move_focus();
	else if (focus)
		apps_console_input(focus, (uint8_t)c);
	else
		handle_key(c);
}

/* Drain the receive FIFO: the interrupt is level and stays up until then. */
static void uart_rx_irq(uint32_t intid, void *ctx)
{
	int c;

	(void)intid;
	(void)ctx;
	while ((c = console_getc()) >= 0)
		route_key(c);
}

/* Hook the UART's receive interrupt; false (with a warning) if it has none. */
static bool listen(void)
{
	const struct platform *plat = platform_get();

	if (!plat->uart.present || !plat->uart.irq.valid ||
	    irq_register(plat->uart.irq.intid, uart_rx_irq, NULL)) {
		pr_warn("the UART has no usable interrupt: the console takes no input\n");
		return false;
	}
	console_enable_rx_irq();
	gic_enable(plat->uart.irq.intid, true);
	return true;
}

void shell_start(void)
{
	printk("elvisor: console ready; type help. Ctrl-T switches input between elvisor and "
	       "domains with a console app. Leave QEMU with Ctrl-A then X.\n");
	if (listen())
		printk("elvisor> ");
}

void shell_listen_quietly(void)
{
	listen();
}
