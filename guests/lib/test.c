/* Test markers and the result hypercall. */
#include <stdarg.h>

#include "lib/format.h"
#include "arch.h"
#include "console.h"
#include "hvc.h"
#include "libc.h"
#include "percpu.h"
#include "psci.h"
#include "test.h"

static const char *name = "guest";
static volatile bool reported;

void test_init(const char *test)
{
	name = test;
	printf("TEST START %s\n", name);
}

const char *test_name(void)
{
	return name;
}

static void vfail(const char *where, const char *fmt, va_list ap)
{
	char msg[160];

	vformat(msg, sizeof(msg), fmt, ap);
	this_cpu()->failures++;
	printf("[guest] FAIL %s%s (vCPU %u)\n", where, msg, cpu_id());
}

void check_failed(const char *file, int line, const char *fmt, ...)
{
	char where[128];
	const char *base = file;
	va_list ap;

	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	format(where, sizeof(where), "%s:%d: ", base, line);
	va_start(ap, fmt);
	vfail(where, fmt, ap);
	va_end(ap);
}

void test_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail("", fmt, ap);
	va_end(ap);
}

unsigned test_failures(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < GUEST_MAX_CPUS; i++)
		n += READ_ONCE(percpu[i].failures);
	return n;
}

/* The bare-metal debug build has no hypervisor to end the run: power off. */
static void finish(bool failed)
{
	elvisor_test_result(failed ? 1 : 0);
#ifdef GUEST_BAREMETAL
	psci_system_off();
#endif
}

unsigned test_done(void)
{
	unsigned failures = test_failures();

	if (failures)
		printf("TEST FAIL %s (%u failed check%s)\n", name, failures,
		       failures == 1 ? "" : "s");
	else
		printf("TEST PASS %s\n", name);
	reported = true;
	finish(failures != 0);
	return failures;
}

void test_fatal(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	this_cpu()->failures++;
	printf("TEST FAIL %s: vCPU %u: %s%s\n", name, cpu_id(), msg,
	       reported ? " (after the result was reported)" : "");
	reported = true;
	finish(true);
	cpu_halt();
}
