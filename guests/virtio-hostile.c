/*
 * virtio-hostile: a driver that misuses a virtio device on purpose. The
 * manifest (configs/tests/virtio-hostile.dts) runs it twice: against the
 * virtio-blk app (bootargs vh.device=blk) and against the virtio-rng app
 * (vh.device=rng), each in its own domain; vh.base and vh.irq say where.
 *
 * Each misuse must get a device error and nothing worse: either the
 * request is answered with an error (virtio-blk: status IOERR or UNSUPP,
 * used length 1), or the device refuses (FEATURES_OK or QueueReady read
 * back 0), or it marks itself DEVICE_NEEDS_RESET (with a configuration
 * interrupt once DRIVER_OK is set) and uses nothing. After every one a
 * correct request must succeed (after a reset where the device broke).
 * The app must never fault (the scenario forbids the hypervisor's fault
 * line), and every access stays in this guest's RAM (the device writes
 * only into buffers entirely in RAM, all of them in `scratch` here).
 *
 *  1. Registers: odd access sizes read 0 and are ignored, as are writes
 *     beyond the register block and to the configuration space, queue
 *     registers while the queue is live; features not offered, or without
 *     VERSION_1, are refused; queue set-ups that are wrong (size 0, not a
 *     power of two, above QueueNumMax; areas misaligned, outside RAM, in
 *     the hypervisor's RAM, wrapping; before FEATURES_OK; a queue that does
 *     not exist), DRIVER_OK without FEATURES_OK, notifications before the
 *     queue is ready or for a queue that does not exist: each breaks it.
 *  2. Chains that break the device: loops (a descriptor to itself, two to
 *     each other, in an indirect table), next and head indices out of
 *     range, a readable buffer after a writable one, indirect tables that
 *     point to themselves, are empty, misaligned in length, longer than
 *     the queue, outside RAM, combined with F_NEXT, or used without
 *     INDIRECT_DESC; the available index far ahead; (blk) no writable
 *     byte, the status byte outside RAM; (rng) readable or outside buffers.
 *  3. (blk) Requests answered with IOERR: data buffers outside RAM, at and
 *     across its end, in the hypervisor's RAM and on devices, 4 GiB long,
 *     wrapping, in the last page of the address space, above 2^52; data
 *     in the wrong direction, a short or
 *     writable or unmapped header, more than seg_max buffers, one larger
 *     than size_max, sectors past the end; an unknown type gets UNSUPP.
 *     (rng) An 8 MiB buffer gets VRNG_REQUEST_MAX bytes; an empty one 0.
 *  4. vh.ops random chains (virtio_fuzz.c, seed vh.seed): each answered or
 *     breaking the device, never silence.
 */
#include "guest.h"
#include "mmio.h"
#include "virtio.h"
#include "virtio_disk.h"
#include "virtio_fuzz.h"
#include "../apps/virtio-blk/virtio_blk.h"
#include "../apps/virtio-rng/virtio_rng.h"

#define TIMEOUT_US 100000
#define SCRATCH_SIZE (256 * 1024)
#define GOOD_SECTOR 3			/* read after every attack; never written */
#define FUZZ_SECTOR_MIN 1024		/* the fuzzer writes only from here */
#define HYP_RAM 0x5fe00000ULL		/* the host's RAM, not ours: the hypervisor's */
#define OUT_IPA 0x1000ULL		/* nothing there */

#define IN VIRTIO_BLK_T_IN
#define OUT VIRTIO_BLK_T_OUT

static struct {
	bool blk;			/* else rng */
	const char *name;
	uint16_t qsize;
	uint64_t features;		/* all the device offers */
} dev;

static struct vdev vd;
static struct vq_mem mem;
static struct vq q;
static uint8_t scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));
static struct virtq_desc table[4] __attribute__((aligned(16)));
static struct {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	uint8_t sector[VIRTIO_BLK_SECTOR_SIZE];
} req __attribute__((aligned(16)));

static unsigned int answered, refused, broken, ignored;

/* ---- bringing the device up, and the correct request ---- */

static bool up_with(uint64_t features)
{
	if (!vdev_reset(&vd) || !CHECK(vdev_negotiate(&vd, features), "FEATURES_OK refused"))
		return false;
	if (!vq_setup(&q, &vd, 0, dev.qsize, &mem))
		return false;
	vdev_driver_ok(&vd);
	vd.status_seen = 0;
	return true;
}

static bool up(void)
{
	return up_with(dev.features);
}

/* A request the device must serve correctly. */
static bool good_request(const char *after)
{
	struct vbuf b[3];
	uint32_t len = 0;

	memset(req.sector, 0, sizeof(req.sector));
	if (dev.blk) {
		req.hdr = (struct virtio_blk_req_hdr){ .type = IN, .sector = GOOD_SECTOR };
		req.status = 0xee;
		b[0] = vbuf_out(&req.hdr, sizeof(req.hdr));
		b[1] = vbuf_in(req.sector, sizeof(req.sector));
		b[2] = vbuf_in(&req.status, 1);
		if (!vq_transact(&q, vq_chain(&q, 0, b, 3), &len, TIMEOUT_US))
			return CHECK(false, "after %s: a correct read went unanswered", after);
		for (unsigned int i = 0; i < sizeof(req.sector); i++)
			if (req.sector[i] != vdisk_byte(GOOD_SECTOR, i))
				return CHECK(false, "after %s: sector %d byte %u wrong", after,
					     GOOD_SECTOR, i);
		return CHECK(req.status == VIRTIO_BLK_S_OK && len == sizeof(req.sector) + 1,
			     "after %s: a correct read got status %u, length %u", after,
			     req.status, len);
	}
	b[0] = vbuf_in(req.sector, 64);
	if (!vq_transact(&q, vq_chain(&q, 0, b, 1), &len, TIMEOUT_US))
		return CHECK(false, "after %s: a correct request went unanswered", after);
	return CHECK(len == 64, "after %s: a correct request got %u bytes", after, len);
}

/* ---- how the device must have reacted ---- */

static bool config_interrupt_seen(void)
{
	return (vdev_read(&vd, VIRTIO_MMIO_INTERRUPT_STATUS) | vd.status_seen) &
	       VIRTIO_MMIO_INT_CONFIG;
}

/* It broke: NEEDS_RESET, the interrupt if it was running, nothing used; then recover. */
static void expect_broken(const char *what, uint16_t used_before)
{
	uint32_t status = vdev_status(&vd);

	CHECK(status & VIRTIO_STATUS_NEEDS_RESET, "%s: Status %#x, not DEVICE_NEEDS_RESET", what,
	      status);
	if (status & VIRTIO_STATUS_DRIVER_OK)
		CHECK(config_interrupt_seen(), "%s: no configuration interrupt", what);
	CHECK(vq_used_idx(&q) == used_before, "%s: the device used a chain", what);
	broken++;
	if (up())
		good_request(what);
}

/* It did not break, and serves a correct request. */
static void still_works(const char *what)
{
	CHECK(!(vdev_status(&vd) & VIRTIO_STATUS_NEEDS_RESET), "%s: the device broke", what);
	good_request(what);
}

/* Submit the chain at head; it must break the device. */
static void chain_breaks(const char *what, uint16_t head)
{
	uint16_t before = vq_used_idx(&q);

	vq_make_available(&q, head);
	vq_kick(&q);
	expect_broken(what, before);
}

/* Submit the chain at head; it must be answered with used length `len` (and, blk, `status`). */
static void chain_answered(const char *what, uint16_t head, uint32_t want_len, uint8_t status)
{
	uint32_t len = 0;

	req.status = 0xee;
	if (vq_transact(&q, head, &len, TIMEOUT_US))
		CHECK(len == want_len && (!dev.blk || req.status == status),
		      "%s: used length %u status %u, expected %u and %u", what, len, req.status,
		      want_len, status);
	answered++;
	still_works(what);
}

/* ---- 1: registers ---- */

static void check_access_sizes(void)
{
	const uint64_t base = vd.base;

	CHECK(mmio_read8(base) == 0 && mmio_read16(base) == 0 && mmio_read64(base) == 0,
	      "MagicValue read with a size other than 4");
	mmio_write16(base + VIRTIO_MMIO_STATUS, 0);
	mmio_write8(base + VIRTIO_MMIO_STATUS, 0);
	mmio_write64(base + VIRTIO_MMIO_STATUS, 0);
	CHECK(vdev_status(&vd) & VIRTIO_STATUS_DRIVER_OK, "a reset by a 1, 2 or 8-byte write");
	CHECK(mmio_read32(base + 0x800) == 0, "a read beyond the register block");
	mmio_write32(base + 0x870, 0);
	mmio_write32(base + VIRTIO_MMIO_CONFIG, 0x12345678);
	if (dev.blk)
		CHECK(vdev_config(&vd, VIRTIO_BLK_CFG_CAPACITY, 8) == VDISK_SECTORS,
		      "a write changed the capacity");
	/*
	 * Live queue registers: a size of 2 and a descriptor table at 0x1000
	 * are ignored (the correct request after it uses descriptor 2).
	 */
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_SEL, 0);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_NUM, 2);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)OUT_IPA);
	ignored++;
	still_works("odd register accesses");
}

/* Features the device must refuse; extra_bits go to feature word extra_sel (>= 2) first. */
static void features_refused(const char *what, uint64_t features, uint32_t extra_sel,
			     uint32_t extra_bits)
{
	vdev_reset(&vd);
	vdev_write(&vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, extra_sel);
	vdev_write(&vd, VIRTIO_MMIO_DRIVER_FEATURES, extra_bits);
	CHECK(!vdev_negotiate(&vd, features), "%s: FEATURES_OK accepted", what);
	CHECK(!(vdev_status(&vd) & VIRTIO_STATUS_NEEDS_RESET), "%s: the device broke", what);
	refused++;
	if (up())
		good_request(what);
}

/* A queue set-up the device must refuse: QueueReady reads 0 and it breaks. */
static void queue_refused(const char *what, uint32_t num, uint64_t desc, uint64_t driver,
			  uint64_t device)
{
	uint16_t before = vq_used_idx(&q);

	vdev_reset(&vd);
	vdev_negotiate(&vd, dev.features);
	vq_configure(&vd, 0, num, desc, driver, device);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK(vdev_read(&vd, VIRTIO_MMIO_QUEUE_READY) == 0, "%s: QueueReady reads 1", what);
	expect_broken(what, before);
}

static void check_queue_setups(void)
{
	const uint64_t d = (uint64_t)(uintptr_t)mem.desc, a = (uint64_t)(uintptr_t)mem.avail;
	const uint64_t u = (uint64_t)(uintptr_t)mem.used, end = ram_end();

	queue_refused("queue size 0", 0, d, a, u);
	queue_refused("queue size 3 (not a power of two)", 3, d, a, u);
	queue_refused("queue size above QueueNumMax", 2u * dev.qsize, d, a, u);
	queue_refused("descriptor table misaligned", dev.qsize, d + 8, a, u);
	queue_refused("available ring misaligned", dev.qsize, d, a + 1, u);
	queue_refused("used ring misaligned", dev.qsize, d, a, u + 2);
	queue_refused("used ring outside RAM", dev.qsize, d, a, OUT_IPA);
	queue_refused("available ring across the end of RAM", dev.qsize, d, end - 64, u);
	queue_refused("descriptor table in the hypervisor's RAM", dev.qsize, HYP_RAM, a, u);
	queue_refused("descriptor table wrapping", dev.qsize, ~(uint64_t)0xfff, a, u);
	queue_refused("used ring above 2^52", dev.qsize, d, a, (uint64_t)1 << 52);
}

static void check_protocol(void)
{
	uint16_t before = vq_used_idx(&q);	/* nothing below uses a chain */

	/* Queue before FEATURES_OK. */
	vdev_reset(&vd);
	vdev_write(&vd, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vq_configure(&vd, 0, dev.qsize, (uint64_t)(uintptr_t)mem.desc,
		     (uint64_t)(uintptr_t)mem.avail, (uint64_t)(uintptr_t)mem.used);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	expect_broken("QueueReady before FEATURES_OK", before);
	/* DRIVER_OK without FEATURES_OK. */
	vdev_reset(&vd);
	vdev_write(&vd, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_DRIVER_OK);
	CHECK(!(vdev_status(&vd) & VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK without FEATURES_OK "
	      "accepted");
	expect_broken("DRIVER_OK without FEATURES_OK", before);
	/* A queue that does not exist. */
	vdev_reset(&vd);
	vdev_negotiate(&vd, dev.features);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_SEL, 3);
	CHECK(vdev_read(&vd, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0, "queue 3 has a QueueNumMax");
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	expect_broken("QueueReady for queue 3", before);
	/* Notifications: before the queue is ready, for a queue that does not exist. */
	vdev_reset(&vd);
	vdev_negotiate(&vd, dev.features);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	expect_broken("a notification before QueueReady", before);
	before = vq_used_idx(&q);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_NOTIFY, 7);
	expect_broken("a notification for queue 7", before);
	before = vq_used_idx(&q);
	vdev_write(&vd, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffffu);
	expect_broken("a notification for queue 2^32-1", before);
}

static void check_registers(void)
{
	check_access_sizes();
	features_refused("a feature not offered (bit 63)", dev.features | VIRTIO_F_BIT(63), 2, 0);
	features_refused("a feature in word 5", dev.features, 5, 1);
	features_refused("no VERSION_1", dev.features & ~VIRTIO_F_BIT(VIRTIO_F_VERSION_1), 2, 0);
	check_queue_setups();
	check_protocol();
}

/* ---- 2: chains that break the device ---- */

static uint16_t one_desc(uint16_t slot, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	vq_set_desc(&q, slot, addr, len, flags, next);
	return slot;
}

#define W VIRTQ_DESC_F_WRITE
#define NEXT VIRTQ_DESC_F_NEXT
#define INDIRECT VIRTQ_DESC_F_INDIRECT
#define SCR ((uint64_t)(uintptr_t)scratch)
#define TAB ((uint64_t)(uintptr_t)table)

static void check_loops_and_indices(void)
{
	chain_breaks("a descriptor linked to itself", one_desc(0, SCR, 64, W | NEXT, 0));
	one_desc(1, SCR, 64, W | NEXT, 2);
	chain_breaks("two descriptors linked to each other", one_desc(2, SCR, 64, W | NEXT, 1));
	chain_breaks("next index beyond the queue", one_desc(0, SCR, 64, W | NEXT, dev.qsize));
	chain_breaks("next index 0xffff", one_desc(0, SCR, 64, W | NEXT, 0xffff));
	one_desc(0, SCR, 64, W, 0);
	chain_breaks("head index beyond the queue", dev.qsize);
	one_desc(0, SCR, 16, NEXT, 1);
	one_desc(1, SCR + 64, 64, W | NEXT, 2);
	one_desc(2, SCR + 128, 16, NEXT, 3);
	one_desc(3, SCR + 192, 1, W, 0);
	chain_breaks("a readable buffer after a writable one", 0);
	/* The available index far ahead of what the device took. */
	{
		uint16_t before = vq_used_idx(&q);

		q.avail_idx = (uint16_t)(q.avail_idx + dev.qsize + 1);
		mem.avail[VIRTQ_AVAIL_IDX / 2] = q.avail_idx;
		vq_kick(&q);
		expect_broken("the available index a queue size ahead", before);
	}
}

static void check_indirect(void)
{
	table[0] = (struct virtq_desc){ TAB, sizeof(table[0]), INDIRECT, 0 };
	chain_breaks("an indirect table pointing to itself", one_desc(0, TAB, 16, INDIRECT, 0));
	table[0] = (struct virtq_desc){ SCR, 64, W | NEXT, 1 };
	table[1] = (struct virtq_desc){ SCR, 64, W | NEXT, 0 };
	chain_breaks("a loop in an indirect table", one_desc(0, TAB, 32, INDIRECT, 0));
	table[1] = (struct virtq_desc){ SCR, 64, W | NEXT, 2 };
	chain_breaks("next beyond an indirect table", one_desc(0, TAB, 32, INDIRECT, 0));
	table[1].flags = W;
	chain_breaks("an indirect table of 24 bytes", one_desc(0, TAB, 24, INDIRECT, 0));
	chain_breaks("an empty indirect table", one_desc(0, TAB, 0, INDIRECT, 0));
	chain_breaks("an indirect table longer than the queue",
		     one_desc(0, SCR, 16u * (dev.qsize + 1u), INDIRECT, 0));
	chain_breaks("an indirect table outside RAM", one_desc(0, OUT_IPA, 32, INDIRECT, 0));
	chain_breaks("an indirect table in the hypervisor's RAM",
		     one_desc(0, HYP_RAM, 32, INDIRECT, 0));
	one_desc(1, SCR, 64, W, 0);
	chain_breaks("an indirect descriptor with F_NEXT", one_desc(0, TAB, 32, INDIRECT | NEXT, 1));
	/* Without INDIRECT_DESC negotiated, a well-formed table is still an error. */
	if (up_with(dev.features & ~VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC)))
		chain_breaks("an indirect table without INDIRECT_DESC",
			     one_desc(0, TAB, 32, INDIRECT, 0));
}

#define HDR ((uint64_t)(uintptr_t)&req.hdr)
#define STATUS ((uint64_t)(uintptr_t)&req.status)

static void check_blk_breaks(void)
{
	req.hdr = (struct virtio_blk_req_hdr){ .type = IN, .sector = 0 };
	one_desc(0, HDR, 16, 0, 0);
	chain_breaks("no writable byte", 0);
	one_desc(0, HDR, 16, NEXT, 1);
	one_desc(1, OUT_IPA, 1, W, 0);
	chain_breaks("the status byte outside RAM", 0);
	one_desc(0, HDR, 16, NEXT, 1);
	one_desc(1, ram_end() - 1, 2, W, 0);
	chain_breaks("the status byte across the end of RAM", 0);
}

static void check_rng_breaks(void)
{
	chain_breaks("a device-readable buffer", one_desc(0, SCR, 64, 0, 0));
	chain_breaks("a buffer outside RAM", one_desc(0, OUT_IPA, 64, W, 0));
	chain_breaks("a buffer in the hypervisor's RAM", one_desc(0, HYP_RAM, 64, W, 0));
	chain_breaks("a buffer across the end of RAM", one_desc(0, ram_end() - 32, 64, W, 0));
	chain_breaks("a buffer in the last page of the address space",
		     one_desc(0, ~(uint64_t)0xfff, 64, W, 0));
}

/* ---- 3: requests answered with an error ---- */

/* header, data (addr, len, flags), status. */
static uint16_t blk_chain(uint32_t type, uint64_t sector, uint64_t addr, uint32_t len,
			  uint16_t flags)
{
	req.hdr = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	one_desc(0, HDR, sizeof(req.hdr), NEXT, 1);
	one_desc(1, addr, len, (uint16_t)(flags | NEXT), 2);
	one_desc(2, STATUS, 1, W, 0);
	return 0;
}

static void ioerr(const char *what, uint16_t head)
{
	chain_answered(what, head, 1, VIRTIO_BLK_S_IOERR);
}

static void check_blk_buffers(void)
{
	const uint64_t end = ram_end();

	ioerr("data at IPA 0x1000", blk_chain(IN, 0, OUT_IPA, 512, W));
	ioerr("data at the end of RAM", blk_chain(IN, 0, end, 512, W));
	ioerr("data across the end of RAM", blk_chain(IN, 0, end - 256, 512, W));
	ioerr("data in the hypervisor's RAM", blk_chain(IN, 0, HYP_RAM, 512, W));
	ioerr("data at the host's initrd", blk_chain(IN, 0, 0x48000000, 512, W));
	ioerr("data on the GIC distributor", blk_chain(IN, 0, 0x08000000, 512, W));
	ioerr("data on this device's registers", blk_chain(IN, 0, vd.base, 512, W));
	ioerr("data 4 GiB long", blk_chain(IN, 0, SCR, 0xffffffffu, W));
	ioerr("data wrapping the address space", blk_chain(IN, 0, ~(uint64_t)0xfff, 0x2000, W));
	ioerr("data in the last page of the address space",
	      blk_chain(IN, 0, ~(uint64_t)0xfff, 512, W));
	ioerr("data above 2^52", blk_chain(IN, 0, (uint64_t)1 << 52, 512, W));
	ioerr("a write from outside RAM", blk_chain(OUT, FUZZ_SECTOR_MIN, HYP_RAM, 512, 0));
}

static void check_blk_requests(void)
{
	ioerr("a read into a device-readable buffer", blk_chain(IN, 0, SCR, 512, 0));
	ioerr("a write from a device-writable buffer", blk_chain(OUT, FUZZ_SECTOR_MIN, SCR, 512, W));
	ioerr("GET_ID into a device-readable buffer", blk_chain(VIRTIO_BLK_T_GET_ID, 0, SCR, 20, 0));
	ioerr("a read past the end", blk_chain(IN, VDISK_SECTORS, SCR, 512, W));
	ioerr("a write past the end", blk_chain(OUT, VDISK_SECTORS, SCR, 512, 0));
	ioerr("a read at sector 2^64-1", blk_chain(IN, ~(uint64_t)0, SCR, 1024, W));
	ioerr("a read of 100 bytes", blk_chain(IN, 0, SCR, 100, W));
	ioerr("a buffer larger than size_max", blk_chain(IN, 0, SCR, 2 * VBLK_SIZE_MAX, W));
	chain_answered("request type 0x7fffffff", blk_chain(0x7fffffff, 0, SCR, 512, W), 1,
		       VIRTIO_BLK_S_UNSUPP);
	/* Headers: short, device-writable, not in RAM (the status byte is fine). */
	req.hdr = (struct virtio_blk_req_hdr){ .type = IN, .sector = 0 };
	one_desc(1, STATUS, 1, W, 0);
	one_desc(0, HDR, 8, NEXT, 1);
	ioerr("a header of 8 bytes", 0);
	one_desc(0, HDR, 16, W | NEXT, 1);
	ioerr("a device-writable header", 0);
	one_desc(0, OUT_IPA, 16, NEXT, 1);
	ioerr("a header outside RAM", 0);
	/* seg_max + 1 data buffers. */
	one_desc(0, HDR, sizeof(req.hdr), NEXT, 1);
	for (uint16_t i = 1; i <= VBLK_SEG_MAX + 1; i++)
		one_desc(i, SCR + 512u * i, 512, W | NEXT, (uint16_t)(i + 1));
	one_desc(VBLK_SEG_MAX + 2, STATUS, 1, W, 0);
	ioerr("seg_max + 1 data buffers", 0);
}

static void check_rng_requests(void)
{
	/* An 8 MiB buffer in RAM: VRNG_REQUEST_MAX bytes, nothing beyond. */
	memset(scratch, 0x5a, 2 * VRNG_REQUEST_MAX);
	chain_answered("a buffer of 8 MiB", one_desc(0, SCR, 8u << 20, W, 0), VRNG_REQUEST_MAX, 0);
	for (unsigned int i = VRNG_REQUEST_MAX; i < 2 * VRNG_REQUEST_MAX; i++)
		if (!CHECK(scratch[i] == 0x5a, "rng wrote byte %u of an 8 MiB buffer", i))
			break;
	chain_answered("an empty buffer", one_desc(0, SCR, 0, W, 0), 0, 0);
}

/* ---- 4: random chains ---- */

static void fuzz(void)
{
	struct vfuzz_target t = {
		.name = dev.name, .dev = &vd, .q = &q, .scratch = scratch,
		.scratch_size = SCRATCH_SIZE, .blk_header = dev.blk,
		.header_sector_min = FUZZ_SECTOR_MIN, .up = up,
	};
	struct vfuzz_stats st = { 0, 0 };
	unsigned int ops = (unsigned int)bootarg_uint_or("vh.ops", 400);

	if (vfuzz_run(&t, ops, bootarg_uint_or("vh.seed", 1), &st))
		good_request("the random chains");
	printf("virtio-hostile: %s: %u random chains: %u answered, %u broke the device\n",
	       dev.name, ops, st.answered, st.broken);
}

static void configure(void)
{
	uint64_t which = bootarg_uint_or("vh.blk", 0);

	dev.blk = which != 0;
	dev.name = dev.blk ? "blk" : "rng";
	dev.qsize = dev.blk ? VBLK_QUEUE_SIZE : VRNG_QUEUE_SIZE;
	dev.features = VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC);
	if (dev.blk)
		dev.features |= VIRTIO_F_BIT(VIRTIO_BLK_F_SIZE_MAX) |
				VIRTIO_F_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_F_BIT(VIRTIO_BLK_F_FLUSH);
	vd = (struct vdev){ .base = bootarg_uint_or("vh.base", 0x0a000000),
			    .intid = (unsigned int)bootarg_uint_or("vh.irq", 48) };
}

void guest_main(void)
{
	test_init("virtio-hostile");
	configure();
	if (!gic_init())
		test_fatal("no GIC");
	vdev_irq_init(&vd);
	if (!vdev_probe(&vd, dev.blk ? VIRTIO_ID_BLOCK : VIRTIO_ID_ENTROPY) || !up() ||
	    !good_request("bring-up"))
		test_fatal("the %s device does not work to begin with", dev.name);
	check_registers();
	check_loops_and_indices();
	check_indirect();
	if (dev.blk) {
		check_blk_breaks();
		check_blk_buffers();
		check_blk_requests();
	} else {
		check_rng_breaks();
		check_rng_requests();
	}
	printf("virtio-hostile: %s: %u misuses broke the device, %u were refused, %u answered "
	       "(blk: with an error status), %u ignored; a correct request worked after each\n",
	       dev.name, broken, refused, answered, ignored);
	fuzz();
	test_done();
}
