/* Declares that it needs the network and to run programs; passes. */
#include "config.h"

#include "hostile.h"

static void HH_CALL needs_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)req;
    hp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "had what it needs");
}

static int32_t HH_CALL needs_create(hh_context *ctx, const struct hh_instance_args *args,
                                    void **out)
{
    return hp_create_with(ctx, args, out, "/unused", 0);
}

HP_PLUGIN("Test::Hostile::Needs", NULL, needs_create, needs_invoke,
          HH_PLUGIN_FLAG_NEEDS_NETWORK | HH_PLUGIN_FLAG_NEEDS_EXEC)
