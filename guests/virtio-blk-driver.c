/*
 * virtio-blk-driver: a driver test for the virtio-blk app (apps/virtio-blk). The
 * manifest (configs/tests/virtio-blk.dts) puts the device at 0x0a000000
 * with INTID 48 and the disk scripts/mkdisk.sh writes (virtio_disk.h);
 * bootargs vblk.base, vblk.irq, vblk.sectors override those.
 *
 *  1. Registers: magic, Version 2, DeviceID 2, VendorID, no shared memory,
 *     QueueNumMax of a second queue 0.
 *  2. Features: VERSION_1, INDIRECT_DESC, SIZE_MAX, SEG_MAX, FLUSH offered,
 *     RO, MQ, EVENT_IDX, RING_PACKED not; FEATURES_OK refused for a
 *     feature not offered, for a bit above 63, and without VERSION_1;
 *     accepted for the offered ones.
 *  3. Configuration: capacity, size_max, seg_max, by every access size.
 *  4. Requests, each answered through the interrupt: GET_ID; the whole
 *     disk read 64 KiB a request and checked byte for byte; reads of the
 *     first, a middle and the last sector; a read of
 *     16 sectors split over three buffers at odd boundaries; the same
 *     through an indirect table; write 4 sectors, read them back and their
 *     neighbours unchanged; FLUSH.
 *  5. Errors that leave the device working: reads past the end, across the
 *     end, of a length not a multiple of 512, an unknown type (UNSUPP):
 *     each answered with its status and used length 1.
 *  6. A batch bigger than one event's work (40 reads of 32 KiB in one
 *     notification): all of them are answered (the rest on the app's
 *     timer), every byte right.
 *  7. With used-buffer interrupts suppressed, a request completes with no
 *     interrupt.
 *  8. Reset: QueueReady reads 0; set up again, it works.
 *  9. A reboot (SYSTEM_RESET) after writing a marker sector: on the second
 *     boot the device is at power-on state (Status 0, queue not ready) and
 *     the disk still holds what was written: only then does the test pass.
 */
#include "guest.h"
#include "virtio.h"
#include "virtio_disk.h"
#include "../apps/virtio-blk/virtio_blk.h"

#define TIMEOUT_US 200000
#define MARKER_SECTOR 1000		/* the reboot marker's sector */
#define WRITE_SECTOR 700		/* where the write test writes */
#define BATCH 40			/* requests in the big batch: 3 descriptors each */
#define BATCH_BYTES 32768		/* each */
#define SECTOR VIRTIO_BLK_SECTOR_SIZE

static const char marker[] = "elvisor virtio-blk reboot marker";

static struct vdev blk;
static uint64_t sectors;
static struct vq_mem mem;
static struct vq q;

/* Per request in flight: header, status; data buffers separately. */
struct req {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
} __attribute__((aligned(16)));

static struct req reqs[BATCH];
static uint8_t data[BATCH][BATCH_BYTES] __attribute__((aligned(4096)));
static struct virtq_desc indirect[8] __attribute__((aligned(16)));

/* ---- helpers ---- */

static bool sector_ok(const uint8_t *buf, uint64_t sector, const char *what)
{
	for (unsigned int i = 0; i < SECTOR; i++)
		if (!CHECK(buf[i] == vdisk_byte(sector, i), "%s: sector %lu byte %u is %#x, "
			   "expected %#x", what, sector, i, buf[i], vdisk_byte(sector, i)))
			return false;
	return true;
}

/* Submit one request of header + bufs + status; its status (or 0xff if it never came). */
static uint8_t request(uint32_t type, uint64_t sector, const struct vbuf *data_bufs,
		       unsigned int n, uint32_t *used_len)
{
	struct vbuf bufs[8];
	struct req *r = &reqs[0];

	r->hdr = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	r->status = 0xff;
	bufs[0] = vbuf_out(&r->hdr, sizeof(r->hdr));
	for (unsigned int i = 0; i < n; i++)
		bufs[1 + i] = data_bufs[i];
	bufs[1 + n] = vbuf_in(&r->status, 1);
	if (!vq_transact(&q, vq_chain(&q, 0, bufs, n + 2), used_len, TIMEOUT_US))
		return 0xff;
	return r->status;
}

static bool read_sectors(uint8_t *buf, uint64_t sector, unsigned int count)
{
	struct vbuf b = vbuf_in(buf, count * SECTOR);
	uint32_t len = 0;
	uint8_t status = request(VIRTIO_BLK_T_IN, sector, &b, 1, &len);

	return CHECK(status == VIRTIO_BLK_S_OK, "read of %u sectors at %lu: status %u", count,
		     sector, status) &
	       CHECK(len == count * SECTOR + 1, "read of %u sectors at %lu: used length %u",
		     count, sector, len);
}

static bool write_sectors(const uint8_t *buf, uint64_t sector, unsigned int count)
{
	struct vbuf b = vbuf_out(buf, count * SECTOR);
	uint32_t len = 0;
	uint8_t status = request(VIRTIO_BLK_T_OUT, sector, &b, 1, &len);

	return CHECK(status == VIRTIO_BLK_S_OK, "write of %u sectors at %lu: status %u", count,
		     sector, status) &
	       CHECK(len == 1, "write at %lu: used length %u", sector, len);
}

/* Reset, negotiate, one queue, DRIVER_OK. */
static bool bring_up(void)
{
	uint64_t want = VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC) |
			VIRTIO_F_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_F_BIT(VIRTIO_BLK_F_SEG_MAX) |
			VIRTIO_F_BIT(VIRTIO_BLK_F_FLUSH);

	if (!vdev_reset(&blk) || !CHECK(vdev_negotiate(&blk, want), "FEATURES_OK refused for "
					"%#lx", want))
		return false;
	if (!vq_setup(&q, &blk, 0, VBLK_QUEUE_SIZE, &mem))
		return false;
	vdev_driver_ok(&blk);
	return CHECK(vdev_status(&blk) == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK),
		     "Status %#x after DRIVER_OK", vdev_status(&blk));
}

/* ---- 1..3: registers, features, configuration ---- */

static void check_registers(void)
{
	uint32_t vendor = vdev_read(&blk, VIRTIO_MMIO_VENDOR_ID);

	vdev_probe(&blk, VIRTIO_ID_BLOCK);
	CHECK(vendor == VIRTIO_VENDOR_ELVISOR, "VendorID %#x", vendor);
	vdev_write(&blk, VIRTIO_MMIO_SHM_SEL, 0);
	CHECK(vdev_read(&blk, VIRTIO_MMIO_SHM_LEN_LOW) == 0xffffffffu &&
	      vdev_read(&blk, VIRTIO_MMIO_SHM_LEN_HIGH) == 0xffffffffu,
	      "shared memory region 0 exists");
	vdev_write(&blk, VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK(vdev_read(&blk, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0, "queue 1 has QueueNumMax %u",
	      vdev_read(&blk, VIRTIO_MMIO_QUEUE_NUM_MAX));
	vdev_write(&blk, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(vdev_read(&blk, VIRTIO_MMIO_QUEUE_NUM_MAX) == VBLK_QUEUE_SIZE,
	      "queue 0 has QueueNumMax %u", vdev_read(&blk, VIRTIO_MMIO_QUEUE_NUM_MAX));
}

/* Negotiating `features` must fail; the device is reset after. */
static void check_refused(uint64_t features, bool high_bit, const char *what)
{
	vdev_reset(&blk);
	if (high_bit) {
		vdev_write(&blk, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
		vdev_write(&blk, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	}
	CHECK(!vdev_negotiate(&blk, features), "FEATURES_OK accepted %s", what);
	CHECK(!(vdev_status(&blk) & VIRTIO_STATUS_NEEDS_RESET), "%s: the device broke", what);
	vdev_reset(&blk);
}

static void check_features(void)
{
	const uint64_t must = VIRTIO_F_BIT(VIRTIO_F_VERSION_1) |
			      VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC) |
			      VIRTIO_F_BIT(VIRTIO_BLK_F_SIZE_MAX) |
			      VIRTIO_F_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_F_BIT(VIRTIO_BLK_F_FLUSH);
	const uint64_t must_not = VIRTIO_F_BIT(VIRTIO_BLK_F_RO) | VIRTIO_F_BIT(VIRTIO_BLK_F_MQ) |
				  VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX) |
				  VIRTIO_F_BIT(VIRTIO_F_RING_PACKED);
	uint64_t f = vdev_features(&blk);

	CHECK((f & must) == must, "features %#lx lack %#lx", f, must & ~f);
	CHECK(!(f & must_not), "features %#lx include %#lx", f, f & must_not);
	vdev_write(&blk, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	CHECK(vdev_read(&blk, VIRTIO_MMIO_DEVICE_FEATURES) == 0, "feature word 2 is not 0");
	check_refused(must | VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX), false, "with EVENT_IDX");
	check_refused(must, true, "with a feature bit above 63");
	check_refused(must & ~VIRTIO_F_BIT(VIRTIO_F_VERSION_1), false, "without VERSION_1");
}

static void check_config(void)
{
	uint64_t cap = vdev_config(&blk, VIRTIO_BLK_CFG_CAPACITY, 8);
	uint64_t cap_bytes = 0;

	for (unsigned int i = 0; i < 8; i++)
		cap_bytes |= vdev_config(&blk, VIRTIO_BLK_CFG_CAPACITY + i, 1) << (8 * i);
	CHECK(cap == sectors, "capacity %lu, expected %lu", cap, sectors);
	CHECK(cap_bytes == cap, "capacity by bytes %#lx, by words %#lx", cap_bytes, cap);
	CHECK(vdev_config(&blk, VIRTIO_BLK_CFG_SIZE_MAX, 4) == VBLK_SIZE_MAX, "size_max %lu",
	      vdev_config(&blk, VIRTIO_BLK_CFG_SIZE_MAX, 4));
	CHECK(vdev_config(&blk, VIRTIO_BLK_CFG_SEG_MAX, 2) == VBLK_SEG_MAX, "seg_max %lu",
	      vdev_config(&blk, VIRTIO_BLK_CFG_SEG_MAX, 2));
	CHECK(vdev_config(&blk, VIRTIO_BLK_CFG_SEG_MAX + 1, 2) == 0,
	      "a misaligned 16-bit config read returned data");
}

/* ---- 4: requests ---- */

static void check_get_id(void)
{
	char id[VIRTIO_BLK_ID_BYTES + 4];
	struct vbuf b = vbuf_in(id, VIRTIO_BLK_ID_BYTES);
	uint32_t len = 0;
	uint8_t status;

	memset(id, 'x', sizeof(id));
	status = request(VIRTIO_BLK_T_GET_ID, 0, &b, 1, &len);
	CHECK(status == VIRTIO_BLK_S_OK, "GET_ID: status %u", status);
	CHECK(len == VIRTIO_BLK_ID_BYTES + 1, "GET_ID: used length %u", len);
	CHECK(memcmp(id, VBLK_ID, sizeof(VBLK_ID)) == 0, "GET_ID: \"%.20s\"", id);
	CHECK(id[VIRTIO_BLK_ID_BYTES] == 'x', "GET_ID wrote past its buffer");
	printf("virtio-blk: GET_ID \"%s\"\n", id);

}

/* The whole disk, 64 KiB a request (two buffers of 32 KiB), every byte checked. */
static void check_whole_disk(void)
{
	const unsigned int per = 2 * BATCH_BYTES / SECTOR;

	for (uint64_t first = 0; first < sectors; first += per) {
		struct vbuf b[2] = { vbuf_in(data[0], BATCH_BYTES), vbuf_in(data[1], BATCH_BYTES) };
		unsigned int n = sectors - first < per ? (unsigned int)(sectors - first) : per;
		uint32_t len = 0;
		uint8_t status;

		if (n < per)
			break;		/* the test disk is a whole number of requests */
		status = request(VIRTIO_BLK_T_IN, first, b, 2, &len);
		if (!CHECK(status == VIRTIO_BLK_S_OK && len == n * SECTOR + 1,
			   "read at %lu: status %u, used length %u", first, status, len))
			return;
		for (unsigned int s = 0; s < n; s++)
			if (!sector_ok(data[0] + s * SECTOR, first + s, "whole disk"))
				return;
	}
	CHECK(sectors % per == 0, "the test disk is not a whole number of %u-sector reads", per);
}

static void check_reads(void)
{
	const uint64_t picks[] = { 0, 1, sectors / 2, sectors - 1 };
	uint8_t *buf = data[0];

	for (unsigned int i = 0; i < ARRAY_SIZE(picks); i++)
		if (read_sectors(buf, picks[i], 1))
			sector_ok(buf, picks[i], "single read");
}

/* 16 sectors at 300 over three buffers split off sector boundaries. */
static const uint32_t split[3] = { 700, 5000, 16 * SECTOR - 5700 };

static void check_split_result(const uint8_t *buf, const char *what)
{
	for (unsigned int s = 0; s < 16; s++)
		if (!sector_ok(buf + s * SECTOR, 300 + s, what))
			return;
}

static void check_split_read(void)
{
	struct vbuf b[3] = { vbuf_in(data[0], split[0]), vbuf_in(data[1], split[1]),
			     vbuf_in(data[2], split[2]) };
	uint32_t len = 0;
	uint8_t status = request(VIRTIO_BLK_T_IN, 300, b, 3, &len);
	uint8_t *whole = data[3];

	CHECK(status == VIRTIO_BLK_S_OK && len == 16 * SECTOR + 1,
	      "split read: status %u, used length %u", status, len);
	memcpy(whole, data[0], split[0]);
	memcpy(whole + split[0], data[1], split[1]);
	memcpy(whole + split[0] + split[1], data[2], split[2]);
	check_split_result(whole, "split read");
}

static void check_indirect_read(void)
{
	struct req *r = &reqs[0];
	struct vbuf b[5];
	uint32_t len = 0;

	memset(data[3], 0, 16 * SECTOR);
	r->hdr = (struct virtio_blk_req_hdr){ .type = VIRTIO_BLK_T_IN, .sector = 300 };
	r->status = 0xff;
	b[0] = vbuf_out(&r->hdr, sizeof(r->hdr));
	b[1] = vbuf_in(data[3], split[0]);
	b[2] = vbuf_in(data[3] + split[0], split[1]);
	b[3] = vbuf_in(data[3] + split[0] + split[1], split[2]);
	b[4] = vbuf_in(&r->status, 1);
	if (!vq_transact(&q, vq_chain_indirect(&q, 5, indirect, b, 5), &len, TIMEOUT_US))
		return;
	CHECK(r->status == VIRTIO_BLK_S_OK && len == 16 * SECTOR + 1,
	      "indirect read: status %u, used length %u", r->status, len);
	check_split_result(data[3], "indirect read");
}

static void check_write(void)
{
	uint8_t *out = data[0], *in = data[1];

	for (unsigned int i = 0; i < 4 * SECTOR; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	if (!write_sectors(out, WRITE_SECTOR, 4) || !read_sectors(in, WRITE_SECTOR - 1, 6))
		return;
	CHECK(memcmp(in + SECTOR, out, 4 * SECTOR) == 0, "sectors written read back different");
	sector_ok(in, WRITE_SECTOR - 1, "before the written sectors");
	sector_ok(in + 5 * SECTOR, WRITE_SECTOR + 4, "after the written sectors");
}

static void check_flush(void)
{
	uint32_t len = 0;
	uint8_t status = request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, &len);

	CHECK(status == VIRTIO_BLK_S_OK && len == 1, "FLUSH: status %u, used length %u", status,
	      len);
}

/* ---- 5: errors the device answers ---- */

static void expect_status(uint32_t type, uint64_t sector, uint32_t bytes, uint8_t want,
			  const char *what)
{
	struct vbuf b = vbuf_in(data[0], bytes);
	uint32_t len = 0;
	uint8_t status = request(type, sector, &b, 1, &len);

	CHECK(status == want && len == 1, "%s: status %u used length %u, expected status %u",
	      what, status, len, want);
	CHECK(!(vdev_status(&blk) & VIRTIO_STATUS_NEEDS_RESET), "%s: the device broke", what);
}

static void check_errors(void)
{
	expect_status(VIRTIO_BLK_T_IN, sectors, SECTOR, VIRTIO_BLK_S_IOERR, "read past the end");
	expect_status(VIRTIO_BLK_T_IN, sectors - 1, 2 * SECTOR, VIRTIO_BLK_S_IOERR,
		      "read across the end");
	expect_status(VIRTIO_BLK_T_IN, ~0ULL, SECTOR, VIRTIO_BLK_S_IOERR, "read at sector 2^64-1");
	expect_status(VIRTIO_BLK_T_IN, 0, 100, VIRTIO_BLK_S_IOERR, "read of 100 bytes");
	expect_status(99, 0, SECTOR, VIRTIO_BLK_S_UNSUPP, "request type 99");
	/* Still fine afterwards. */
	if (read_sectors(data[0], 5, 1))
		sector_ok(data[0], 5, "read after the errors");
}

/* ---- 6, 7: a big batch; interrupts suppressed ---- */

static void check_batch(void)
{
	uint64_t irqs = blk.interrupts;
	unsigned int got = 0;
	uint16_t at_kick;
	uint32_t id, len;

	for (unsigned int i = 0; i < BATCH; i++) {
		struct vbuf b[3];
		/* Below the sectors the write test changed. */
		uint64_t sector = (uint64_t)i * 37 % (WRITE_SECTOR - BATCH_BYTES / SECTOR);

		reqs[i].hdr = (struct virtio_blk_req_hdr){ .type = VIRTIO_BLK_T_IN, .sector = sector };
		reqs[i].status = 0xff;
		memset(data[i], 0, BATCH_BYTES);
		b[0] = vbuf_out(&reqs[i].hdr, sizeof(reqs[i].hdr));
		b[1] = vbuf_in(data[i], BATCH_BYTES);
		b[2] = vbuf_in(&reqs[i].status, 1);
		vq_make_available(&q, vq_chain(&q, (uint16_t)(3 * i % VBLK_QUEUE_SIZE), b, 3));
	}
	vq_kick(&q);
	at_kick = (uint16_t)(vq_used_idx(&q) - q.last_used);
	/*
	 * One event's work is VMMIO_BATCH_BYTES: the notification cannot have
	 * done it all, and the app's timer continues 20 us later. Only with
	 * QEMU's -icount (vblk.icount=1) is that surely after this load.
	 */
	if (bootarg_uint_or("vblk.icount", 0))
		CHECK(at_kick < BATCH, "batch: all %u answered within the notification", BATCH);
	CHECK(vq_wait_used(&q, (uint16_t)(q.last_used + BATCH), 4 * TIMEOUT_US),
	      "batch: %u of %u requests answered", (uint16_t)(vq_used_idx(&q) - q.last_used), BATCH);
	while (vq_take_used(&q, &id, &len)) {
		unsigned int i = id / 3;

		got++;
		if (!CHECK(id % 3 == 0 && i < BATCH && len == BATCH_BYTES + 1 &&
			   reqs[i].status == VIRTIO_BLK_S_OK, "batch: used id %u len %u", id, len))
			continue;
		for (unsigned int s = 0; s < BATCH_BYTES / SECTOR; s++)
			if (!sector_ok(data[i] + s * SECTOR, reqs[i].hdr.sector + s, "batch"))
				break;
	}
	CHECK(got == BATCH, "batch: %u answers", got);
	CHECK(wait_until(cond_count_reached, &(struct wait_count){ &blk.interrupts, irqs + 1 },
			 TIMEOUT_US), "batch: no interrupt");
	printf("virtio-blk: batch of %u x %u bytes in one notification: %u answered in it, "
	       "the rest on the app's timer\n", BATCH, BATCH_BYTES, at_kick);
}

static void check_no_interrupt(void)
{
	uint64_t irqs;
	struct vbuf b = vbuf_in(data[0], SECTOR);
	uint32_t len;

	vq_set_no_interrupt(&q, true);
	sleep_us(1000);			/* let any interrupt in flight arrive */
	irqs = blk.interrupts;
	CHECK(request(VIRTIO_BLK_T_IN, 9, &b, 1, &len) == VIRTIO_BLK_S_OK, "polled read failed");
	sleep_us(2000);
	CHECK(blk.interrupts == irqs, "%lu interrupts with NO_INTERRUPT set",
	      blk.interrupts - irqs);
	CHECK(!(vdev_read(&blk, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING),
	      "InterruptStatus.VRING set with NO_INTERRUPT");
	vq_set_no_interrupt(&q, false);
}

/* ---- 8, 9: resets ---- */

static void check_reset(void)
{
	vdev_reset(&blk);
	vdev_write(&blk, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(vdev_read(&blk, VIRTIO_MMIO_QUEUE_READY) == 0, "queue ready after a reset");
	CHECK(vdev_read(&blk, VIRTIO_MMIO_INTERRUPT_STATUS) == 0, "InterruptStatus after reset");
	if (bring_up() && read_sectors(data[0], 42, 1))
		sector_ok(data[0], 42, "read after a reset");
}

static void reboot_with_marker(void)
{
	uint8_t *buf = data[0];

	memset(buf, 0, SECTOR);
	memcpy(buf, marker, sizeof(marker));
	if (!write_sectors(buf, MARKER_SECTOR, 1))
		return;
	printf("virtio-blk: marker written; SYSTEM_RESET with the device running\n");
	psci_system_reset();
	test_fail("SYSTEM_RESET returned");
}

static bool second_boot(void)
{
	uint8_t *buf = data[0];

	/* Before touching anything: what the reboot left. */
	CHECK(vdev_status(&blk) == 0, "after the reboot: Status %#x", vdev_status(&blk));
	vdev_write(&blk, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(vdev_read(&blk, VIRTIO_MMIO_QUEUE_READY) == 0, "after the reboot: queue ready");
	if (!bring_up() || !read_sectors(buf, MARKER_SECTOR, 1))
		return true;
	if (memcmp(buf, marker, sizeof(marker)) != 0)
		return false;
	if (read_sectors(buf, WRITE_SECTOR, 1))
		CHECK(buf[5] == (uint8_t)(5 * 7 + 3), "after the reboot: the first write is gone");
	printf("virtio-blk: after the reboot: power-on state, the disk kept what was written\n");
	return true;
}

void guest_main(void)
{
	blk = (struct vdev){ .base = bootarg_uint_or("vblk.base", 0x0a000000),
			     .intid = (unsigned int)bootarg_uint_or("vblk.irq", 48) };
	sectors = bootarg_uint_or("vblk.sectors", VDISK_SECTORS);
	test_init("virtio-blk");
	if (!gic_init())
		test_fatal("no GIC");
	vdev_irq_init(&blk);
	if (second_boot()) {
		test_done();
		return;
	}
	check_registers();
	check_features();
	check_config();
	if (!bring_up())
		test_fatal("the device did not come up");
	check_get_id();
	check_whole_disk();
	check_reads();
	check_split_read();
	check_indirect_read();
	check_write();
	check_flush();
	/* The guest runs with interrupts masked: the answers' interrupt is taken here. */
	CHECK(wait_until(cond_count_reached, &(struct wait_count){ &blk.interrupts, 1 },
			 TIMEOUT_US) && (blk.status_seen & VIRTIO_MMIO_INT_VRING),
	      "no used-buffer interrupt so far");
	check_errors();
	check_batch();
	check_no_interrupt();
	check_reset();
	if (test_failures() == 0)
		reboot_with_marker();
	test_done();
}
