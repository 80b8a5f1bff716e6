/* A plugin whose configuration schema is not JSON. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL bad_schema_invoke(void *instance, hh_context *ctx,
                                      const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL);
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    TP_MEMBERS("Test::Abi::BadSchema", "{type: object, properties: {}",
               tp_create, tp_destroy, bad_schema_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
