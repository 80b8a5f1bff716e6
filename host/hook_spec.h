/*
 * What makes a hook active, wherever it is kept: the plugin file, how it is
 * named and ordered, and its type configuration.  The registry and a hooks
 * directory both produce these; the hook set is built from them.
 */
#ifndef HOOKHOST_HOST_HOOK_SPEC_H
#define HOOKHOST_HOST_HOOK_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "arena.h"
#include "error.h"
#include "isolation.h"

#define HHI_PRIORITY_MIN (-1000)
#define HHI_PRIORITY_MAX 1000

struct hhi_hook_spec {
    const char *source;        /* where it is kept, for messages */
    const char *plugin_file;   /* absolute, or relative to the plugin directory */
    const char *sha256;        /* expected SHA-256 of the file (hex), or NULL */
    const char *name;          /* activated as (alias), or NULL: the type name */
    const char *version;       /* registry version ("00000001"), or NULL */
    int32_t priority;          /* run order: ascending, then name */
    json_object *configuration;/* holds CloudFormationConfiguration, or NULL */
    struct hhi_containment containment; /* zero members: the defaults */
};

struct hhi_hook_specs {
    struct hhi_hook_spec *v;
    size_t count;
    size_t cap;
    json_object **docs;        /* owned */
    size_t doc_count;
    struct hhi_arena strings;  /* owned copies */
};

void hhi_hook_specs_init(struct hhi_hook_specs *s);
void hhi_hook_specs_release(struct hhi_hook_specs *s);

/* Append spec; its strings are copied, its configuration referenced. */
int hhi_hook_specs_add(struct hhi_hook_specs *s, const struct hhi_hook_spec *spec,
                       struct hhi_error *err);

/*
 * Read a hooks directory: one JSON file per hook, in name order:
 *   {"plugin": FILE, "typeNameAlias": NAME, "priority": N,
 *    "isolation": "process" | "in-process", "timeoutSeconds": N,
 *    "memoryMiB": N, "allow": ["network", "exec"],
 *    "CloudFormationConfiguration": {...}}
 * A file over max_config_bytes is refused (HHI_EQUOTA).
 */
int hhi_hooks_dir_read(struct hhi_hook_specs *out, const char *dir, size_t max_files,
                       size_t max_config_bytes, struct hhi_error *err);

#endif
