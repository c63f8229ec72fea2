/* Random descriptor chains against a virtio device: see virtio_fuzz.h. */
#include "guest.h"
#include "virtio.h"
#include "virtio_fuzz.h"
#include "../../apps/virtio-blk/virtio_blk.h"

#define TIMEOUT_US 100000
#define CHAIN_MAX 6			/* descriptors in a chain's direct part */
#define TABLE_MAX 8			/* entries of an indirect table */
#define TABLE_OFFSET 4096		/* where in scratch the indirect table goes */

/* Addresses that are not guest RAM: a buffer starting there is never all RAM. */
static uint64_t outside(struct rng *r)
{
	const uint64_t end = ram_end();
	const uint64_t fixed[] = {
		0, 0x1000, 0x08000000 /* GICD */, 0x09000000 /* the host's UART */,
		0x3ffff000 /* just below RAM */, end, end + 0x1000,
		0x48000000, 0x5fe00000 /* the host's RAM, the hypervisor's */,
		(uint64_t)1 << 32, (uint64_t)1 << 48, (uint64_t)1 << 52, ~(uint64_t)0xfff,
		~(uint64_t)0,
	};

	return fixed[rng_below(r, ARRAY_SIZE(fixed))];
}

/*
 * Could the device write into RAM outside the scratch area through
 * [addr, + len)? Only a buffer entirely in RAM is ever touched.
 */
static bool reaches_beyond_scratch(const struct vfuzz_target *t, uint64_t addr, uint64_t len)
{
	uint64_t base = (uint64_t)(uintptr_t)t->scratch, end = addr + len;
	bool all_ram = addr >= GUEST_RAM_BASE && end >= addr && end <= ram_end();

	return all_ram && !(addr >= base && end <= base + t->scratch_size);
}

static void random_buf(const struct vfuzz_target *t, struct rng *r, uint64_t *addr,
		       uint32_t *len)
{
	uint64_t base = (uint64_t)(uintptr_t)t->scratch, off = rng_below(r, t->scratch_size);

	switch (rng_below(r, 8)) {
	case 0:
		*addr = outside(r);
		*len = (uint32_t)rng_next(r);
		break;
	case 1:		/* in scratch, but far too long */
		*addr = base + off;
		*len = (uint32_t)rng_next(r) | 0x80000000u;
		break;
	case 2:
		*addr = rng_next(r);
		*len = (uint32_t)rng_next(r);
		break;
	default:
		*addr = base + off;
		*len = (uint32_t)rng_below(r, t->scratch_size - off + 1);
		break;
	}
	if (reaches_beyond_scratch(t, *addr, *len)) {
		*addr = base;
		*len = 0;
	}
}

/*
 * Mostly well-formed: readable buffers then writable ones (*writing says
 * which part we are in), NEXT on all but the last; sometimes not.
 */
static uint16_t random_flags(struct rng *r, bool more, bool *writing)
{
	uint16_t flags;

	if (rng_below(r, 10) == 0)
		*writing = !*writing;
	else if (!*writing)
		*writing = rng_below(r, 3) == 0;
	flags = *writing ? VIRTQ_DESC_F_WRITE : 0;
	if (more ? rng_below(r, 20) != 0 : rng_below(r, 20) == 0)
		flags |= VIRTQ_DESC_F_NEXT;
	if (rng_below(r, 30) == 0)
		flags |= VIRTQ_DESC_F_INDIRECT;
	return flags;
}

/* An indirect table of random entries in scratch; its address and length in *addr, *len. */
static void random_table(const struct vfuzz_target *t, struct rng *r, uint64_t *addr,
			 uint32_t *len)
{
	struct virtq_desc *table = (struct virtq_desc *)(t->scratch + TABLE_OFFSET);
	unsigned int n = 1 + (unsigned int)rng_below(r, TABLE_MAX);
	bool writing = false;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t a;
		uint32_t l;

		random_buf(t, r, &a, &l);
		table[i].addr = a;
		table[i].len = l;
		table[i].flags = random_flags(r, i + 1 < n, &writing);
		table[i].next = (uint16_t)(rng_below(r, 20) ? i + 1 : rng_below(r, TABLE_MAX + 4));
	}
	*addr = rng_below(r, 20) ? (uint64_t)(uintptr_t)table : outside(r);
	*len = rng_below(r, 8) ? (uint32_t)(n * sizeof(*table)) : (uint32_t)rng_below(r, 4096);
	if (reaches_beyond_scratch(t, *addr, *len))
		*len = (uint32_t)(n * sizeof(*table));
}

/* A virtio-blk header at the start of scratch: mostly real types and sectors we may write. */
static void random_header(const struct vfuzz_target *t, struct rng *r)
{
	static const uint32_t types[] = { VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
					  VIRTIO_BLK_T_GET_ID };
	struct virtio_blk_req_hdr *h = (struct virtio_blk_req_hdr *)t->scratch;

	h->type = rng_below(r, 5) ? types[rng_below(r, ARRAY_SIZE(types))] : (uint32_t)rng_next(r);
	h->reserved = 0;
	h->sector = rng_below(r, 4) ? t->header_sector_min + rng_below(r, 1024) : rng_next(r);
	if (h->sector < t->header_sector_min)
		h->sector = t->header_sector_min;
}

/* Up to CHAIN_MAX random descriptors at random slots, linked mostly in order; the head. */
static uint16_t random_chain(const struct vfuzz_target *t, struct rng *r)
{
	struct vq *q = t->q;
	unsigned int n = 1 + (unsigned int)rng_below(r, CHAIN_MAX);
	uint16_t slot[CHAIN_MAX];
	bool writing = !t->blk_header;

	for (unsigned int i = 0; i < n; i++)
		slot[i] = (uint16_t)rng_below(r, q->num);
	for (unsigned int i = 0; i < n; i++) {
		uint16_t flags = random_flags(r, i + 1 < n, &writing);
		uint16_t next = rng_below(r, 20) ? slot[(i + 1) % n] :
			(uint16_t)rng_below(r, q->num + 16u);
		uint64_t addr;
		uint32_t len;

		if (i == 0 && t->blk_header && rng_below(r, 5)) {
			addr = (uint64_t)(uintptr_t)t->scratch;
			len = sizeof(struct virtio_blk_req_hdr);
			flags &= (uint16_t)~(VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT);
		} else if (flags & VIRTQ_DESC_F_INDIRECT) {
			random_table(t, r, &addr, &len);
		} else {
			random_buf(t, r, &addr, &len);
		}
		vq_set_desc(q, slot[i], addr, len, flags, next);
	}
	return rng_below(r, 20) ? slot[0] : (uint16_t)rng_below(r, q->num + 16u);
}

struct settle {
	const struct vfuzz_target *t;
	uint16_t target;
};

static bool answered_or_broken(void *arg)
{
	const struct settle *s = arg;

	return vq_used_idx(s->t->q) == s->target ||
	       (vdev_status(s->t->dev) & VIRTIO_STATUS_NEEDS_RESET);
}

bool vfuzz_run(const struct vfuzz_target *t, unsigned int ops, uint64_t seed,
	       struct vfuzz_stats *st)
{
	struct rng r;

	rng_seed(&r, seed);
	for (unsigned int i = 0; i < ops; i++) {
		struct settle s = { t, (uint16_t)(t->q->last_used + 1) };
		uint16_t head;
		uint32_t id, len;

		if (t->blk_header)
			random_header(t, &r);
		head = random_chain(t, &r);
		vq_make_available(t->q, head);
		vq_kick(t->q);
		wait_until(answered_or_broken, &s, TIMEOUT_US);
		if (vq_take_used(t->q, &id, &len)) {
			CHECK(id == head, "%s fuzz %u: used id %u for chain %u", t->name, i, id, head);
			st->answered++;
		} else if (vdev_status(t->dev) & VIRTIO_STATUS_NEEDS_RESET) {
			st->broken++;
			if (!CHECK(t->up(), "%s fuzz %u: the device did not come back", t->name, i))
				return false;
		} else {
			return CHECK(false, "%s fuzz %u: chain %u neither answered nor refused "
				     "(Status %#x)", t->name, i, head, vdev_status(t->dev));
		}
	}
	return true;
}
