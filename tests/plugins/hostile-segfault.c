/* Dies of SIGSEGV in every invocation: writes to a page it may not write. */
#include "config.h"

#include "hostile.h"

static void HH_CALL segfault_invoke(void *instance, hh_context *ctx,
                                    const struct hh_request *req)
{
    (void)instance;
    (void)ctx;
    (void)req;
    hp_crash();
}

TP_SIMPLE_PLUGIN("Test::Hostile::Segfault", segfault_invoke)
