/*
 * Breaks the contract: answers twice.  The second answer must be refused
 * with HH_ERR_STATE and ignored; the plugin says in its log if it was not.
 */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL answer_twice_invoke(void *instance, hh_context *ctx,
                                        const struct hh_request *req)
{
    static const char oops[] = "second answer was not refused with HH_ERR_STATE";
    int32_t rc;

    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "first answer");
    rc = tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, "second answer");
    if (rc != HH_ERR_STATE)
        tp_host(instance)->log(ctx, HH_LOG_ERROR, oops, sizeof(oops) - 1);
}

TP_SIMPLE_PLUGIN("Test::Contract::AnswerTwice", answer_twice_invoke)
