/* Breaks the contract: answers FAILED without a message. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL failed_no_message_invoke(void *instance, hh_context *ctx,
                                             const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, NULL);
}

TP_SIMPLE_PLUGIN("Test::Contract::FailedNoMessage", failed_no_message_invoke)
