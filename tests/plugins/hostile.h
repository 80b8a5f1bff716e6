/*
 * Shared bits of the hostile test plugins (hostile-*.c, for test_isolation):
 * an instance that keeps the host table, one integer read from the
 * configuration at create, and a call counter.  Static, so each plugin has
 * its own copy and still exports only its entry function.
 */
#ifndef HOOKHOST_TESTS_HOSTILE_H
#define HOOKHOST_TESTS_HOSTILE_H

#include <sys/mman.h>

#include "test_plugin.h"

struct hp_instance {
    const struct hh_host_api *host;
    int64_t setting;     /* Properties.<the plugin's setting>, or its default */
    unsigned calls;      /* invocations of this instance */
};

/* Properties<pointer> when it is an integer, else fallback. */
static inline int64_t hp_config_int(const struct hh_host_api *host, hh_context *ctx,
                                    const char *pointer, int64_t fallback)
{
    struct hh_value v;

    memset(&v, 0, sizeof(v));
    v.abi = (struct hh_abi)HH_ABI_INIT(struct hh_value);
    if (host->get_value(ctx, HH_DOC_CONFIGURATION, pointer, &v) == HH_OK &&
        v.type == HH_VALUE_INTEGER)
        return v.integer;
    return fallback;
}

static inline int32_t hp_create_with(hh_context *ctx, const struct hh_instance_args *args,
                                     void **out, const char *pointer, int64_t fallback)
{
    struct hp_instance *inst = calloc(1, sizeof(*inst));

    if (inst == NULL)
        return HH_ERR_NO_MEMORY;
    inst->host = args->host;
    inst->setting = hp_config_int(args->host, ctx, pointer, fallback);
    *out = inst;
    return HH_OK;
}

static inline struct hp_instance *hp(void *instance)
{
    return (struct hp_instance *)instance;
}

static inline void hp_answer(void *instance, hh_context *ctx, int32_t status, int32_t code,
                             const char *message)
{
    hp(instance)->host->set_result(ctx, status, code, message,
                                   message != NULL ? strlen(message) : 0);
}

/*
 * Die of SIGSEGV: write to a page that may not be written.  Not through a
 * null pointer, which UndefinedBehaviorSanitizer would catch first in a
 * sanitizer build: this is a crash in any build.
 */
static inline void hp_crash(void)
{
    volatile int *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (page == MAP_FAILED)
        abort();
    *page = 42;
    abort(); /* not reached */
}

/* A schema of one optional integer property. */
#define HP_INT_SCHEMA(NAME)                                                           \
    "{\"type\":\"object\",\"properties\":{\"" NAME "\":{\"type\":\"integer\"}},"  \
    "\"additionalProperties\":false}"

/* A whole plugin around an invoke and a create. */
#define HP_PLUGIN(TYPE_NAME, SCHEMA, CREATE, INVOKE, FLAGS)                            \
    TP_HANDLERS;                                                                      \
    static const struct hh_plugin hp_descriptor = {                                   \
        HH_ABI_INIT(struct hh_plugin), TYPE_NAME, "0.1.0", "hookhost hostile test plugin", \
        HH_FAILURE_MODE_FAIL, FLAGS, SCHEMA, tp_handlers, TP_HANDLER_COUNT,           \
        sizeof(struct hh_handler), CREATE, tp_destroy, INVOKE, NULL                    \
    };                                                                                \
    HH_PLUGIN_DEFINE(hp_descriptor)

#endif
