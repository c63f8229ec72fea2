/*
 * elvisor's virtio-rng app (virtio 1.2, section 5.4, "entropy device"):
 * its limits, shared with the test drivers (guests/virtio-rng-driver.c,
 * guests/virtio-hostile.c); needs nothing.
 */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#define VRNG_QUEUE_SIZE		64	/* QueueNumMax */
/* Bytes given per request at most; a longer buffer gets this much (the used length says). */
#define VRNG_REQUEST_MAX	4096u

#endif
