/*
 * Where the active hooks come from: the registry (the default), or a
 * hooks directory read as a registry of its own.  Without a hooks
 * directory given, an account that nothing was ever registered in falls
 * back to the system hooks directory, so packages that drop a plugin and a
 * hook file in place work before anyone sets up a registry.
 */
#ifndef HOOKHOST_HOST_HOOK_SOURCE_H
#define HOOKHOST_HOST_HOOK_SOURCE_H

#include <limits.h>
#include <stdbool.h>

#include "error.h"
#include "hook_spec.h"
#include "host_config.h"

struct hhi_hook_source {
    const char *hooks_dir;      /* given: read it, not the registry */
    const char *plugin_dir;     /* with a hooks directory */
    const char *registry;       /* registry root */
    const char *account;
    bool allow_insecure;        /* registry and plugin files others can write */
    struct hhi_limits limits;
};

/* Defaults, then HOOKHOST_* environment variables over config. */
void hhi_hook_source_init(struct hhi_hook_source *src, const struct hhi_host_config *config);

struct hhi_registry;

/*
 * Read the specs of the active hooks and the directory their plugin files
 * are in (written to plugin_dir, PATH_MAX bytes).  From the registry, its
 * shared lock is held in *held until the caller has loaded the plugins and
 * closes it (hhi_registry_close), so no writer removes a file meanwhile.
 */
int hhi_hook_source_read(const struct hhi_hook_source *src, struct hhi_hook_specs *specs,
                         char plugin_dir[PATH_MAX], const char **from,
                         struct hhi_registry **held, struct hhi_error *err);

/* The host configuration file: --config, else $HOOKHOST_CONFIG, else the system one. */
int hhi_host_config_load(struct hhi_host_config *config, const char *explicit_path,
                         struct hhi_error *err);

#endif
