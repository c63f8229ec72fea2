/*
 * The virtio-mmio transport and split virtqueues, device side, for apps
 * (see virtio_mmio.h and docs/virtio.md).
 *
 * Everything the driver hands us is untrusted: register values, ring
 * contents, descriptor chains, the addresses in them. The rules here:
 * - Guest memory is reached only through mappings made with APP_MAP_TRY,
 *   so an address outside the guest's RAM is an error code, never an app
 *   fault; IPAs are checked against IPA_LIMIT first, so no mapping request
 *   can wrap (which would be a fault even with APP_MAP_TRY).
 * - Ring entries and descriptors are read once, into app memory, and only
 *   the copy is checked and used: the guest may change them meanwhile.
 * - Every loop is bounded by the queue size or a length already checked.
 * - A driver error that leaves no way to answer the request marks the
 *   device DEVICE_NEEDS_RESET (vmmio_fail); the device then serves nothing
 *   until the driver writes 0 to Status.
 */
#include <stdarg.h>

#include "app.h"
#include "virtio_mmio.h"

#define PAGE_MASK ((uint64_t)APP_PAGE_SIZE - 1)
/* No guest RAM lies above 52 bits, the largest physical address size Arm defines. */
#define IPA_LIMIT ((uint64_t)1 << 52)
/* Driver errors logged per guest boot; later ones are only counted. */
#define ERRORS_LOGGED 64
/* How soon the timer resumes a batch a notification left unfinished. */
#define CONTINUE_NS 20000u
/* A chain costs at least this against the batch, however short it is. */
#define CHAIN_COST 512u
/*
 * The chain being served: one for all devices, as events are serialized
 * (and it is 4 KiB, kept out of every device's initialised data).
 */
static struct vmmio_chain chain;

/* Features the library implements for every device. */
#define TRANSPORT_FEATURES (VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC))

static uint64_t offered(const struct vmmio_device *d)
{
	return d->features | TRANSPORT_FEATURES;
}

bool vmmio_has_feature(const struct vmmio_device *d, unsigned int bit)
{
	return bit < 64 && (d->status & VIRTIO_STATUS_FEATURES_OK) &&
	       (d->driver_features & VIRTIO_F_BIT(bit));
}

/* ---- errors --------------------------------------------------------------------------------- */

/*
 * Log a driver error (the first ERRORS_LOGGED of them; all are counted).
 * broken: the device now needs a reset, else the device answered it.
 */
static void log_error(struct vmmio_device *d, bool broken, const char *fmt, va_list ap)
{
	char why[160];

	if (d->errors++ >= ERRORS_LOGGED)
		return;
	app_vsnprintf(why, sizeof(why), fmt, ap);
	app_log("%s: driver error%s: %s", d->name, broken ? ", device needs reset" : "", why);
	if (d->errors == ERRORS_LOGGED)
		app_log("%s: further driver errors are counted, not logged", d->name);
}

/* A driver mistake the device answers without breaking (refused, or an error status). */
static void note_error(struct vmmio_device *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note_error(struct vmmio_device *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_error(d, false, fmt, ap);
	va_end(ap);
}

/* ---- the interrupt -------------------------------------------------------------------------- */

/* The line follows InterruptStatus (a level); without a granted INTID the device is polled. */
static void update_line(struct vmmio_device *d)
{
	bool level = d->interrupt_status != 0;
	uint32_t intid = (uint32_t)app_device.irq;

	if (level == d->line || !intid)
		return;
	d->line = level;
	if (level)
		app_sys_irq_set(intid);
	else
		app_sys_irq_clear(intid);
}

static void raise_interrupt(struct vmmio_device *d, uint32_t bits)
{
	d->interrupt_status |= bits;
	update_line(d);
}

void vmmio_fail(struct vmmio_device *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_error(d, true, fmt, ap);
	va_end(ap);
	d->broken = true;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_interrupt(d, VIRTIO_MMIO_INT_CONFIG);
}

void vmmio_config_changed(struct vmmio_device *d)
{
	d->config_generation++;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_interrupt(d, VIRTIO_MMIO_INT_CONFIG);
}

/* ---- guest RAM: mappings -------------------------------------------------------------------- */

static void unmap(struct vmmio_map *m)
{
	if (m->size)
		app_sys_unmap(m->va, m->size);
	m->size = 0;
}

/* Map [ipa, + size) (whole pages, below IPA_LIMIT); false if not all of it is guest RAM. */
static bool map_range(struct vmmio_map *m, uint64_t ipa, uint64_t size, unsigned int flags)
{
	int64_t va = app_sys_map_guest(ipa, size, flags | APP_MAP_TRY);

	if (va < 0)
		return false;
	*m = (struct vmmio_map){ .ipa = ipa, .size = size, .va = (uint8_t *)(uintptr_t)va };
	return true;
}

static struct vmmio_map *window_find(struct vmmio_device *d, uint64_t ipa)
{
	for (unsigned int i = 0; i < VMMIO_MAP_SLOTS; i++) {
		struct vmmio_map *m = &d->map[i];

		if (m->size && ipa - m->ipa < m->size)
			return m;
	}
	return NULL;
}

/* A free slot, else the least recently used one. */
static struct vmmio_map *window_victim(struct vmmio_device *d)
{
	struct vmmio_map *victim = &d->map[0];

	for (unsigned int i = 0; i < VMMIO_MAP_SLOTS; i++) {
		struct vmmio_map *m = &d->map[i];

		if (!m->size)
			return m;
		if (m->last_use < victim->last_use)
			victim = m;
	}
	return victim;
}

/*
 * A mapped window holding ipa: the aligned VMMIO_MAP_CHUNK around it, or
 * just its page where the chunk is not all RAM (the end of an odd-sized
 * RAM). NULL if ipa is not guest RAM (or the hypervisor is out of memory).
 */
static struct vmmio_map *window(struct vmmio_device *d, uint64_t ipa)
{
	struct vmmio_map *m = window_find(d, ipa);

	if (!m) {
		if (ipa >= IPA_LIMIT)
			return NULL;
		m = window_victim(d);
		unmap(m);
		if (!map_range(m, ipa & ~(VMMIO_MAP_CHUNK - 1), VMMIO_MAP_CHUNK, APP_MAP_RW) &&
		    !map_range(m, ipa & ~PAGE_MASK, APP_PAGE_SIZE, APP_MAP_RW))
			return NULL;
	}
	m->last_use = ++d->map_clock;
	return m;
}

enum guest_op { GUEST_READ, GUEST_WRITE };

/*
 * Read or write guest RAM [ipa, + len) from or to app memory at buf.
 * False if any of it is not guest RAM; it may then have been done in part.
 */
static bool guest_copy(struct vmmio_device *d, uint64_t ipa, uint8_t *buf, uint64_t len,
		       enum guest_op op)
{
	if (ipa + len < ipa)
		return false;
	while (len) {
		struct vmmio_map *m = window(d, ipa);
		uint64_t off, n;

		if (!m)
			return false;
		off = ipa - m->ipa;
		n = m->size - off < len ? m->size - off : len;
		if (op == GUEST_READ)
			memcpy(buf, m->va + off, n);
		else
			memcpy(m->va + off, buf, n);
		buf += n;
		ipa += n;
		len -= n;
	}
	return true;
}

/*
 * Is [ipa, + len) guest RAM? A domain's RAM is one range of IPAs (the app
 * ABI's MAP_GUEST checks against that range), so its first and last byte
 * being RAM is enough, and the check costs two windows however long the
 * buffer. Should RAM ever have holes, the copies still check every byte.
 */
static bool guest_ram(struct vmmio_device *d, uint64_t ipa, uint64_t len)
{
	if (len == 0)
		return true;
	if (ipa + len - 1 < ipa)
		return false;
	return window(d, ipa) && window(d, ipa + len - 1);
}

/* ---- chains: copies ------------------------------------------------------------------------- */

/* Copy [offset, + len) of buffers first..end-1, taken as one byte stream. */
static bool chain_copy(struct vmmio_device *d, const struct vmmio_chain *c, unsigned int first,
		       unsigned int end, uint64_t offset, uint8_t *buf, uint64_t len,
		       enum guest_op op)
{
	for (unsigned int i = first; i < end && len; i++) {
		const struct vmmio_buf *b = &c->buf[i];
		uint64_t n;

		if (offset >= b->len) {
			offset -= b->len;
			continue;
		}
		n = b->len - offset < len ? b->len - offset : len;
		if (!b->in_ram || !guest_copy(d, b->addr + offset, buf, n, op))
			return false;
		buf += n;
		len -= n;
		offset = 0;
	}
	return len == 0;
}

bool vmmio_chain_read(struct vmmio_device *d, const struct vmmio_chain *c, uint64_t offset,
		      void *dst, uint64_t len)
{
	return chain_copy(d, c, 0, c->nread, offset, dst, len, GUEST_READ);
}

bool vmmio_chain_write(struct vmmio_device *d, const struct vmmio_chain *c, uint64_t offset,
		       const void *src, uint64_t len)
{
	/* GUEST_WRITE only reads from buf. */
	return chain_copy(d, c, c->nread, c->n, offset, (uint8_t *)(uintptr_t)src, len,
			  GUEST_WRITE);
}

/* ---- chains: walking and checking ----------------------------------------------------------- */

/* Where the walk reads descriptors: the queue's table, or an indirect one in guest RAM. */
struct walk {
	unsigned int queue;
	bool indirect;
	uint64_t table;			/* IPA of the indirect table */
	uint32_t table_n;		/* entries in the current table */
};

static bool read_desc(struct vmmio_device *d, const struct vmmio_queue *q, const struct walk *w,
		      uint16_t i, struct virtq_desc *out)
{
	volatile const struct virtq_desc *s;

	if (w->indirect)
		return guest_copy(d, w->table + (uint64_t)i * sizeof(*out), (uint8_t *)out,
				  sizeof(*out), GUEST_READ);
	s = &q->desc_va[i];
	out->addr = s->addr;
	out->len = s->len;
	out->flags = s->flags;
	out->next = s->next;
	return true;
}

static bool enter_indirect(struct vmmio_device *d, const struct vmmio_queue *q, struct walk *w,
			   const struct virtq_desc *desc, uint16_t head)
{
	unsigned int qi = w->queue;

	if (w->indirect)
		vmmio_fail(d, "queue %u chain %u: an indirect descriptor inside an indirect table",
			   qi, head);
	else if (!vmmio_has_feature(d, VIRTIO_F_INDIRECT_DESC))
		vmmio_fail(d, "queue %u chain %u: an indirect descriptor, VIRTIO_F_INDIRECT_DESC "
			   "not negotiated", qi, head);
	else if (desc->flags & VIRTQ_DESC_F_NEXT)
		vmmio_fail(d, "queue %u chain %u: an indirect descriptor with F_NEXT", qi, head);
	else if (desc->len == 0 || desc->len % sizeof(struct virtq_desc))
		vmmio_fail(d, "queue %u chain %u: indirect table of %u bytes, not a positive "
			   "multiple of 16", qi, head, desc->len);
	else if (desc->len / sizeof(struct virtq_desc) > q->num)
		vmmio_fail(d, "queue %u chain %u: indirect table of %lu descriptors, more than "
			   "the queue size %u", qi, head, desc->len / sizeof(struct virtq_desc),
			   q->num);
	else if (!guest_ram(d, desc->addr, desc->len))
		vmmio_fail(d, "queue %u chain %u: indirect table [%#lx, +%#x) is not guest RAM",
			   qi, head, desc->addr, desc->len);
	else {
		w->indirect = true;
		w->table = desc->addr;
		w->table_n = desc->len / sizeof(struct virtq_desc);
		return true;
	}
	return false;
}

static bool add_buffer(struct vmmio_device *d, const struct vmmio_queue *q, const struct walk *w,
		       struct vmmio_chain *c, const struct virtq_desc *desc)
{
	bool write = desc->flags & VIRTQ_DESC_F_WRITE;
	struct vmmio_buf *b;

	if (c->n == q->num) {
		vmmio_fail(d, "queue %u chain %u: more than %u buffers (a loop?)", w->queue, c->head,
			   q->num);
		return false;
	}
	if (!write && c->n > c->nread) {
		vmmio_fail(d, "queue %u chain %u: a device-readable buffer after a writable one",
			   w->queue, c->head);
		return false;
	}
	b = &c->buf[c->n++];
	*b = (struct vmmio_buf){ .addr = desc->addr, .len = desc->len, .write = write };
	b->in_ram = guest_ram(d, desc->addr, desc->len);
	if (!b->in_ram) {
		c->outside++;
		note_error(d, "queue %u chain %u: buffer %u [%#lx, +%#x) is not guest RAM",
			   w->queue, c->head, c->n - 1, desc->addr, desc->len);
	}
	if (write) {
		c->write_bytes += desc->len;
	} else {
		c->nread++;
		c->read_bytes += desc->len;
	}
	return true;
}

/*
 * Walk the chain at head into c. Each step either adds a buffer (at most
 * q->num of them) or enters the one indirect table allowed, so the walk
 * ends after at most q->num + 1 steps, whatever the next fields say.
 */
static bool walk_chain(struct vmmio_device *d, const struct vmmio_queue *q, unsigned int qi,
		       uint16_t head, struct vmmio_chain *c)
{
	struct walk w = { .queue = qi, .table_n = q->num };
	uint16_t i = head;

	c->head = head;
	c->n = c->nread = c->outside = 0;
	c->read_bytes = c->write_bytes = 0;
	if (head >= q->num) {
		vmmio_fail(d, "queue %u: chain head %u, queue size %u", qi, head, q->num);
		return false;
	}
	for (;;) {
		struct virtq_desc desc;

		if (!read_desc(d, q, &w, i, &desc)) {
			vmmio_fail(d, "queue %u chain %u: indirect table unreadable", qi, head);
			return false;
		}
		if (desc.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!enter_indirect(d, q, &w, &desc, head))
				return false;
			i = 0;
			continue;
		}
		if (!add_buffer(d, q, &w, c, &desc))
			return false;
		if (!(desc.flags & VIRTQ_DESC_F_NEXT))
			return true;
		i = desc.next;
		if (i >= w.table_n) {
			vmmio_fail(d, "queue %u chain %u: next index %u, %s of %u", qi, head, i,
				   w.indirect ? "indirect table" : "queue size", w.table_n);
			return false;
		}
	}
}

/* ---- queues: set-up ------------------------------------------------------------------------- */

static bool is_power_of_2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/*
 * Map the pages of one ring area [ipa, + size), which must be aligned to
 * align; its first byte, or NULL (not aligned, not guest RAM).
 */
static volatile void *map_area(struct vmmio_map *m, uint64_t ipa, uint64_t size, uint64_t align,
			       unsigned int flags)
{
	uint64_t first = ipa & ~PAGE_MASK, end;

	if (ipa & (align - 1) || ipa >= IPA_LIMIT || IPA_LIMIT - ipa < size)
		return NULL;
	end = (ipa + size + PAGE_MASK) & ~PAGE_MASK;
	if (!map_range(m, first, end - first, flags))
		return NULL;
	return m->va + (ipa - first);
}

static void queue_unmap(struct vmmio_queue *q)
{
	for (unsigned int i = 0; i < 3; i++)
		unmap(&q->maps[i]);
	q->desc_va = NULL;
	q->avail_va = NULL;
	q->used_va = NULL;
	q->ready = false;
}

/* Why queue q cannot be enabled as configured, or NULL. */
static const char *queue_config_error(const struct vmmio_device *d, const struct vmmio_queue *q)
{
	if (!(d->status & VIRTIO_STATUS_FEATURES_OK))
		return "before FEATURES_OK";
	if (!is_power_of_2(q->num) || q->num > d->queue_num_max)
		return "size not a power of two up to QueueNumMax";
	return NULL;
}

/* QueueReady = 1: check the configuration, map the three areas once. */
static void queue_enable(struct vmmio_device *d, unsigned int qi)
{
	struct vmmio_queue *q = &d->queue[qi];
	const char *why = queue_config_error(d, q);

	if (!why) {
		q->desc_va = map_area(&q->maps[0], q->desc, (uint64_t)q->num * sizeof(struct virtq_desc),
				      VIRTQ_DESC_ALIGN, APP_MAP_RO);
		q->avail_va = map_area(&q->maps[1], q->driver, VIRTQ_AVAIL_SIZE(q->num),
				       VIRTQ_AVAIL_ALIGN, APP_MAP_RO);
		q->used_va = map_area(&q->maps[2], q->device, VIRTQ_USED_SIZE(q->num),
				      VIRTQ_USED_ALIGN, APP_MAP_RW);
		if (!q->desc_va || !q->avail_va || !q->used_va)
			why = "a ring area misaligned or not in guest RAM";
	}
	if (why) {
		queue_unmap(q);
		vmmio_fail(d, "queue %u not enabled: %s (size %u, desc %#lx, driver %#lx, "
			   "device %#lx)", qi, why, q->num, q->desc, q->driver, q->device);
		return;
	}
	q->last_avail = 0;
	q->used_idx = 0;
	q->ready = true;
}

/* ---- queues: serving ------------------------------------------------------------------------ */

static void put_used(struct vmmio_queue *q, uint16_t head, uint32_t len)
{
	volatile struct virtq_used_elem *e = (volatile struct virtq_used_elem *)
		((volatile uint8_t *)q->used_va + VIRTQ_USED_RING) + (q->used_idx & (q->num - 1));

	e->id = head;
	e->len = len;
	q->used_idx++;
}

/* Make the used entries visible: entries before the index (the driver reads in that order). */
static void publish_used(struct vmmio_device *d, struct vmmio_queue *q)
{
	__asm__ volatile("dmb ish" ::: "memory");
	q->used_va[VIRTQ_USED_IDX / 2] = q->used_idx;
	__asm__ volatile("dmb ish" ::: "memory");
	if (!(q->avail_va[VIRTQ_AVAIL_FLAGS / 2] & VIRTQ_AVAIL_F_NO_INTERRUPT))
		raise_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* Serve one chain; false if the device broke on it. */
static bool serve_chain(struct vmmio_device *d, unsigned int qi, uint16_t head)
{
	struct vmmio_queue *q = &d->queue[qi];
	struct vmmio_chain *c = &chain;
	int64_t len;

	if (!walk_chain(d, q, qi, head, c))
		return false;
	len = d->ops->request(d, qi, c);
	if (len < 0) {
		if (!d->broken)
			vmmio_fail(d, "queue %u chain %u: the device gave up on it", qi, head);
		return false;
	}
	if ((uint64_t)len > c->write_bytes) {
		vmmio_fail(d, "queue %u chain %u: used length %ld > %lu writable bytes (device bug)",
			   qi, head, len, c->write_bytes);
		return false;
	}
	put_used(q, head, (uint32_t)len);
	return true;
}

/*
 * Serve queue qi's available chains while *budget lasts (bytes of buffers;
 * a chain is never split). True if chains remain for later.
 */
static bool serve_queue(struct vmmio_device *d, unsigned int qi, uint64_t *budget)
{
	struct vmmio_queue *q = &d->queue[qi];
	uint16_t avail = q->avail_va[VIRTQ_AVAIL_IDX / 2];
	uint16_t pending = (uint16_t)(avail - q->last_avail);
	uint16_t served = 0;
	bool more = false;

	if (pending > q->num) {
		vmmio_fail(d, "queue %u: available index %u is %u ahead of %u, more than the "
			   "queue size", qi, avail, pending, q->last_avail);
		return false;
	}
	/* The ring entries the index covers are read after it. */
	__asm__ volatile("dmb ishld" ::: "memory");
	for (; served < pending; served++) {
		uint16_t head = q->avail_va[VIRTQ_AVAIL_RING / 2 + (q->last_avail & (q->num - 1))];
		uint64_t cost;

		if (*budget == 0) {
			more = true;
			break;
		}
		if (!serve_chain(d, qi, head))
			break;
		q->last_avail++;
		cost = chain.read_bytes + chain.write_bytes + CHAIN_COST;
		*budget = cost < *budget ? *budget - cost : 0;
	}
	if (served)
		publish_used(d, q);
	return more && !d->broken;
}

static bool running(const struct vmmio_device *d)
{
	return !d->broken && (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & VIRTIO_STATUS_FAILED);
}

/* Leave the rest of the work to the timer (APP_E_EXPIRED only if the clock raced us). */
static void continue_later(struct vmmio_device *d)
{
	uint64_t delay = CONTINUE_NS;

	for (unsigned int tries = 0; tries < 4; tries++, delay *= 8) {
		if (app_sys_timer_set(app_sys_time() + delay) == 0) {
			d->continuing = true;
			return;
		}
	}
	note_error(d, "could not arm the timer: the rest waits for the next notification");
}

/* Serve every ready queue, one batch; the timer continues a batch left over. */
static void serve_queues(struct vmmio_device *d)
{
	uint64_t budget = VMMIO_BATCH_BYTES;
	bool more = false;

	for (unsigned int qi = 0; qi < d->nqueues && running(d); qi++)
		if (d->queue[qi].ready)
			more |= serve_queue(d, qi, &budget);
	if (more && running(d) && !d->continuing)
		continue_later(d);
}

void vmmio_timer(struct vmmio_device *d)
{
	if (!d->continuing)
		return;			/* a timer cancelled by a reset, arriving anyway */
	d->continuing = false;
	if (running(d))
		serve_queues(d);
}

static void notify(struct vmmio_device *d, uint32_t qi)
{
	if (qi >= d->nqueues)
		vmmio_fail(d, "notification for queue %u: the device has %u", qi, d->nqueues);
	else if (!d->queue[qi].ready)
		vmmio_fail(d, "notification for queue %u, which is not ready", qi);
	else if (running(d))
		serve_queues(d);
	/* Before DRIVER_OK nothing is served: DRIVER_OK catches up. */
}

/* ---- status and features -------------------------------------------------------------------- */

/* Why the driver's features cannot be accepted, or NULL. */
static const char *features_error(const struct vmmio_device *d)
{
	if (d->driver_features_unknown || (d->driver_features & ~offered(d)))
		return "features the device did not offer";
	if (!(d->driver_features & VIRTIO_F_BIT(VIRTIO_F_VERSION_1)))
		return "no VIRTIO_F_VERSION_1 (this device is modern only)";
	return NULL;
}

/* Back to the reset state (registers, queues, windows, interrupt, timer). */
static void reset_state(struct vmmio_device *d)
{
	for (unsigned int qi = 0; qi < VMMIO_QUEUES_MAX; qi++)
		d->queue[qi] = (struct vmmio_queue){ 0 };
	d->status = 0;
	d->interrupt_status = 0;
	d->device_features_sel = d->driver_features_sel = d->queue_sel = 0;
	d->driver_features = 0;
	d->driver_features_unknown = false;
	d->broken = false;
	if (d->ops->reset)
		d->ops->reset(d);
}

/*
 * The driver wrote 0 to Status: drop the rings, the timer and the
 * interrupt, then reset. The windows on guest RAM stay: they are a cache
 * of the guest's RAM, which a driver reset does not change (a domain reset
 * removes them), and unmapping costs a TLB invalidation per page.
 */
static void driver_reset(struct vmmio_device *d)
{
	for (unsigned int qi = 0; qi < d->nqueues; qi++)
		queue_unmap(&d->queue[qi]);
	if (d->continuing)
		app_sys_timer_cancel();
	d->continuing = false;
	reset_state(d);
	update_line(d);
}

static void write_status(struct vmmio_device *d, uint32_t value)
{
	/* Bits are only ever added (0 resets); NEEDS_RESET is the device's own. */
	uint32_t added = value & ~d->status & ~VIRTIO_STATUS_NEEDS_RESET & 0xffu;
	const char *why;

	if (value == 0) {
		driver_reset(d);
		return;
	}
	if (added & VIRTIO_STATUS_FEATURES_OK && (why = features_error(d))) {
		note_error(d, "FEATURES_OK refused: %s (driver %#lx, device %#lx)", why,
			   d->driver_features, offered(d));
		added &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	if (added & VIRTIO_STATUS_DRIVER_OK &&
	    !((d->status | added) & VIRTIO_STATUS_FEATURES_OK)) {
		vmmio_fail(d, "DRIVER_OK without FEATURES_OK");
		added &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	d->status |= added;
	if (added & VIRTIO_STATUS_DRIVER_OK && running(d))
		serve_queues(d);	/* buffers made available before DRIVER_OK */
}

static void write_driver_features(struct vmmio_device *d, uint32_t value)
{
	if (d->status & VIRTIO_STATUS_FEATURES_OK)
		return;			/* fixed once accepted */
	if (d->driver_features_sel == 0)
		d->driver_features = (d->driver_features & ~(uint64_t)0xffffffffu) | value;
	else if (d->driver_features_sel == 1)
		d->driver_features = (d->driver_features & 0xffffffffu) | (uint64_t)value << 32;
	else if (value)
		d->driver_features_unknown = true;
}

static uint32_t device_features(const struct vmmio_device *d)
{
	if (d->device_features_sel > 1)
		return 0;
	return (uint32_t)(offered(d) >> (32 * d->device_features_sel));
}

/* ---- registers ------------------------------------------------------------------------------ */

static struct vmmio_queue *selected_queue(struct vmmio_device *d)
{
	return d->queue_sel < d->nqueues ? &d->queue[d->queue_sel] : NULL;
}

static uint32_t read_register(struct vmmio_device *d, uint32_t off)
{
	struct vmmio_queue *q = selected_queue(d);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_VENDOR_ELVISOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return device_features(d);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? d->queue_num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return 0xffffffffu;	/* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_generation;
	default:
		return 0;		/* write-only or reserved */
	}
}

/* The queue address registers, while the queue is not live. */
static void write_queue_address(struct vmmio_queue *q, uint32_t off, uint32_t value)
{
	uint64_t *reg = off < VIRTIO_MMIO_QUEUE_DRIVER_LOW ? &q->desc :
			off < VIRTIO_MMIO_QUEUE_DEVICE_LOW ? &q->driver : &q->device;

	if (off & 4)
		*reg = (*reg & 0xffffffffu) | (uint64_t)value << 32;
	else
		*reg = (*reg & ~(uint64_t)0xffffffffu) | value;
}

static void write_queue_ready(struct vmmio_device *d, struct vmmio_queue *q, uint32_t value)
{
	if (!q) {
		if (value)
			vmmio_fail(d, "QueueReady for queue %u: the device has %u", d->queue_sel,
				   d->nqueues);
	} else if (value && !q->ready) {
		queue_enable(d, d->queue_sel);
	} else if (!value && q->ready) {
		queue_unmap(q);
	}
}

static void write_register(struct vmmio_device *d, uint32_t off, uint32_t value)
{
	struct vmmio_queue *q = selected_queue(d);
	bool queue_writable = q && !q->ready;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->device_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		write_driver_features(d, value);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (queue_writable)
			q->num = value;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		write_queue_ready(d, q, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notify(d, value);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~value;
		update_line(d);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(d, value);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (queue_writable)
			write_queue_address(q, off, value);
		break;
	default:
		break;			/* read-only or reserved: ignored */
	}
}

/* Configuration space: any naturally aligned access of 1, 2, 4 or 8 bytes inside it. */
static uint64_t read_config(const struct vmmio_device *d, uint32_t off, unsigned int size)
{
	uint64_t value = 0;

	if (off % size || off >= d->config_size || d->config_size - off < size)
		return 0;
	for (unsigned int i = size; i-- > 0;)
		value = value << 8 | d->config[off + i];
	return value;
}

/*
 * Control registers take aligned 32-bit accesses only (the specification
 * requires them); other accesses, and anything beyond the register block
 * in a larger MMIO range, read as zero and ignore writes.
 */
uint64_t vmmio_read(struct vmmio_device *d, uint64_t ipa, unsigned int size)
{
	uint64_t off = ipa - app_device.mmio_base;

	if (off >= VIRTIO_MMIO_REGION_SIZE)
		return 0;
	if (off >= VIRTIO_MMIO_CONFIG)
		return read_config(d, (uint32_t)off - VIRTIO_MMIO_CONFIG, size);
	if (size != 4 || off % 4)
		return 0;
	return read_register(d, (uint32_t)off);
}

void vmmio_write(struct vmmio_device *d, uint64_t ipa, unsigned int size, uint64_t value)
{
	uint64_t off = ipa - app_device.mmio_base;

	/* The configuration space is read-only: no device here has writable fields. */
	if (off >= VIRTIO_MMIO_CONFIG || size != 4 || off % 4)
		return;
	write_register(d, (uint32_t)off, (uint32_t)value);
}

/* ---- power-on and app resets ---------------------------------------------------------------- */

/* Forget mappings, line and timer: the hypervisor removed them (RESET) or there are none yet. */
static void forget_resources(struct vmmio_device *d)
{
	for (unsigned int qi = 0; qi < VMMIO_QUEUES_MAX; qi++)
		for (unsigned int i = 0; i < 3; i++)
			d->queue[qi].maps[i].size = 0;
	for (unsigned int i = 0; i < VMMIO_MAP_SLOTS; i++)
		d->map[i].size = 0;
	d->line = false;
	d->continuing = false;
	d->errors = 0;
}

int64_t vmmio_power_on(struct vmmio_device *d)
{
	if (!d->ops || !d->ops->request || !d->name || d->nqueues == 0 ||
	    d->nqueues > VMMIO_QUEUES_MAX || !is_power_of_2(d->queue_num_max) ||
	    d->queue_num_max > VMMIO_QUEUE_SIZE_MAX ||
	    d->config_size > VIRTIO_MMIO_REGION_SIZE - VIRTIO_MMIO_CONFIG ||
	    (d->config_size && !d->config)) {
		app_log("virtio-mmio: the device description is invalid");
		return APP_E_INVALID;
	}
	if (app_device.mmio_size < VIRTIO_MMIO_REGION_SIZE) {
		app_log("%s: needs an mmio range of at least %#x bytes", d->name,
			VIRTIO_MMIO_REGION_SIZE);
		return APP_E_INVALID;
	}
	forget_resources(d);
	reset_state(d);
	return 0;
}

void vmmio_app_reset(struct vmmio_device *d)
{
	forget_resources(d);
	reset_state(d);
}
