#include "config.h"

#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int hhi_error_set(struct hhi_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    char *p;

    if (err == NULL || err->code != HHI_OK)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    for (p = err->message; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    return code;
}

void hhi_error_clear(struct hhi_error *err)
{
    if (err == NULL)
        return;
    err->code = HHI_OK;
    err->message[0] = '\0';
}

const char *hhi_error_string(int code)
{
    switch (code) {
    case HHI_OK: return "no error";
    case HHI_EUSAGE: return "bad usage";
    case HHI_EINPUT: return "bad input";
    case HHI_ECONFIG: return "bad configuration";
    case HHI_EPLUGIN: return "plugin refused";
    case HHI_ENOMEM: return "out of memory";
    case HHI_EIO: return "I/O error";
    case HHI_EQUOTA: return "quota exceeded";
    default: return "internal error";
    }
}
