/* Breaks the contract: answers SUCCESS with an error code. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL success_with_code_invoke(void *instance, hh_context *ctx,
                                             const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NON_COMPLIANT, "all good, really");
}

TP_SIMPLE_PLUGIN("Test::Contract::SuccessWithCode", success_with_code_invoke)
