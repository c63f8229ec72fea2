/*
 * virtio-rng: a virtio-mmio entropy device (device ID 4, one queue). The
 * driver makes device-writable buffers available; each request gets up to
 * VRNG_REQUEST_MAX bytes from entropy.c: the CPU's RNDR where present, else
 * a generator that is NOT cryptographic (entropy.h, docs/virtio.md). The transport and the
 * virtqueue checks are the SDK's virtio-mmio library.
 *
 * Manifest:
 *   rng { compatible = "elvisor,app"; image = "virtio-rng.elf";
 *         mmio = <0x0 0x0a001000 0x0 0x1000>; irqs = <49>;
 *         dt-compatible = "virtio,mmio"; };
 */
#include "app.h"
#include "entropy.h"
#include "virtio_mmio.h"
#include "virtio_rng.h"

#define CHUNK 256		/* generated at a time, on the stack */

static uint64_t bytes_given;

/*
 * A request is device-writable buffers only (5.4.6.1: the driver places
 * no readable ones); a chain with readable buffers, or with buffers outside
 * guest RAM, breaks the device, as there is no way to report an error.
 */
static int64_t rng_request(struct vmmio_device *d, unsigned int queue, const struct vmmio_chain *c)
{
	uint64_t len = c->write_bytes < VRNG_REQUEST_MAX ? c->write_bytes : VRNG_REQUEST_MAX;
	uint8_t chunk[CHUNK];

	(void)queue;
	if (c->nread) {
		vmmio_fail(d, "chain %u: %u device-readable buffers in an entropy request", c->head,
			   c->nread);
		return -1;
	}
	if (c->outside) {
		vmmio_fail(d, "chain %u: %u buffers outside guest RAM", c->head, c->outside);
		return -1;
	}
	entropy_stir(app_sys_time());
	for (uint64_t done = 0; done < len; done += CHUNK) {
		uint64_t n = len - done < CHUNK ? len - done : CHUNK;

		entropy_fill(chunk, n);
		if (!vmmio_chain_write(d, c, done, chunk, n)) {
			vmmio_fail(d, "chain %u: guest RAM could not be mapped", c->head);
			return -1;
		}
	}
	bytes_given += len;
	return (int64_t)len;
}

static const struct vmmio_ops ops = {
	.request = rng_request,
};

static struct vmmio_device dev = {
	.ops = &ops,
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_ENTROPY,
	.nqueues = 1,
	.queue_num_max = VRNG_QUEUE_SIZE,
};

static int64_t rng_init(uint64_t domain_id)
{
	int64_t r = vmmio_power_on(&dev);

	entropy_seed(app_sys_time(), app_device.hwcaps & APP_HWCAP_RNDR);
	if (r == 0)
		app_log("virtio-rng: ready for domain %llu, interrupt %llu (entropy: %s)",
			(unsigned long long)domain_id, (unsigned long long)app_device.irq,
			entropy_source());
	return r;
}

static uint64_t rng_read(uint64_t ipa, unsigned int size)
{
	return vmmio_read(&dev, ipa, size);
}

static void rng_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	vmmio_write(&dev, ipa, size, value);
}

static void rng_timer(uint64_t deadline)
{
	(void)deadline;
	vmmio_timer(&dev);
}

static int64_t rng_reset(uint64_t reason, uint64_t domain_id)
{
	app_log("virtio-rng: reset (%s) for domain %llu after %llu bytes",
		reason == APP_RESET_FAULT ? "fault" : "domain", (unsigned long long)domain_id,
		(unsigned long long)bytes_given);
	entropy_seed(app_sys_time(), app_device.hwcaps & APP_HWCAP_RNDR);
	vmmio_app_reset(&dev);
	return 0;
}

const struct app_ops app_ops = {
	.init = rng_init,
	.mmio_read = rng_read,
	.mmio_write = rng_write,
	.timer = rng_timer,
	.reset = rng_reset,
};
