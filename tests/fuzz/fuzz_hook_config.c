/*
 * A hook configuration, as hookset.c loads a hooks.d file: the JSON text,
 * hhi_hook_config_parse, the target and stack filters asked about a few
 * operations, and the Properties validated against a shipped plugin's
 * configuration schema.  Either the configuration is accepted with
 * consistent filters, or it is refused with a one-line error naming it.
 */
#include "config.h"

#include <json-c/json.h>

#include <hookhost/plugin.h>

#include "fuzz.h"
#include "hook_config.h"
#include "input.h"
#include "schema.h"
#include "wildcard.h"

#define WHAT "hooks.d/fuzz.json: hook Fuzz::Hook"

/* plugins/ec2-instance-type.c's configuration schema (keep in step). */
static const char ec2_schema[] =
    "{\"type\":\"object\","
    "\"properties\":{\"AllowedInstanceTypes\":{"
    "\"description\":\"Instance types allowed; '*' matches any run of characters and '?' "
    "one character, e.g. t3.* or t3a.micro\","
    "\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"uniqueItems\":true,"
    "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,"
    "\"pattern\":\"^[a-z0-9*?][a-z0-9*?-]*([.][a-z0-9*?-]+)?$\"}}},"
    "\"required\":[\"AllowedInstanceTypes\"],"
    "\"additionalProperties\":false}";

static const char *const types[] = {
    "AWS::S3::Bucket", "AWS::EC2::Instance", "AWS::RDS::DBInstance", "", "*", NULL,
};

static const char *const stacks[] = { "my-stack", "prod-web", "", NULL };
static const char *const roles[] = {
    "arn:aws:iam::123456789012:role/deploy", "arn:aws:iam::123456789012:role/dev", "", NULL,
};

/* Compiled once and kept: the schema a plugin would hand the host. */
static struct hhi_schema *plugin_schema(void)
{
    static struct hhi_schema *schema;
    struct hhi_error err = { 0, "" };
    json_object *doc = NULL;

    if (schema != NULL)
        return schema;
    FUZZ_CHECK(hhi_json_parse("ec2 schema", ec2_schema, strlen(ec2_schema), &doc, &err) ==
               HHI_OK);
    FUZZ_CHECK(hhi_schema_compile(&schema, doc, "ec2 schema", &err) == HHI_OK);
    json_object_put(doc);   /* the schema keeps its own reference */
    return schema;
}

/* Ask the target filters about every point and action of one type name. */
static void ask_targets(const struct hhi_hook_config *c, const char *type)
{
    int32_t point, action;

    for (point = 0; point < HH_POINT_COUNT; point++) {
        for (action = 0; action < HH_ACTION_COUNT; action++)
            (void)hhi_hook_config_targets(c, type, point, action);
    }
}

static void check_targets(const struct hhi_hook_config *c)
{
    size_t i;

    for (i = 0; types[i] != NULL; i++)
        ask_targets(c, types[i]);
    /* Targets form: each item lets its own type (when literal) through. */
    for (i = 0; i < c->target_count; i++) {
        const struct hhi_target *t = &c->targets[i];

        FUZZ_CHECK(t->name != NULL && t->name[0] != '\0');
        FUZZ_CHECK(t->action >= 0 && t->action < HH_ACTION_COUNT);
        FUZZ_CHECK(t->point >= 0 && t->point < HH_POINT_COUNT);
        ask_targets(c, t->name);
        if (!hhi_wildcard_has_wildcard(t->name))
            FUZZ_CHECK(hhi_hook_config_targets(c, t->name, t->point, t->action));
    }
    /* TargetNames form: a literal name passes wherever the masks let it. */
    for (i = 0; i < c->target_name_count; i++) {
        const char *name = c->target_names[i];
        int32_t point, action;

        FUZZ_CHECK(name != NULL && name[0] != '\0');
        for (point = 0; point < HH_POINT_COUNT; point++) {
            for (action = 0; action < HH_ACTION_COUNT; action++) {
                bool masked = (c->action_mask & (1u << action)) != 0 &&
                              (c->point_mask & (1u << point)) != 0;

                if (!hhi_wildcard_has_wildcard(name))
                    FUZZ_CHECK(hhi_hook_config_targets(c, name, point, action) == masked);
            }
        }
    }
    FUZZ_CHECK(c->target_count <= HHI_FILTER_ITEMS_MAX);
    FUZZ_CHECK(c->target_name_count <= HHI_FILTER_ITEMS_MAX);
    FUZZ_CHECK(c->action_mask != 0 && c->action_mask < (1u << HH_ACTION_COUNT));
    FUZZ_CHECK(c->point_mask != 0 && c->point_mask < (1u << HH_POINT_COUNT));
}

/* Every string the parser accepted (Properties aside) is a C string: no NUL inside. */
static void check_no_nul(json_object *v)
{
    size_t i, n;

    switch (json_object_get_type(v)) {
    case json_type_string:
        FUZZ_CHECK(strlen(json_object_get_string(v)) ==
                   (size_t)json_object_get_string_len(v));
        break;
    case json_type_array:
        n = json_object_array_length(v);
        for (i = 0; i < n; i++)
            check_no_nul(json_object_array_get_idx(v, i));
        break;
    case json_type_object: {
        json_object_object_foreach(v, key, member) {
            (void)key;
            check_no_nul(member);
        }
        break;
    }
    default:
        break;
    }
}

static void check_no_nul_outside_properties(json_object *doc)
{
    json_object *cfn = NULL, *hc = NULL;

    FUZZ_CHECK(json_object_object_get_ex(doc, "CloudFormationConfiguration", &cfn));
    FUZZ_CHECK(json_object_object_get_ex(cfn, "HookConfiguration", &hc));
    {
        json_object_object_foreach(hc, key, member) {
            if (strcmp(key, "Properties") != 0)
                check_no_nul(member);
        }
    }
}

static void check_name_filter(const struct hhi_name_filter *f)
{
    size_t i;

    if (!f->present) {
        FUZZ_CHECK(f->include_count == 0 && f->exclude_count == 0);
        return;
    }
    FUZZ_CHECK(f->include_count + f->exclude_count > 0);
    FUZZ_CHECK(f->include_count <= HHI_FILTER_ITEMS_MAX);
    FUZZ_CHECK(f->exclude_count <= HHI_FILTER_ITEMS_MAX);
    for (i = 0; i < f->include_count; i++)
        FUZZ_CHECK(f->include[i] != NULL && f->include[i][0] != '\0');
    for (i = 0; i < f->exclude_count; i++)
        FUZZ_CHECK(f->exclude[i] != NULL && f->exclude[i][0] != '\0');
}

static void check_stacks(const struct hhi_hook_config *c)
{
    size_t i, j;

    check_name_filter(&c->stack_names);
    check_name_filter(&c->stack_roles);
    (void)hhi_hook_config_stack_matches(c, NULL, NULL);
    for (i = 0; stacks[i] != NULL; i++) {
        for (j = 0; roles[j] != NULL; j++)
            (void)hhi_hook_config_stack_matches(c, stacks[i], roles[j]);
        (void)hhi_hook_config_stack_matches(c, stacks[i], NULL);
    }
    for (i = 0; i < c->stack_names.include_count; i++)
        (void)hhi_hook_config_stack_matches(c, c->stack_names.include[i], NULL);
    for (i = 0; i < c->stack_names.exclude_count; i++) {
        const char *name = c->stack_names.exclude[i];

        /* An excluded name never passes the StackNames filter. */
        if (!c->stack_filter_any && !hhi_wildcard_has_wildcard(name))
            FUZZ_CHECK(!hhi_hook_config_stack_matches(c, name, roles[0]));
    }
    for (i = 0; i < c->stack_roles.include_count; i++)
        (void)hhi_hook_config_stack_matches(c, stacks[0], c->stack_roles.include[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { 0, "" };
    struct hhi_hook_config config;
    int32_t default_mode = (size & 1) ? HH_FAILURE_MODE_WARN : HH_FAILURE_MODE_FAIL;
    json_object *doc = NULL;
    int rc;

    rc = hhi_json_parse(WHAT, (const char *)data, size, &doc, &err);
    fuzz_check_error(rc, &err, WHAT ":");
    if (rc != HHI_OK)
        return 0;
    rc = hhi_hook_config_parse(&config, doc, default_mode, WHAT, &err);
    fuzz_check_error(rc, &err, WHAT ": ");
    if (rc == HHI_OK) {
        FUZZ_CHECK(config.failure_mode == HH_FAILURE_MODE_FAIL ||
                   config.failure_mode == HH_FAILURE_MODE_WARN);
        FUZZ_CHECK(json_object_is_type(config.properties, json_type_object));
        check_no_nul_outside_properties(doc);
        check_targets(&config);
        check_stacks(&config);
        rc = hhi_schema_validate(plugin_schema(), config.properties, WHAT, "Properties", &err);
        fuzz_check_error(rc, &err, WHAT ": Properties");
        hhi_hook_config_release(&config);
        FUZZ_CHECK(config.properties == NULL && config.targets == NULL);
    }
    json_object_put(doc);
    return 0;
}
