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

/*
 * A plugin and what it declared, checked and normalised.  Either loaded
 * into this process (raw is its descriptor), or described by a worker
 * process that loaded it (raw is NULL, desc has no functions, and its
 * strings and handlers live in facts and handler_copies): the host then
 * never runs the plugin's code.
 */
struct hhi_plugin {
    char *path;                     /* real absolute path of the file */
    const struct hh_plugin *raw;    /* the plugin's own descriptor, or NULL */
    struct hh_plugin desc;          /* a copy, members past the plugin's
                                       struct_size zeroed */
    uint16_t abi_minor;             /* the plugin's ABI minor */
    struct hhi_schema *schema;      /* its configuration schema */
    int fd;                         /* described by a worker: the checked
                                       descriptor workers load it from (owned,
                                       CLOEXEC); -1 otherwise */
    json_object *facts;             /* a worker's description (owned) */
    char *facts_text;               /* the same as text, to compare workers' */
    struct hh_handler *handler_copies;  /* desc.handlers of a described plugin */
    const char **target_copies;     /* their target names */
};

struct hhi_loader_options {
    const char *plugin_dir;   /* only files inside it load */
    bool allow_insecure;      /* skip ownership and permission checks */
};

/* Prepare libltdl.  opts is copied. */
int hhi_loader_new(struct hhi_loader **out, const struct hhi_loader_options *opts,
                   struct hhi_error *err);

/*
 * From now on hhi_loader_load never loads a plugin into this process: a
 * worker process run from exe (HHI_WORKER_EXE) loads and describes it.
 */
int hhi_loader_use_workers(struct hhi_loader *loader, const char *exe, struct hhi_error *err);

/* Release the loader.  Loaded modules stay resident (see loader.c). */
void hhi_loader_free(struct hhi_loader *loader);

/*
 * Load the plugin file (absolute, or relative to the plugin directory),
 * check its SHA-256 when sha256 (hex) is not NULL, run the ABI handshake
 * and validate its declarations.  Errors are HHI_EPLUGIN with one line
 * naming the file and the reason.
 */
int hhi_loader_load(struct hhi_loader *loader, const char *file, const char *sha256,
                    struct hhi_plugin **out, struct hhi_error *err);

void hhi_plugin_free(struct hhi_plugin *plugin);

/*
 * The first half of loading: resolve file in the plugin directory, run the
 * trust checks and the SHA-256 check (when sha256 is not NULL) on the open
 * descriptor.  *real (malloc'ed) and *fd (O_CLOEXEC) go to the caller.
 */
int hhi_loader_open(struct hhi_loader *loader, const char *file, const char *sha256,
                    char **real, int *fd, struct hhi_error *err);

/*
 * The second half, in this process: load the library open at fd through
 * /proc/self/fd/N, hand api to its entry function and validate what it
 * declares.  fd is taken over: once the module is mapped it stays open for
 * the life of the process (the module is resident and known by that
 * number), else it is closed.  Worker processes load their plugin with it.
 */
int hhi_plugin_load_fd(const char *path, int fd, const struct hh_host_api *api,
                       struct hhi_plugin **out, struct hhi_error *err);

/*
 * Validate a plugin whose desc was filled from a worker's description (see
 * worker_facts.c) as a loaded plugin's is, and compile its schema.
 */
int hhi_plugin_check_described(struct hhi_plugin *p, struct hhi_error *err);

/* Is name a valid hook type name (Org::Service::Name)? */
bool hhi_type_name_valid(const char *name);

/* Does the plugin declare a handler for this point and action whose targets match type? */
bool hhi_plugin_targets(const struct hhi_plugin *plugin, const char *type, int32_t point,
                        int32_t action);

/* Handler number i of the plugin (read with the plugin's own element size). */
const struct hh_handler *hhi_plugin_handler(const struct hhi_plugin *plugin, size_t i);

/* Could the plugin's handlers ever match a type that pattern matches? */
bool hhi_plugin_targets_pattern(const struct hhi_plugin *plugin, const char *pattern);

#endif
