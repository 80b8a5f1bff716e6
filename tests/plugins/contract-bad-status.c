/* Breaks the contract: answers a status that does not exist (9). */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL bad_status_invoke(void *instance, hh_context *ctx,
                                      const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, 9, HH_ERROR_NONE, "status nine");
}

TP_SIMPLE_PLUGIN("Test::Contract::BadStatus", bad_status_invoke)
