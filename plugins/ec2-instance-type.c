/*
 * Hookhost::EC2::InstanceTypeAllowList: "development environments only use
 * small instance types".  EC2 instances, launch templates and launch
 * configurations must name an instance type that matches one of the
 * configured AllowedInstanceTypes patterns ('*' and '?' wildcards).
 *
 * Each instance copies its own allow list at create(), so the hook can be
 * activated twice (typeNameAlias) with two lists.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "plugin_util.h"

/* Bounds the configuration schema enforces; create() checks them again. */
#define TYPES_MAX 100
#define TYPE_NAME_MAX 64

/* CloudFormation's documented default for AWS::EC2::Instance InstanceType. */
#define DEFAULT_INSTANCE_TYPE "m1.small"

#define CONFIG_POINTER "/AllowedInstanceTypes"

struct instance {
    const struct hh_host_api *host;
    size_t count;
    char types[TYPES_MAX][TYPE_NAME_MAX + 1];
};

/* Where each target keeps its instance type. */
struct target {
    const char *type_name;
    const char *pointer;
    const char *field; /* the pointer as a message names it */
};

static const struct target target_table[] = {
    { "AWS::EC2::Instance", "/InstanceType", "InstanceType" },
    { "AWS::EC2::LaunchTemplate", "/LaunchTemplateData/InstanceType",
      "LaunchTemplateData.InstanceType" },
    { "AWS::AutoScaling::LaunchConfiguration", "/InstanceType", "InstanceType" },
};

#define TARGET_COUNT (sizeof(target_table) / sizeof(target_table[0]))

static int32_t create_failed(const struct hh_host_api *host, hh_context *ctx,
                             int32_t error_code, const char *message, int32_t rc)
{
    host->fail(ctx, error_code, message, strlen(message));
    return rc;
}

/* Copy the configured allow list into inst. */
static int32_t load_types(const struct pu_doc *doc, struct instance *inst)
{
    struct hh_value list;
    size_t i;

    if (pu_get(doc, CONFIG_POINTER, &list) != HH_OK || list.type != HH_VALUE_ARRAY ||
        list.length == 0 || list.length > TYPES_MAX)
        return create_failed(doc->host, doc->ctx, HH_ERROR_INVALID_TYPE_CONFIGURATION,
                             "AllowedInstanceTypes must be a list of 1 to 100 instance "
                             "type patterns", HH_ERR_INVALID);
    for (i = 0; i < list.length; i++) {
        struct hh_value item;

        if (pu_member(doc, CONFIG_POINTER, i, NULL, &item) != HH_OK ||
            item.type != HH_VALUE_STRING || item.length == 0 ||
            item.length > TYPE_NAME_MAX || strlen(item.string) != item.length)
            return create_failed(doc->host, doc->ctx, HH_ERROR_INVALID_TYPE_CONFIGURATION,
                                 "AllowedInstanceTypes items must be instance type patterns "
                                 "of 1 to 64 characters", HH_ERR_INVALID);
        memcpy(inst->types[i], item.string, item.length + 1);
    }
    inst->count = list.length;
    return HH_OK;
}

static int32_t HH_CALL it_create(hh_context *ctx, const struct hh_instance_args *args,
                                 void **out)
{
    struct instance *inst;
    struct pu_doc doc;
    int32_t rc;

    if (args == NULL || args->host == NULL || out == NULL)
        return HH_ERR_INVALID;
    inst = calloc(1, sizeof(*inst));
    if (inst == NULL)
        return create_failed(args->host, ctx, HH_ERROR_HANDLER_INTERNAL_FAILURE,
                             "out of memory creating the instance", HH_ERR_NO_MEMORY);
    inst->host = args->host;
    doc.host = args->host;
    doc.ctx = ctx;
    doc.document = HH_DOC_CONFIGURATION;
    rc = load_types(&doc, inst);
    if (rc != HH_OK) {
        free(inst);
        return rc;
    }
    *out = inst;
    return HH_OK;
}

static void HH_CALL it_destroy(void *instance)
{
    free(instance);
}

static const struct target *find_target(const char *type_name)
{
    size_t i;

    for (i = 0; i < TARGET_COUNT; i++) {
        if (strcmp(target_table[i].type_name, type_name) == 0)
            return &target_table[i];
    }
    return NULL;
}

/* The first allowed pattern name matches, or NULL. */
static const char *allowed_by(const struct instance *inst, const char *name)
{
    size_t i;

    for (i = 0; i < inst->count; i++) {
        if (pu_wildcard_match(inst->types[i], name))
            return inst->types[i];
    }
    return NULL;
}

/* Judge the instance type name (given, or the default when it is absent). */
static void judge_name(const struct instance *inst, hh_context *ctx, const char *field,
                       const char *name, bool defaulted)
{
    char storage[HH_MESSAGE_MAX + 1];
    const char *pattern = allowed_by(inst, name);
    struct pu_buf msg;
    size_t i;

    pu_buf_init(&msg, storage, sizeof(storage));
    if (defaulted)
        pu_buf_addf(&msg, "%s is not set, so EC2 uses its default \"%s\", which ", field,
                    name);
    else
        pu_buf_addf(&msg, "%s \"%.*s\" ", field, TYPE_NAME_MAX, name);
    if (pattern != NULL) {
        pu_buf_addf(&msg, "matches the allowed instance type \"%s\"", pattern);
        inst->host->set_result(ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, msg.text, msg.len);
        return;
    }
    pu_buf_add(&msg, "is not one of the allowed instance types:");
    for (i = 0; i < inst->count; i++)
        pu_buf_addf(&msg, "%s \"%s\"", i == 0 ? "" : ",", inst->types[i]);
    inst->host->set_result(ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, msg.text, msg.len);
}

static void HH_CALL it_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct instance *inst = instance;
    const struct target *target = find_target(req->target_type);
    struct pu_doc doc = { inst->host, ctx, HH_DOC_PROPERTIES };
    const char *field;
    struct hh_value v;
    int32_t rc;

    if (target == NULL) {
        pu_answer(inst->host, ctx, HH_STATUS_FAILED, HH_ERROR_UNSUPPORTED_TARGET,
                  "only AWS::EC2::Instance, AWS::EC2::LaunchTemplate and "
                  "AWS::AutoScaling::LaunchConfiguration resources are supported");
        return;
    }
    field = target->field;
    rc = pu_get(&doc, target->pointer, &v);
    if (rc == HH_ERR_NOT_FOUND) {
        judge_name(inst, ctx, field, DEFAULT_INSTANCE_TYPE, true);
    } else if (rc != HH_OK) {
        pu_answer(inst->host, ctx, HH_STATUS_FAILED, HH_ERROR_HANDLER_INTERNAL_FAILURE,
                  "the host refused to read the instance type");
    } else if (v.type == HH_VALUE_STRING && strlen(v.string) == v.length) {
        judge_name(inst, ctx, field, v.string, false);
    } else {
        char storage[HH_MESSAGE_MAX + 1];
        struct pu_buf msg;

        /* A parameter or condition may resolve to anything at deploy time. */
        pu_buf_init(&msg, storage, sizeof(storage));
        pu_buf_addf(&msg, "%s is ", field);
        pu_buf_describe(&msg, &doc, target->pointer, &v);
        pu_buf_add(&msg, ": the instance type cannot be verified statically; name an allowed "
                         "instance type literally");
        inst->host->set_result(ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, msg.text,
                               msg.len);
    }
}

static const char *const targets[] = {
    "AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration",
};

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, 3 },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, 3 },
};

/* Instance type names such as t3.micro, m7i-flex.large or u-6tb1.metal, with wildcards. */
static const char schema[] =
    "{\"type\":\"object\","
    "\"properties\":{\"AllowedInstanceTypes\":{"
    "\"description\":\"Instance types allowed; '*' matches any run of characters and '?' "
    "one character, e.g. t3.* or t3a.micro\","
    "\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"uniqueItems\":true,"
    "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,"
    "\"pattern\":\"^[a-z0-9*?][a-z0-9*?-]*([.][a-z0-9*?-]+)?$\"}}},"
    "\"required\":[\"AllowedInstanceTypes\"],"
    "\"additionalProperties\":false}";

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::EC2::InstanceTypeAllowList",
    "1.0.0",
    "Allow only the configured EC2 instance types (wildcards allowed) in instances, launch "
    "templates and launch configurations, e.g. small types in development environments.",
    HH_FAILURE_MODE_FAIL,
    HH_PLUGIN_FLAG_CONCURRENT,
    schema,
    handlers,
    sizeof(handlers) / sizeof(handlers[0]),
    sizeof(struct hh_handler),
    it_create,
    it_destroy,
    it_invoke,
    NULL,
};

HH_PLUGIN_DEFINE(descriptor)
