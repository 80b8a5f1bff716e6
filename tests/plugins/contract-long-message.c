/*
 * Answers FAILED/NonCompliant with a 10,000-byte message holding invalid
 * UTF-8 and two-byte characters across the 4096-byte limit: the host must
 * truncate it on a character boundary and make it valid UTF-8.
 */
#include "config.h"

#include "test_plugin.h"

#define LONG_MESSAGE_BYTES 10000

static void HH_CALL long_message_invoke(void *instance, hh_context *ctx,
                                        const struct hh_request *req)
{
    /* "\xff" is never valid, "\xe2\x82" is a truncated 3-byte sequence. */
    static const char head[] = "\xff" "bad \xe2\x82" "x";
    char msg[LONG_MESSAGE_BYTES];
    size_t i;

    (void)req;
    memcpy(msg, head, sizeof(head) - 1);
    /* Then U+00E9 (0xC3 0xA9) repeated, an odd offset so one pair straddles 4096. */
    for (i = sizeof(head) - 1; i + 1 < sizeof(msg); i += 2) {
        msg[i] = '\xc3';
        msg[i + 1] = '\xa9';
    }
    if (i < sizeof(msg))
        msg[i] = '\xc3'; /* and a dangling lead byte at the very end */
    tp_host(instance)->set_result(ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, msg,
                                  sizeof(msg));
}

TP_SIMPLE_PLUGIN("Test::Contract::LongMessage", long_message_invoke)
