#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hook_config.h"
#include "input.h"
#include "registry_internal.h"
#include "wildcard.h"

/*
 * The quota of hooks per resource is checked on patterns, since the types
 * to come are unknown: a hook counts for a pattern when one of its target
 * patterns (its plugin's, narrowed by its TargetFilters) could match a type
 * the pattern matches.  Hooks whose patterns are all literal type names
 * count exactly: on a wildcard pattern, only those naming one same type
 * add up (a hook on "*" with one on AWS::S3::Bucket and one on
 * AWS::SNS::Topic makes two per resource, not three).  Wildcard patterns
 * still over-approximate when three overlap pairwise but share no type: a
 * refusal may then be stricter than needed, never looser; the evaluation
 * checks exact types again.
 */

#define MAX_PATTERNS 256

struct hook_targets {
    const char *name;
    const char *patterns[MAX_PATTERNS];
    size_t count;
    bool literal_only;                  /* no pattern has a wildcard */
    size_t literal_hooks[MAX_PATTERNS]; /* literal-only hooks naming patterns[i] */
};

static void add_pattern(struct hook_targets *h, const char *pattern)
{
    if (h->count < MAX_PATTERNS)
        h->patterns[h->count++] = pattern;
}

static bool plugin_overlaps(const struct hhi_plugin *p, const char *pattern)
{
    return hhi_plugin_targets_pattern(p, pattern);
}

static void plugin_patterns(const struct hhi_plugin *p, struct hook_targets *h)
{
    size_t i, j;

    for (i = 0; i < p->desc.handler_count; i++) {
        const struct hh_handler *hd = hhi_plugin_handler(p, i);

        for (j = 0; j < hd->target_name_count; j++)
            add_pattern(h, hd->target_names[j]);
    }
}

/* What the hook can run on; false when it is switched off. */
static bool effective_targets(const struct hhi_plugin *p, const struct hhi_hook_config *cfg,
                              struct hook_targets *h)
{
    size_t i;

    if (!cfg->enabled || !cfg->all_stacks)
        return false;
    if (cfg->target_count > 0) {
        for (i = 0; i < cfg->target_count; i++)
            add_pattern(h, cfg->targets[i].name);
    } else if (cfg->target_name_count > 0) {
        for (i = 0; i < cfg->target_name_count; i++) {
            if (plugin_overlaps(p, cfg->target_names[i]))
                add_pattern(h, cfg->target_names[i]);
        }
    } else {
        plugin_patterns(p, h);
    }
    return h->count > 0;
}

static bool hooks_overlap(const struct hook_targets *h, const char *pattern)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        if (hhi_wildcard_overlap(h->patterns[i], pattern))
            return true;
    }
    return false;
}

static bool names_type(const struct hook_targets *h, const char *type)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        if (strcmp(h->patterns[i], type) == 0)
            return true;
    }
    return false;
}

static void count_literals(struct hook_targets *hooks, size_t n)
{
    size_t i, j, k;

    for (i = 0; i < n; i++) {
        hooks[i].literal_only = hooks[i].count > 0;
        for (j = 0; j < hooks[i].count; j++) {
            if (hhi_wildcard_has_wildcard(hooks[i].patterns[j]))
                hooks[i].literal_only = false;
        }
    }
    for (i = 0; i < n; i++) {
        for (j = 0; hooks[i].literal_only && j < hooks[i].count; j++) {
            hooks[i].literal_hooks[j] = 0;
            for (k = 0; k < n; k++)
                hooks[i].literal_hooks[j] +=
                    hooks[k].literal_only && names_type(&hooks[k], hooks[i].patterns[j]);
        }
    }
}

/* At most how many hooks run on one type the pattern matches. */
static size_t hooks_on(const struct hook_targets *hooks, size_t n, const char *pattern)
{
    size_t count = 0, most = 0, j, k;
    bool wild = hhi_wildcard_has_wildcard(pattern);

    for (k = 0; k < n; k++) {
        if (!wild || !hooks[k].literal_only) {
            count += hooks_overlap(&hooks[k], pattern) ? 1 : 0;
            continue;
        }
        for (j = 0; j < hooks[k].count; j++) {
            if (hooks[k].literal_hooks[j] > most && hhi_wildcard_match(pattern, hooks[k].patterns[j]))
                most = hooks[k].literal_hooks[j];
        }
    }
    return count + most;
}

static int check_per_resource(const struct hhi_registry *reg, struct hook_targets *hooks,
                              size_t n, struct hhi_error *err)
{
    size_t limit = reg->opts.limits.max_hooks_per_resource, i, j;

    count_literals(hooks, n);
    for (i = 0; i < n; i++) {
        for (j = 0; j < hooks[i].count; j++) {
            const char *pattern = hooks[i].patterns[j];
            size_t count = hooks_on(hooks, n, pattern);

            if (count > limit)
                return hhi_error_set(err, HHI_EQUOTA,
                                     "%zu active hooks could run on a resource of type %s, more than the quota of %zu hooks per resource",
                                     count, pattern, limit);
        }
    }
    return HHI_OK;
}

/* Parse an activation's configuration, or the empty one. */
static int parse_config(json_object *doc, const struct hhi_plugin *p, struct hhi_hook_config *cfg,
                        const char *name, struct hhi_error *err)
{
    json_object *empty = NULL;
    int rc;

    if (doc == NULL) {
        /* Not json_tokener_parse: json-c 0.16's tokener crashes out of memory. */
        static const char none[] = "{\"CloudFormationConfiguration\":{\"HookConfiguration\":{}}}";

        rc = hhi_json_parse("(no configuration)", none, sizeof(none) - 1, &empty, err);
        if (rc != HHI_OK)
            return rc;
    }
    rc = hhi_hook_config_parse(cfg, doc != NULL ? doc : empty, p->desc.default_failure_mode,
                               name, err);
    json_object_put(empty);
    return rc;
}

static int collect(struct hhi_registry *reg, struct hook_targets *hooks,
                   struct hhi_hook_config *cfgs, size_t *n, struct hhi_error *err)
{
    size_t active = 0;
    int rc;

    json_object_object_foreach(hhi_registry_activations(reg), name, a) {
        const struct hhi_plugin *p;

        if (!json_object_get_boolean(json_object_object_get(a, "active")))
            continue;
        if (++active > reg->opts.limits.max_active_hooks)
            return hhi_error_set(err, HHI_EQUOTA,
                                 "account %s would have more than %zu active hooks, the quota",
                                 reg->account, reg->opts.limits.max_active_hooks);
        rc = hhi_registry_load_default(reg, json_object_get_string(json_object_object_get(a, "type")),
                                       &p, err);
        if (rc == HHI_OK)
            rc = parse_config(json_object_object_get(a, "configuration"), p, &cfgs[*n], name, err);
        if (rc != HHI_OK)
            return rc;
        memset(&hooks[*n], 0, sizeof(hooks[*n]));
        hooks[*n].name = name;
        (*n)++;
        if (!effective_targets(p, &cfgs[*n - 1], &hooks[*n - 1]))
            hooks[*n - 1].count = 0;
    }
    return HHI_OK;
}

int hhi_registry_check_quotas(struct hhi_registry *reg, struct hhi_error *err)
{
    size_t max = (size_t)json_object_object_length(hhi_registry_activations(reg)) + 1;
    struct hook_targets *hooks = calloc(max, sizeof(*hooks));
    struct hhi_hook_config *cfgs = calloc(max, sizeof(*cfgs));
    size_t n = 0, i;
    int rc;

    if (hooks == NULL || cfgs == NULL) {
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
        goto done;
    }
    rc = collect(reg, hooks, cfgs, &n, err);
    if (rc == HHI_OK)
        rc = check_per_resource(reg, hooks, n, err);
done:
    for (i = 0; cfgs != NULL && i < n; i++)
        hhi_hook_config_release(&cfgs[i]);
    free(cfgs);
    free(hooks);
    return rc;
}
