/* Reports of an evaluation: for people (text) and for programs (JSON). */
#ifndef HOOKHOST_HOST_REPORT_H
#define HOOKHOST_HOST_REPORT_H

#include <stdio.h>

#include "evaluate.h"
#include "hookset.h"

/* The JSON report's schema version; later releases only add members. */
#define HHI_REPORT_SCHEMA_VERSION "1.0"

/* Write the report; returns 0, or HHI_EIO when the stream failed. */
int hhi_report_text(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set);
int hhi_report_json(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set);

/* The one-line summary the text report ends with (no newline). */
void hhi_report_summary_line(FILE *out, const struct hhi_summary *s);

/* Write s as a JSON string literal (quotes and escapes). */
void hhi_json_write_string(FILE *out, const char *s);

#endif
