/*
 * Random descriptor chains against a virtio device (guests/virtio-hostile.c):
 * random slots, flags, next indices, indirect tables, heads, addresses
 * inside and outside RAM, lengths up to 4 GiB. Every buffer that lies in
 * the guest's RAM lies inside the scratch area, so whatever the device
 * writes lands there. Each chain must be answered (a used entry for it) or
 * break the device (DEVICE_NEEDS_RESET, after which the target is brought
 * up again); nothing else, and in particular no silence.
 */
#ifndef GUEST_VIRTIO_FUZZ_H
#define GUEST_VIRTIO_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio.h"

struct vfuzz_target {
	const char *name;
	struct vdev *dev;
	struct vq *q;
	uint8_t *scratch;		/* the only RAM the chains may reach */
	uint64_t scratch_size;
	bool blk_header;		/* most chains start with a virtio-blk header */
	uint64_t header_sector_min;	/* sectors below this are never written */
	bool (*up)(void);		/* reset and bring the device up again */
};

struct vfuzz_stats {
	unsigned int answered, broken;
};

/* ops random chains from seed; false (and a failed check) as soon as one goes unanswered. */
bool vfuzz_run(const struct vfuzz_target *t, unsigned int ops, uint64_t seed,
	       struct vfuzz_stats *st);

#endif
