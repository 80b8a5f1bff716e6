#include "config.h"

#include "report.h"

#include <string.h>

static const char *const format_names[] = { "text", "json", "junit", "sarif" };

int hhi_report_format_parse(const char *name, enum hhi_report_format *out)
{
    size_t i;

    for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (strcmp(name, format_names[i]) == 0) {
            *out = (enum hhi_report_format)i;
            return 0;
        }
    }
    return -1;
}

int hhi_report_write(FILE *out, enum hhi_report_format f, const struct hhi_evaluation *ev,
                     const struct hhi_hookset *set, const struct hhi_report_options *opts)
{
    switch (f) {
    case HHI_REPORT_JSON: return hhi_report_json(out, ev, set);
    case HHI_REPORT_JUNIT: return hhi_report_junit(out, ev, set);
    case HHI_REPORT_SARIF: return hhi_report_sarif(out, ev, set);
    default: return hhi_report_text(out, ev, set, opts);
    }
}

const char *hhi_result_outcome(const struct hhi_result *r)
{
    if (r->status == HH_STATUS_SUCCESS)
        return "PASS";
    return r->failure_mode == HH_FAILURE_MODE_WARN ? "WARN" : "FAIL";
}
