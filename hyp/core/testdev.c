/*
 * The benchmark's built-in test device (core/testdev.h). It must cost what
 * a minimal device costs, nothing more: the benchmark compares this path,
 * handled at EL2, with the same accesses handled by an EL0 app. Like the
 * app's handlers, accesses are serialized (a ticket lock here, the app's
 * own lock there), so both are correct when several vCPUs use them.
 *
 * The registers keep their values across a domain reset: the benchmark
 * never resets its domain, and the guest writes before it reads.
 */
#include "core/console.h"
#include "core/domain.h"
#include "core/spinlock.h"
#include "core/testdev.h"

struct testdev {
	spinlock_t lock;
	uint64_t regs[TESTDEV_REGS];
};

/* One per domain (ids are 1..MAX_DOMAINS); only bench-device domains use theirs. */
static struct testdev devices[MAX_DOMAINS];

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0UL : (1UL << (size * 8)) - 1;
}

/* The register an access falls in, and the bit position of its first byte. */
static bool locate(uint64_t offset, unsigned size, unsigned *index, unsigned *shift)
{
	if (offset / 8 >= TESTDEV_REGS || (offset & 7) + size > 8)
		return false;
	*index = (unsigned)(offset / 8);
	*shift = (unsigned)(offset & 7) * 8;
	return true;
}

static bool testdev_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			 uint64_t *value)
{
	struct testdev *t = ctx;
	unsigned i, shift;

	(void)v;
	*value = 0;
	if (!locate(offset, size, &i, &shift))
		return true;		/* read-as-zero */
	spin_lock(&t->lock);
	*value = (t->regs[i] >> shift) & size_mask(size);
	spin_unlock(&t->lock);
	return true;
}

static bool testdev_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			  uint64_t value)
{
	struct testdev *t = ctx;
	uint64_t mask = size_mask(size);
	unsigned i, shift;

	(void)v;
	if (!locate(offset, size, &i, &shift))
		return true;		/* write-ignored */
	spin_lock(&t->lock);
	t->regs[i] = (t->regs[i] & ~(mask << shift)) | ((value & mask) << shift);
	spin_unlock(&t->lock);
	return true;
}

static const struct mmio_ops testdev_ops = {
	.read = testdev_read,
	.write = testdev_write,
};

int testdev_register(struct domain *d)
{
	if (!d->config->bench_device)
		return 0;
	if (d->id < 1 || d->id > MAX_DOMAINS ||
	    domain_add_mmio(d, GUEST_BENCH_DEVICE_BASE, GUEST_BENCH_DEVICE_SIZE, &testdev_ops,
			    &devices[d->id - 1], "bench-device")) {
		pr_err("%s: bench-device: cannot register IPA [%#lx, %#lx)\n", d->name,
		       GUEST_BENCH_DEVICE_BASE, GUEST_BENCH_DEVICE_BASE + GUEST_BENCH_DEVICE_SIZE);
		return -1;
	}
	printk("elvisor: domain %s: bench-device (hypervisor test device) at IPA %#lx\n",
	       d->name, GUEST_BENCH_DEVICE_BASE);
	return 0;
}
