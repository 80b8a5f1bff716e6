#include "config.h"

#include "report.h"

/*
 * Reports write millions of strings: runs of plain characters go out in one
 * unlocked write (the caller holds the stream lock, see report_*.c).
 */
void hhi_json_write_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    const unsigned char *run = p;

    putc_unlocked('"', out);
    for (; *p != '\0'; p++) {
        const char *esc = NULL;
        char hex[8];

        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (*p < 0x20 || *p == 0x7F) {
                snprintf(hex, sizeof(hex), "\\u%04x", *p);
                esc = hex;
            }
        }
        if (esc == NULL)
            continue;
        fwrite_unlocked(run, 1, (size_t)(p - run), out);
        fputs_unlocked(esc, out);
        run = p + 1;
    }
    fwrite_unlocked(run, 1, (size_t)(p - run), out);
    putc_unlocked('"', out);
}
