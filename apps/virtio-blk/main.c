/*
 * virtio-blk: a virtio-mmio block device (device ID 2, one queue) whose
 * disk is the app's file (manifest `file = "disk.img";`: a private
 * read-write copy of a boot-archive file at APP_FILE_BASE). Writes change
 * that copy only; nothing is written back, and a fault reset of the app
 * keeps it. The transport and the virtqueue checks are the SDK's
 * virtio-mmio library; requests are served in request.c. docs/virtio.md
 * describes the device.
 *
 * Manifest:
 *   blk { compatible = "elvisor,app"; image = "virtio-blk.elf";
 *         mmio = <0x0 0x0a000000 0x0 0x1000>; irqs = <48>;
 *         file = "disk.img"; dt-compatible = "virtio,mmio"; };
 */
#include "app.h"
#include "vblk.h"

static uint8_t config[VIRTIO_BLK_CFG_SIZE];

static const struct vmmio_ops ops = {
	.request = vblk_request,
};

static struct vmmio_device dev = {
	.ops = &ops,
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nqueues = 1,
	.queue_num_max = VBLK_QUEUE_SIZE,
	.config = config,
	.config_size = sizeof(config),
};

struct vblk_disk vblk_disk;

static void put_le(uint8_t *p, uint64_t value, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(value >> (8 * i));
}

/*
 * The disk is the app's file, as much of it as fills whole sectors. It
 * is read-only when the manifest says so; there is no way to say so yet
 * (see docs/virtio.md), so it is always writable.
 */
static void attach_disk(void)
{
	vblk_disk.data = app_file();
	vblk_disk.sectors = app_device.file_size / VIRTIO_BLK_SECTOR_SIZE;
	vblk_disk.read_only = false;
}

/* Features and configuration space follow the disk. */
static void describe_device(void)
{
	dev.features = VIRTIO_F_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_F_BIT(VIRTIO_BLK_F_SEG_MAX) |
		       VIRTIO_F_BIT(VIRTIO_BLK_F_FLUSH);
	if (vblk_disk.read_only)
		dev.features |= VIRTIO_F_BIT(VIRTIO_BLK_F_RO);
	memset(config, 0, sizeof(config));
	put_le(config + VIRTIO_BLK_CFG_CAPACITY, vblk_disk.sectors, 8);
	put_le(config + VIRTIO_BLK_CFG_SIZE_MAX, VBLK_SIZE_MAX, 4);
	put_le(config + VIRTIO_BLK_CFG_SEG_MAX, VBLK_SEG_MAX, 4);
}

/* INIT and RESET (after a fault our memory is fresh: describe everything again). */
static int64_t start(void)
{
	attach_disk();
	if (vblk_disk.sectors == 0) {
		app_log("virtio-blk: no disk: name a file of at least %u bytes in the manifest "
			"(file = \"disk.img\";)", VIRTIO_BLK_SECTOR_SIZE);
		return APP_E_INVALID;
	}
	describe_device();
	return 0;
}

static int64_t blk_init(uint64_t domain_id)
{
	int64_t r = start();

	if (r < 0)
		return r;
	r = vmmio_power_on(&dev);
	if (r == 0)
		app_log("virtio-blk: ready for domain %llu: %llu sectors%s, interrupt %llu",
			(unsigned long long)domain_id, (unsigned long long)vblk_disk.sectors,
			vblk_disk.read_only ? " (read-only)" : "",
			(unsigned long long)app_device.irq);
	return r;
}

static uint64_t blk_read(uint64_t ipa, unsigned int size)
{
	return vmmio_read(&dev, ipa, size);
}

static void blk_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	vmmio_write(&dev, ipa, size, value);
}

static void blk_timer(uint64_t deadline)
{
	(void)deadline;
	vmmio_timer(&dev);
}

static int64_t blk_reset(uint64_t reason, uint64_t domain_id)
{
	int64_t r = start();

	app_log("virtio-blk: reset (%s) for domain %llu",
		reason == APP_RESET_FAULT ? "fault" : "domain", (unsigned long long)domain_id);
	if (r < 0)
		return r;
	vmmio_app_reset(&dev);
	return 0;
}

const struct app_ops app_ops = {
	.init = blk_init,
	.mmio_read = blk_read,
	.mmio_write = blk_write,
	.timer = blk_timer,
	.reset = blk_reset,
};
