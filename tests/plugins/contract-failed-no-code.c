/* Breaks the contract: answers FAILED with HH_ERROR_NONE. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL failed_no_code_invoke(void *instance, hh_context *ctx,
                                          const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_NONE, "failed without a code");
}

TP_SIMPLE_PLUGIN("Test::Contract::FailedNoCode", failed_no_code_invoke)
