/* Never returns: spins on the CPU in every invocation. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL loop_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    volatile unsigned long spins = 0;

    (void)instance;
    (void)ctx;
    (void)req;
    for (;;)
        spins++;
}

TP_SIMPLE_PLUGIN("Test::Hostile::Loop", loop_invoke)
