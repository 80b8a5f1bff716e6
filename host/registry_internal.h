/* Shared by the registry's files; not part of its interface. */
#ifndef HOOKHOST_HOST_REGISTRY_INTERNAL_H
#define HOOKHOST_HOST_REGISTRY_INTERNAL_H

#include <limits.h>

#include "loader.h"
#include "registry.h"

#define HHI_REGISTRY_FORMAT 1

struct hhi_registry {
    struct hhi_registry_options opts;
    char root[PATH_MAX];
    char account[72];
    char account_dir[PATH_MAX];
    char plugin_dir[PATH_MAX];
    char index_path[PATH_MAX];
    int lock_fd;
    json_object *index;
    bool dirty;
    struct hhi_loader *loader;      /* created on first use */
    struct hhi_plugin **plugins;    /* loaded for validation, by file */
    size_t plugin_count;
    char **added;                   /* version files moved in, not committed yet */
    size_t added_count;
};

/* registry_store.c */
int hhi_registry_store_open(struct hhi_registry *reg, bool *missing, struct hhi_error *err);
int hhi_registry_store_commit(struct hhi_registry *reg, struct hhi_error *err);
void hhi_registry_store_close(struct hhi_registry *reg);
/* fsync a directory, so a rename in it survives a power cut. 0 or -1. */
int hhi_registry_sync_dir(const char *dir);
int hhi_registry_check_index(const struct hhi_registry *reg, json_object *index,
                             struct hhi_error *err);

/* registry.c */
json_object *hhi_registry_types(const struct hhi_registry *reg);
json_object *hhi_registry_activations(const struct hhi_registry *reg);
/* The plugin of a type's default version, loaded (SHA-256 checked) once. */
int hhi_registry_load_default(struct hhi_registry *reg, const char *type,
                              const struct hhi_plugin **out, struct hhi_error *err);

/* registry_quota.c: would the active hooks break a quota? */
int hhi_registry_check_quotas(struct hhi_registry *reg, struct hhi_error *err);

#endif
