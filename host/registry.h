/*
 * The private hook registry: CloudFormation's registry model on local disk,
 * one directory per account under the registry root:
 *
 *   ROOT/accounts/ACCOUNT/registry.json     the index (replaced atomically)
 *   ROOT/accounts/ACCOUNT/.lock             serialises writers (flock)
 *   ROOT/accounts/ACCOUNT/plugins/TYPE/00000001.so   registered copies
 *
 * Every change is made under the exclusive lock: new plugin files are
 * written (fsync, rename) before the index names them, the index is written
 * to a temporary file, fsync'd and renamed over the old one, and files no
 * index names are collected by the next writer.  A writer killed at any
 * point leaves the previous or the new index, both complete.  Directories
 * and files are created writable by their owner only, and a registry that
 * others can write is refused unless explicitly allowed.
 */
#ifndef HOOKHOST_HOST_REGISTRY_H
#define HOOKHOST_HOST_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"
#include "hook_spec.h"
#include "host_config.h"

#define HHI_VERSION_ID_LEN 8  /* "00000001" */

struct hhi_registry;

struct hhi_registry_options {
    const char *root;           /* the registry root */
    const char *account;        /* "default" unless given */
    bool writable;              /* lock exclusively, create what is missing */
    bool allow_insecure;        /* accept files and directories others can write */
    struct hhi_limits limits;
    const char *worker_exe;     /* not NULL: plugins are described by worker
                                   processes run from it (HHI_WORKER_EXE),
                                   never loaded into this one */
};

/* Is name a valid account name ([A-Za-z0-9][A-Za-z0-9_.-]{0,63})? */
bool hhi_account_name_valid(const char *name);

/*
 * Open an account's registry: take its lock (shared to read, exclusive to
 * write) and read its index.  A registry that does not exist yet opens
 * empty for writing; for reading it is HHI_ENOTFOUND-like HHI_ECONFIG
 * unless *missing is non-NULL, which is then set and HHI_OK returned.
 */
int hhi_registry_open(struct hhi_registry **out, const struct hhi_registry_options *opts,
                      bool *missing, struct hhi_error *err);

/* Release the lock and the memory; uncommitted changes are dropped. */
void hhi_registry_close(struct hhi_registry *reg);

/* Write the changed index atomically (a no-op when nothing changed). */
int hhi_registry_commit(struct hhi_registry *reg, struct hhi_error *err);

/* The index document, for listing and describing (borrowed). */
json_object *hhi_registry_index(const struct hhi_registry *reg);

/* The account's plugin directory (absolute). */
const char *hhi_registry_plugin_dir(const struct hhi_registry *reg);

/* --------------------------------------------------------------- verbs */

/* Copy file in as a new version of the type it declares. */
int hhi_registry_register(struct hhi_registry *reg, const char *file, char *type_out,
                          size_t type_cap, char version_out[HHI_VERSION_ID_LEN + 1],
                          struct hhi_error *err);

int hhi_registry_set_default_version(struct hhi_registry *reg, const char *type,
                                     const char *version, struct hhi_error *err);

/*
 * Activate type under name (alias, or NULL for the type name itself),
 * at priority (when has_priority).  containment, when not NULL, holds the
 * containment members to set ("isolation", "timeoutSeconds", "memoryMiB",
 * "allow": see isolation.h); re-activating keeps the configuration and the
 * members not given.
 */
int hhi_registry_activate(struct hhi_registry *reg, const char *type, const char *alias,
                          bool has_priority, int32_t priority, json_object *containment,
                          struct hhi_error *err);

int hhi_registry_deactivate(struct hhi_registry *reg, const char *name, struct hhi_error *err);

/* Set an activation's configuration from JSON text (validated, quotas checked). */
int hhi_registry_set_configuration(struct hhi_registry *reg, const char *name,
                                   const char *text, size_t len, const char *what,
                                   struct hhi_error *err);

/* Remove one version, or the whole type when version is NULL. */
int hhi_registry_deregister(struct hhi_registry *reg, const char *type, const char *version,
                            struct hhi_error *err);

/* The active hooks, default version of each, with their configuration. */
int hhi_registry_specs(struct hhi_registry *reg, struct hhi_hook_specs *out,
                       struct hhi_error *err);

#endif
