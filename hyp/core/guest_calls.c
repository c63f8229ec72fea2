/*
 * HVC and SMC calls from guests (SMC Calling Convention): PSCI for the
 * domain's own vCPUs, elvisor's hypercalls, the function-ID ranges of the
 * domain's apps (core/app.h), NOT_SUPPORTED for the rest. A stub domain's
 * calls go to core/stubdom.c alone.
 * SYSTEM_OFF and SYSTEM_RESET end or restart the calling domain only.
 */
#include "abi/hypercall.h"
#include "arch/psci.h"
#include "core/app.h"
#include "core/console.h"
#include "core/domain_ops.h"
#include "core/guest_calls.h"
#include "core/stubdom.h"
#include "core/vcpu.h"

#define SMCCC_NOT_SUPPORTED ((uint64_t)-1)

static bool entry_in_ram(struct domain *d, uint64_t entry)
{
	return !(entry & 3) && domain_ipa_to_va(d, entry, 4) != NULL;
}

static int64_t vpsci_cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry,
			   uint64_t context)
{
	struct vcpu *target = domain_vcpu_by_mpidr(v->dom, mpidr);

	if (!target)
		return PSCI_E_INVALID_PARAMS;
	if (!entry_in_ram(v->dom, entry))
		return PSCI_E_INVALID_ADDRESS;
	if (target->state != VCPU_OFF || target->power_on_pending)
		return target->power_on_pending ? PSCI_E_ON_PENDING : PSCI_E_ALREADY_ON;
	vcpu_power_on(target, entry, context);
	return PSCI_SUCCESS;
}

static int64_t vpsci_affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
	struct vcpu *target = domain_vcpu_by_mpidr(v->dom, mpidr);

	if (!target || level != 0)
		return PSCI_E_INVALID_PARAMS;
	return target->state == VCPU_OFF && !target->power_on_pending ? PSCI_AFFINITY_OFF
								     : PSCI_AFFINITY_ON;
}

static bool psci_supported(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION: case PSCI_FEATURES: case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32: case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32: case PSCI_AFFINITY_INFO_64:
	case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET: case PSCI_MIGRATE_INFO_TYPE:
		return true;
	default:
		return false;
	}
}

static void psci_call_from_guest(struct vcpu *v, uint64_t *r)
{
	uint32_t fn = (uint32_t)r[0];
	bool smc32 = !(fn & 0x40000000u);

	/* SMC32 callers pass 32-bit arguments. */
	if (smc32)
		for (unsigned i = 1; i < 4; i++)
			r[i] &= 0xffffffffUL;
	switch (fn) {
	case PSCI_VERSION:
		r[0] = PSCI_VERSION_1_1;
		break;
	case PSCI_FEATURES:
		r[0] = psci_supported((uint32_t)r[1]) ? 0 : (uint64_t)(int64_t)PSCI_E_NOT_SUPPORTED;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r[0] = PSCI_MIGRATE_NOT_PRESENT;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		r[0] = (uint64_t)vpsci_cpu_on(v, r[1], r[2], r[3]);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		r[0] = (uint64_t)vpsci_affinity_info(v, r[1], r[2]);
		break;
	case PSCI_CPU_OFF:
		vcpu_power_off(v);
		r[0] = PSCI_SUCCESS;
		break;
	case PSCI_SYSTEM_OFF:
		domain_request_stop(v->dom);
		break;
	case PSCI_SYSTEM_RESET:
		domain_request_reset(v->dom);
		break;
	default:
		r[0] = SMCCC_NOT_SUPPORTED;
	}
}

/* Console output of a domain, line-buffered, each line prefixed with its name. */
static void console_put(struct domain *d, const char *s, size_t len)
{
	uint64_t flags = spin_lock_irqsave(&d->console_lock);

	for (size_t i = 0; i < len; i++) {
		bool newline = s[i] == '\n';

		if (!newline && s[i] != '\r')
			d->console_line[d->console_len++] = s[i];
		if (newline || d->console_len == sizeof(d->console_line) - 1) {
			d->console_line[d->console_len] = '\0';
			printk("[%s] %s\n", d->name, d->console_line);
			d->console_len = 0;
		}
	}
	spin_unlock_irqrestore(&d->console_lock, flags);
}

static uint64_t hvc_console_write(struct vcpu *v, uint64_t ipa, uint64_t len)
{
	const char *buf;

	if (len > ELVISOR_CONSOLE_MAX)
		return (uint64_t)(int64_t)ELVISOR_E_INVALID;
	buf = domain_ipa_to_va(v->dom, ipa, len);
	if (!buf)
		return (uint64_t)(int64_t)ELVISOR_E_FAULT;
	console_put(v->dom, buf, len);
	return len;
}

static void elvisor_call(struct vcpu *v, uint64_t *r)
{
	switch ((uint32_t)r[0]) {
	case ELVISOR_HVC_CONSOLE_WRITE:
		r[0] = hvc_console_write(v, r[1], r[2]);
		break;
	case ELVISOR_HVC_TEST_RESULT:
		v->dom->test_result = r[1] ? 1 : 0;
		printk("elvisor: domain %s reports test %s\n", v->dom->name,
		       r[1] ? "FAILED" : "passed");
		r[0] = ELVISOR_OK;
		break;
	case ELVISOR_HVC_VCPU_TIMES:
		r[0] = ticks_to_ns(v->stats.ns_run);
		r[1] = ticks_to_ns(v->stats.ns_blocked);
		r[2] = ticks_to_ns(v->stats.ns_app);
		r[3] = ticks_to_ns(v->stats.ns_hyp);
		break;
	default:
		r[0] = SMCCC_NOT_SUPPORTED;
	}
}

void guest_call(struct vcpu *v, uint64_t regs[7])
{
	uint32_t fn = (uint32_t)regs[0];

	if (v->dom->stub)
		stub_call(v, regs);	/* a stub domain has its own calls and no others */
	else if ((fn & 0xbfffffe0u) == 0x84000000u)	/* PSCI: SMC32/SMC64 0x00-0x1f */
		psci_call_from_guest(v, regs);
	else if (fn >= ELVISOR_HVC_BASE && fn <= ELVISOR_HVC_LAST)
		elvisor_call(v, regs);
	else if (!apps_handle_call(v, regs))
		regs[0] = SMCCC_NOT_SUPPORTED;
}
