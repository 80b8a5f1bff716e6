/* A plugin whose type name is in the namespace reserved for AWS. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL reserved_invoke(void *instance, hh_context *ctx,
                                    const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL);
}

TP_SIMPLE_PLUGIN("AWS::S3::Thing", reserved_invoke)
