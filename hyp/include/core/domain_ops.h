/* Building, stopping and resetting domains. */
#ifndef CORE_DOMAIN_OPS_H
#define CORE_DOMAIN_OPS_H

#include "core/domain.h"
#include "core/manifest.h"

/* Read the manifest from the boot archive and build every valid domain. */
void domains_create_from_initrd(void);

/* Start vCPU 0 of every domain. */
void domains_start(void);

/* PSCI SYSTEM_OFF / SYSTEM_RESET from a guest: stop (and restart) it. */
void domain_request_stop(struct domain *d);
void domain_request_reset(struct domain *d);
/* The same without the console line (the caller says why): a stub domain's fault policy. */
void domain_halt(struct domain *d);
void domain_restart(struct domain *d);

/*
 * Deferred domain work a pCPU does from its run loop with no vCPU loaded:
 * a reset waits there until no pCPU runs the domain any more.
 */
void domain_do_pending_work(void);

/* The domain list (console command). */
void domains_print(void);

/* Under elvisor.test=guests: check on the test domains, end the run when done. */
void domains_watch_tests(void);

/*
 * elvisor.test=shares: print each vCPU's share of its pCPU against what its
 * weight entitles it to; returns how many are off by more than tolerance.
 */
unsigned domains_check_shares(unsigned tolerance_pct);

struct vcpu *domain_vcpu_by_mpidr(struct domain *d, uint64_t mpidr);

#endif
