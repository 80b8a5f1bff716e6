/*
 * Loading plugins: trust checks, libltdl, the ABI handshake and the
 * validation of what a plugin declares.
 *
 * Trust comes from configuration, not from the ABI check (the check runs
 * after the library's constructors): a plugin file is loaded only from an
 * absolute path inside the configured plugin directory, owned by root or by
 * us, writable by nobody else, in a directory writable by nobody else, and
 * it is loaded through the same descriptor those checks ran on
 * (/proc/self/fd/N), so the file cannot be swapped in between.
 */
#ifndef HOOKHOST_HOST_LOADER_H
#define HOOKHOST_HOST_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include <hookhost/plugin.h>
#include <json-c/json.h>

#include "error.h"

struct hhi_schema;
struct hhi_loader;

/* A loaded plugin and what it declared, checked and normalised. */
struct hhi_plugin {
    char *path;                     /* real absolute path of the file */
    const struct hh_plugin *raw;    /* the plugin's own descriptor */
    struct hh_plugin desc;          /* a copy, members past the plugin's
                                       struct_size zeroed */
    uint16_t abi_minor;             /* the plugin's ABI minor */
    struct hhi_schema *schema;      /* its configuration schema */
};

struct hhi_loader_options {
    const char *plugin_dir;   /* only files inside it load */
    bool allow_insecure;      /* skip ownership and permission checks */
};

/* Prepare libltdl.  opts is copied. */
int hhi_loader_new(struct hhi_loader **out, const struct hhi_loader_options *opts,
                   struct hhi_error *err);

/* Release the loader.  Loaded modules stay resident (see loader.c). */
void hhi_loader_free(struct hhi_loader *loader);

/*
 * Load the plugin file (absolute, or relative to the plugin directory),
 * run the ABI handshake and validate its declarations.  Errors are
 * HHI_EPLUGIN with one line naming the file and the reason.
 */
int hhi_loader_load(struct hhi_loader *loader, const char *file,
                    struct hhi_plugin **out, struct hhi_error *err);

void hhi_plugin_free(struct hhi_plugin *plugin);

/* Is name a valid hook type name (Org::Service::Name)? */
bool hhi_type_name_valid(const char *name);

/* Does the plugin declare a handler for this point and action whose targets match type? */
bool hhi_plugin_targets(const struct hhi_plugin *plugin, const char *type, int32_t point,
                        int32_t action);

/* Could the plugin's handlers ever match a type that pattern matches? */
bool hhi_plugin_targets_pattern(const struct hhi_plugin *plugin, const char *pattern);

#endif
