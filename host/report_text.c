#include "config.h"

#include "report.h"

#include <string.h>

/* SUCCESS, or what a FAILED result does under its failure mode. */
static const char *outcome(const struct hhi_result *r)
{
    if (r->status == HH_STATUS_SUCCESS)
        return "PASS";
    return r->failure_mode == HH_FAILURE_MODE_WARN ? "WARN" : "FAIL";
}

static void write_operation(FILE *out, const struct hhi_operation *op)
{
    fprintf(out, "%s: %s (%s) %s %s\n", op->source, op->logical_id, op->target_type,
            hhi_action_name(op->action), hhi_point_name(op->point));
}

static void write_result(FILE *out, const struct hhi_result *r)
{
    fprintf(out, "  %s  %s %s", outcome(r), r->hook->name, r->hook->plugin->desc.version);
    if (r->status != HH_STATUS_SUCCESS)
        fprintf(out, "  %s%s", hhi_error_code_name(r->error_code),
                r->hook_failed ? " (the hook could not judge)" : "");
    if (r->message[0] != '\0')
        fprintf(out, ": %s", r->message);
    putc_unlocked('\n', out);
}

void hhi_report_summary_line(FILE *out, const struct hhi_summary *s)
{
    fprintf(out, "Verdict: %s: %zu operations, %zu judged, %zu hook invocations: "
                 "%zu passed, %zu failed, %zu warned (%zu non-compliant, %zu hook errors)",
            hhi_verdict_name(s->verdict), s->operations, s->operations_judged, s->invocations,
            s->succeeded, s->failed, s->warned, s->non_compliant, s->hook_failures);
}

int hhi_report_text(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set)
{
    const struct hhi_operation *last = NULL;
    size_t i;
    int failed;

    /* One lock for the whole report: the writes below are unlocked. */
    flockfile(out);
    if (set->hook_count == 0)
        fputs_unlocked("No hooks are configured.\n", out);
    for (i = 0; i < ev->count; i++) {
        const struct hhi_result *r = &ev->results[i];

        if (r->op != last)
            write_operation(out, r->op);
        last = r->op;
        write_result(out, r);
    }
    if (ev->count > 0)
        putc_unlocked('\n', out);
    hhi_report_summary_line(out, &ev->summary);
    putc_unlocked('\n', out);
    failed = ferror_unlocked(out);
    funlockfile(out);
    return failed ? HHI_EIO : HHI_OK;
}
