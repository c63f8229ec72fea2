/*
 * The test disk the virtio-blk scenarios give the virtio-blk app
 * (`file = "virtio-disk.img";`), written by scripts/mkdisk.sh: SECTORS
 * sectors of 512 bytes, where byte i of sector s is
 *   i < 8:  byte i of s, little-endian (each sector names itself),
 *   i >= 8: (s * 251 + i * 13 + (i >> 8)) mod 256.
 * mkdisk.sh computes the same formula; keep the two in step.
 */
#ifndef GUEST_VIRTIO_DISK_H
#define GUEST_VIRTIO_DISK_H

#include <stdint.h>

#define VDISK_SECTORS 2048		/* 1 MiB: mkdisk.sh's default */

static inline uint8_t vdisk_byte(uint64_t sector, unsigned int i)
{
	if (i < 8)
		return (uint8_t)(sector >> (8 * i));
	return (uint8_t)(sector * 251 + i * 13 + (i >> 8));
}

#endif
