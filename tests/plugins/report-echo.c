/*
 * For test_reports: echoes the target's Properties.Echo, as it is, into
 * everything a report or the log shows (the message, an annotation's
 * texts, a warning log line), so that tests can check that sensitive
 * values never come out and that every format escapes what plugins send.
 * Properties.Outcome chooses the answer: "pass" (SUCCESS), "error"
 * (FAILED with InvalidRequest: the hook could not judge) or anything else
 * (FAILED with NonCompliant).  Properties.SleepMs (a string) makes each call
 * last that long, for the progress line.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "test_plugin.h"

#define ECHO_MAX 1024

/* Properties<pointer> as text (empty when it is not a string). */
static void read_text(const struct hh_host_api *host, hh_context *ctx, const char *pointer,
                      char *out, size_t cap)
{
    struct hh_value v;

    memset(&v, 0, sizeof(v));
    v.abi = (struct hh_abi)HH_ABI_INIT(struct hh_value);
    out[0] = '\0';
    if (host->get_value(ctx, HH_DOC_PROPERTIES, pointer, &v) == HH_OK &&
        v.type == HH_VALUE_STRING)
        snprintf(out, cap, "%.*s", (int)(v.length < cap ? v.length : cap - 1), v.string);
}

static void annotate(const struct hh_host_api *host, hh_context *ctx, const char *echo)
{
    char status[ECHO_MAX + 32], fix[ECHO_MAX + 32], link[ECHO_MAX + 32];
    struct hh_annotation a;

    snprintf(status, sizeof(status), "annotation: %s", echo);
    snprintf(fix, sizeof(fix), "remove %s", echo);
    snprintf(link, sizeof(link), "https://example.com/%s", echo);
    memset(&a, 0, sizeof(a));
    a.abi = (struct hh_abi)HH_ABI_INIT(struct hh_annotation);
    a.name = "Echo";
    a.status = HH_ANNOTATION_FAILED;
    a.severity = HH_SEVERITY_LOW;
    a.status_message = status;
    a.remediation_message = fix;
    a.remediation_link = link;
    host->add_annotation(ctx, &a);
}

static void HH_CALL echo_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = tp_host(instance);
    char echo[ECHO_MAX], outcome[16], sleep_ms[16], text[ECHO_MAX + 32];

    (void)req;
    read_text(host, ctx, "/Echo", echo, sizeof(echo));
    read_text(host, ctx, "/Outcome", outcome, sizeof(outcome));
    read_text(host, ctx, "/SleepMs", sleep_ms, sizeof(sleep_ms));
    if (sleep_ms[0] != '\0') {
        long ms = strtol(sleep_ms, NULL, 10);
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

        nanosleep(&ts, NULL);
    }
    snprintf(text, sizeof(text), "log: %s", echo);
    host->log(ctx, HH_LOG_WARN, text, strlen(text));
    annotate(host, ctx, echo);
    if (strcmp(outcome, "pass") == 0) {
        snprintf(text, sizeof(text), "fine: %s", echo);
        tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, text);
    } else if (strcmp(outcome, "error") == 0) {
        snprintf(text, sizeof(text), "cannot judge: %s", echo);
        tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_INVALID_REQUEST, text);
    } else {
        snprintf(text, sizeof(text), "echo: %s", echo);
        tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, text);
    }
}

TP_SIMPLE_PLUGIN("Test::Reports::Echo", echo_invoke)
