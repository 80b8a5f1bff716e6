/*
 * Passes, except that every third invocation of an instance dies of
 * SIGSEGV: a worker lives for two good calls, and a new one (a new
 * instance) starts counting again.
 */
#include "config.h"

#include "hostile.h"

static int32_t HH_CALL third_create(hh_context *ctx, const struct hh_instance_args *args,
                                    void **out)
{
    return hp_create_with(ctx, args, out, "/unused", 0);
}

static void HH_CALL third_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)req;
    if (++hp(instance)->calls % 3 == 0)
        hp_crash();
    hp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "fine this time");
}

HP_PLUGIN("Test::Hostile::EveryThird", NULL, third_create, third_invoke, 0u)
