/*
 * virtio-rng-driver: a driver test for the virtio-rng app (apps/virtio-rng). The
 * manifest (configs/tests/virtio-rng.dts) puts the device at 0x0a001000
 * with INTID 49 (bootargs vrng.base, vrng.irq).
 *
 *  1. Registers: magic, Version 2, DeviceID 4; features exactly VERSION_1
 *     and INDIRECT_DESC.
 *  2. Requests of 1, 7, 64, 512 and 4096 bytes, chains of three buffers,
 *     an indirect chain, a buffer longer than VRNG_REQUEST_MAX: the used
 *     length is what was asked (at most VRNG_REQUEST_MAX), bytes beyond it
 *     untouched; answers come with an interrupt.
 *  3. 32 KiB collected that way look random: ones within 1% of half the
 *     bits, every byte value present, none more than twice as often as
 *     expected, no 8-byte word repeated (so no request repeats another).
 *  4. After a device reset it serves again, with different bytes.
 */
#include "guest.h"
#include "virtio.h"
#include "../apps/virtio-rng/virtio_rng.h"

#define TIMEOUT_US 200000
#define COLLECT 32768
#define FILL 0x5a

static struct vdev rng;
static struct vq_mem mem;
static struct vq q;
static uint8_t pool[COLLECT] __attribute__((aligned(8)));
static unsigned int pooled;
static uint8_t buf[3][6000] __attribute__((aligned(8)));
static struct virtq_desc table[4] __attribute__((aligned(16)));

static bool bring_up(uint16_t size)
{
	uint64_t want = VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC);

	return vdev_reset(&rng) && CHECK(vdev_negotiate(&rng, want), "FEATURES_OK refused") &&
	       vq_setup(&q, &rng, 0, size, &mem) && (vdev_driver_ok(&rng), true);
}

static void check_registers(void)
{
	uint64_t f = vdev_features(&rng);
	uint64_t expect = VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC);

	vdev_probe(&rng, VIRTIO_ID_ENTROPY);
	CHECK(f == expect, "features %#lx, expected %#lx", f, expect);
	vdev_write(&rng, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(vdev_read(&rng, VIRTIO_MMIO_QUEUE_NUM_MAX) == VRNG_QUEUE_SIZE, "QueueNumMax %u",
	      vdev_read(&rng, VIRTIO_MMIO_QUEUE_NUM_MAX));
}

static void keep(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len && pooled < COLLECT; i++)
		pool[pooled++] = p[i];
}

/* Buffers of bufs sizes at buf[0..n); direct or indirect; checks and keeps the bytes. */
static void ask(const uint32_t *sizes, unsigned int n, bool use_indirect)
{
	struct vbuf b[3];
	uint32_t total = 0, want, len = 0, left;
	uint64_t irqs = rng.interrupts;
	uint16_t head;

	for (unsigned int i = 0; i < n; i++) {
		memset(buf[i], FILL, sizeof(buf[i]));
		b[i] = vbuf_in(buf[i], sizes[i]);
		total += sizes[i];
	}
	want = total < VRNG_REQUEST_MAX ? total : VRNG_REQUEST_MAX;
	head = use_indirect ? vq_chain_indirect(&q, 0, table, b, n) : vq_chain(&q, 0, b, n);
	if (!vq_transact(&q, head, &len, TIMEOUT_US))
		return;
	CHECK(len == want, "%u bytes in %u buffers%s: used length %u, expected %u", total, n,
	      use_indirect ? " (indirect)" : "", len, want);
	left = len;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t used = left < sizes[i] ? left : sizes[i];

		keep(buf[i], used);
		for (uint32_t k = used; k < sizeof(buf[i]); k++)
			if (!CHECK(buf[i][k] == FILL, "buffer %u byte %u written beyond the used "
				   "length", i, k))
				break;
		left -= used;
	}
	CHECK(wait_until(cond_count_reached, &(struct wait_count){ &rng.interrupts, irqs + 1 },
			 TIMEOUT_US), "no interrupt for the answer");
}

static void check_requests(void)
{
	static const uint32_t singles[] = { 1, 7, 64, 512, 4096 };
	static const uint32_t three[] = { 100, 1000, 2000 };
	static const uint32_t too_long[] = { 6000 };

	for (unsigned int i = 0; i < ARRAY_SIZE(singles); i++)
		ask(&singles[i], 1, false);
	ask(three, 3, false);
	ask(three, 3, true);
	ask(too_long, 1, false);
	while (pooled < COLLECT && test_failures() == 0)
		ask(&singles[4], 1, pooled % 3 == 0);
	printf("virtio-rng: %u bytes in %lu interrupts\n", pooled, rng.interrupts);
}

static unsigned int popcount8(uint8_t x)
{
	unsigned int n = 0;

	for (; x; x &= (uint8_t)(x - 1))
		n++;
	return n;
}

/* 8-byte words of the pool that equal an earlier one (an open-addressing hash set). */
static unsigned int repeated_words(void)
{
	static uint64_t slot[2 * COLLECT / 8];
	static bool used[2 * COLLECT / 8];
	const uint64_t *w = (const uint64_t *)pool;
	unsigned int repeats = 0;

	for (unsigned int i = 0; i < COLLECT / 8; i++) {
		unsigned int h = (unsigned int)(w[i] ^ w[i] >> 29) % ARRAY_SIZE(slot);

		while (used[h] && slot[h] != w[i])
			h = (h + 1) % ARRAY_SIZE(slot);
		repeats += used[h];
		used[h] = true;
		slot[h] = w[i];
	}
	return repeats;
}

static void check_randomness(void)
{
	static unsigned int counts[256];
	const unsigned int expected = COLLECT / 256;
	uint64_t ones = 0, bits = (uint64_t)COLLECT * 8;
	unsigned int missing = 0, most = 0;

	if (!CHECK(pooled == COLLECT, "only %u bytes collected", pooled))
		return;
	for (unsigned int i = 0; i < COLLECT; i++) {
		ones += popcount8(pool[i]);
		counts[pool[i]]++;
	}
	for (unsigned int v = 0; v < 256; v++) {
		missing += counts[v] == 0;
		most = counts[v] > most ? counts[v] : most;
	}
	CHECK(ones * 100 > bits * 49 && ones * 100 < bits * 51, "%lu ones in %lu bits", ones,
	      bits);
	CHECK(missing == 0, "%u byte values never seen", missing);
	CHECK(most < 2 * expected, "a byte value seen %u times, expected about %u", most,
	      expected);
	CHECK(repeated_words() == 0, "8-byte words repeat");
	printf("virtio-rng: %u bytes: %lu of %lu bits set, every byte value seen, the most "
	       "frequent %u times (expected %u)\n", COLLECT, ones, bits, most, expected);
}

static void check_reset(void)
{
	uint8_t before[16];
	static const uint32_t size = 16;

	memcpy(before, pool, sizeof(before));
	if (!bring_up(8))
		return;
	pooled = 0;
	ask(&size, 1, false);
	CHECK(memcmp(before, pool, sizeof(before)) != 0, "the same bytes after a reset");
}

void guest_main(void)
{
	rng = (struct vdev){ .base = bootarg_uint_or("vrng.base", 0x0a001000),
			     .intid = (unsigned int)bootarg_uint_or("vrng.irq", 49) };
	test_init("virtio-rng");
	if (!gic_init())
		test_fatal("no GIC");
	vdev_irq_init(&rng);
	check_registers();
	if (!bring_up(VRNG_QUEUE_SIZE))
		test_fatal("the device did not come up");
	check_requests();
	check_randomness();
	check_reset();
	test_done();
}
