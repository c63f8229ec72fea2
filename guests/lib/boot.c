/*
 * C entry of vCPU 0: per-vCPU data, time, the device tree, then the
 * guest's guest_main(). What it returns to is cpu_halt (start.S).
 */
#include "arch.h"
#include "fdt.h"
#include "guest.h"
#include "percpu.h"
#include "timer.h"

struct percpu percpu[GUEST_MAX_CPUS];

void guest_boot(uint64_t dtb);

void guest_boot(uint64_t dtb)
{
	percpu[0].online = 1;
	timer_init();
	dt_parse(dtb);
	guest_main();
}

uint64_t image_end(void)
{
	extern char __image_end[];

	return (uint64_t)__image_end;
}

uint64_t ram_end(void)
{
	return dt.valid && dt.ram_base == GUEST_RAM_BASE ? dt.ram_base + dt.ram_size : 0;
}
