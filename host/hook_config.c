#include "config.h"

#include "hook_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "wildcard.h"

#define PATH_ROOT "CloudFormationConfiguration.HookConfiguration"

/* Context of one parse: where errors are reported. */
struct parse {
    const char *what;
    struct hhi_error *err;
};

static int fail(const struct parse *p, const char *path, const char *why)
{
    return hhi_error_set(p->err, HHI_ECONFIG, "%s: %s: %s", p->what, path, why);
}

static int nomem(const struct parse *p)
{
    return hhi_error_set(p->err, HHI_ENOMEM, "%s: out of memory", p->what);
}

/* A JSON string usable as a C string: a "\u0000" inside would cut it short. */
static bool is_c_string(json_object *v)
{
    return json_object_is_type(v, json_type_string) &&
           strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v);
}

/* Refuse members not in allowed: a typo must not silently disable a filter. */
static int check_members(const struct parse *p, json_object *obj, const char *path,
                         const char *const allowed[])
{
    json_object_object_foreach(obj, key, val) {
        size_t i;
        bool ok = false;

        (void)val;
        for (i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char where[512];

            snprintf(where, sizeof(where), "%s.%s", path, key);
            return fail(p, where, "unknown member");
        }
    }
    return HHI_OK;
}

static int get_object(const struct parse *p, json_object *parent, const char *key,
                      const char *path, bool required, json_object **out)
{
    json_object *v = NULL;

    *out = NULL;
    if (!json_object_object_get_ex(parent, key, &v)) {
        if (required)
            return fail(p, path, "required member missing");
        return HHI_OK;
    }
    if (!json_object_is_type(v, json_type_object))
        return fail(p, path, "must be an object");
    *out = v;
    return HHI_OK;
}

/* A string member that must be one of choices; *index gets its position. */
static int get_choice(const struct parse *p, json_object *parent, const char *key,
                      const char *path, const char *const choices[], int *index,
                      const char *why)
{
    json_object *v;
    const char *s;
    int i;

    if (!json_object_object_get_ex(parent, key, &v))
        return HHI_OK; /* keep the default in *index */
    if (!is_c_string(v))
        return fail(p, path, why);
    s = json_object_get_string(v);
    for (i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *index = i;
            return HHI_OK;
        }
    }
    return fail(p, path, why);
}

/* ----------------------------------------------------------- string lists */

static void free_strings(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

typedef bool (*item_check_fn)(const char *s);

static int string_list(const struct parse *p, json_object *arr, const char *path,
                       item_check_fn check, const char *why, char ***out, size_t *count)
{
    size_t i, n;
    char **v;
    char where[512];

    *out = NULL;
    *count = 0;
    if (!json_object_is_type(arr, json_type_array))
        return fail(p, path, "must be an array");
    n = json_object_array_length(arr);
    if (n < 1 || n > HHI_FILTER_ITEMS_MAX)
        return fail(p, path, "must hold 1 to 50 items");
    v = calloc(n, sizeof(*v));
    if (v == NULL)
        return nomem(p);
    for (i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(arr, i);

        snprintf(where, sizeof(where), "%s[%zu]", path, i);
        if (!is_c_string(item) || !check(json_object_get_string(item))) {
            free_strings(v, i);
            return fail(p, where, why);
        }
        v[i] = strdup(json_object_get_string(item));
        if (v[i] == NULL) {
            free_strings(v, i);
            return nomem(p);
        }
    }
    *out = v;
    *count = n;
    return HHI_OK;
}

static bool type_pattern_ok(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        if (i >= 256 || s[i] <= ' ' || s[i] > '~')
            return false;
    }
    return i > 0;
}

/* ^[a-zA-Z][-a-zA-Z0-9]*$ with wildcards allowed. */
static bool stack_name_ok(const char *s)
{
    size_t i;

    if (s[0] == '\0' || strlen(s) > 128)
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        char c = s[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool other = (c >= '0' && c <= '9') || c == '-';

        if (c == '*' || c == '?' || alpha || (i > 0 && other))
            continue;
        return false;
    }
    return true;
}

static bool role_arn_ok(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n <= 256 && strncmp(s, "arn:", 4) == 0 && strstr(s, ":role/") != NULL;
}

/* ---------------------------------------------------------- target filters */

static const char *const action_names[] = { "CREATE", "UPDATE", "DELETE", NULL };
static const char *const point_names[] = { "PRE_PROVISION", "POST_PROVISION", NULL };
static const char *const operation_names[] = { "RESOURCE", "STACK", "CHANGE_SET",
                                               "CLOUD_CONTROL", NULL };

static int enum_mask(const struct parse *p, json_object *arr, const char *path,
                     const char *const names[], const char *why, unsigned *mask)
{
    char where[512];
    size_t i, n;

    if (!json_object_is_type(arr, json_type_array))
        return fail(p, path, "must be an array");
    n = json_object_array_length(arr);
    if (n < 1 || n > HHI_FILTER_ITEMS_MAX)
        return fail(p, path, "must hold 1 to 50 items");
    *mask = 0;
    for (i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(arr, i);
        int k;
        bool ok = false;

        snprintf(where, sizeof(where), "%s[%zu]", path, i);
        for (k = 0; names[k] != NULL && !ok; k++) {
            if (is_c_string(item) && strcmp(json_object_get_string(item), names[k]) == 0) {
                *mask |= 1u << k;
                ok = true;
            }
        }
        if (!ok)
            return fail(p, where, why);
    }
    return HHI_OK;
}

static int parse_target(const struct parse *p, json_object *item, const char *path,
                        struct hhi_target *t)
{
    static const char *const members[] = { "TargetName", "Action", "InvocationPoint", NULL };
    char where[640];
    int action = -1, point = -1, rc;
    json_object *name;

    if (!json_object_is_type(item, json_type_object))
        return fail(p, path, "must be an object");
    rc = check_members(p, item, path, members);
    if (rc != HHI_OK)
        return rc;
    snprintf(where, sizeof(where), "%s.TargetName", path);
    if (!json_object_object_get_ex(item, "TargetName", &name) ||
        !is_c_string(name) || !type_pattern_ok(json_object_get_string(name)))
        return fail(p, where, "a target type name (wildcards allowed) is required");
    snprintf(where, sizeof(where), "%s.Action", path);
    rc = get_choice(p, item, "Action", where, action_names, &action,
                    "must be CREATE, UPDATE or DELETE");
    if (rc == HHI_OK && action < 0)
        rc = fail(p, where, "required member missing");
    snprintf(where, sizeof(where), "%s.InvocationPoint", path);
    if (rc == HHI_OK)
        rc = get_choice(p, item, "InvocationPoint", where, point_names, &point,
                        "must be PRE_PROVISION or POST_PROVISION");
    if (rc == HHI_OK && point < 0)
        rc = fail(p, where, "required member missing");
    if (rc != HHI_OK)
        return rc;
    t->name = strdup(json_object_get_string(name));
    if (t->name == NULL)
        return nomem(p);
    t->action = action;
    t->point = point;
    return HHI_OK;
}

static int parse_targets(const struct parse *p, json_object *arr, const char *path,
                         struct hhi_hook_config *c)
{
    char where[512];
    size_t i, n;
    int rc;

    if (!json_object_is_type(arr, json_type_array))
        return fail(p, path, "must be an array");
    n = json_object_array_length(arr);
    if (n < 1 || n > HHI_FILTER_ITEMS_MAX)
        return fail(p, path, "must hold 1 to 50 items");
    c->targets = calloc(n, sizeof(*c->targets));
    if (c->targets == NULL)
        return nomem(p);
    for (i = 0; i < n; i++) {
        snprintf(where, sizeof(where), "%s[%zu]", path, i);
        rc = parse_target(p, json_object_array_get_idx(arr, i), where, &c->targets[i]);
        if (rc != HHI_OK)
            return rc;
        c->target_count++;
    }
    return HHI_OK;
}

static int parse_target_filters(const struct parse *p, json_object *tf,
                                struct hhi_hook_config *c)
{
    static const char *const members[] = { "Actions", "InvocationPoints", "TargetNames",
                                           "Targets", NULL };
    const char *path = PATH_ROOT ".TargetFilters";
    json_object *v;
    int rc = check_members(p, tf, path, members);

    if (rc != HHI_OK)
        return rc;
    if (json_object_object_get_ex(tf, "Targets", &v)) {
        if (json_object_object_length(tf) != 1)
            return fail(p, path, "Targets cannot be combined with Actions, InvocationPoints or TargetNames");
        return parse_targets(p, v, PATH_ROOT ".TargetFilters.Targets", c);
    }
    if (json_object_object_length(tf) == 0)
        return fail(p, path, "must hold Actions, InvocationPoints, TargetNames or Targets");
    if (json_object_object_get_ex(tf, "Actions", &v))
        rc = enum_mask(p, v, PATH_ROOT ".TargetFilters.Actions", action_names,
                       "must be CREATE, UPDATE or DELETE", &c->action_mask);
    if (rc == HHI_OK && json_object_object_get_ex(tf, "InvocationPoints", &v))
        rc = enum_mask(p, v, PATH_ROOT ".TargetFilters.InvocationPoints", point_names,
                       "must be PRE_PROVISION or POST_PROVISION", &c->point_mask);
    if (rc == HHI_OK && json_object_object_get_ex(tf, "TargetNames", &v))
        rc = string_list(p, v, PATH_ROOT ".TargetFilters.TargetNames", type_pattern_ok,
                         "must be a target type name (wildcards allowed)",
                         &c->target_names, &c->target_name_count);
    return rc;
}

/* ----------------------------------------------------------- stack filters */

static int parse_name_filter(const struct parse *p, json_object *obj, const char *path,
                             item_check_fn check, const char *why,
                             struct hhi_name_filter *f)
{
    static const char *const members[] = { "Include", "Exclude", NULL };
    char where[512];
    json_object *v;
    int rc;

    if (!json_object_is_type(obj, json_type_object))
        return fail(p, path, "must be an object");
    rc = check_members(p, obj, path, members);
    if (rc != HHI_OK)
        return rc;
    if (json_object_object_length(obj) == 0)
        return fail(p, path, "must hold Include or Exclude");
    f->present = true;
    snprintf(where, sizeof(where), "%s.Include", path);
    if (json_object_object_get_ex(obj, "Include", &v))
        rc = string_list(p, v, where, check, why, &f->include, &f->include_count);
    snprintf(where, sizeof(where), "%s.Exclude", path);
    if (rc == HHI_OK && json_object_object_get_ex(obj, "Exclude", &v))
        rc = string_list(p, v, where, check, why, &f->exclude, &f->exclude_count);
    return rc;
}

static int parse_stack_filters(const struct parse *p, json_object *sf,
                               struct hhi_hook_config *c)
{
    static const char *const members[] = { "FilteringCriteria", "StackNames", "StackRoles",
                                           NULL };
    static const char *const criteria[] = { "ALL", "ANY", NULL };
    const char *path = PATH_ROOT ".StackFilters";
    int any = 0;
    json_object *v;
    int rc = check_members(p, sf, path, members);

    if (rc != HHI_OK)
        return rc;
    if (!json_object_object_get_ex(sf, "FilteringCriteria", &v))
        return fail(p, PATH_ROOT ".StackFilters.FilteringCriteria", "required member missing");
    rc = get_choice(p, sf, "FilteringCriteria", PATH_ROOT ".StackFilters.FilteringCriteria",
                    criteria, &any, "must be ALL or ANY");
    c->stack_filter_any = any == 1;
    if (rc == HHI_OK && json_object_object_get_ex(sf, "StackNames", &v))
        rc = parse_name_filter(p, v, PATH_ROOT ".StackFilters.StackNames", stack_name_ok,
                               "must be a stack name (letters, digits, '-', wildcards)",
                               &c->stack_names);
    if (rc == HHI_OK && json_object_object_get_ex(sf, "StackRoles", &v))
        rc = parse_name_filter(p, v, PATH_ROOT ".StackFilters.StackRoles", role_arn_ok,
                               "must be an IAM role ARN (wildcards allowed)",
                               &c->stack_roles);
    if (rc == HHI_OK && !c->stack_names.present && !c->stack_roles.present)
        rc = fail(p, path, "must hold StackNames or StackRoles");
    return rc;
}

/* ------------------------------------------------------------------- parse */

static int parse_scalars(const struct parse *p, json_object *hc, struct hhi_hook_config *c)
{
    static const char *const status[] = { "ENABLED", "DISABLED", NULL };
    static const char *const stacks[] = { "ALL", "NONE", NULL };
    static const char *const modes[] = { "FAIL", "WARN", NULL };
    int disabled = -1, none = -1, mode = c->failure_mode;
    int rc;

    rc = get_choice(p, hc, "HookInvocationStatus", PATH_ROOT ".HookInvocationStatus", status,
                    &disabled, "must be ENABLED or DISABLED");
    if (rc == HHI_OK)
        rc = get_choice(p, hc, "TargetStacks", PATH_ROOT ".TargetStacks", stacks, &none,
                        "must be ALL or NONE");
    if (rc == HHI_OK)
        rc = get_choice(p, hc, "FailureMode", PATH_ROOT ".FailureMode", modes, &mode,
                        "must be FAIL or WARN");
    /* Either member alone switches the hook (TargetStacks is CloudFormation's
     * older form of HookInvocationStatus); with neither, it is DISABLED/NONE. */
    if (disabled < 0)
        disabled = none < 0 ? 1 : none;
    if (none < 0)
        none = disabled;
    c->enabled = disabled == 0;
    c->all_stacks = none == 0;
    c->failure_mode = mode == 1 ? HH_FAILURE_MODE_WARN : HH_FAILURE_MODE_FAIL;
    return rc;
}

static int parse_properties(const struct parse *p, json_object *hc, struct hhi_hook_config *c)
{
    json_object *v;

    if (!json_object_object_get_ex(hc, "Properties", &v)) {
        c->properties = json_object_new_object();
        return c->properties != NULL ? HHI_OK : nomem(p);
    }
    if (!json_object_is_type(v, json_type_object))
        return fail(p, PATH_ROOT ".Properties", "must be an object");
    json_object_object_foreach(v, key, val) {
        (void)val;
        if (strncmp(key, "CloudFormation", 14) == 0) {
            char where[512];

            snprintf(where, sizeof(where), PATH_ROOT ".Properties.%s", key);
            return fail(p, where, "property names may not start with CloudFormation");
        }
    }
    c->properties = json_object_get(v);
    return HHI_OK;
}

static int parse_hook_configuration(const struct parse *p, json_object *hc,
                                    struct hhi_hook_config *c)
{
    static const char *const members[] = { "HookInvocationStatus", "TargetStacks",
                                           "FailureMode", "Properties", "TargetOperations",
                                           "TargetFilters", "StackFilters", NULL };
    json_object *v;
    int rc = check_members(p, hc, PATH_ROOT, members);

    if (rc == HHI_OK)
        rc = parse_scalars(p, hc, c);
    if (rc == HHI_OK)
        rc = parse_properties(p, hc, c);
    if (rc == HHI_OK && json_object_object_get_ex(hc, "TargetOperations", &v))
        rc = enum_mask(p, v, PATH_ROOT ".TargetOperations", operation_names,
                       "must be RESOURCE, STACK, CHANGE_SET or CLOUD_CONTROL",
                       &c->operation_mask);
    if (rc == HHI_OK)
        rc = get_object(p, hc, "TargetFilters", PATH_ROOT ".TargetFilters", false, &v);
    if (rc == HHI_OK && v != NULL)
        rc = parse_target_filters(p, v, c);
    if (rc == HHI_OK)
        rc = get_object(p, hc, "StackFilters", PATH_ROOT ".StackFilters", false, &v);
    if (rc == HHI_OK && v != NULL)
        rc = parse_stack_filters(p, v, c);
    return rc;
}

int hhi_hook_config_parse(struct hhi_hook_config *out, json_object *doc,
                          int32_t default_failure_mode, const char *what,
                          struct hhi_error *err)
{
    struct parse p = { what, err };
    json_object *cfn, *hc;
    int rc;

    memset(out, 0, sizeof(*out));
    out->failure_mode = default_failure_mode;
    out->operation_mask = 1u << HHI_OPERATION_RESOURCE;
    out->action_mask = (1u << HH_ACTION_COUNT) - 1;
    out->point_mask = (1u << HH_POINT_COUNT) - 1;
    rc = get_object(&p, doc, "CloudFormationConfiguration", "CloudFormationConfiguration",
                    true, &cfn);
    if (rc == HHI_OK)
        rc = check_members(&p, cfn, "CloudFormationConfiguration",
                           (const char *const[]){ "HookConfiguration", NULL });
    if (rc == HHI_OK)
        rc = get_object(&p, cfn, "HookConfiguration", PATH_ROOT, true, &hc);
    if (rc == HHI_OK)
        rc = parse_hook_configuration(&p, hc, out);
    if (rc != HHI_OK)
        hhi_hook_config_release(out);
    return rc;
}

static void release_name_filter(struct hhi_name_filter *f)
{
    free_strings(f->include, f->include_count);
    free_strings(f->exclude, f->exclude_count);
    memset(f, 0, sizeof(*f));
}

void hhi_hook_config_release(struct hhi_hook_config *c)
{
    size_t i;

    json_object_put(c->properties);
    free_strings(c->target_names, c->target_name_count);
    for (i = 0; i < c->target_count; i++)
        free(c->targets[i].name);
    free(c->targets);
    release_name_filter(&c->stack_names);
    release_name_filter(&c->stack_roles);
    memset(c, 0, sizeof(*c));
}

/* ---------------------------------------------------------------- matching */

static bool any_match(char *const *patterns, size_t n, const char *text)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (hhi_wildcard_match(patterns[i], text))
            return true;
    }
    return false;
}

bool hhi_hook_config_targets(const struct hhi_hook_config *c, const char *type,
                             int32_t point, int32_t action)
{
    size_t i;

    /* Every operation hookhost judges today is a resource operation. */
    if (!(c->operation_mask & (1u << HHI_OPERATION_RESOURCE)))
        return false;
    if (c->target_count > 0) {
        for (i = 0; i < c->target_count; i++) {
            if (c->targets[i].action == action && c->targets[i].point == point &&
                hhi_wildcard_match(c->targets[i].name, type))
                return true;
        }
        return false;
    }
    if (!(c->action_mask & (1u << action)) || !(c->point_mask & (1u << point)))
        return false;
    return c->target_name_count == 0 || any_match(c->target_names, c->target_name_count, type);
}

/* Include (when given) must match and Exclude must not. */
static bool name_filter_matches(const struct hhi_name_filter *f, const char *value)
{
    if (value == NULL)
        value = "";
    if (any_match(f->exclude, f->exclude_count, value))
        return false;
    return f->include_count == 0 || any_match(f->include, f->include_count, value);
}

bool hhi_hook_config_stack_matches(const struct hhi_hook_config *c, const char *stack_name,
                                   const char *stack_role)
{
    bool names, roles;

    if (!c->stack_names.present && !c->stack_roles.present)
        return true;
    names = c->stack_names.present ? name_filter_matches(&c->stack_names, stack_name) : true;
    roles = c->stack_roles.present ? name_filter_matches(&c->stack_roles, stack_role) : true;
    if (!c->stack_filter_any)
        return names && roles;
    return (c->stack_names.present && names) || (c->stack_roles.present && roles);
}
