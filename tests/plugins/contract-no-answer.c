/* Breaks the contract: returns from invoke without answering. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL no_answer_invoke(void *instance, hh_context *ctx,
                                     const struct hh_request *req)
{
    (void)instance;
    (void)ctx;
    (void)req;
}

TP_SIMPLE_PLUGIN("Test::Contract::NoAnswer", no_answer_invoke)
