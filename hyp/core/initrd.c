/* The boot archive: mapped read-only, validated whole, listed at boot. */
#include "arch/mmu.h"
#include "core/console.h"
#include "core/initrd.h"
#include "lib/cpio.h"
#include "lib/format.h"

static const void *archive;
static size_t archive_size;

int initrd_init(const struct platform *plat, char *err, size_t errlen)
{
	int status;

	if (plat->initrd_end <= plat->initrd_start)
		return 0;
	archive_size = plat->initrd_end - plat->initrd_start;
	archive = mmu_map_phys(plat->initrd_start, archive_size, PROT_READ);
	if (!archive) {
		format(err, errlen, "cannot map [%#lx, %#lx)", plat->initrd_start,
		       plat->initrd_end);
		return -1;
	}
	status = cpio_check(archive, archive_size);
	if (status != CPIO_OK) {
		format(err, errlen, "not a cpio archive (newc): %s", cpio_strerror(status));
		return -1;
	}
	return 0;
}

void initrd_list(void)
{
	struct cpio_file file;
	size_t cursor = 0;
	unsigned count = 0;

	if (!archive) {
		printk("initrd: none\n");
		return;
	}
	while (cpio_next(archive, archive_size, &cursor, &file) == CPIO_OK)
		count++;
	printk("initrd: %zu bytes, %u files\n", archive_size, count);
	cursor = 0;
	while (cpio_next(archive, archive_size, &cursor, &file) == CPIO_OK)
		printk("initrd:   %s (%zu bytes)\n", file.name, file.size);
}

const void *initrd_data(void)
{
	return archive;
}

size_t initrd_size(void)
{
	return archive_size;
}
