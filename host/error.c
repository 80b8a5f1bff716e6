#include "config.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define ELISION " ... "

/*
 * The len bytes of text in at most cap - 1 bytes: when too long, its start
 * and its end with ELISION between them (a message names the file first
 * and says what is wrong last, and both must survive a 10,000-byte name).
 * Both cuts fall on UTF-8 character boundaries.
 */
static void elide(char *dst, size_t cap, const char *text, size_t len)
{
    size_t room = cap - 1 - (sizeof(ELISION) - 1), head, tail;

    if (len < cap) {
        memcpy(dst, text, len + 1);
        return;
    }
    head = room * 5 / 8;
    while (head > 0 && ((unsigned char)text[head] & 0xC0) == 0x80)
        head--;
    tail = len - (room - head);
    while (tail < len && ((unsigned char)text[tail] & 0xC0) == 0x80)
        tail++;
    memcpy(dst, text, head);
    memcpy(dst + head, ELISION, sizeof(ELISION) - 1);
    memcpy(dst + head + sizeof(ELISION) - 1, text + tail, len - tail);
    dst[head + sizeof(ELISION) - 1 + (len - tail)] = '\0';
}

void hhi_error_vformat(char *dst, size_t cap, const char *fmt, va_list ap)
{
    char small[HHI_ERROR_MESSAGE_MAX], *text = small, *big = NULL;
    char *joined;
    va_list again;
    int n;

    if (cap == 0)
        return;
    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(small) && (big = malloc((size_t)n + 1)) != NULL &&
        vsnprintf(big, (size_t)n + 1, fmt, again) == n)
        text = big;
    va_end(again);
    if (text == small && (size_t)n >= sizeof(small))
        n = (int)strlen(small); /* no memory for the whole: its start only */
    joined = malloc(cap);
    if (joined == NULL) {
        hhi_utf8_copy_line(dst, cap, text, (size_t)n);
    } else {
        elide(joined, cap, text, (size_t)n);
        /* One line of valid UTF-8: control characters become spaces. */
        hhi_utf8_copy_line(dst, cap, joined, strlen(joined));
        free(joined);
    }
    free(big);
}

int hhi_error_vset(struct hhi_error *err, int code, const char *fmt, va_list ap)
{
    if (err == NULL || err->code != HHI_OK)
        return code;
    err->code = code;
    hhi_error_vformat(err->message, sizeof(err->message), fmt, ap);
    return code;
}

int hhi_error_set(struct hhi_error *err, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = hhi_error_vset(err, code, fmt, ap);
    va_end(ap);
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
