#include "config.h"

#include "utf8.h"

#include <stdbool.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t sequence_length(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

size_t hhi_utf8_invalid_offset(const char *s, size_t len)
{
    size_t off = 0;

    while (off < len) {
        size_t n = sequence_length((const unsigned char *)s + off, len - off);

        if (n == 0)
            return off;
        off += n;
    }
    return len;
}

static size_t copy(char *dst, size_t cap, const char *src, size_t len, bool one_line)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t in = 0, out = 0;

    if (cap == 0)
        return 0;
    while (in < len && s[in] != '\0') {
        size_t n = sequence_length(s + in, len - in);

        if (n == 0) {
            if (out + 1 >= cap)
                break;
            dst[out++] = '?';
            in++;
            continue;
        }
        if (out + n >= cap)
            break; /* never cut a character in half */
        if (one_line && n == 1 && (s[in] < 0x20 || s[in] == 0x7F)) {
            dst[out++] = ' ';
        } else {
            size_t i;

            for (i = 0; i < n; i++)
                dst[out++] = (char)s[in + i];
        }
        in += n;
    }
    dst[out] = '\0';
    return out;
}

size_t hhi_utf8_copy(char *dst, size_t cap, const char *src, size_t len)
{
    return copy(dst, cap, src, len, false);
}

size_t hhi_utf8_copy_line(char *dst, size_t cap, const char *src, size_t len)
{
    return copy(dst, cap, src, len, true);
}
