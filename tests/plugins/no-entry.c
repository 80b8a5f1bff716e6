/* A valid shared library that exports a function, but not the plugin entry. */
#include "config.h"

#include <hookhost/plugin.h>

HH_EXPORT int hookhost_plugin_entry_v0(void);

HH_EXPORT int hookhost_plugin_entry_v0(void)
{
    return 42;
}
