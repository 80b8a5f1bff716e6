/*
 * A plugin whose configuration schema uses a keyword outside the supported
 * subset ("format"): the host refuses it rather than ignore a constraint.
 */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL keyword_invoke(void *instance, hh_context *ctx,
                                   const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL);
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    TP_MEMBERS("Test::Abi::BadSchemaKeyword",
               "{\"type\":\"object\",\"properties\":{\"Contact\":"
               "{\"type\":\"string\",\"format\":\"email\"}}}",
               tp_create, tp_destroy, keyword_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
