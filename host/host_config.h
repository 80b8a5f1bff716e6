/*
 * hookhost.conf: the host's own settings, for organisations whose limits
 * differ from CloudFormation's.  Lines of "key = value"; '#' starts a
 * comment.  Keys:
 *   max-active-hooks         active hooks per account      (100)
 *   max-hooks-per-resource   hooks matching one resource   (100)
 *   max-versions-per-hook    registered versions per type  (100)
 *   max-configuration-bytes  one hook's configuration      (307200)
 *   registry                 the registry root directory
 */
#ifndef HOOKHOST_HOST_HOST_CONFIG_H
#define HOOKHOST_HOST_HOST_CONFIG_H

#include <stddef.h>

#include "error.h"

#define HHI_CONFIG_PATH_MAX 4096

struct hhi_limits {
    size_t max_active_hooks;
    size_t max_hooks_per_resource;
    size_t max_versions_per_hook;
    size_t max_configuration_bytes;
};

struct hhi_host_config {
    struct hhi_limits limits;
    char registry[HHI_CONFIG_PATH_MAX];  /* "" when not set */
};

/* CloudFormation's quotas and no registry override. */
void hhi_host_config_defaults(struct hhi_host_config *config);

/*
 * Read path over the defaults already in *config.  When required is 0 a
 * missing file is not an error (the compiled-in default path).
 */
int hhi_host_config_read(struct hhi_host_config *config, const char *path, int required,
                         struct hhi_error *err);

/* Parse the text of a configuration (what names it in errors). */
int hhi_host_config_parse(struct hhi_host_config *config, const char *what, const char *text,
                          size_t len, struct hhi_error *err);

#endif
