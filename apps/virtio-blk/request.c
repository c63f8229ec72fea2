/*
 * virtio-blk requests (virtio 1.2, 5.2.6). The library has checked the
 * chain's structure; what is checked here is the request: its header, its
 * data buffers against size_max and seg_max, the sector range against the
 * disk, the direction of the data. Any layout of header, data and status
 * over the buffers is accepted (the specification forbids assuming one):
 * the header is the first 16 readable bytes, the status the last writable
 * byte, and the data what lies between.
 *
 * A request that is wrong but has a status byte we can write gets
 * VIRTIO_BLK_S_IOERR (or S_UNSUPP for an unknown type); only a chain with
 * no writable byte, or whose status byte is not in guest RAM, leaves no
 * way to answer, and breaks the device (DEVICE_NEEDS_RESET).
 */
#include "app.h"
#include "vblk.h"

/* What a request moves between the chain and the disk. */
struct transfer {
	uint64_t in_bytes;		/* readable data, after the header */
	uint64_t out_bytes;		/* writable data, before the status */
	uint32_t written;		/* data bytes given to the driver (used length - 1) */
};

/* Buffers within size_max, data buffers within seg_max (header and status aside). */
static bool within_limits(const struct vmmio_chain *c)
{
	if (c->n > VBLK_SEG_MAX + 2)
		return false;
	for (unsigned int i = 0; i < c->n; i++)
		if (c->buf[i].len > VBLK_SIZE_MAX)
			return false;
	return true;
}

/* [sector, + bytes) lies on the disk, in whole sectors; its byte offset in *off. */
static bool disk_range(uint64_t sector, uint64_t bytes, uint64_t *off)
{
	uint64_t count = bytes / VIRTIO_BLK_SECTOR_SIZE;

	if (bytes % VIRTIO_BLK_SECTOR_SIZE || sector > vblk_disk.sectors ||
	    count > vblk_disk.sectors - sector)
		return false;
	*off = sector * VIRTIO_BLK_SECTOR_SIZE;
	return true;
}

static uint8_t do_read(struct vmmio_device *d, const struct vmmio_chain *c,
		       const struct virtio_blk_req_hdr *h, struct transfer *t)
{
	uint64_t off;

	if (t->in_bytes || !disk_range(h->sector, t->out_bytes, &off))
		return VIRTIO_BLK_S_IOERR;
	if (!vmmio_chain_write(d, c, 0, vblk_disk.data + off, t->out_bytes))
		return VIRTIO_BLK_S_IOERR;
	t->written = (uint32_t)t->out_bytes;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_write(struct vmmio_device *d, const struct vmmio_chain *c,
			const struct virtio_blk_req_hdr *h, const struct transfer *t)
{
	uint64_t off;

	if (vblk_disk.read_only || t->out_bytes || !disk_range(h->sector, t->in_bytes, &off))
		return VIRTIO_BLK_S_IOERR;
	/* Into the disk directly: a chain that turns out short leaves a partial write. */
	if (!vmmio_chain_read(d, c, sizeof(*h), vblk_disk.data + off, t->in_bytes))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_get_id(struct vmmio_device *d, const struct vmmio_chain *c,
			 struct transfer *t)
{
	char id[VIRTIO_BLK_ID_BYTES] = VBLK_ID;
	uint64_t n = t->out_bytes < sizeof(id) ? t->out_bytes : sizeof(id);

	if (t->in_bytes || !vmmio_chain_write(d, c, 0, id, n))
		return VIRTIO_BLK_S_IOERR;
	t->written = (uint32_t)n;
	return VIRTIO_BLK_S_OK;
}

static uint8_t serve(struct vmmio_device *d, const struct vmmio_chain *c, struct transfer *t)
{
	struct virtio_blk_req_hdr h;

	if (c->outside || c->read_bytes < sizeof(h) || !within_limits(c) ||
	    !vmmio_chain_read(d, c, 0, &h, sizeof(h)))
		return VIRTIO_BLK_S_IOERR;
	t->in_bytes = c->read_bytes - sizeof(h);
	t->out_bytes = c->write_bytes - 1;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		return do_read(d, c, &h, t);
	case VIRTIO_BLK_T_OUT:
		return do_write(d, c, &h, t);
	case VIRTIO_BLK_T_FLUSH:
		/* The disk is the app's memory: every write is already as durable as it gets. */
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		return do_get_id(d, c, t);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

int64_t vblk_request(struct vmmio_device *d, unsigned int queue, const struct vmmio_chain *c)
{
	struct transfer t = { 0 };
	uint8_t status;

	(void)queue;
	if (c->write_bytes == 0) {
		vmmio_fail(d, "chain %u: no writable status byte", c->head);
		return -1;
	}
	status = serve(d, c, &t);
	if (status != VIRTIO_BLK_S_OK)
		t.written = 0;
	if (!vmmio_chain_write(d, c, c->write_bytes - 1, &status, 1)) {
		vmmio_fail(d, "chain %u: its status byte is not in guest RAM", c->head);
		return -1;
	}
	return (int64_t)t.written + 1;
}
