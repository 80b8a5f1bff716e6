/*
 * One error convention for the whole host: functions return 0 or a negative
 * HHI_E* code and, on failure, fill a struct hhi_error whose message is a
 * single line that names the file or item and what is wrong.
 */
#ifndef HOOKHOST_HOST_ERROR_H
#define HOOKHOST_HOST_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum hhi_error_code {
    HHI_OK = 0,
    HHI_EUSAGE = -1,   /* bad command line */
    HHI_EINPUT = -2,   /* unreadable or malformed input file */
    HHI_ECONFIG = -3,  /* bad hook configuration */
    HHI_EPLUGIN = -4,  /* a plugin that cannot be loaded or trusted */
    HHI_ENOMEM = -5,   /* out of memory */
    HHI_EIO = -6,      /* an I/O error writing output */
    HHI_EQUOTA = -7,   /* a quota would be exceeded */
    HHI_EINTERNAL = -8 /* a bug */
};

#define HHI_ERROR_MESSAGE_MAX 1024

struct hhi_error {
    int code;                             /* enum hhi_error_code */
    char message[HHI_ERROR_MESSAGE_MAX];  /* one line, no trailing newline */
};

/*
 * Record an error (the first one wins, so the place that detected it names
 * it) and return code, for `return hhi_error_set(err, ...)`.  err may be NULL.
 * The message stays one line (see hhi_error_vformat).
 */
int hhi_error_set(struct hhi_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* hhi_error_set with a va_list. */
int hhi_error_vset(struct hhi_error *err, int code, const char *fmt, va_list ap);

/*
 * Format a message into dst (cap bytes) as hhi_error_set does: one line of
 * valid UTF-8 (control characters become spaces, invalid bytes '?'), and
 * when too long its start and its end, joined by " ... ", so that both the
 * name of the file and what is wrong with it survive a very long name.
 */
void hhi_error_vformat(char *dst, size_t cap, const char *fmt, va_list ap);

/* Forget a recorded error. */
void hhi_error_clear(struct hhi_error *err);

/* The generic text of a code ("out of memory", ...). */
const char *hhi_error_string(int code);

#endif
