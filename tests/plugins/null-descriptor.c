/* A plugin whose entry function succeeds without handing back a descriptor. */
#include "config.h"

#include <hookhost/plugin.h>

HH_EXPORT int32_t HH_CALL HH_PLUGIN_ENTRY(const struct hh_host_api *host,
                                          const struct hh_plugin **out);

HH_EXPORT int32_t HH_CALL HH_PLUGIN_ENTRY(const struct hh_host_api *host,
                                          const struct hh_plugin **out)
{
    (void)host;
    *out = NULL;
    return HH_OK;
}
