#include "config.h"

#include "report.h"

#include <string.h>

/* ANSI colours, used only when the caller says the stream is a terminal. */
#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_PASS "\033[32m"
#define SGR_WARN "\033[33m"
#define SGR_FAIL "\033[1;31m"

static const char *outcome_colour(const char *outcome)
{
    if (strcmp(outcome, "PASS") == 0)
        return SGR_PASS;
    return strcmp(outcome, "WARN") == 0 ? SGR_WARN : SGR_FAIL;
}

/*
 * Text from plugins and inputs, one line of it: control characters (an
 * escape sequence could rewrite the terminal, a newline fake a result)
 * become '?'.
 */
static void put_text(FILE *out, const char *s)
{
    const char *run = s;

    for (; *s != '\0'; s++) {
        if ((unsigned char)*s >= 0x20 && *s != 0x7F)
            continue;
        fwrite_unlocked(run, 1, (size_t)(s - run), out);
        putc_unlocked('?', out);
        run = s + 1;
    }
    fwrite_unlocked(run, 1, (size_t)(s - run), out);
}

/* word, in colour when asked. */
static void put_coloured(FILE *out, const char *word, const char *sgr, bool colour)
{
    if (colour)
        fputs_unlocked(sgr, out);
    put_text(out, word);
    if (colour)
        fputs_unlocked(SGR_RESET, out);
}

static void write_operation(FILE *out, const struct hhi_operation *op, bool colour)
{
    put_text(out, op->source);
    fputs_unlocked(": ", out);
    put_coloured(out, op->logical_id, SGR_BOLD, colour);
    fputs_unlocked(" (", out);
    put_text(out, op->target_type);
    fprintf(out, ") %s %s\n", hhi_action_name(op->action), hhi_point_name(op->point));
}

static void write_result(FILE *out, const struct hhi_result *r, bool colour)
{
    const char *outcome = hhi_result_outcome(r);

    fputs_unlocked("  ", out);
    put_coloured(out, outcome, outcome_colour(outcome), colour);
    fputs_unlocked("  ", out);
    put_text(out, r->hook->name);
    putc_unlocked(' ', out);
    put_text(out, r->hook->version);
    if (r->status != HH_STATUS_SUCCESS)
        fprintf(out, "  %s%s", hhi_error_code_name(r->error_code),
                r->hook_failed ? " (the hook could not judge)" : "");
    if (r->message[0] != '\0') {
        fputs_unlocked(": ", out);
        put_text(out, r->message);
    }
    putc_unlocked('\n', out);
}

void hhi_report_summary_line(FILE *out, const struct hhi_summary *s, bool colour)
{
    const char *verdict = hhi_verdict_name(s->verdict);

    fputs_unlocked("Verdict: ", out);
    put_coloured(out, verdict, outcome_colour(verdict), colour);
    fprintf(out, ": %zu operations, %zu judged, %zu hook invocations: "
                 "%zu passed, %zu failed, %zu warned (%zu non-compliant, %zu hook errors)",
            s->operations, s->operations_judged, s->invocations, s->succeeded, s->failed,
            s->warned, s->non_compliant, s->hook_failures);
}

/* Results grouped by resource; quiet leaves passes (and resources without news) out. */
static size_t write_results(FILE *out, const struct hhi_evaluation *ev,
                            const struct hhi_report_options *opts)
{
    const struct hhi_operation *last = NULL;
    size_t i, written = 0;

    for (i = 0; i < ev->count; i++) {
        const struct hhi_result *r = &ev->results[i];

        if (opts->quiet && r->status == HH_STATUS_SUCCESS)
            continue;
        if (r->op != last)
            write_operation(out, r->op, opts->colour);
        last = r->op;
        write_result(out, r, opts->colour);
        written++;
    }
    return written;
}

int hhi_report_text(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set,
                    const struct hhi_report_options *opts)
{
    int failed;

    /* One lock for the whole report: the writes below are unlocked. */
    flockfile(out);
    if (set->hook_count == 0)
        fputs_unlocked("No hooks are configured.\n", out);
    if (write_results(out, ev, opts) > 0)
        putc_unlocked('\n', out);
    hhi_report_summary_line(out, &ev->summary, opts->colour);
    putc_unlocked('\n', out);
    failed = ferror_unlocked(out);
    funlockfile(out);
    return failed ? HHI_EIO : HHI_OK;
}
