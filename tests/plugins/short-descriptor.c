/*
 * A descriptor whose struct_size is smaller than ABI 1.0's struct hh_plugin
 * (it claims to end before invoke).
 */
#include "config.h"

#include <stddef.h>

#include "test_plugin.h"

static void HH_CALL short_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL);
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    { HH_ABI_MAJOR, HH_ABI_MINOR, (uint32_t)offsetof(struct hh_plugin, invoke) },
    TP_MEMBERS("Test::Abi::ShortDescriptor", NULL, tp_create, tp_destroy, short_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
