/*
 * Software timers on top of each pCPU's one EL2 timer: the scheduler's
 * time slices, wake-ups of descheduled vCPUs' virtual timers, periodic
 * checks. An event fires on the pCPU it was armed on, in interrupt context
 * (interrupts masked).
 */
#ifndef CORE_TIMER_EVENT_H
#define CORE_TIMER_EVENT_H

#include "core/percpu.h"
#include "drivers/timer.h"
#include "lib/types.h"

struct timer_event;
typedef void (*timer_event_fn)(struct timer_event *ev);

struct timer_event {
	uint64_t deadline;		/* counter ticks */
	timer_event_fn fn;
	void *arg;
	struct timer_event *next;
	int cpu;			/* -1 when not armed */
};

void timer_event_init(struct timer_event *ev, timer_event_fn fn, void *arg);

/* Arm (or re-arm) ev on pCPU cpu for deadline. */
void timer_event_arm(struct timer_event *ev, unsigned cpu, uint64_t deadline);
void timer_event_cancel(struct timer_event *ev);
bool timer_event_armed(const struct timer_event *ev);

/*
 * A guard deadline on this pCPU (interrupts masked): the EL2 timer also
 * fires at it, without an event to run; the interrupted code checks the
 * time itself. Cheaper than arming an event: the app budget uses it on
 * every app call. One guard per pCPU; set replaces, clear removes.
 */
static inline void timer_guard_set(uint64_t deadline)
{
	struct percpu *p = this_cpu();

	p->timer_guard = deadline;
	if (deadline < p->timer_cval)	/* else the timer fires first, then reprograms */
		timer_arm_at(deadline);
}

/* The timer may still fire at the old guard: the interrupt then just reprograms. */
static inline void timer_guard_clear(void)
{
	this_cpu()->timer_guard = 0;
}

/* After a wake-up SGI: reprogram for events armed from other pCPUs. */
void timer_events_resync(void);

/* Once at boot: hook the EL2 timer interrupt. */
void timer_events_init(void);

#endif
