/* A plugin whose type name does not match Org::Service::Name. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL bad_name_invoke(void *instance, hh_context *ctx,
                                    const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL);
}

TP_SIMPLE_PLUGIN("NotAValidName", bad_name_invoke)
