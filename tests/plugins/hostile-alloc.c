/*
 * Allocates (and touches) memory until it gets none, then, like code that
 * does not check, writes through the null pointer.  Only for a worker with
 * a memory limit: in-process it would take the host's memory.
 */
#include "config.h"

#include "test_plugin.h"

#define CHUNK ((size_t)1 << 20)

static void HH_CALL alloc_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    volatile char *p;
    size_t i;

    (void)instance;
    (void)ctx;
    (void)req;
    for (;;) {
        p = malloc(CHUNK);
        /* Every page touched (a null p ends it here). */
        for (i = 0; i < CHUNK; i += 4096)
            p[i] = 0x5a;
    }
}

TP_SIMPLE_PLUGIN("Test::Hostile::Alloc", alloc_invoke)
