/* virtio-blk app internals: the disk and the request handler (request.c). */
#ifndef VBLK_H
#define VBLK_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_blk.h"
#include "virtio_mmio.h"

struct vblk_disk {
	uint8_t *data;			/* the app's file */
	uint64_t sectors;
	bool read_only;
};

extern struct vblk_disk vblk_disk;

/* vmmio_ops.request: serve one request chain; the used length, or < 0 (device broken). */
int64_t vblk_request(struct vmmio_device *d, unsigned int queue, const struct vmmio_chain *c);

#endif
