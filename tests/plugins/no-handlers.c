/* A plugin that declares no handler at all. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL no_handlers_invoke(void *instance, hh_context *ctx,
                                       const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL);
}

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Test::Abi::NoHandlers",
    "0.1.0",
    "declares no handler",
    HH_FAILURE_MODE_FAIL,
    0u,
    NULL,
    NULL,
    0,
    sizeof(struct hh_handler),
    tp_create,
    tp_destroy,
    no_handlers_invoke,
    NULL,
};

HH_PLUGIN_DEFINE(descriptor)
