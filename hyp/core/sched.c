/*
 * Weighted-fair scheduling per pCPU. A vCPU's vruntime grows by its run
 * time scaled by SCHED_WEIGHT_DEFAULT / weight, so over any long window
 * CPU-bound vCPUs on one pCPU receive time in proportion to their weights.
 * A vCPU that wakes after blocking has its vruntime raised to the queue's
 * minimum less one slice: it gets the CPU soon (latency) without being
 * owed all the time it slept (fairness). The minimum is a per-queue value
 * that only moves forward, so it holds even when every other vCPU of the
 * pCPU is asleep at that moment.
 */
#include "core/percpu.h"
#include "core/sched.h"
#include "core/smp.h"
#include "core/spinlock.h"
#include "core/timer_event.h"
#include "drivers/timer.h"

struct runqueue {
	spinlock_t lock;
	struct vcpu *vcpus;		/* every vCPU placed here */
	uint64_t min_vruntime;		/* monotonic: the least vruntime seen runnable */
	struct timer_event slice_end;
};

static struct runqueue runqueues[PLATFORM_MAX_CPUS];
_Atomic bool sched_need_resched[PLATFORM_MAX_CPUS];
static uint64_t slice_ticks;

static void slice_expired(struct timer_event *ev)
{
	struct runqueue *rq = ev->arg;

	atomic_store(&sched_need_resched[rq - runqueues], true);
}

void sched_init(void)
{
	slice_ticks = timer_us_to_ticks(SCHED_SLICE_US);
	for (unsigned c = 0; c < PLATFORM_MAX_CPUS; c++)
		timer_event_init(&runqueues[c].slice_end, slice_expired, &runqueues[c]);
}

void sched_attach(struct vcpu *v)
{
	struct runqueue *rq = &runqueues[v->pcpu];
	uint64_t flags = spin_lock_irqsave(&rq->lock);

	v->rq_next = rq->vcpus;
	rq->vcpus = v;
	spin_unlock_irqrestore(&rq->lock, flags);
}

static uint64_t min_vruntime_locked(struct runqueue *rq, const struct vcpu *skip)
{
	uint64_t min = UINT64_MAX;

	for (struct vcpu *v = rq->vcpus; v; v = v->rq_next)
		if (v != skip && v->state == VCPU_RUNNABLE && v->vruntime < min)
			min = v->vruntime;
	return min;
}

struct vcpu *sched_pick(void)
{
	struct runqueue *rq = &runqueues[this_cpu_id()];
	struct vcpu *best = NULL;

	spin_lock(&rq->lock);
	atomic_store(&sched_need_resched[this_cpu_id()], false);
	for (struct vcpu *v = rq->vcpus; v; v = v->rq_next)
		if (v->state == VCPU_RUNNABLE && (!best || v->vruntime < best->vruntime))
			best = v;
	if (best && best->vruntime > rq->min_vruntime)
		rq->min_vruntime = best->vruntime;
	spin_unlock(&rq->lock);
	return best;
}

void sched_charge(struct vcpu *v, uint64_t ticks)
{
	v->vruntime += ticks * SCHED_WEIGHT_DEFAULT / v->weight;
}

void sched_start_slice(struct vcpu *v)
{
	timer_event_arm(&runqueues[v->pcpu].slice_end, v->pcpu, timer_now() + slice_ticks);
}

void sched_request_resched(unsigned cpu)
{
	atomic_store(&sched_need_resched[cpu], true);
	if (cpu != this_cpu_id())
		smp_send_wakeup(cpu);
}

void sched_wake(struct vcpu *v)
{
	struct runqueue *rq = &runqueues[v->pcpu];
	uint64_t flags = spin_lock_irqsave(&rq->lock);
	uint64_t min = min_vruntime_locked(rq, v);

	if (min == UINT64_MAX || min < rq->min_vruntime)
		min = rq->min_vruntime;
	if (min > slice_ticks && v->vruntime < min - slice_ticks)
		v->vruntime = min - slice_ticks;
	if (v->state == VCPU_BLOCKED)
		v->stats.ns_blocked += timer_now() - v->blocked_since;
	v->state = VCPU_RUNNABLE;
	spin_unlock_irqrestore(&rq->lock, flags);
	sched_request_resched(v->pcpu);
}
