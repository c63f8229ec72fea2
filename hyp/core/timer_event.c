/*
 * Software timers: a deadline-sorted list per pCPU; the pCPU's EL2 timer is
 * always programmed for the head of its list.
 */
#include "arch/cpu.h"
#include "core/percpu.h"
#include "core/smp.h"
#include "core/spinlock.h"
#include "core/timer_event.h"
#include "drivers/timer.h"

struct timer_queue {
	spinlock_t lock;
	struct timer_event *head;
};

static struct timer_queue queues[PLATFORM_MAX_CPUS];

void timer_event_init(struct timer_event *ev, timer_event_fn fn, void *arg)
{
	ev->fn = fn;
	ev->arg = arg;
	ev->next = NULL;
	ev->cpu = -1;
	ev->deadline = 0;
}

bool timer_event_armed(const struct timer_event *ev)
{
	return __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE) >= 0;
}

/* Program this pCPU's hardware timer for the earliest event or guard (or nothing). */
static void reprogram(struct timer_queue *q)
{
	uint64_t guard = this_cpu()->timer_guard;

	if (q->head && (!guard || q->head->deadline < guard))
		timer_arm_at(q->head->deadline);
	else if (guard)
		timer_arm_at(guard);
	else
		timer_cancel();
}

static void unlink_locked(struct timer_queue *q, struct timer_event *ev)
{
	for (struct timer_event **p = &q->head; *p; p = &(*p)->next) {
		if (*p == ev) {
			*p = ev->next;
			break;
		}
	}
	ev->next = NULL;
	__atomic_store_n(&ev->cpu, -1, __ATOMIC_RELEASE);
}

void timer_event_cancel(struct timer_event *ev)
{
	int cpu = __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE);
	struct timer_queue *q;
	uint64_t flags;

	if (cpu < 0)
		return;
	q = &queues[cpu];
	flags = spin_lock_irqsave(&q->lock);
	if (ev->cpu == cpu)
		unlink_locked(q, ev);
	if ((unsigned)cpu == this_cpu_id())
		reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

void timer_event_arm(struct timer_event *ev, unsigned cpu, uint64_t deadline)
{
	struct timer_queue *q = &queues[cpu];
	struct timer_event **p;
	uint64_t flags;

	timer_event_cancel(ev);
	flags = spin_lock_irqsave(&q->lock);
	ev->deadline = deadline;
	for (p = &q->head; *p && (*p)->deadline <= deadline; p = &(*p)->next)
		;
	ev->next = *p;
	*p = ev;
	__atomic_store_n(&ev->cpu, (int)cpu, __ATOMIC_RELEASE);
	if (cpu == this_cpu_id())
		reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
	/* Another pCPU's queue: its head may have changed; let it reprogram. */
	if (cpu != this_cpu_id())
		smp_send_wakeup(cpu);
}

/* EL2 timer interrupt: run everything that is due, then reprogram. */
static void run_due_events(void)
{
	struct timer_queue *q = &queues[this_cpu_id()];

	spin_lock(&q->lock);
	/* A guard fires once: the interrupted code sees the time has come. */
	if (this_cpu()->timer_guard && this_cpu()->timer_guard <= timer_now())
		this_cpu()->timer_guard = 0;
	while (q->head && q->head->deadline <= timer_now()) {
		struct timer_event *ev = q->head;

		unlink_locked(q, ev);
		spin_unlock(&q->lock);
		ev->fn(ev);
		spin_lock(&q->lock);
	}
	reprogram(q);
	spin_unlock(&q->lock);
}

/* A wake-up SGI: the queue may have a new head armed from another pCPU. */
void timer_events_resync(void)
{
	struct timer_queue *q = &queues[this_cpu_id()];
	uint64_t flags = spin_lock_irqsave(&q->lock);

	reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

void timer_events_init(void)
{
	timer_set_callback(run_due_events);
}
