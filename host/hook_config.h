/*
 * A hook's type configuration, in CloudFormation's shape:
 *   {"CloudFormationConfiguration": {"HookConfiguration": {
 *      "HookInvocationStatus", "TargetStacks", "FailureMode", "Properties",
 *      "TargetFilters", "StackFilters"}}}
 * Parsing checks every field and names the JSON path of a problem;
 * Properties are validated separately, against the plugin's schema.
 */
#ifndef HOOKHOST_HOST_HOOK_CONFIG_H
#define HOOKHOST_HOST_HOOK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

/* CloudFormation's limit on the items of each filter array. */
#define HHI_FILTER_ITEMS_MAX 50

/* TargetOperations: what kind of target a hook is invoked for. */
enum hhi_target_operation {
    HHI_OPERATION_RESOURCE = 0,
    HHI_OPERATION_STACK = 1,
    HHI_OPERATION_CHANGE_SET = 2,
    HHI_OPERATION_CLOUD_CONTROL = 3
};

struct hhi_target {            /* one TargetFilters.Targets item */
    char *name;                /* pattern */
    int32_t action;            /* HH_ACTION_* */
    int32_t point;             /* HH_POINT_* */
};

struct hhi_name_filter {       /* StackNames or StackRoles */
    bool present;
    char **include;
    size_t include_count;
    char **exclude;
    size_t exclude_count;
};

struct hhi_hook_config {
    bool enabled;              /* HookInvocationStatus ENABLED */
    bool all_stacks;           /* TargetStacks ALL (NONE turns the hook off) */
    int32_t failure_mode;      /* HH_FAILURE_MODE_* */
    json_object *properties;   /* owned reference; an empty object when absent */

    unsigned operation_mask;   /* TargetOperations: bit per HHI_OPERATION_* */
    unsigned action_mask;      /* bit per HH_ACTION_*; all when not filtered */
    unsigned point_mask;       /* bit per HH_POINT_* */
    char **target_names;       /* TargetFilters.TargetNames; none = every type */
    size_t target_name_count;
    struct hhi_target *targets;/* TargetFilters.Targets form */
    size_t target_count;

    bool stack_filter_any;     /* FilteringCriteria ANY (default ALL) */
    struct hhi_name_filter stack_names;
    struct hhi_name_filter stack_roles;
};

/*
 * Parse doc (the object holding "CloudFormationConfiguration") into *out.
 * default_failure_mode applies when FailureMode is absent.  what prefixes
 * error messages, which are HHI_ECONFIG "<what>: <json path>: <why>".
 */
int hhi_hook_config_parse(struct hhi_hook_config *out, json_object *doc,
                          int32_t default_failure_mode, const char *what,
                          struct hhi_error *err);

void hhi_hook_config_release(struct hhi_hook_config *config);

/* Do the target filters let the hook run on this type, point and action? */
bool hhi_hook_config_targets(const struct hhi_hook_config *config, const char *type,
                             int32_t point, int32_t action);

/* Do the stack filters let the hook run for this stack (NULLs: unknown)? */
bool hhi_hook_config_stack_matches(const struct hhi_hook_config *config,
                                   const char *stack_name, const char *stack_role);

#endif
