/*
 * A small virtio-mmio driver for the test guests (modern, Version 2, split
 * virtqueues), enough to drive elvisor's virtio apps and to misuse them on
 * purpose. The specification's constants and ring layout are the SDK's
 * (apps/sdk/include/virtio_mmio.h, spec part only).
 *
 * The guests run with the MMU off: every access here is to Device memory,
 * in program order, so the barriers below matter for the device running on
 * another pCPU (a timer-continued batch), not for the synchronous path.
 *
 *   struct vdev blk = { .base = 0x0a000000, .intid = 48 };
 *   static struct vq_mem mem;
 *   struct vq q;
 *   vdev_probe(&blk, VIRTIO_ID_BLOCK); vdev_reset(&blk);
 *   vdev_negotiate(&blk, wanted);  vq_setup(&q, &blk, 0, 128, &mem);
 *   vdev_driver_ok(&blk);
 *   head = vq_chain(&q, 0, bufs, 3); vq_transact(&q, head, &len, timeout_us);
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_MMIO_SPEC_ONLY
#include "../../apps/sdk/include/virtio_mmio.h"

#define VQ_MAX 256		/* the largest queue a struct vq_mem holds */
#define VDEV_MAX 4		/* devices with an interrupt handler */

struct vdev {
	uint64_t base;			/* its MMIO registers */
	unsigned int intid;		/* its interrupt, 0: polled */
	volatile uint64_t interrupts;	/* taken (vdev_irq_init) */
	volatile uint32_t status_seen;	/* InterruptStatus bits the handler acknowledged */
};

uint32_t vdev_read(const struct vdev *d, uint32_t off);
void vdev_write(const struct vdev *d, uint32_t off, uint32_t value);
/* The configuration space, off from its start: 1, 2, 4 bytes; 8 as two 4-byte reads. */
uint64_t vdev_config(const struct vdev *d, uint32_t off, unsigned int size);

/* MagicValue, Version 2, DeviceID == id; failed checks are reported. */
bool vdev_probe(const struct vdev *d, uint32_t id);
/* Status = 0, and check it reads 0. */
bool vdev_reset(const struct vdev *d);
uint64_t vdev_features(const struct vdev *d);
/* ACKNOWLEDGE, DRIVER, DriverFeatures = features, FEATURES_OK: did the device keep it? */
bool vdev_negotiate(const struct vdev *d, uint64_t features);
void vdev_driver_ok(const struct vdev *d);
uint32_t vdev_status(const struct vdev *d);

/*
 * Take d's interrupt: the handler reads InterruptStatus, acknowledges it,
 * counts (d->interrupts) and records the bits (d->status_seen).
 */
void vdev_irq_init(struct vdev *d);

/* Queue memory: the three areas, suitably aligned (static: guest RAM). */
struct vq_mem {
	struct virtq_desc desc[VQ_MAX];
	uint16_t avail[3 + VQ_MAX];
	uint8_t pad[(4096 - (6 + 2 * VQ_MAX) % 4096) % 4096];
	uint16_t used[2 + 4 * VQ_MAX + 1];	/* flags, idx, ring of {u32 id, u32 len} */
} __attribute__((aligned(4096)));

struct vq {
	const struct vdev *dev;
	unsigned int index;
	uint16_t num;
	struct vq_mem *mem;
	uint16_t avail_idx;		/* the next available entry we fill */
	uint16_t last_used;		/* the next used entry we expect */
};

/*
 * Select queue index, check it is not ready and QueueNumMax >= num, write
 * num and the three areas of mem, QueueReady = 1; true if it reads 1.
 */
bool vq_setup(struct vq *q, const struct vdev *d, unsigned int index, uint16_t num,
	      struct vq_mem *mem);
/* Write the queue's registers only (hostile tests): no checks. */
void vq_configure(const struct vdev *d, unsigned int index, uint32_t num, uint64_t desc,
		  uint64_t driver, uint64_t device);

/* One buffer of a request. */
struct vbuf {
	uint64_t addr;
	uint32_t len;
	bool write;			/* device-writable */
};

static inline struct vbuf vbuf_out(const void *p, uint32_t len)
{
	return (struct vbuf){ (uint64_t)(uintptr_t)p, len, false };
}

static inline struct vbuf vbuf_in(void *p, uint32_t len)
{
	return (struct vbuf){ (uint64_t)(uintptr_t)p, len, true };
}

void vq_set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next);
/* A direct chain of bufs[0..n) in descriptors first.. first+n-1; its head (first). */
uint16_t vq_chain(struct vq *q, uint16_t first, const struct vbuf *bufs, unsigned int n);
/* One descriptor (slot) pointing to an indirect table of bufs[0..n); its head (slot). */
uint16_t vq_chain_indirect(struct vq *q, uint16_t slot, struct virtq_desc *table,
			   const struct vbuf *bufs, unsigned int n);

/* Put head in the available ring (not notified yet). */
void vq_make_available(struct vq *q, uint16_t head);
void vq_kick(const struct vq *q);
/* The used ring's index as the device last published it. */
uint16_t vq_used_idx(const struct vq *q);
/* Take the next used entry if there is one. */
bool vq_take_used(struct vq *q, uint32_t *id, uint32_t *len);
/* Wait (WFI) until the used index reaches target, or timeout_us passes. */
bool vq_wait_used(const struct vq *q, uint16_t target, uint64_t timeout_us);
/* Suppress (or allow) used-buffer interrupts: VIRTQ_AVAIL_F_NO_INTERRUPT. */
void vq_set_no_interrupt(struct vq *q, bool suppress);

/*
 * Make head available, notify, wait for its used entry; true if it came
 * back as head within timeout_us, with the used length in *len.
 */
bool vq_transact(struct vq *q, uint16_t head, uint32_t *len, uint64_t timeout_us);

#endif
