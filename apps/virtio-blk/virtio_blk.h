/*
 * virtio-blk (virtio 1.2, section 5.2) as elvisor's virtio-blk app serves
 * it: the request format, the configuration layout and this device's
 * limits. Shared by the app (apps/virtio-blk) and its test drivers
 * (guests/virtio-blk-driver.c, guests/virtio-hostile.c); needs only <stdint.h>.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdint.h>

/* Feature bits (the device offers SIZE_MAX, SEG_MAX, FLUSH, and RO for a read-only disk). */
#define VIRTIO_BLK_F_SIZE_MAX		1	/* size_max: largest buffer of a request */
#define VIRTIO_BLK_F_SEG_MAX		2	/* seg_max: most data buffers in a request */
#define VIRTIO_BLK_F_RO			5	/* the disk is read-only */
#define VIRTIO_BLK_F_FLUSH		9	/* VIRTIO_BLK_T_FLUSH */
#define VIRTIO_BLK_F_MQ			12	/* not offered: one queue */

/* Configuration space offsets (all little-endian). */
#define VIRTIO_BLK_CFG_CAPACITY		0x00	/* 64: size in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX		0x08	/* 32 */
#define VIRTIO_BLK_CFG_SEG_MAX		0x0c	/* 32 */
#define VIRTIO_BLK_CFG_BLK_SIZE		0x14	/* 32: not offered, reads 0 */
#define VIRTIO_BLK_CFG_SIZE		0x24	/* through num_queues */

#define VIRTIO_BLK_SECTOR_SIZE		512u

/* A request: this header (device-readable), data, then one status byte (device-writable). */
struct virtio_blk_req_hdr {
	uint32_t type;			/* VIRTIO_BLK_T_* */
	uint32_t reserved;
	uint64_t sector;		/* in 512-byte units, whatever the block size */
};
#define VIRTIO_BLK_T_IN			0	/* read */
#define VIRTIO_BLK_T_OUT		1	/* write */
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8	/* data: VIRTIO_BLK_ID_BYTES of device-writable ID */
#define VIRTIO_BLK_ID_BYTES		20

#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

/* ---- this device ---- */
#define VBLK_QUEUE_SIZE			128	/* QueueNumMax */
#define VBLK_SIZE_MAX			65536u	/* size_max: bytes per buffer */
#define VBLK_SEG_MAX			32u	/* seg_max: data buffers per request */
/* What GET_ID returns: NUL-padded to VIRTIO_BLK_ID_BYTES. */
#define VBLK_ID				"elvisor-virtio-blk"

#endif
