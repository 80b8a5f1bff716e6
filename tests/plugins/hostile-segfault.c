/* Dies of SIGSEGV in every invocation: writes through a null pointer. */
#include "config.h"

#include "test_plugin.h"

static void HH_CALL segfault_invoke(void *instance, hh_context *ctx,
                                    const struct hh_request *req)
{
    volatile int *volatile nowhere = NULL;

    (void)instance;
    (void)ctx;
    (void)req;
    *nowhere = 42;
}

TP_SIMPLE_PLUGIN("Test::Hostile::Segfault", segfault_invoke)
