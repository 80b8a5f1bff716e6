#include "config.h"

/*
 * A strict JSON parser (RFC 8259) that builds json-c objects, used instead
 * of json-c's own tokener, which in json-c 0.16 (Debian 12):
 *
 *   - crashes when it cannot allocate a member name (strdup returns NULL
 *     and json_object_object_add then takes its strlen), and silently
 *     drops members, elements and string bytes when other allocations
 *     fail, so that a document can lose a resource under memory pressure
 *     and still parse (json-c 0.17 added json_tokener_error_memory);
 *   - lets through what is not JSON even in strict mode: single-quoted
 *     member names, NaN and Infinity (which it then writes back, handing
 *     hooks text that is not JSON), "1." and raw control characters in
 *     strings;
 *   - keeps the last of duplicate member names without a word.
 *
 * Here every allocation is checked (failure: HHI_JSON_NOMEM, nothing
 * leaked), all of those are errors, and nesting is limited without
 * recursion.  Error messages and their places follow json-c's, so that a
 * malformed file is reported as before.
 */

#include "json_parse.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/json_util.h>

struct frame {
    json_object *container;  /* object or array being filled */
    char *key;               /* objects: the member whose value comes next */
    size_t key_at;           /* its place, for a duplicate */
};

struct parser {
    const char *s;
    size_t len, pos;
    size_t max_depth;
    struct frame *frames;
    size_t depth;            /* open containers */
    char *buf;               /* decoded strings */
    size_t buf_len, buf_cap;
    size_t at;               /* error place */
    const char *why;         /* error text, NULL: out of memory */
};

#define FAIL (-1)
#define NOMEM (-2)

static int error(struct parser *p, size_t at, const char *why)
{
    p->at = at;
    p->why = why;
    return FAIL;
}

static int eof_error(struct parser *p)
{
    return error(p, p->len, "unexpected end of input");
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* ---------------------------------------------------------------- strings */

static int buf_add(struct parser *p, const char *data, size_t n)
{
    if (p->buf_len + n + 1 > p->buf_cap) {
        size_t cap = p->buf_cap != 0 ? p->buf_cap : 64;
        char *grown;

        while (cap < p->buf_len + n + 1)
            cap *= 2;
        grown = realloc(p->buf, cap);
        if (grown == NULL)
            return NOMEM;
        p->buf = grown;
        p->buf_cap = cap;
    }
    memcpy(p->buf + p->buf_len, data, n);
    p->buf_len += n;
    p->buf[p->buf_len] = '\0';
    return 0;
}

static int hex4(const char *s, size_t avail, unsigned *out, size_t *bad)
{
    unsigned v = 0;
    size_t i;

    for (i = 0; i < 4; i++) {
        char c = i < avail ? s[i] : '\0';
        unsigned d;

        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return *bad = i, -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static int add_code_point(struct parser *p, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return buf_add(p, u, n);
}

/* \uXXXX at p->pos (after the backslash and 'u'); surrogate pairs joined,
 * a lone surrogate becomes U+FFFD as json-c makes it. */
static int unicode_escape(struct parser *p)
{
    unsigned cp, low;
    size_t bad;

    if (hex4(p->s + p->pos, p->len - p->pos, &cp, &bad) != 0)
        return p->pos + bad >= p->len ? eof_error(p)
                                      : error(p, p->pos + bad, "invalid string sequence");
    p->pos += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF && p->pos + 6 <= p->len && p->s[p->pos] == '\\' &&
        p->s[p->pos + 1] == 'u' && hex4(p->s + p->pos + 2, 4, &low, &bad) == 0 &&
        low >= 0xDC00 && low <= 0xDFFF) {
        p->pos += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xFFFD;
    }
    return add_code_point(p, cp);
}

static int escape(struct parser *p)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    char c;

    if (p->pos >= p->len)
        return eof_error(p);
    c = p->s[p->pos];
    if (c == 'u') {
        p->pos++;
        return unicode_escape(p);
    }
    hit = c != '\0' ? strchr(from, c) : NULL;
    if (hit == NULL)
        return error(p, p->pos, "invalid string sequence");
    p->pos++;
    return buf_add(p, &to[hit - from], 1);
}

/* The string at p->pos (its opening quote) into p->buf (p->buf_len bytes). */
static int string(struct parser *p)
{
    size_t run;
    int rc;

    p->pos++;
    p->buf_len = 0;
    for (;;) {
        run = p->pos;
        while (run < p->len && p->s[run] != '"' && p->s[run] != '\\' &&
               (unsigned char)p->s[run] >= 0x20)
            run++;
        if ((rc = buf_add(p, p->s + p->pos, run - p->pos)) != 0)
            return rc;
        p->pos = run;
        if (run >= p->len)
            return eof_error(p);
        if (p->s[run] == '"') {
            p->pos++;
            return 0;
        }
        if (p->s[run] != '\\')
            return error(p, run, "control character in a string (it must be escaped)");
        p->pos++;
        if ((rc = escape(p)) != 0)
            return rc;
    }
}

/* ---------------------------------------------------------------- scalars */

static size_t digits(const struct parser *p, size_t i)
{
    while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
        i++;
    return i;
}

/* The end of the number starting at p->pos, or 0 after an error. */
static size_t number_end(struct parser *p, bool *is_double)
{
    size_t i = p->pos, start;

    *is_double = false;
    if (p->s[i] == '-')
        i++;
    if (i >= p->len)
        return eof_error(p), 0;
    if (p->s[i] == '0') {
        i++;
    } else if (p->s[i] >= '1' && p->s[i] <= '9') {
        i = digits(p, i);
    } else {
        return error(p, i, p->s[i] == 'I' ? "NaN and Infinity are not JSON numbers"
                                          : "number expected"), 0;
    }
    if (i < p->len && p->s[i] == '.') {
        *is_double = true;
        start = ++i;
        if ((i = digits(p, i)) == start)
            return (i >= p->len ? eof_error(p) : error(p, i, "a digit must follow the decimal point")), 0;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        *is_double = true;
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        start = i;
        if ((i = digits(p, i)) == start)
            return (i >= p->len ? eof_error(p) : error(p, i, "number expected")), 0;
    }
    if (i < p->len && ((p->s[i] >= '0' && p->s[i] <= '9') || p->s[i] == '.'))
        return error(p, i, "number expected"), 0;
    return i;
}

/* A number as json-c makes it: int64, uint64 past INT64_MAX, or a double
 * that keeps its text. */
static int number(struct parser *p, json_object **out)
{
    char small[64], *text = small;
    bool is_double;
    size_t end = number_end(p, &is_double), n;
    int64_t i64;
    uint64_t u64;
    double d;
    bool ok;

    if (end == 0)
        return FAIL;
    errno = 0;
    n = end - p->pos;
    if (n >= sizeof(small) && (text = malloc(n + 1)) == NULL)
        return NOMEM;
    memcpy(text, p->s + p->pos, n);
    text[n] = '\0';
    *out = NULL;
    if (is_double)
        ok = json_parse_double(text, &d) == 0 && (*out = json_object_new_double_s(d, text)) != NULL;
    else if (text[0] == '-')
        ok = json_parse_int64(text, &i64) == 0 && (*out = json_object_new_int64(i64)) != NULL;
    else
        ok = json_parse_uint64(text, &u64) == 0 &&
             (*out = u64 <= INT64_MAX ? json_object_new_int64((int64_t)u64)
                                      : json_object_new_uint64(u64)) != NULL;
    if (text != small)
        free(text);
    if (!ok && errno != ENOMEM) /* json-c's number parsers refused it */
        return error(p, p->pos, "number expected");
    p->pos = end;
    return ok ? 0 : NOMEM;
}

static int literal(struct parser *p, const char *word, const char *why)
{
    size_t i;

    for (i = 0; word[i] != '\0'; i++) {
        if (p->pos + i >= p->len)
            return eof_error(p);
        if (p->s[p->pos + i] != word[i])
            return error(p, p->pos + i, why);
    }
    p->pos += i;
    return 0;
}

/* A string, number or literal at p->pos; *out NULL is JSON null. */
static int scalar(struct parser *p, json_object **out)
{
    char c = p->s[p->pos];
    int rc;

    *out = NULL;
    if (c == '"') {
        if ((rc = string(p)) != 0)
            return rc;
        *out = json_object_new_string_len(p->buf, (int)p->buf_len);
        return *out != NULL ? 0 : NOMEM;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return number(p, out);
    if (c == 't' || c == 'f') {
        if ((rc = literal(p, c == 't' ? "true" : "false", "boolean expected")) != 0)
            return rc;
        *out = json_object_new_boolean(c == 't');
        return *out != NULL ? 0 : NOMEM;
    }
    if (c == 'n')
        return literal(p, "null", "null expected");
    if (c == '\'')
        return error(p, p->pos, "single-quoted strings are not JSON");
    if (c == 'N' || c == 'I')
        return error(p, p->pos, "NaN and Infinity are not JSON numbers");
    return error(p, p->pos, "unexpected character");
}

/* ------------------------------------------------------------- containers */

/* A member name and its ':' (p->pos at the name's opening quote). */
static int member_name(struct parser *p, struct frame *f)
{
    size_t at = p->pos;
    int rc;

    if (p->pos >= p->len)
        return eof_error(p);
    if (p->s[p->pos] != '"')
        return error(p, p->pos, p->s[p->pos] == '\'' ? "single-quoted strings are not JSON"
                                                      : "quoted object property name expected");
    if ((rc = string(p)) != 0)
        return rc;
    if (memchr(p->buf, '\0', p->buf_len) != NULL)
        return error(p, at, "NUL character in a member name");
    if (json_object_object_get_ex(f->container, p->buf, NULL))
        return error(p, at, "duplicate member name");
    f->key = malloc(p->buf_len + 1);
    if (f->key == NULL)
        return NOMEM;
    memcpy(f->key, p->buf, p->buf_len + 1);
    f->key_at = at;
    skip_ws(p);
    if (p->pos >= p->len)
        return eof_error(p);
    if (p->s[p->pos] != ':')
        return error(p, p->pos, "object property name separator ':' expected");
    p->pos++;
    return 0;
}

/* Open a container at p->pos; *done when it is empty (and closed). */
static int open_container(struct parser *p, json_object **out, bool *done)
{
    bool object = p->s[p->pos] == '{';
    struct frame *f;

    *out = object ? json_object_new_object() : json_object_new_array();
    if (*out == NULL)
        return NOMEM;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == (object ? '}' : ']')) {
        p->pos++;
        *done = true;
        return 0;
    }
    *done = false;
    f = &p->frames[p->depth++];
    f->container = *out;
    f->key = NULL;
    *out = NULL;
    return object ? member_name(p, f) : 0;
}

/* Put v into the innermost container (it takes v, even on failure). */
static int attach(struct parser *p, json_object *v)
{
    struct frame *f = &p->frames[p->depth - 1];
    int rc;

    if (json_object_is_type(f->container, json_type_array)) {
        rc = json_object_array_add(f->container, v);
    } else {
        rc = json_object_object_add(f->container, f->key, v);
        free(f->key);
        f->key = NULL;
    }
    if (rc != 0) {
        json_object_put(v);
        return NOMEM;
    }
    return 0;
}

/*
 * After a value: ',' and the next (0, p->pos at it), or the close of the
 * innermost container (1, *closed the container, popped).
 */
static int after_value(struct parser *p, json_object **closed)
{
    struct frame *f = &p->frames[p->depth - 1];
    bool object = json_object_is_type(f->container, json_type_object);

    skip_ws(p);
    if (p->pos >= p->len)
        return eof_error(p);
    if (p->s[p->pos] == (object ? '}' : ']')) {
        p->pos++;
        *closed = f->container;
        f->container = NULL;
        p->depth--;
        return 1;
    }
    if (p->s[p->pos] != ',')
        return error(p, p->pos, object ? "object value separator ',' expected"
                                       : "array value separator ',' expected");
    p->pos++;
    skip_ws(p);
    if (object)
        return member_name(p, f);
    if (p->pos < p->len && p->s[p->pos] == ']')
        return error(p, p->pos, "unexpected character");
    return 0;
}

/* ------------------------------------------------------------------ value */

static int parse(struct parser *p, json_object **root)
{
    json_object *v;
    bool done;
    int rc;

    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len)
            return eof_error(p);
        if (p->depth >= p->max_depth)
            return error(p, p->pos, "nesting too deep");
        if (p->s[p->pos] == '{' || p->s[p->pos] == '[') {
            if ((rc = open_container(p, &v, &done)) != 0)
                return rc;
            if (!done)
                continue;
        } else if ((rc = scalar(p, &v)) != 0) {
            return rc;
        }
        /* v is complete: attach it, closing the containers it completes. */
        for (;;) {
            if (p->depth == 0) {
                *root = v;
                return 0;
            }
            if ((rc = attach(p, v)) != 0)
                return rc;
            rc = after_value(p, &v);
            if (rc < 0)
                return rc;
            if (rc == 0)
                break;
        }
    }
}

int hhi_json_build(const char *text, size_t len, size_t max_depth, json_object **out,
                   size_t *at, const char **why)
{
    struct parser p;
    json_object *root = NULL;
    int rc;

    *out = NULL;
    memset(&p, 0, sizeof(p));
    p.s = text;
    p.len = len;
    p.max_depth = max_depth;
    p.frames = calloc(max_depth + 1, sizeof(*p.frames));
    if (p.frames == NULL)
        return HHI_JSON_NOMEM;
    rc = parse(&p, &root);
    if (rc == 0) {
        skip_ws(&p);
        if (p.pos < p.len)
            rc = error(&p, p.pos, "unexpected text after the JSON value");
    }
    while (p.depth > 0) {
        p.depth--;
        json_object_put(p.frames[p.depth].container);
        free(p.frames[p.depth].key);
    }
    free(p.frames);
    free(p.buf);
    if (rc != 0) {
        json_object_put(root);
        *at = p.at;
        *why = p.why;
        return rc == NOMEM ? HHI_JSON_NOMEM : HHI_JSON_INVALID;
    }
    *out = root;
    return HHI_JSON_OK;
}
