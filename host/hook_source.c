#include "config.h"

#include "hook_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

void hhi_hook_source_init(struct hhi_hook_source *src, const struct hhi_host_config *config)
{
    memset(src, 0, sizeof(*src));
    src->limits = config->limits;
    src->plugin_dir = env("HOOKHOST_PLUGIN_DIR") ? env("HOOKHOST_PLUGIN_DIR")
                                                 : HOOKHOST_PLUGIN_DIR;
    src->hooks_dir = env("HOOKHOST_HOOKS_DIR");
    src->registry = env("HOOKHOST_REGISTRY")  ? env("HOOKHOST_REGISTRY")
                    : config->registry[0] != '\0' ? config->registry
                                                  : HOOKHOST_STATE_DIR;
    src->account = env("HOOKHOST_ACCOUNT") ? env("HOOKHOST_ACCOUNT") : "default";
}

int hhi_host_config_load(struct hhi_host_config *config, const char *explicit_path,
                         struct hhi_error *err)
{
    const char *path = explicit_path != NULL ? explicit_path : env("HOOKHOST_CONFIG");

    hhi_host_config_defaults(config);
    if (path != NULL)
        return hhi_host_config_read(config, path, 1, err);
    return hhi_host_config_read(config, HOOKHOST_CONFIG_FILE, 0, err);
}

static int read_dir(const struct hhi_hook_source *src, const char *dir,
                    struct hhi_hook_specs *specs, char plugin_dir[PATH_MAX],
                    struct hhi_error *err)
{
    snprintf(plugin_dir, PATH_MAX, "%s", src->plugin_dir);
    /* A directory of far more files than hooks may be active is refused unread. */
    return hhi_hooks_dir_read(specs, dir, src->limits.max_active_hooks * 4,
                              src->limits.max_configuration_bytes, err);
}

int hhi_hook_source_read(const struct hhi_hook_source *src, struct hhi_hook_specs *specs,
                         char plugin_dir[PATH_MAX], const char **from,
                         struct hhi_registry **held, struct hhi_error *err)
{
    struct hhi_registry_options ropts;
    struct hhi_registry *reg = NULL;
    bool missing = false;
    int rc;

    *held = NULL;
    if (src->hooks_dir != NULL) {
        *from = src->hooks_dir;
        return read_dir(src, src->hooks_dir, specs, plugin_dir, err);
    }
    memset(&ropts, 0, sizeof(ropts));
    ropts.root = src->registry;
    ropts.account = src->account;
    ropts.allow_insecure = src->allow_insecure;
    ropts.limits = src->limits;
    rc = hhi_registry_open(&reg, &ropts, &missing, err);
    /*
     * Only the default account falls back to the system hooks directory: a
     * mistyped account must not evaluate with other hooks, silently.
     */
    if (rc == HHI_OK && missing && strcmp(src->account, "default") != 0) {
        hhi_registry_close(reg);
        return hhi_error_set(err, HHI_ECONFIG, "registry %s: account %s has no hooks registered",
                             src->registry, src->account);
    }
    if (rc == HHI_OK && missing) {
        hhi_registry_close(reg);
        *from = HOOKHOST_HOOKS_DIR;
        return read_dir(src, HOOKHOST_HOOKS_DIR, specs, plugin_dir, err);
    }
    if (rc == HHI_OK) {
        *from = src->registry;
        snprintf(plugin_dir, PATH_MAX, "%s", hhi_registry_plugin_dir(reg));
        rc = hhi_registry_specs(reg, specs, err);
    }
    if (rc == HHI_OK)
        *held = reg;
    else
        hhi_registry_close(reg);
    return rc;
}
