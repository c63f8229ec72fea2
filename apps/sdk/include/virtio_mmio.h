/*
 * virtio-mmio for elvisor apps: the device side of the virtio-mmio
 * transport (virtio 1.2, section 4.2, "modern" register layout, Version 2)
 * and split virtqueues (section 2.7), as a library an app builds a device
 * on. docs/virtio.md describes the device model, what is validated and
 * what is not supported.
 *
 * The first part (the register map, status and feature bits, the ring
 * layout) is the specification's and needs only <stdint.h>: the bare-metal
 * test drivers in guests/ include it too. The second part is the library
 * (apps/sdk/lib/virtio_mmio.c).
 *
 * A device built on it:
 *
 *   static int64_t my_request(struct vmmio_device *d, unsigned int queue,
 *                             const struct vmmio_chain *c) { ... }
 *   static const struct vmmio_ops my_ops = { .request = my_request };
 *   static struct vmmio_device dev = { .ops = &my_ops, .device_id = 4, ... };
 *
 *   init:       vmmio_power_on(&dev);
 *   mmio_read:  return vmmio_read(&dev, ipa, size);
 *   mmio_write: vmmio_write(&dev, ipa, size, value);
 *   timer:      vmmio_timer(&dev);
 *   reset:      vmmio_app_reset(&dev);
 *
 * The library owns the app's timer (it continues long batches of requests
 * on it) and the guest mappings it makes; the device handles one request
 * chain at a time through ops->request.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <stdint.h>

/* ---- The virtio-mmio register block (offsets from the device's base) ---- */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* R: VIRTIO_MMIO_MAGIC */
#define VIRTIO_MMIO_VERSION		0x004	/* R: 2 (1 is the legacy layout) */
#define VIRTIO_MMIO_DEVICE_ID		0x008	/* R: VIRTIO_ID_*; 0 = no device */
#define VIRTIO_MMIO_VENDOR_ID		0x00c	/* R */
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010	/* R: bits 32*sel .. 32*sel+31 */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014	/* W */
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020	/* W: bits 32*sel .. */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024	/* W */
#define VIRTIO_MMIO_QUEUE_SEL		0x030	/* W: the queue the QUEUE_* registers act on */
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034	/* R: 0 = no such queue */
#define VIRTIO_MMIO_QUEUE_NUM		0x038	/* W: the queue size the driver chose */
#define VIRTIO_MMIO_QUEUE_READY		0x044	/* RW */
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050	/* W: a queue index: it has new buffers */
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060	/* R: VIRTIO_MMIO_INT_* */
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064	/* W: clears those bits */
#define VIRTIO_MMIO_STATUS		0x070	/* RW: VIRTIO_STATUS_*; writing 0 resets */
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080	/* W: descriptor table IPA */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090	/* W: available ring IPA */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0	/* W: used ring IPA */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac	/* W: shared memory regions (none here) */
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0	/* R: all ones = no such region */
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc	/* R: changes when the config space does */
#define VIRTIO_MMIO_CONFIG		0x100	/* device-specific configuration space */
#define VIRTIO_MMIO_REGION_SIZE		0x200	/* what a driver may touch */

#define VIRTIO_MMIO_MAGIC		0x74726976u	/* "virt" */
#define VIRTIO_MMIO_VERSION_MODERN	2u
/* The VendorID elvisor's devices report: "ELVS" in memory order. */
#define VIRTIO_VENDOR_ELVISOR		0x53564c45u

/* InterruptStatus / InterruptACK bits. */
#define VIRTIO_MMIO_INT_VRING		(1u << 0)	/* a used buffer was added */
#define VIRTIO_MMIO_INT_CONFIG		(1u << 1)	/* the configuration changed */

/* Device status (section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	1u
#define VIRTIO_STATUS_DRIVER		2u
#define VIRTIO_STATUS_DRIVER_OK		4u
#define VIRTIO_STATUS_FEATURES_OK	8u
#define VIRTIO_STATUS_NEEDS_RESET	64u	/* set by the device only */
#define VIRTIO_STATUS_FAILED		128u

/* Device IDs (section 5). */
#define VIRTIO_ID_BLOCK			2u
#define VIRTIO_ID_ENTROPY		4u

/* Feature bits common to all devices (section 6). */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_BIT(n)			((uint64_t)1 << (n))

/* ---- Split virtqueues (section 2.7); all fields little-endian ---- */
struct virtq_desc {
	uint64_t addr;		/* guest-physical (IPA) */
	uint32_t len;
	uint16_t flags;		/* VIRTQ_DESC_F_* */
	uint16_t next;		/* with F_NEXT: the next descriptor's index */
};
#define VIRTQ_DESC_F_NEXT		1u
#define VIRTQ_DESC_F_WRITE		2u	/* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT		4u	/* addr/len is a table of descriptors */

/* The available ring (driver area): flags, idx, ring[size], used_event. */
#define VIRTQ_AVAIL_FLAGS		0
#define VIRTQ_AVAIL_IDX			2
#define VIRTQ_AVAIL_RING		4
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1u
#define VIRTQ_AVAIL_SIZE(n)		(6u + 2u * (n))

/* The used ring (device area): flags, idx, ring[size] of {id, len}, avail_event. */
struct virtq_used_elem {
	uint32_t id;		/* the head of the chain */
	uint32_t len;		/* bytes the device wrote into it */
};
#define VIRTQ_USED_FLAGS		0
#define VIRTQ_USED_IDX			2
#define VIRTQ_USED_RING			4
#define VIRTQ_USED_F_NO_NOTIFY		1u
#define VIRTQ_USED_SIZE(n)		(6u + 8u * (n))

/* Alignment the specification requires of the three areas. */
#define VIRTQ_DESC_ALIGN		16u
#define VIRTQ_AVAIL_ALIGN		2u
#define VIRTQ_USED_ALIGN		4u

#ifndef VIRTIO_MMIO_SPEC_ONLY

/* ---- The device library ---- */

#include <stdbool.h>
#include <stddef.h>

/* Limits of this implementation. */
#define VMMIO_QUEUES_MAX	2	/* queues per device */
#define VMMIO_QUEUE_SIZE_MAX	256	/* QueueNumMax, at most; also the longest chain */
#define VMMIO_MAP_SLOTS		16	/* cached windows on guest RAM */
#define VMMIO_MAP_CHUNK		(UINT64_C(2) << 20)	/* their size, where RAM allows */
/*
 * Bytes of descriptors (readable + writable) processed in one event before
 * the rest is left to the app's timer (so one notification cannot take a
 * whole budget; a single chain is never split). The library owns the
 * app's timer.
 */
#define VMMIO_BATCH_BYTES	(UINT64_C(1) << 20)

/* One buffer of a chain, in the order the driver linked them. */
struct vmmio_buf {
	uint64_t addr;		/* IPA */
	uint32_t len;
	bool write;		/* device-writable */
	bool in_ram;		/* all of it lies in the guest's RAM */
};

/*
 * A descriptor chain the library has walked and checked. Its structure is
 * sound: head and next indices inside their table, at most queue-size
 * buffers (so no loop), at most one indirect table, well formed and in
 * RAM, and readable buffers before writable ones. A chain failing any of
 * that never reaches the device: the library marks the device
 * DEVICE_NEEDS_RESET instead. Each buffer's range has been checked against
 * the guest's RAM too, but a chain with buffers outside it (`outside` > 0)
 * is still handed over, so that a device that can report an error in the
 * request itself (virtio-blk's status byte) does so; copies to or from
 * such a buffer fail.
 */
struct vmmio_chain {
	uint16_t head;
	unsigned int n;			/* buffers */
	unsigned int nread;		/* buf[0 .. nread) readable, the rest writable */
	unsigned int outside;		/* buffers not (entirely) in guest RAM */
	uint64_t read_bytes, write_bytes;
	struct vmmio_buf buf[VMMIO_QUEUE_SIZE_MAX];
};

struct vmmio_device;

struct vmmio_ops {
	/*
	 * Serve one chain of queue `queue`. Return the number of bytes written
	 * into its writable buffers (the used length), or a negative value
	 * after vmmio_fail(): the device is then broken until the driver
	 * resets it (the chain is not returned).
	 */
	int64_t (*request)(struct vmmio_device *d, unsigned int queue,
			   const struct vmmio_chain *c);
	/* Back to power-on state (driver reset, domain reset). Optional. */
	void (*reset)(struct vmmio_device *d);
};

/* A guest RAM window the library mapped (APP_SYS_MAP_GUEST). */
struct vmmio_map {
	uint64_t ipa, size;	/* size 0: free slot */
	uint8_t *va;
	uint64_t last_use;
};

struct vmmio_queue {
	uint32_t num;			/* QueueNum as written */
	bool ready;
	uint64_t desc, driver, device;	/* IPAs as written */
	/* Valid while ready: the three areas, mapped, and where we are. */
	volatile const struct virtq_desc *desc_va;
	volatile const uint16_t *avail_va;
	volatile uint16_t *used_va;
	struct vmmio_map maps[3];
	uint16_t last_avail;		/* next available entry to take */
	uint16_t used_idx;		/* next used entry to fill */
};

struct vmmio_device {
	/* Set by the device (static initializer). */
	const struct vmmio_ops *ops;
	const char *name;		/* for log lines */
	uint32_t device_id;		/* VIRTIO_ID_* */
	uint64_t features;		/* offered; VERSION_1 and INDIRECT_DESC are added */
	unsigned int nqueues;		/* 1 .. VMMIO_QUEUES_MAX */
	uint32_t queue_num_max;		/* a power of two <= VMMIO_QUEUE_SIZE_MAX */
	const uint8_t *config;		/* the configuration space, read-only to the driver */
	uint32_t config_size;

	/* Transport state: power-on values come from vmmio_power_on(). */
	uint32_t status, interrupt_status, config_generation;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	bool driver_features_unknown;	/* a bit above 63 was written */
	bool broken;			/* NEEDS_RESET: queues are not served */
	bool line;			/* our interrupt is asserted */
	bool continuing;		/* the timer is armed for unfinished work */
	struct vmmio_queue queue[VMMIO_QUEUES_MAX];
	struct vmmio_map map[VMMIO_MAP_SLOTS];
	uint64_t map_clock;
	uint64_t errors;		/* driver errors this guest boot (logged up to a limit) */
};

/* INIT: check the device description, power-on state. 0 or a negative APP_E_*. */
int64_t vmmio_power_on(struct vmmio_device *d);

/* The app's handlers delegate to these. */
uint64_t vmmio_read(struct vmmio_device *d, uint64_t ipa, unsigned int size);
void vmmio_write(struct vmmio_device *d, uint64_t ipa, unsigned int size, uint64_t value);
void vmmio_timer(struct vmmio_device *d);
/*
 * RESET event: the hypervisor has already removed every mapping and
 * lowered the line; forget them and return to power-on state.
 */
void vmmio_app_reset(struct vmmio_device *d);

/*
 * Declare the device broken (DEVICE_NEEDS_RESET; a configuration-change
 * interrupt if the driver is running); logs the formatted reason.
 */
void vmmio_fail(struct vmmio_device *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The configuration space changed: new generation, interrupt if running. */
void vmmio_config_changed(struct vmmio_device *d);

/* Did the driver accept feature bit `bit` (valid once FEATURES_OK)? */
bool vmmio_has_feature(const struct vmmio_device *d, unsigned int bit);

/*
 * Copy between a chain's buffers and app memory: `offset` counts bytes
 * from the start of the readable part (read) or of the writable part
 * (write), across buffer boundaries. False if [offset, offset + len) is
 * not inside that part, or the guest memory could not be mapped.
 */
bool vmmio_chain_read(struct vmmio_device *d, const struct vmmio_chain *c, uint64_t offset,
		      void *dst, uint64_t len);
bool vmmio_chain_write(struct vmmio_device *d, const struct vmmio_chain *c, uint64_t offset,
		       const void *src, uint64_t len);

#endif /* !VIRTIO_MMIO_SPEC_ONLY */
#endif
