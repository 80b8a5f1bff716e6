/* Breaks the contract: answers IN_PROGRESS on every invocation. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL forever_invoke(void *instance, hh_context *ctx,
                                   const struct hh_request *req)
{
    static const char callback[] = "{\"again\":true}";

    (void)req;
    tp_host(instance)->set_callback(ctx, callback, sizeof(callback) - 1, 0);
    tp_answer(instance, ctx, HH_STATUS_IN_PROGRESS, HH_ERROR_NONE, "still working");
}

TP_SIMPLE_PLUGIN("Test::Contract::InProgressForever", forever_invoke)
