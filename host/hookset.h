/*
 * The active hooks, built from hook specs (the registry's or a hooks
 * directory's): each plugin loaded once, each hook's configuration
 * validated against its plugin's schema and an instance created from it.
 * Hooks run in a defined order: ascending priority, then name.
 */
#ifndef HOOKHOST_HOST_HOOKSET_H
#define HOOKHOST_HOST_HOOKSET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "hook_config.h"
#include "hook_spec.h"
#include "isolation.h"
#include "loader.h"
#include "services.h"

struct hhi_pool;
struct hhi_pool_inputs;

/* CloudFormation's quotas, the defaults. */
#define HHI_DEFAULT_MAX_HOOKS 100
#define HHI_DEFAULT_MAX_HOOKS_PER_RESOURCE 100
#define HHI_DEFAULT_MAX_CONFIG_BYTES 307200

struct hhi_hook {
    char *name;                  /* activated as (typeNameAlias or type name) */
    char *source;                /* where its activation is kept */
    char *version;               /* registry version, or the plugin's own */
    int32_t priority;
    const struct hhi_plugin *plugin;
    struct hhi_hook_config config;
    void *instance;              /* in-process; NULL for a disabled hook */
    bool serialize;              /* invoke under lock (not concurrent-safe) */
    pthread_mutex_t lock;
    struct hhi_containment containment; /* resolved */
    struct hhi_pool *pool;       /* process isolation: its workers, each with
                                    its own instance; NULL in-process */
};

struct hhi_hookset_options {
    const char *plugin_dir;
    bool allow_insecure;         /* skip plugin ownership/permission checks */
    size_t max_hooks;            /* active hooks */
    size_t max_config_bytes;     /* per hook configuration */
    struct hhi_log_sink log;
    const char *worker_exe;      /* what workers run: HHI_WORKER_EXE in the
                                    hookhost command (must outlive the set);
                                    NULL (the default, for programs that
                                    link the library and cannot be a
                                    worker): every hook runs in-process */
};

struct hhi_hookset {
    struct hhi_loader *loader;
    struct hhi_plugin **plugins;
    size_t plugin_count;
    struct hhi_hook **hooks;     /* in run order */
    size_t hook_count;
    struct hhi_log_sink log;
    const char *worker_exe;
    struct hhi_pool_inputs *inputs; /* input documents shared by the pools */
};

/* Defaults for the options (quotas, the compiled-in directories). */
void hhi_hookset_options_init(struct hhi_hookset_options *opts);

/* Load the hooks specs describe (each plugin once) and create their instances. */
int hhi_hookset_load(struct hhi_hookset **out, const struct hhi_hookset_options *opts,
                     const struct hhi_hook_specs *specs, struct hhi_error *err);

/* Destroy every instance (each exactly once), then release the set. */
void hhi_hookset_free(struct hhi_hookset *set);

/* Is the hook switched on (ENABLED and TargetStacks ALL)? */
bool hhi_hook_active(const struct hhi_hook *hook);

#endif
