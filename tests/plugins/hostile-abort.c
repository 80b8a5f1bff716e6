/* Calls abort() in every invocation. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL abort_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)instance;
    (void)ctx;
    (void)req;
    abort();
}

TP_SIMPLE_PLUGIN("Test::Hostile::Abort", abort_invoke)
