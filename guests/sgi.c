/*
 * sgi: software-generated interrupts between vCPUs (ICC_SGI1R_EL1).
 *
 * A. Ping-pong: vCPU 0 pings each other vCPU in turn (SGI 1), which answers
 *    (SGI 2), N times. One SGI in flight at a time, so the counts are exact:
 *    a lost SGI shows as a timeout, a doubled one as a count above N.
 * B. Broadcast (IRM = 1, all but self): N times; each other vCPU counts it
 *    and answers. vCPU 0 itself must never get its own broadcast.
 * C. All to all: every vCPU sends to every vCPU (itself too) R rounds. A
 *    GICv3 SGI pending from two senders is one interrupt, so requests go
 *    through per-pair mailboxes and the SGI is the doorbell: every request
 *    must be served.
 * D. SGIs to vCPUs that do not exist (target list bits past the last vCPU,
 *    other Aff1 clusters): nothing arrives anywhere, nothing breaks.
 *
 * bootargs: sgi.rounds (N, default 100).
 */
#include "guest.h"

#define SGI_PING 1
#define SGI_PONG 2
#define SGI_BCAST 3
#define SGI_DOORBELL 4
#define SGI_NOWHERE 5
#define WAIT_US 2000000
#define ALL_TO_ALL_ROUNDS 30

static unsigned ncpus;
static uint64_t rounds;

static volatile uint64_t ping_rx[GUEST_MAX_CPUS], bcast_rx[GUEST_MAX_CPUS];
static volatile uint64_t nowhere_rx[GUEST_MAX_CPUS];
static volatile uint64_t pong_rx;
/* Mailboxes of phase C: req[target][sender] written by the sender,
 * ack[target][sender] by the target; served[target] counts requests. */
static volatile uint64_t req[GUEST_MAX_CPUS][GUEST_MAX_CPUS];
static volatile uint64_t ack[GUEST_MAX_CPUS][GUEST_MAX_CPUS];
static volatile uint64_t served[GUEST_MAX_CPUS];
static volatile uint32_t phase_c, stop;
static volatile uint32_t c_done[GUEST_MAX_CPUS], ready[GUEST_MAX_CPUS];

static void sgi_irq(unsigned intid)
{
	unsigned me = cpu_id();

	switch (intid) {
	case SGI_PING:
		ping_rx[me]++;
		gic_send_sgi(SGI_PONG, 0);
		break;
	case SGI_PONG:
		pong_rx++;
		break;
	case SGI_BCAST:
		bcast_rx[me]++;
		gic_send_sgi(SGI_PONG, 0);
		break;
	case SGI_DOORBELL:
		for (unsigned s = 0; s < ncpus; s++) {
			uint64_t r = req[me][s];

			if (r != ack[me][s]) {
				served[me] += r - ack[me][s];
				ack[me][s] = r;
			}
		}
		/* Acks are read by the senders, which our doorbell may wake. */
		dsb(sy);
		for (unsigned s = 0; s < ncpus; s++)
			if (s != me)
				gic_send_sgi(SGI_PONG, s);
		break;
	case SGI_NOWHERE:
		nowhere_rx[me]++;
		break;
	default:
		break;
	}
}

static void enable_sgis(void)
{
	for (unsigned i = SGI_PING; i <= SGI_NOWHERE; i++)
		gic_enable_irq(i);
}

struct acked {
	unsigned sender;
	uint64_t round;
};

static bool cond_all_acked(void *arg)
{
	struct acked *a = arg;

	for (unsigned t = 0; t < ncpus; t++)
		if (ack[t][a->sender] < a->round)
			return false;
	return true;
}

static void all_to_all(unsigned me)
{
	for (uint64_t r = 1; r <= ALL_TO_ALL_ROUNDS; r++) {
		struct acked a = { me, r };

		for (unsigned t = 0; t < ncpus; t++) {
			req[t][me] = r;
			gic_send_sgi(SGI_DOORBELL, t);
		}
		if (!CHECK(wait_until(cond_all_acked, &a, WAIT_US),
			   "vCPU %u: round %lu of all-to-all not acknowledged within %u ms", me, r,
			   WAIT_US / 1000))
			break;
	}
	c_done[me] = 1;
	dsb(sy);
}

static bool cond_phase_c_or_stop(void *arg)
{
	(void)arg;
	return phase_c || stop;
}

static void secondary(unsigned cpu, void *arg)
{
	(void)arg;
	if (!this_cpu()->gic_ready)
		return;
	irq_disable();
	enable_sgis();
	ready[cpu] = 1;
	dsb(sy);
	irq_enable();
	/* Phases A and B happen in the SGI handlers while we wait here. */
	wait_until(cond_phase_c_or_stop, NULL, 60000000);
	if (phase_c)
		all_to_all(cpu);
	wait_until(cond_flag_set, (void *)&stop, 60000000);
	irq_disable();
}

static bool cond_pongs(void *arg)
{
	return pong_rx >= *(uint64_t *)arg;
}

static bool cond_bcast(void *arg)
{
	uint64_t want = *(uint64_t *)arg;

	for (unsigned i = 1; i < ncpus; i++)
		if (bcast_rx[i] < want)
			return false;
	return true;
}

static bool cond_all_c_done(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < ncpus; i++)
		if (!c_done[i])
			return false;
	return true;
}

static void ping_pong(void)
{
	for (unsigned k = 1; k < ncpus; k++) {
		for (uint64_t i = 0; i < rounds; i++) {
			uint64_t want = pong_rx + 1;

			gic_send_sgi(SGI_PING, k);
			if (!CHECK(wait_until(cond_pongs, &want, WAIT_US),
				   "ping %lu to vCPU %u: no pong within %u ms", i + 1, k, WAIT_US / 1000))
				return;
			CHECK(ping_rx[k] == i + 1, "vCPU %u saw %lu pings, expected %lu", k,
			      ping_rx[k], i + 1);
		}
	}
	udelay(1000);			/* a doubled delivery would show up now */
	CHECK(pong_rx == rounds * (ncpus - 1), "%lu pongs, expected %lu", pong_rx,
	      rounds * (ncpus - 1));
	for (unsigned k = 1; k < ncpus; k++)
		CHECK(ping_rx[k] == rounds, "vCPU %u got %lu pings, expected %lu", k, ping_rx[k],
		      rounds);
	CHECK(ping_rx[0] == 0, "vCPU 0 got %lu of its own pings", ping_rx[0]);
	printf("ping-pong: %lu round trips with each of %u vCPUs\n", rounds, ncpus - 1);
}

static void broadcast(void)
{
	for (uint64_t i = 1; i <= rounds; i++) {
		gic_send_sgi_others(SGI_BCAST);
		if (!CHECK(wait_until(cond_bcast, &i, WAIT_US),
			   "broadcast %lu: not every vCPU got it within %u ms", i, WAIT_US / 1000))
			return;
	}
	udelay(1000);
	for (unsigned k = 1; k < ncpus; k++)
		CHECK(bcast_rx[k] == rounds, "vCPU %u got %lu broadcasts, expected %lu", k,
		      bcast_rx[k], rounds);
	CHECK(bcast_rx[0] == 0, "vCPU 0 got %lu of its own broadcasts (IRM excludes self)",
	      bcast_rx[0]);
	printf("broadcast: %lu SGIs to %u vCPUs\n", rounds, ncpus - 1);
}

static void nowhere(void)
{
	uint16_t beyond = (uint16_t)(0xffffu << ncpus);

	if (beyond)
		gic_send_sgi_mask(SGI_NOWHERE, beyond);
	/* Aff1 = 1 and Aff1 = 0xff, Aff2, Aff3: clusters that do not exist. */
	gic_write_sgi1r((uint64_t)SGI_NOWHERE << 24 | 1UL << 16 | 0xffff);
	gic_write_sgi1r((uint64_t)SGI_NOWHERE << 24 | 0xffUL << 16 | 0xffff);
	gic_write_sgi1r((uint64_t)SGI_NOWHERE << 24 | 1UL << 32 | 0x1);
	gic_write_sgi1r((uint64_t)SGI_NOWHERE << 24 | 1UL << 48 | 0x1);
	/* (Not RS != 0: without ICC_CTLR_EL1.RSS it is RES0, and QEMU ignores it.) */
	sleep_us(20000);
	for (unsigned k = 0; k < ncpus; k++)
		CHECK(nowhere_rx[k] == 0, "vCPU %u got %lu SGIs addressed to no vCPU", k,
		      nowhere_rx[k]);
}

void guest_main(void)
{
	test_init("sgi");
	rounds = bootarg_uint_or("sgi.rounds", 100);
	if (!gic_init()) {
		test_done();
		return;
	}
	for (unsigned i = SGI_PING; i <= SGI_NOWHERE; i++)
		irq_set_handler(i, sgi_irq);
	irq_disable();
	enable_sgis();
	ncpus = smp_start_all(secondary, NULL);
	printf("%u vCPUs\n", ncpus);
	for (unsigned i = 1; i < ncpus; i++)
		CHECK(wait_until(cond_flag_set, (void *)&ready[i], WAIT_US),
		      "vCPU %u did not get ready", i);
	irq_enable();
	if (ncpus < 2)
		printf("only one vCPU: ping-pong and broadcast skipped\n");
	else {
		ping_pong();
		broadcast();
	}
	phase_c = 1;
	dsb(sy);
	all_to_all(0);
	CHECK(wait_until(cond_all_c_done, NULL, 30000000), "all-to-all did not finish");
	for (unsigned t = 0; t < ncpus; t++)
		CHECK(served[t] == (uint64_t)ncpus * ALL_TO_ALL_ROUNDS,
		      "vCPU %u served %lu requests, expected %lu", t, served[t],
		      (uint64_t)ncpus * ALL_TO_ALL_ROUNDS);
	printf("all-to-all: %u rounds between %u vCPUs\n", ALL_TO_ALL_ROUNDS, ncpus);
	nowhere();
	stop = 1;
	dsb(sy);
	irq_disable();
	test_done();
}
