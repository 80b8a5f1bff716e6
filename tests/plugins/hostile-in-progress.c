/*
 * Answers IN_PROGRESS forever, asking to be called back after
 * Properties.delaySeconds (default 0).
 */
#include "config.h"

#include "hostile.h"

static int32_t HH_CALL wait_create(hh_context *ctx, const struct hh_instance_args *args,
                                   void **out)
{
    return hp_create_with(ctx, args, out, "/delaySeconds", 0);
}

static void HH_CALL wait_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    static const char callback[] = "{\"again\":true}";

    (void)req;
    hp(instance)->host->set_callback(ctx, callback, sizeof(callback) - 1,
                                     (uint32_t)hp(instance)->setting);
    hp_answer(instance, ctx, HH_STATUS_IN_PROGRESS, HH_ERROR_NONE, "still working");
}

HP_PLUGIN("Test::Hostile::InProgress", HP_INT_SCHEMA("delaySeconds"), wait_create, wait_invoke,
          0u)
