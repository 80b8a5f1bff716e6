/* Calls exit(0) in the middle of every invocation, as if all were well. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL exit_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)instance;
    (void)ctx;
    (void)req;
    exit(0);
}

TP_SIMPLE_PLUGIN("Test::Hostile::Exit", exit_invoke)
