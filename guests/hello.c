/*
 * hello: the smoke test. Boots, prints where it runs and what its device
 * tree says, and reports a pass.
 */
#include "guest.h"

void guest_main(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	test_init("hello");
	printf("hello from an elvisor guest: vCPU %u, MPIDR %#lx, EL%u, CNTFRQ %lu Hz, "
	       "CNTVCT %lu\n", cpu_id(), mpidr, current_el(), timer_freq(), timer_now());
	if (dt.valid)
		printf("device tree at %#lx: RAM %#lx + %lu MiB, %u CPU%s, bootargs \"%s\"\n",
		       dt.addr, dt.ram_base, dt.ram_size >> 20, dt.cpus, dt.cpus == 1 ? "" : "s",
		       dt.bootargs);
	else
		printf("no usable device tree at %#lx\n", dt.addr);
	CHECK(current_el() == 1, "running at EL%u", current_el());
	CHECK(mpidr_affinity(mpidr) == 0, "vCPU 0 has MPIDR %#lx", mpidr);
	test_done();
}
