#include "config.h"

#include "report.h"

/*
 * Reports write millions of strings: runs of plain characters go out in one
 * unlocked write (the caller holds the stream lock, see report_*.c).
 */

size_t hhi_report_utf8_char(const char *s, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c, min;
    size_t n, i;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2, c = p[0] & 0x1Fu, min = 0x80;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3, c = p[0] & 0x0Fu, min = 0x800;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4, c = p[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    /* A NUL is no continuation byte: the check stops at the end of s. */
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* The escape for byte c (into hex), or NULL when it goes out as it is. */
static const char *json_escape(unsigned char c, char *hex, size_t cap)
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default:
        if (c < 0x20 || c == 0x7F) {
            snprintf(hex, cap, "\\u%04x", c);
            return hex;
        }
        return NULL;
    }
}

void hhi_json_write_escaped(FILE *out, const char *s)
{
    const char *p = s != NULL ? s : "";
    const char *run = p;

    while (*p != '\0') {
        const char *esc;
        char hex[8];
        uint32_t cp;
        size_t n = 1;

        if ((unsigned char)*p >= 0x80) {
            n = hhi_report_utf8_char(p, &cp);
            esc = n == 0 ? "\\ufffd" : NULL;
        } else {
            esc = json_escape((unsigned char)*p, hex, sizeof(hex));
        }
        if (esc == NULL) {
            p += n;
            continue;
        }
        fwrite_unlocked(run, 1, (size_t)(p - run), out);
        fputs_unlocked(esc, out);
        p++;
        run = p;
    }
    fwrite_unlocked(run, 1, (size_t)(p - run), out);
}

void hhi_json_write_string(FILE *out, const char *s)
{
    putc_unlocked('"', out);
    hhi_json_write_escaped(out, s);
    putc_unlocked('"', out);
}

void hhi_json_write_member(FILE *out, const char *key, const char *value, bool first)
{
    if (!first)
        putc_unlocked(',', out);
    hhi_json_write_string(out, key);
    putc_unlocked(':', out);
    hhi_json_write_string(out, value);
}
