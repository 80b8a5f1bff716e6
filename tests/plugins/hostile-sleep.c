/* Sleeps Properties.milliseconds (default 5000) in every invocation, then passes. */
#include "config.h"

#include <time.h>

#include "hostile.h"

static int32_t HH_CALL sleep_create(hh_context *ctx, const struct hh_instance_args *args,
                                    void **out)
{
    return hp_create_with(ctx, args, out, "/milliseconds", 5000);
}

static void HH_CALL sleep_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    int64_t ms = hp(instance)->setting;
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

    (void)req;
    while (nanosleep(&ts, &ts) != 0)
        ;
    hp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "slept");
}

HP_PLUGIN("Test::Hostile::Sleep", HP_INT_SCHEMA("milliseconds"), sleep_create, sleep_invoke, 0u)
