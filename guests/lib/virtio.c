/*
 * The test guests' virtio-mmio driver (see virtio.h). Register accesses
 * are single 32-bit loads and stores (mmio.h), as the specification asks
 * and the hypervisor can decode.
 */
#include "guest.h"
#include "mmio.h"
#include "virtio.h"

static struct vdev *irq_devices[VDEV_MAX];

uint32_t vdev_read(const struct vdev *d, uint32_t off)
{
	return mmio_read32(d->base + off);
}

void vdev_write(const struct vdev *d, uint32_t off, uint32_t value)
{
	mmio_write32(d->base + off, value);
}

static uint64_t config_once(const struct vdev *d, uint32_t off, unsigned int size)
{
	uint64_t addr = d->base + VIRTIO_MMIO_CONFIG + off;

	switch (size) {
	case 1:
		return mmio_read8(addr);
	case 2:
		return mmio_read16(addr);
	case 4:
		return mmio_read32(addr);
	default:
		return mmio_read32(addr) | (uint64_t)mmio_read32(addr + 4) << 32;
	}
}

/* A multi-part read is retried until ConfigGeneration holds still around it. */
uint64_t vdev_config(const struct vdev *d, uint32_t off, unsigned int size)
{
	for (unsigned int tries = 0; tries < 16; tries++) {
		uint32_t gen = vdev_read(d, VIRTIO_MMIO_CONFIG_GENERATION);
		uint64_t v = config_once(d, off, size);

		if (vdev_read(d, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
			return v;
	}
	test_fail("virtio@%lx: ConfigGeneration never held still", d->base);
	return 0;
}

bool vdev_probe(const struct vdev *d, uint32_t id)
{
	uint32_t magic = vdev_read(d, VIRTIO_MMIO_MAGIC_VALUE);
	uint32_t version = vdev_read(d, VIRTIO_MMIO_VERSION);
	uint32_t dev_id = vdev_read(d, VIRTIO_MMIO_DEVICE_ID);

	return CHECK(magic == VIRTIO_MMIO_MAGIC, "virtio@%lx: MagicValue %#x", d->base, magic) &
	       CHECK(version == VIRTIO_MMIO_VERSION_MODERN, "virtio@%lx: Version %u", d->base,
		     version) &
	       CHECK(dev_id == id, "virtio@%lx: DeviceID %u, expected %u", d->base, dev_id, id);
}

bool vdev_reset(const struct vdev *d)
{
	uint32_t status;

	vdev_write(d, VIRTIO_MMIO_STATUS, 0);
	status = vdev_read(d, VIRTIO_MMIO_STATUS);
	return CHECK(status == 0, "virtio@%lx: Status %#x after a reset", d->base, status);
}

uint64_t vdev_features(const struct vdev *d)
{
	uint64_t f;

	vdev_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)vdev_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	vdev_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | vdev_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
}

uint32_t vdev_status(const struct vdev *d)
{
	return vdev_read(d, VIRTIO_MMIO_STATUS);
}

static void add_status(const struct vdev *d, uint32_t bits)
{
	vdev_write(d, VIRTIO_MMIO_STATUS, vdev_status(d) | bits);
}

bool vdev_negotiate(const struct vdev *d, uint64_t features)
{
	add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(d, VIRTIO_STATUS_DRIVER);
	vdev_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vdev_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	vdev_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vdev_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	add_status(d, VIRTIO_STATUS_FEATURES_OK);
	return vdev_status(d) & VIRTIO_STATUS_FEATURES_OK;
}

void vdev_driver_ok(const struct vdev *d)
{
	add_status(d, VIRTIO_STATUS_DRIVER_OK);
}

static void vdev_irq(unsigned int intid)
{
	for (unsigned int i = 0; i < VDEV_MAX; i++) {
		struct vdev *d = irq_devices[i];
		uint32_t status;

		if (!d || d->intid != intid)
			continue;
		status = vdev_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
		vdev_write(d, VIRTIO_MMIO_INTERRUPT_ACK, status);
		d->status_seen |= status;
		d->interrupts++;
	}
}

void vdev_irq_init(struct vdev *d)
{
	for (unsigned int i = 0; i < VDEV_MAX; i++) {
		if (!irq_devices[i] || irq_devices[i] == d) {
			irq_devices[i] = d;
			irq_set_handler(d->intid, vdev_irq);
			gic_enable_irq(d->intid);
			return;
		}
	}
	test_fail("vdev_irq_init: more than %d devices", VDEV_MAX);
}

/* ---- queues ---- */

void vq_configure(const struct vdev *d, unsigned int index, uint32_t num, uint64_t desc,
		  uint64_t driver, uint64_t device)
{
	vdev_write(d, VIRTIO_MMIO_QUEUE_SEL, index);
	vdev_write(d, VIRTIO_MMIO_QUEUE_NUM, num);
	vdev_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	vdev_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	vdev_write(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)driver);
	vdev_write(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(driver >> 32));
	vdev_write(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)device);
	vdev_write(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(device >> 32));
}

bool vq_setup(struct vq *q, const struct vdev *d, unsigned int index, uint16_t num,
	      struct vq_mem *mem)
{
	uint32_t max;

	vdev_write(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (!CHECK(vdev_read(d, VIRTIO_MMIO_QUEUE_READY) == 0, "queue %u already ready", index))
		return false;
	max = vdev_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!CHECK(num <= max && num <= VQ_MAX, "queue %u: size %u, QueueNumMax %u", index, num,
		   max))
		return false;
	memset(mem, 0, sizeof(*mem));
	*q = (struct vq){ .dev = d, .index = index, .num = num, .mem = mem };
	vq_configure(d, index, num, (uint64_t)(uintptr_t)mem->desc,
		     (uint64_t)(uintptr_t)mem->avail, (uint64_t)(uintptr_t)mem->used);
	dsb(sy);
	vdev_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return CHECK(vdev_read(d, VIRTIO_MMIO_QUEUE_READY) == 1, "queue %u: QueueReady reads 0 "
		     "(Status %#x)", index, vdev_status(d));
}

void vq_set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	struct virtq_desc *d = &q->mem->desc[i % VQ_MAX];

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static uint16_t desc_flags(const struct vbuf *b, bool more)
{
	return (uint16_t)((b->write ? VIRTQ_DESC_F_WRITE : 0) | (more ? VIRTQ_DESC_F_NEXT : 0));
}

uint16_t vq_chain(struct vq *q, uint16_t first, const struct vbuf *bufs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)((first + i) % q->num);

		vq_set_desc(q, slot, bufs[i].addr, bufs[i].len, desc_flags(&bufs[i], i + 1 < n),
			    (uint16_t)((slot + 1) % q->num));
	}
	return first;
}

uint16_t vq_chain_indirect(struct vq *q, uint16_t slot, struct virtq_desc *table,
			   const struct vbuf *bufs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		table[i].addr = bufs[i].addr;
		table[i].len = bufs[i].len;
		table[i].flags = desc_flags(&bufs[i], i + 1 < n);
		table[i].next = (uint16_t)(i + 1);
	}
	vq_set_desc(q, slot, (uint64_t)(uintptr_t)table, (uint32_t)(n * sizeof(*table)),
		    VIRTQ_DESC_F_INDIRECT, 0);
	return slot;
}

void vq_make_available(struct vq *q, uint16_t head)
{
	q->mem->avail[VIRTQ_AVAIL_RING / 2 + q->avail_idx % q->num] = head;
	dmb(sy);	/* the entry before the index that publishes it */
	q->avail_idx++;
	WRITE_ONCE(q->mem->avail[VIRTQ_AVAIL_IDX / 2], q->avail_idx);
}

void vq_kick(const struct vq *q)
{
	dsb(sy);
	vdev_write(q->dev, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

void vq_set_no_interrupt(struct vq *q, bool suppress)
{
	WRITE_ONCE(q->mem->avail[VIRTQ_AVAIL_FLAGS / 2],
		   (uint16_t)(suppress ? VIRTQ_AVAIL_F_NO_INTERRUPT : 0));
}

uint16_t vq_used_idx(const struct vq *q)
{
	return READ_ONCE(q->mem->used[VIRTQ_USED_IDX / 2]);
}

bool vq_take_used(struct vq *q, uint32_t *id, uint32_t *len)
{
	const volatile uint32_t *e;

	if (vq_used_idx(q) == q->last_used)
		return false;
	dmb(sy);	/* the entry after the index that published it */
	e = (const volatile uint32_t *)&q->mem->used[VIRTQ_USED_RING / 2 +
						     4 * (q->last_used % q->num)];
	*id = e[0];
	*len = e[1];
	q->last_used++;
	return true;
}

struct used_wait {
	const struct vq *q;
	uint16_t target;
};

static bool used_reached(void *arg)
{
	const struct used_wait *w = arg;

	/* Signed distance: reached once the index is at or past the target. */
	return (int16_t)(vq_used_idx(w->q) - w->target) >= 0;
}

bool vq_wait_used(const struct vq *q, uint16_t target, uint64_t timeout_us)
{
	struct used_wait w = { q, target };

	return wait_until(used_reached, &w, timeout_us);
}

bool vq_transact(struct vq *q, uint16_t head, uint32_t *len, uint64_t timeout_us)
{
	uint32_t id;

	vq_make_available(q, head);
	vq_kick(q);
	if (!CHECK(vq_wait_used(q, (uint16_t)(q->last_used + 1), timeout_us),
		   "queue %u: chain %u not used within %lu us (Status %#x)", q->index, head,
		   timeout_us, vdev_status(q->dev)))
		return false;
	if (!vq_take_used(q, &id, len))
		return false;
	return CHECK(id == head, "queue %u: used id %u, expected %u", q->index, id, head);
}
