/* Spawning a worker process (internal to worker.c). */
#ifndef HOOKHOST_HOST_WORKER_SPAWN_H
#define HOOKHOST_HOST_WORKER_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "worker.h"

/* The descriptors a worker is born with. */
#define HHI_WORKER_CHANNEL_FD 3
#define HHI_WORKER_PLUGIN_FD 4

/* Spawn: *pid and *fd (the host's end of the channel), or -1 with why. */
int hhi_worker_spawn(const struct hhi_worker_spec *spec, pid_t *pid, int *fd, char *why,
                     size_t cap);

#endif
