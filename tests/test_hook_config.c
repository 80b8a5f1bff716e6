#include "config.h"

/*
 * The parser of CloudFormation's HookConfiguration and its matching:
 * every field valid and invalid (with the exact JSON path in the error),
 * the 1..50 item limits, the defaults, wildcards in TargetNames and the
 * stack filters.
 *
 * JSON in the tables is written with single quotes, turned into double
 * quotes before parsing.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hookhost/plugin.h>

#include "hook_config.h"
#include "hookset.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))

#define WHAT "hooks.d/x.json: hook Org::Test::Hook"
#define ROOT "CloudFormationConfiguration.HookConfiguration"
/* A document with the HookConfiguration hc (single quotes). */
#define HC(hc) "{'CloudFormationConfiguration':{'HookConfiguration':" hc "}}"

/* ----------------------------------------------------------------- helpers */

static json_object *parse_quoted(const char *text)
{
    char *copy = strdup(text);
    json_object *doc;
    char *p;

    assert_non_null(copy);
    for (p = copy; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    doc = json_tokener_parse(copy);
    if (doc == NULL)
        fail_msg("test JSON does not parse: %s", copy);
    free(copy);
    return doc;
}

/* Parse the quoted document; the error is left in *err. */
static int parse_config(struct hhi_hook_config *c, const char *text, int32_t default_mode,
                        struct hhi_error *err)
{
    json_object *doc = parse_quoted(text);
    int rc;

    hhi_error_clear(err);
    rc = hhi_hook_config_parse(c, doc, default_mode, WHAT, err);
    json_object_put(doc);
    return rc;
}

/* Parse a document that must be valid. */
static void parse_ok(struct hhi_hook_config *c, const char *text, int32_t default_mode)
{
    struct hhi_error err = { HHI_OK, "" };

    if (parse_config(c, text, default_mode, &err) != HHI_OK)
        fail_msg("%s: refused: %s", text, err.message);
}

/* ------------------------------------------------------------ invalid input */

static const struct invalid_case {
    const char *json;
    const char *message;  /* after WHAT ": " */
} invalid_cases[] = {
    /* the envelope */
    { "{}", "CloudFormationConfiguration: required member missing" },
    { "{'CloudFormationConfiguration':1}", "CloudFormationConfiguration: must be an object" },
    { "{'CloudFormationConfiguration':[]}", "CloudFormationConfiguration: must be an object" },
    { "{'CloudFormationConfiguration':{}}", ROOT ": required member missing" },
    { "{'CloudFormationConfiguration':{'HookConfiguration':{},'Other':{}}}",
      "CloudFormationConfiguration.Other: unknown member" },
    { HC("[]"), ROOT ": must be an object" },
    { HC("null"), ROOT ": must be an object" },
    { HC("{'Bogus':1}"), ROOT ".Bogus: unknown member" },
    { HC("{'hookInvocationStatus':'ENABLED'}"), ROOT ".hookInvocationStatus: unknown member" },
    { HC("{'TargetOperations':['RESOURCES']}"),
      ROOT ".TargetOperations[0]: must be RESOURCE, STACK, CHANGE_SET or CLOUD_CONTROL" },
    { HC("{'TargetOperations':[]}"), ROOT ".TargetOperations: must hold 1 to 50 items" },
    { HC("{'TargetOperations':'RESOURCE'}"), ROOT ".TargetOperations: must be an array" },
    /* scalars */
    { HC("{'HookInvocationStatus':'enabled'}"),
      ROOT ".HookInvocationStatus: must be ENABLED or DISABLED" },
    { HC("{'HookInvocationStatus':true}"),
      ROOT ".HookInvocationStatus: must be ENABLED or DISABLED" },
    { HC("{'HookInvocationStatus':''}"),
      ROOT ".HookInvocationStatus: must be ENABLED or DISABLED" },
    { HC("{'TargetStacks':'SOME'}"), ROOT ".TargetStacks: must be ALL or NONE" },
    { HC("{'TargetStacks':['ALL']}"), ROOT ".TargetStacks: must be ALL or NONE" },
    { HC("{'FailureMode':'IGNORE'}"), ROOT ".FailureMode: must be FAIL or WARN" },
    { HC("{'FailureMode':null}"), ROOT ".FailureMode: must be FAIL or WARN" },
    { HC("{'FailureMode':'warn'}"), ROOT ".FailureMode: must be FAIL or WARN" },
    /* Properties */
    { HC("{'Properties':[]}"), ROOT ".Properties: must be an object" },
    { HC("{'Properties':'x'}"), ROOT ".Properties: must be an object" },
    { HC("{'Properties':{'Ok':1,'CloudFormationX':1}}"),
      ROOT ".Properties.CloudFormationX: property names may not start with CloudFormation" },
    { HC("{'Properties':{'CloudFormation':{}}}"),
      ROOT ".Properties.CloudFormation: property names may not start with CloudFormation" },
    /* TargetFilters */
    { HC("{'TargetFilters':[]}"), ROOT ".TargetFilters: must be an object" },
    { HC("{'TargetFilters':{}}"),
      ROOT ".TargetFilters: must hold Actions, InvocationPoints, TargetNames or Targets" },
    { HC("{'TargetFilters':{'Action':['CREATE']}}"),
      ROOT ".TargetFilters.Action: unknown member" },
    { HC("{'TargetFilters':{'Actions':'CREATE'}}"),
      ROOT ".TargetFilters.Actions: must be an array" },
    { HC("{'TargetFilters':{'Actions':[]}}"),
      ROOT ".TargetFilters.Actions: must hold 1 to 50 items" },
    { HC("{'TargetFilters':{'Actions':['CREATE','create']}}"),
      ROOT ".TargetFilters.Actions[1]: must be CREATE, UPDATE or DELETE" },
    { HC("{'TargetFilters':{'Actions':['UPDATE','DELETE',1]}}"),
      ROOT ".TargetFilters.Actions[2]: must be CREATE, UPDATE or DELETE" },
    { HC("{'TargetFilters':{'Actions':['IMPORT']}}"),
      ROOT ".TargetFilters.Actions[0]: must be CREATE, UPDATE or DELETE" },
    { HC("{'TargetFilters':{'InvocationPoints':['PRE_PROVISION','DURING']}}"),
      ROOT ".TargetFilters.InvocationPoints[1]: must be PRE_PROVISION or POST_PROVISION" },
    { HC("{'TargetFilters':{'InvocationPoints':{}}}"),
      ROOT ".TargetFilters.InvocationPoints: must be an array" },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::Bucket','']}}"),
      ROOT ".TargetFilters.TargetNames[1]: must be a target type name (wildcards allowed)" },
    { HC("{'TargetFilters':{'TargetNames':['AWS S3']}}"),
      ROOT ".TargetFilters.TargetNames[0]: must be a target type name (wildcards allowed)" },
    { HC("{'TargetFilters':{'TargetNames':[3]}}"),
      ROOT ".TargetFilters.TargetNames[0]: must be a target type name (wildcards allowed)" },
    { HC("{'TargetFilters':{'TargetNames':[]}}"),
      ROOT ".TargetFilters.TargetNames: must hold 1 to 50 items" },
    { HC("{'TargetFilters':{'TargetNames':'AWS::S3::Bucket'}}"),
      ROOT ".TargetFilters.TargetNames: must be an array" },
    /* Targets, and its exclusivity */
    { HC("{'TargetFilters':{'Actions':['CREATE'],'Targets':[{'TargetName':'AWS::S3::Bucket',"
         "'Action':'CREATE','InvocationPoint':'PRE_PROVISION'}]}}"),
      ROOT ".TargetFilters: Targets cannot be combined with Actions, InvocationPoints or TargetNames" },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::Bucket'],'Targets':[]}}"),
      ROOT ".TargetFilters: Targets cannot be combined with Actions, InvocationPoints or TargetNames" },
    { HC("{'TargetFilters':{'InvocationPoints':['PRE_PROVISION'],'Targets':[]}}"),
      ROOT ".TargetFilters: Targets cannot be combined with Actions, InvocationPoints or TargetNames" },
    { HC("{'TargetFilters':{'Targets':{}}}"), ROOT ".TargetFilters.Targets: must be an array" },
    { HC("{'TargetFilters':{'Targets':[]}}"),
      ROOT ".TargetFilters.Targets: must hold 1 to 50 items" },
    { HC("{'TargetFilters':{'Targets':['AWS::S3::Bucket']}}"),
      ROOT ".TargetFilters.Targets[0]: must be an object" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION','Extra':1}]}}"),
      ROOT ".TargetFilters.Targets[1].Extra: unknown member" },
    { HC("{'TargetFilters':{'Targets':[{'Action':'CREATE','InvocationPoint':'PRE_PROVISION'}]}}"),
      ROOT ".TargetFilters.Targets[0].TargetName: a target type name (wildcards allowed) is required" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"),
      ROOT ".TargetFilters.Targets[0].TargetName: a target type name (wildcards allowed) is required" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"),
      ROOT ".TargetFilters.Targets[0].Action: required member missing" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'MODIFY',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"),
      ROOT ".TargetFilters.Targets[0].Action: must be CREATE, UPDATE or DELETE" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE'}]}}"),
      ROOT ".TargetFilters.Targets[0].InvocationPoint: required member missing" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'LATER'}]}}"),
      ROOT ".TargetFilters.Targets[0].InvocationPoint: must be PRE_PROVISION or POST_PROVISION" },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':['CREATE'],"
         "'InvocationPoint':'PRE_PROVISION'}]}}"),
      ROOT ".TargetFilters.Targets[0].Action: must be CREATE, UPDATE or DELETE" },
    /* StackFilters */
    { HC("{'StackFilters':[]}"), ROOT ".StackFilters: must be an object" },
    { HC("{'StackFilters':{'StackNames':{'Include':['prod']}}}"),
      ROOT ".StackFilters.FilteringCriteria: required member missing" },
    { HC("{'StackFilters':{'FilteringCriteria':'SOME','StackNames':{'Include':['prod']}}}"),
      ROOT ".StackFilters.FilteringCriteria: must be ALL or ANY" },
    { HC("{'StackFilters':{'FilteringCriteria':'any','StackNames':{'Include':['prod']}}}"),
      ROOT ".StackFilters.FilteringCriteria: must be ALL or ANY" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL'}}"),
      ROOT ".StackFilters: must hold StackNames or StackRoles" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','Stacks':{}}}"),
      ROOT ".StackFilters.Stacks: unknown member" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':[]}}"),
      ROOT ".StackFilters.StackNames: must be an object" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{}}}"),
      ROOT ".StackFilters.StackNames: must hold Include or Exclude" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['a'],'Only':['b']}}}"),
      ROOT ".StackFilters.StackNames.Only: unknown member" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':'prod'}}}"),
      ROOT ".StackFilters.StackNames.Include: must be an array" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':[]}}}"),
      ROOT ".StackFilters.StackNames.Include: must hold 1 to 50 items" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod','1bad']}}}"),
      ROOT ".StackFilters.StackNames.Include[1]: must be a stack name (letters, digits, '-', wildcards)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['-prod']}}}"),
      ROOT ".StackFilters.StackNames.Include[0]: must be a stack name (letters, digits, '-', wildcards)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Exclude':['has_underscore']}}}"),
      ROOT ".StackFilters.StackNames.Exclude[0]: must be a stack name (letters, digits, '-', wildcards)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Exclude':['']}}}"),
      ROOT ".StackFilters.StackNames.Exclude[0]: must be a stack name (letters, digits, '-', wildcards)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['ok'],'Exclude':[5]}}}"),
      ROOT ".StackFilters.StackNames.Exclude[0]: must be a stack name (letters, digits, '-', wildcards)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Include':['not-an-arn']}}}"),
      ROOT ".StackFilters.StackRoles.Include[0]: must be an IAM role ARN (wildcards allowed)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Exclude':["
         "'arn:aws:iam::123456789012:role/ok','arn:aws:iam::123456789012:user/x']}}}"),
      ROOT ".StackFilters.StackRoles.Exclude[1]: must be an IAM role ARN (wildcards allowed)" },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{}}}"),
      ROOT ".StackFilters.StackRoles: must hold Include or Exclude" },
};

static void test_invalid_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(invalid_cases); i++) {
        const struct invalid_case *c = &invalid_cases[i];
        struct hhi_error err = { HHI_OK, "" };
        struct hhi_hook_config config;
        char expected[HHI_ERROR_MESSAGE_MAX];
        int rc;

        snprintf(expected, sizeof(expected), "%s: %s", WHAT, c->message);
        rc = parse_config(&config, c->json, HH_FAILURE_MODE_FAIL, &err);
        if (rc != HHI_ECONFIG || err.code != HHI_ECONFIG)
            fail_msg("case %zu %s: rc %d, expected HHI_ECONFIG (%s)", i, c->json, rc,
                     err.message);
        if (strcmp(err.message, expected) != 0)
            fail_msg("case %zu %s:\n  got      %s\n  expected %s", i, c->json, err.message,
                     expected);
        /* A refused configuration leaves nothing behind. */
        assert_null(config.properties);
        assert_null(config.target_names);
        assert_null(config.targets);
        assert_null(config.stack_names.include);
    }
}

/* The wording of the first error stays; a later one does not overwrite it. */
static void test_error_kept(void **state)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_hook_config config;
    json_object *doc = parse_quoted(HC("{'FailureMode':'X'}"));

    (void)state;
    hhi_error_set(&err, HHI_EINPUT, "earlier");
    assert_int_equal(hhi_hook_config_parse(&config, doc, HH_FAILURE_MODE_FAIL, WHAT, &err),
                     HHI_ECONFIG);
    assert_string_equal(err.message, "earlier");
    json_object_put(doc);
}

/* ------------------------------------------------------------ item limits */

/* One array the configuration may hold, wrapped in the rest of a document. */
struct limit_case {
    const char *before;  /* up to the array's '[' */
    const char *item;    /* one valid item */
    const char *after;   /* from the array's ']' */
    const char *path;
    size_t (*count)(const struct hhi_hook_config *c);  /* NULL: not kept as a list */
};

static size_t count_target_names(const struct hhi_hook_config *c)
{
    return c->target_name_count;
}

static size_t count_targets(const struct hhi_hook_config *c)
{
    return c->target_count;
}

static size_t count_name_include(const struct hhi_hook_config *c)
{
    return c->stack_names.include_count;
}

static size_t count_name_exclude(const struct hhi_hook_config *c)
{
    return c->stack_names.exclude_count;
}

static size_t count_role_include(const struct hhi_hook_config *c)
{
    return c->stack_roles.include_count;
}

static size_t count_role_exclude(const struct hhi_hook_config *c)
{
    return c->stack_roles.exclude_count;
}

#define SF_BEFORE "{'CloudFormationConfiguration':{'HookConfiguration':{'StackFilters':" \
                  "{'FilteringCriteria':'ALL',"
#define TF_BEFORE "{'CloudFormationConfiguration':{'HookConfiguration':{'TargetFilters':{"

static const struct limit_case limit_cases[] = {
    { TF_BEFORE "'Actions':[", "'UPDATE'", "]}}}}", ROOT ".TargetFilters.Actions", NULL },
    { TF_BEFORE "'InvocationPoints':[", "'PRE_PROVISION'", "]}}}}",
      ROOT ".TargetFilters.InvocationPoints", NULL },
    { TF_BEFORE "'TargetNames':[", "'AWS::*::Bucket*'", "]}}}}",
      ROOT ".TargetFilters.TargetNames", count_target_names },
    { TF_BEFORE "'Targets':[",
      "{'TargetName':'AWS::S3::?ucket','Action':'DELETE','InvocationPoint':'PRE_PROVISION'}",
      "]}}}}", ROOT ".TargetFilters.Targets", count_targets },
    { SF_BEFORE "'StackNames':{'Include':[", "'prod-*'", "]}}}}}",
      ROOT ".StackFilters.StackNames.Include", count_name_include },
    { SF_BEFORE "'StackNames':{'Exclude':[", "'*-test'", "]}}}}}",
      ROOT ".StackFilters.StackNames.Exclude", count_name_exclude },
    { SF_BEFORE "'StackRoles':{'Include':[", "'arn:aws:iam::*:role/deploy'", "]}}}}}",
      ROOT ".StackFilters.StackRoles.Include", count_role_include },
    { SF_BEFORE "'StackRoles':{'Exclude':[", "'arn:aws:iam::*:role/x'", "]}}}}}",
      ROOT ".StackFilters.StackRoles.Exclude", count_role_exclude },
};

static char *limit_document(const struct limit_case *c, size_t items)
{
    size_t len = strlen(c->before) + strlen(c->after) + items * (strlen(c->item) + 1) + 1;
    char *text = malloc(len);
    size_t i;

    assert_non_null(text);
    strcpy(text, c->before);
    for (i = 0; i < items; i++) {
        if (i > 0)
            strcat(text, ",");
        strcat(text, c->item);
    }
    strcat(text, c->after);
    return text;
}

static void test_item_limits(void **state)
{
    static const size_t sizes[] = { 0, 1, 50, 51 };
    size_t i, k;

    (void)state;
    for (i = 0; i < N_ITEMS(limit_cases); i++) {
        const struct limit_case *c = &limit_cases[i];

        for (k = 0; k < N_ITEMS(sizes); k++) {
            struct hhi_error err = { HHI_OK, "" };
            struct hhi_hook_config config;
            char *text = limit_document(c, sizes[k]);
            bool ok = sizes[k] >= 1 && sizes[k] <= HHI_FILTER_ITEMS_MAX;
            char expected[HHI_ERROR_MESSAGE_MAX];
            int rc = parse_config(&config, text, HH_FAILURE_MODE_FAIL, &err);

            snprintf(expected, sizeof(expected), "%s: %s: must hold 1 to 50 items", WHAT,
                     c->path);
            if (ok && rc != HHI_OK)
                fail_msg("%s with %zu items refused: %s", c->path, sizes[k], err.message);
            if (!ok && (rc != HHI_ECONFIG || strcmp(err.message, expected) != 0))
                fail_msg("%s with %zu items: got \"%s\", expected \"%s\"", c->path, sizes[k],
                         err.message, expected);
            if (ok && c->count != NULL && c->count(&config) != sizes[k])
                fail_msg("%s with %zu items: %zu kept", c->path, sizes[k], c->count(&config));
            if (ok)
                hhi_hook_config_release(&config);
            free(text);
        }
    }
}

/* A target name may be 256 characters long, not 257. */
static void test_target_name_length(void **state)
{
    static const size_t lengths[] = { 256, 257 };
    size_t k;

    (void)state;
    for (k = 0; k < N_ITEMS(lengths); k++) {
        struct hhi_error err = { HHI_OK, "" };
        struct hhi_hook_config config;
        char text[1024], name[300];
        int rc;

        memset(name, 'A', lengths[k]);
        name[lengths[k]] = '\0';
        snprintf(text, sizeof(text), HC("{'TargetFilters':{'TargetNames':['%s']}}"), name);
        rc = parse_config(&config, text, HH_FAILURE_MODE_FAIL, &err);
        if (lengths[k] <= 256) {
            assert_int_equal(rc, HHI_OK);
            assert_true(hhi_hook_config_targets(&config, name, HH_POINT_PRE_PROVISION,
                                                HH_ACTION_CREATE));
            hhi_hook_config_release(&config);
        } else {
            assert_int_equal(rc, HHI_ECONFIG);
            assert_string_equal(err.message, WHAT ": " ROOT ".TargetFilters.TargetNames[0]: "
                                "must be a target type name (wildcards allowed)");
        }
    }
}

/* ---------------------------------------------------------------- defaults */

/* Either switch alone turns the hook on or off; with neither it is off. */
static const struct switch_case {
    const char *json;
    bool enabled, all_stacks, active;
} switch_cases[] = {
    { HC("{}"), false, false, false },
    { HC("{'HookInvocationStatus':'ENABLED'}"), true, true, true },
    { HC("{'HookInvocationStatus':'DISABLED'}"), false, false, false },
    { HC("{'TargetStacks':'ALL'}"), true, true, true },
    { HC("{'TargetStacks':'NONE'}"), false, false, false },
    { HC("{'HookInvocationStatus':'ENABLED','TargetStacks':'ALL'}"), true, true, true },
    { HC("{'HookInvocationStatus':'ENABLED','TargetStacks':'NONE'}"), true, false, false },
    { HC("{'HookInvocationStatus':'DISABLED','TargetStacks':'ALL'}"), false, true, false },
    { HC("{'HookInvocationStatus':'DISABLED','TargetStacks':'NONE'}"), false, false, false },
};

static void test_switches(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(switch_cases); i++) {
        const struct switch_case *c = &switch_cases[i];
        struct hhi_hook hook;

        memset(&hook, 0, sizeof(hook));
        parse_ok(&hook.config, c->json, HH_FAILURE_MODE_FAIL);
        if (hook.config.enabled != c->enabled || hook.config.all_stacks != c->all_stacks ||
            hhi_hook_active(&hook) != c->active)
            fail_msg("%s: enabled %d all_stacks %d active %d, expected %d %d %d", c->json,
                     hook.config.enabled, hook.config.all_stacks, hhi_hook_active(&hook),
                     c->enabled, c->all_stacks, c->active);
        hhi_hook_config_release(&hook.config);
    }
}

static const struct mode_case {
    const char *json;
    int32_t default_mode, expected;
} mode_cases[] = {
    { HC("{}"), HH_FAILURE_MODE_FAIL, HH_FAILURE_MODE_FAIL },
    { HC("{}"), HH_FAILURE_MODE_WARN, HH_FAILURE_MODE_WARN },
    { HC("{'FailureMode':'WARN'}"), HH_FAILURE_MODE_FAIL, HH_FAILURE_MODE_WARN },
    { HC("{'FailureMode':'FAIL'}"), HH_FAILURE_MODE_WARN, HH_FAILURE_MODE_FAIL },
    { HC("{'FailureMode':'FAIL'}"), HH_FAILURE_MODE_FAIL, HH_FAILURE_MODE_FAIL },
    { HC("{'FailureMode':'WARN'}"), HH_FAILURE_MODE_WARN, HH_FAILURE_MODE_WARN },
};

static void test_failure_mode(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(mode_cases); i++) {
        struct hhi_hook_config config;

        parse_ok(&config, mode_cases[i].json, mode_cases[i].default_mode);
        if (config.failure_mode != mode_cases[i].expected)
            fail_msg("%s with default %d: mode %d, expected %d", mode_cases[i].json,
                     mode_cases[i].default_mode, config.failure_mode, mode_cases[i].expected);
        hhi_hook_config_release(&config);
    }
}

/* Nothing filtered: every type, action and point; an empty Properties object. */
static void test_defaults(void **state)
{
    struct hhi_hook_config config;
    int32_t a, p;

    (void)state;
    parse_ok(&config, HC("{}"), HH_FAILURE_MODE_FAIL);
    assert_non_null(config.properties);
    assert_true(json_object_is_type(config.properties, json_type_object));
    assert_int_equal(json_object_object_length(config.properties), 0);
    assert_int_equal(config.target_name_count, 0);
    assert_int_equal(config.target_count, 0);
    assert_false(config.stack_filter_any);
    assert_false(config.stack_names.present);
    assert_false(config.stack_roles.present);
    for (p = 0; p < HH_POINT_COUNT; p++) {
        for (a = 0; a < HH_ACTION_COUNT; a++) {
            assert_true(hhi_hook_config_targets(&config, "AWS::S3::Bucket", p, a));
            assert_true(hhi_hook_config_targets(&config, "Custom::Anything", p, a));
        }
    }
    assert_true(hhi_hook_config_stack_matches(&config, NULL, NULL));
    assert_true(hhi_hook_config_stack_matches(&config, "prod", "arn:aws:iam::1:role/x"));
    hhi_hook_config_release(&config);
}

/* Properties are kept as given (the plugin's schema judges them). */
static void test_properties_kept(void **state)
{
    struct hhi_hook_config config;
    json_object *v;

    (void)state;
    parse_ok(&config, HC("{'Properties':{'AllowedInstanceTypes':['t3.*'],'cloudFormationX':1,"
                         "'Cloudformation':2}}"), HH_FAILURE_MODE_FAIL);
    assert_int_equal(json_object_object_length(config.properties), 3);
    assert_true(json_object_object_get_ex(config.properties, "AllowedInstanceTypes", &v));
    assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "t3.*");
    hhi_hook_config_release(&config);
    assert_null(config.properties);
}

/* The whole example of the contract parses. */
static void test_full_example(void **state)
{
    struct hhi_hook_config config;

    (void)state;
    parse_ok(&config,
             HC("{'HookInvocationStatus':'ENABLED','TargetStacks':'ALL','FailureMode':'WARN',"
                "'Properties':{},'TargetFilters':{'Actions':['CREATE'],"
                "'InvocationPoints':['PRE_PROVISION'],'TargetNames':['AWS::S3::*']},"
                "'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*'],"
                "'Exclude':['prod-old']},'StackRoles':{'Include':['arn:aws:iam::*:role/a'],"
                "'Exclude':['arn:aws:iam::*:role/b']}}}"),
             HH_FAILURE_MODE_FAIL);
    assert_true(config.enabled);
    assert_true(config.all_stacks);
    assert_int_equal(config.failure_mode, HH_FAILURE_MODE_WARN);
    assert_int_equal(config.action_mask, 1u << HH_ACTION_CREATE);
    assert_int_equal(config.point_mask, 1u << HH_POINT_PRE_PROVISION);
    assert_int_equal(config.target_name_count, 1);
    assert_string_equal(config.target_names[0], "AWS::S3::*");
    assert_true(config.stack_names.present);
    assert_int_equal(config.stack_names.include_count, 1);
    assert_int_equal(config.stack_names.exclude_count, 1);
    assert_true(config.stack_roles.present);
    assert_string_equal(config.stack_roles.exclude[0], "arn:aws:iam::*:role/b");
    hhi_hook_config_release(&config);
}

/* ---------------------------------------------------------- target matching */

enum { C = HH_ACTION_CREATE, U = HH_ACTION_UPDATE, D = HH_ACTION_DELETE };
enum { PRE = HH_POINT_PRE_PROVISION, POST = HH_POINT_POST_PROVISION };

static const struct target_case {
    const char *json;
    const char *type;
    int32_t point, action;
    bool runs;
} target_cases[] = {
    /* TargetOperations: only resource operations are judged today */
    { HC("{'TargetOperations':['STACK','CHANGE_SET']}"), "AWS::S3::Bucket", PRE, C, false },
    { HC("{'TargetOperations':['RESOURCE','STACK']}"), "AWS::S3::Bucket", PRE, C, true },
    { HC("{'TargetFilters':{'Actions':['UPDATE','DELETE']}}"), "AWS::S3::Bucket", PRE, C, false },
    { HC("{'TargetFilters':{'Actions':['UPDATE','DELETE']}}"), "AWS::S3::Bucket", PRE, U, true },
    { HC("{'TargetFilters':{'Actions':['UPDATE','DELETE']}}"), "AWS::S3::Bucket", POST, D, true },
    { HC("{'TargetFilters':{'InvocationPoints':['PRE_PROVISION']}}"), "AWS::S3::Bucket", PRE, D,
      true },
    { HC("{'TargetFilters':{'InvocationPoints':['PRE_PROVISION']}}"), "AWS::S3::Bucket", POST, C,
      false },
    { HC("{'TargetFilters':{'InvocationPoints':['POST_PROVISION']}}"), "AWS::S3::Bucket", PRE, C,
      false },
    /* TargetNames: '*' any run of characters, '?' one character */
    { HC("{'TargetFilters':{'TargetNames':['AWS::*::Bucket*']}}"), "AWS::S3::Bucket", PRE, C, true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::*::Bucket*']}}"), "AWS::S3::BucketPolicy", PRE, C,
      true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::*::Bucket*']}}"), "AWS::S3Express::Bucket", PRE,
      C, true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::*::Bucket*']}}"), "AWS::S3::AccessPoint", PRE, C,
      false },
    { HC("{'TargetFilters':{'TargetNames':['AWS::*::Bucket*']}}"), "Custom::S3::Bucket", PRE, C,
      false },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::?ucket']}}"), "AWS::S3::Bucket", PRE, C, true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::?ucket']}}"), "AWS::S3::bucket", PRE, C, true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::?ucket']}}"), "AWS::S3::ucket", PRE, C, false },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::?ucket']}}"), "AWS::S3::Buckets", PRE, C,
      false },
    { HC("{'TargetFilters':{'TargetNames':['AWS::S3::Bucket']}}"), "aws::s3::bucket", PRE, C,
      false },
    { HC("{'TargetFilters':{'TargetNames':['AWS::EC2::Instance','AWS::S3::*']}}"),
      "AWS::S3::Bucket", PRE, C, true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::EC2::Instance','AWS::S3::*']}}"),
      "AWS::EC2::Instance", PRE, C, true },
    { HC("{'TargetFilters':{'TargetNames':['AWS::EC2::Instance','AWS::S3::*']}}"),
      "AWS::EC2::InstanceX", PRE, C, false },
    /* every filter given must let the operation through */
    { HC("{'TargetFilters':{'Actions':['CREATE'],'TargetNames':['AWS::S3::*']}}"),
      "AWS::S3::Bucket", PRE, C, true },
    { HC("{'TargetFilters':{'Actions':['CREATE'],'TargetNames':['AWS::S3::*']}}"),
      "AWS::S3::Bucket", PRE, U, false },
    { HC("{'TargetFilters':{'Actions':['CREATE'],'TargetNames':['AWS::S3::*']}}"),
      "AWS::EC2::Instance", PRE, C, false },
    /* Targets: each item is a (name, action, point) triple */
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::EC2::*','Action':'DELETE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"), "AWS::S3::Bucket", PRE, C, true },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::EC2::*','Action':'DELETE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"), "AWS::S3::Bucket", PRE, D, false },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::EC2::*','Action':'DELETE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"), "AWS::S3::Bucket", POST, C, false },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::EC2::*','Action':'DELETE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"), "AWS::EC2::Instance", PRE, D, true },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::EC2::*','Action':'DELETE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"), "AWS::EC2::Instance", PRE, C, false },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
         "'InvocationPoint':'PRE_PROVISION'},{'TargetName':'AWS::EC2::*','Action':'DELETE',"
         "'InvocationPoint':'PRE_PROVISION'}]}}"), "AWS::RDS::DBInstance", PRE, C, false },
    { HC("{'TargetFilters':{'Targets':[{'TargetName':'AWS::*::Bucket*','Action':'UPDATE',"
         "'InvocationPoint':'POST_PROVISION'}]}}"), "AWS::S3::BucketPolicy", POST, U, true },
};

static void test_targets_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(target_cases); i++) {
        const struct target_case *c = &target_cases[i];
        struct hhi_hook_config config;
        bool runs;

        parse_ok(&config, c->json, HH_FAILURE_MODE_FAIL);
        runs = hhi_hook_config_targets(&config, c->type, c->point, c->action);
        if (runs != c->runs)
            fail_msg("case %zu %s: %s point %d action %d: %s, expected %s", i, c->json,
                     c->type, c->point, c->action, runs ? "runs" : "skipped",
                     c->runs ? "runs" : "skipped");
        hhi_hook_config_release(&config);
    }
}

/* ----------------------------------------------------------- stack matching */

#define DEPLOYER "arn:aws:iam::123456789012:role/deployer"
#define OTHER_ROLE "arn:aws:iam::123456789012:role/other"

static const struct stack_case {
    const char *json;
    const char *name, *role;  /* NULL: not known */
    bool runs;
} stack_cases[] = {
    /* names: Include */
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']}}}"),
      "prod-web", NULL, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']}}}"),
      "dev-web", NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']}}}"),
      NULL, NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['app-?']}}}"),
      "app-1", NULL, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['app-?']}}}"),
      "app-12", NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['Prod']}}}"),
      "prod", NULL, false },
    /* names: Exclude, and Exclude over Include */
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Exclude':['*-test']}}}"),
      "app-test", NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Exclude':['*-test']}}}"),
      "app-prod", NULL, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Exclude':['*-test']}}}"),
      NULL, NULL, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['app-*'],"
         "'Exclude':['app-test']}}}"), "app-web", NULL, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['app-*'],"
         "'Exclude':['app-test']}}}"), "app-test", NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['app-*'],"
         "'Exclude':['app-test']}}}"), "web", NULL, false },
    /* roles */
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Include':["
         "'arn:aws:iam::*:role/deployer']}}}"), "any", DEPLOYER, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Include':["
         "'arn:aws:iam::*:role/deployer']}}}"), "any", OTHER_ROLE, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Include':["
         "'arn:aws:iam::*:role/deployer']}}}"), "any", NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Exclude':["
         "'arn:aws:iam::*:role/deployer']}}}"), "any", DEPLOYER, false },
    /* ALL: names and roles must both match */
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "prod-a", DEPLOYER, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "prod-a", OTHER_ROLE,
      false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "dev-a", DEPLOYER, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "prod-a", NULL, false },
    /* ANY: one matching filter is enough */
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "prod-a", OTHER_ROLE,
      true },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "dev-a", DEPLOYER, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), "dev-a", OTHER_ROLE,
      false },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}}"), NULL, NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Exclude':['arn:aws:iam::*:role/untrusted']}}}"), "dev-a", DEPLOYER, true },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Exclude':['arn:aws:iam::*:role/untrusted']}}}"), "dev-a",
      "arn:aws:iam::123456789012:role/untrusted", false },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Include':['prod-*']},"
         "'StackRoles':{'Exclude':['arn:aws:iam::*:role/untrusted']}}}"), "prod-a",
      "arn:aws:iam::123456789012:role/untrusted", true },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Exclude':['legacy-*']}}}"),
      "legacy-app", NULL, false },
    { HC("{'StackFilters':{'FilteringCriteria':'ANY','StackNames':{'Exclude':['legacy-*']}}}"),
      "app", NULL, true },
};

static void test_stacks_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(stack_cases); i++) {
        const struct stack_case *c = &stack_cases[i];
        struct hhi_hook_config config;
        bool runs;

        parse_ok(&config, c->json, HH_FAILURE_MODE_FAIL);
        runs = hhi_hook_config_stack_matches(&config, c->name, c->role);
        if (runs != c->runs)
            fail_msg("case %zu %s: stack %s role %s: %s, expected %s", i, c->json,
                     c->name ? c->name : "(none)", c->role ? c->role : "(none)",
                     runs ? "runs" : "skipped", c->runs ? "runs" : "skipped");
        hhi_hook_config_release(&config);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_table),
        cmocka_unit_test(test_error_kept),
        cmocka_unit_test(test_item_limits),
        cmocka_unit_test(test_target_name_length),
        cmocka_unit_test(test_switches),
        cmocka_unit_test(test_failure_mode),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_properties_kept),
        cmocka_unit_test(test_full_example),
        cmocka_unit_test(test_targets_table),
        cmocka_unit_test(test_stacks_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
