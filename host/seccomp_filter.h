/*
 * The worker's seccomp filter: everything a hook has no need for fails
 * with EPERM (see seccomp_filter.c for the list and why EPERM rather than a kill).
 */
#ifndef HOOKHOST_HOST_SECCOMP_FILTER_H
#define HOOKHOST_HOST_SECCOMP_FILTER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Install the filter on this process (all its threads to come), letting
 * through what allow (HHI_ALLOW_*) grants.  Returns 0, or -1 with why when
 * the kernel or the build does not allow a filter.
 */
int hhi_seccomp_apply(uint32_t allow, char *why, size_t cap);

#endif
