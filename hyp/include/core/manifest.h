/*
 * The manifest: which domains to build, read from manifest.dtb in the boot
 * archive (a device tree compiled from configs/<name>.dts). Portable: the
 * parser and its validation run in host unit tests.
 *
 *   / { elvisor {
 *         <name> { compatible = "elvisor,domain"; ... };
 *   }; };
 *
 * Every property is documented in docs/configuration.md.
 */
#ifndef CORE_MANIFEST_H
#define CORE_MANIFEST_H

#include "lib/types.h"

#define MANIFEST_MAX_DOMAINS 8
#define MANIFEST_MAX_VCPUS 8
#define MANIFEST_NAME_MAX 32
#define MANIFEST_FILE_MAX 64
#define MANIFEST_BOOTARGS_MAX 256

/*
 * Guest physical layout (fixed, QEMU-virt-like): RAM from GUEST_RAM_BASE.
 * The guest's DTB goes in the last GUEST_DTB_SPACE bytes of its RAM (2 MiB
 * aligned), the ramdisk right below it (page aligned), the kernel at the
 * bottom: an Image at GUEST_RAM_BASE + its text_offset, a raw binary at
 * its load-address. Nothing may overlap.
 */
#define GUEST_RAM_BASE 0x40000000UL
#define GUEST_RAM_MAX_MB 2048
#define GUEST_DTB_SPACE (2UL << 20)
/* The virtual GICv3's distributor and redistributors (core/vgic.h), at most 8 vCPUs. */
#define GUEST_GIC_BASE 0x08000000UL
#define GUEST_GIC_SIZE 0x001a0000UL
/* The hypervisor's test device of a `bench-device;` domain (core/testdev.h). */
#define GUEST_BENCH_DEVICE_BASE 0x0b000000UL
#define GUEST_BENCH_DEVICE_SIZE 0x00001000UL
#define APP_COMPATIBLE "elvisor,app"
/* The same device served by a stub domain (abi/stubdom.h, docs/stubdom.md). */
#define STUBDOM_COMPATIBLE "elvisor,stubdom"
#define STUBDOM_MEMORY_MB_DEFAULT 4	/* 2 of them are the device-tree space */
/* Where a stub image without an arm64 Image header is loaded and entered. */
#define STUBDOM_LOAD_OFFSET 0x80000UL

#define MANIFEST_MAX_APPS 4
#define MANIFEST_MAX_APP_CALLS 4	/* function-ID ranges per app */
#define MANIFEST_MAX_APP_IRQS 8		/* granted interrupts per app */
/* The SPIs a domain's virtual GIC has (core/vgic.h checks it agrees). */
#define GUEST_SPI_FIRST 32
#define GUEST_SPI_LAST 95
#define APP_BUDGET_US_DEFAULT 100000	/* 100 ms: a safety net (see configuration.md) */
#define APP_BUDGET_US_MAX 1000000
#define MANIFEST_DT_COMPATIBLE_MAX 96
#define APP_FILE_SIZE_MAX (1ULL << 30)		/* abi/app.h's APP_FILE_MAX */

/* An inclusive range of SMCCC function IDs (HVC or SMC w0). */
struct app_call_range {
	uint32_t first, last;
};

/* An EL0 app serving the domain: a child node, compatible "elvisor,app". */
struct app_config {
	char name[MANIFEST_NAME_MAX];
	char image[MANIFEST_FILE_MAX];		/* ELF in the boot archive */
	uint64_t mmio_base, mmio_size;		/* guest IPA range it serves; size 0: none */
	struct app_call_range calls[MANIFEST_MAX_APP_CALLS];
	unsigned ncalls;
	uint32_t irqs[MANIFEST_MAX_APP_IRQS];	/* SPIs it may drive */
	unsigned nirqs;
	uint32_t budget_us;			/* per event */
	bool disable_on_fault;			/* on-fault = "disable" (else "reset") */
	bool abort_on_fault;			/* fault-answer = "abort" (else "ignore") */
	bool console;				/* receives the domain's console input */
	char file[MANIFEST_FILE_MAX];		/* its backing file in the archive, "" if none */
	uint64_t file_size;
	/* The guest DT's compatible list for the device: NUL-separated strings, as in the DTB. */
	char dt_compatible[MANIFEST_DT_COMPATIBLE_MAX];
	unsigned dt_compatible_len;		/* 0: the device is not described to the guest */
	bool stubdom;				/* served by a stub domain, not at EL0 */
};

struct domain_config {
	char name[MANIFEST_NAME_MAX];
	unsigned vcpus;				/* 1..MANIFEST_MAX_VCPUS */
	uint64_t memory_bytes;			/* memory-mb << 20 */
	char kernel[MANIFEST_FILE_MAX];		/* file in the boot archive */
	bool kernel_is_image;			/* arm64 Image header found */
	uint64_t load_address;			/* IPA; raw binaries: from manifest */
	uint64_t kernel_size;			/* bytes the kernel occupies loaded
						   (an Image's image_size: bss too) */
	uint64_t entry;				/* IPA of the first instruction */
	char ramdisk[MANIFEST_FILE_MAX];	/* "" if none */
	uint64_t ramdisk_address;		/* IPA, chosen by the parser */
	uint64_t ramdisk_size;
	uint64_t dtb_address;			/* IPA of the generated guest DTB */
	char bootargs[MANIFEST_BOOTARGS_MAX];
	unsigned affinity[MANIFEST_MAX_VCPUS];	/* pCPU of each vCPU */
	bool pinned;				/* affinity given in the manifest */
	unsigned weight;			/* scheduling weight, default 256 */
	bool test_domain;			/* reports ELVISOR_HVC_TEST_RESULT */
	bool bench_device;			/* gets the hypervisor's test device */
	/*
	 * A stub domain (made by the parser from an elvisor,stubdom node): it
	 * serves app[stub_app] of domain[stub_target] of the manifest.
	 */
	bool stub;
	unsigned stub_target, stub_app;
	struct app_config app[MANIFEST_MAX_APPS];
	unsigned napps;
};

struct manifest {
	struct domain_config domain[MANIFEST_MAX_DOMAINS];
	unsigned ndomains;
	unsigned rejected;			/* domains dropped with an error */
};

/*
 * What the parser needs to know about its surroundings, so that it stays
 * portable: how many pCPUs there are, how much memory can be given to
 * guests in total, and how to look up a file in the boot archive.
 */
struct manifest_env {
	unsigned pcpus;
	uint64_t memory_available;
	/* Returns true and the file's contents if the archive has it. */
	bool (*find_file)(void *ctx, const char *name, const void **data,
			  size_t *size);
	void *ctx;
	/* Called once per error, with a message naming node and property. */
	void (*report)(void *ctx, const char *message);
};

/*
 * Parse and validate. Each domain with an error is reported and left out;
 * the others are kept. Returns -1 only if the manifest as a whole is
 * unusable (not a DTB, no /elvisor node), 0 otherwise.
 * fdt must be 8-byte aligned (libfdt's rule; file data in a cpio newc
 * archive is only 4-byte aligned, so copy it if needed).
 */
int manifest_parse(const void *fdt, size_t size, const struct manifest_env *env,
		   struct manifest *out);

#endif
