/*
 * Refuses its configuration in create, through host->fail with
 * InvalidTypeConfiguration, when Properties.Threshold is 10 or more.
 */
#include "config.h"

#include "test_plugin.h"

static int32_t HH_CALL threshold_create(hh_context *ctx, const struct hh_instance_args *args,
                                        void **out)
{
    static const char why[] = "Threshold must be below 10";
    struct hh_value v;

    memset(&v, 0, sizeof(v));
    v.abi = (struct hh_abi)HH_ABI_INIT(struct hh_value);
    if (args->host->get_value(ctx, HH_DOC_CONFIGURATION, "/Threshold", &v) == HH_OK &&
        v.type == HH_VALUE_INTEGER && v.integer >= 10) {
        args->host->fail(ctx, HH_ERROR_INVALID_TYPE_CONFIGURATION, why, sizeof(why) - 1);
        return HH_ERR_FAILED;
    }
    return tp_create(ctx, args, out);
}

static void HH_CALL threshold_invoke(void *instance, hh_context *ctx,
                                     const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "below the threshold");
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    TP_MEMBERS("Test::Contract::CreateFails",
               "{\"type\":\"object\",\"properties\":{\"Threshold\":{\"type\":\"integer\"}},"
               "\"additionalProperties\":false}",
               threshold_create, tp_destroy, threshold_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
