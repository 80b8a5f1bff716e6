#include "config.h"

#include "redact.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Most operations mark a few values: those need no allocation. */
#define VALUES_ON_STACK 16
/* Sensitive documents are flat lists; nesting past this is not walked. */
#define DEPTH_MAX 64

struct value {
    const char *s;    /* the value's text, or NULL: then it is num */
    size_t len;
    bool special;     /* holds '"', '\\' or a control character */
    bool printable;   /* holds something other than control characters */
    char num[32];     /* the JSON text of a number or boolean */
};

struct values {
    struct value *v;
    size_t count;
    size_t cap;
    struct value stack[VALUES_ON_STACK];
};

/*
 * How a value's bytes may be spelled in the text.  The last two lose
 * control characters ('?', ' '): a value of nothing else is not looked for
 * in them, or every '?' or space would be taken for it.
 */
enum form { FORM_RAW, FORM_JSON, FORM_QUOTED, FORM_LINE, FORM_COUNT };

static const char *value_text(const struct value *v)
{
    return v->s != NULL ? v->s : v->num;
}

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

/* ---------------------------------------------------------- the values */

static struct value *values_add(struct values *vs)
{
    if (vs->count == vs->cap) {
        size_t cap = vs->cap * 2;
        struct value *n = malloc(cap * sizeof(*n));

        if (n == NULL)
            return NULL;
        memcpy(n, vs->v, vs->count * sizeof(*n));
        if (vs->v != vs->stack)
            free(vs->v);
        vs->v = n;
        vs->cap = cap;
    }
    memset(&vs->v[vs->count], 0, sizeof(vs->v[0]));
    return &vs->v[vs->count++];
}

static int add_text(struct values *vs, const char *s, size_t len)
{
    struct value *v;
    size_t i;

    if (len == 0)
        return HHI_OK;
    v = values_add(vs);
    if (v == NULL)
        return HHI_ENOMEM;
    v->s = s;
    v->len = len;
    for (i = 0; i < len; i++) {
        v->special |= s[i] == '"' || s[i] == '\\' || is_control((unsigned char)s[i]);
        v->printable |= !is_control((unsigned char)s[i]);
    }
    return HHI_OK;
}

/* A number or boolean, by the text JSON spells it with. */
static int add_number(struct values *vs, const char *fmt_text)
{
    struct value *v = values_add(vs);

    if (v == NULL)
        return HHI_ENOMEM;
    snprintf(v->num, sizeof(v->num), "%s", fmt_text);
    v->len = strlen(v->num);
    v->printable = true;
    return HHI_OK;
}

static int add_scalar(struct values *vs, json_object *j)
{
    char buf[32];

    switch (json_object_get_type(j)) {
    case json_type_string:
        return add_text(vs, json_object_get_string(j), (size_t)json_object_get_string_len(j));
    case json_type_boolean:
        return add_number(vs, json_object_get_boolean(j) ? "true" : "false");
    case json_type_int:
        /* json-c keeps integers past INT64_MAX as unsigned. */
        if (json_object_get_int64(j) == INT64_MAX)
            snprintf(buf, sizeof(buf), "%" PRIu64, json_object_get_uint64(j));
        else
            snprintf(buf, sizeof(buf), "%" PRId64, json_object_get_int64(j));
        return add_number(vs, buf);
    case json_type_double:
        /* Not json_object_get_string: it writes into the object, from several threads. */
        snprintf(buf, sizeof(buf), "%.15g", json_object_get_double(j));
        return add_number(vs, buf);
    default:
        return HHI_OK;
    }
}

static int collect(struct values *vs, json_object *j, int depth)
{
    size_t i, n;
    int rc = HHI_OK;

    if (depth > DEPTH_MAX)
        return HHI_OK;
    if (json_object_is_type(j, json_type_array)) {
        n = json_object_array_length(j);
        for (i = 0; i < n && rc == HHI_OK; i++)
            rc = collect(vs, json_object_array_get_idx(j, i), depth + 1);
        return rc;
    }
    if (json_object_is_type(j, json_type_object)) {
        json_object_object_foreach(j, key, member)
        {
            (void)key;
            if (rc == HHI_OK)
                rc = collect(vs, member, depth + 1);
        }
        return rc;
    }
    return add_scalar(vs, j);
}

static void values_init(struct values *vs)
{
    vs->v = vs->stack;
    vs->count = 0;
    vs->cap = VALUES_ON_STACK;
}

static void values_release(struct values *vs)
{
    if (vs->v != vs->stack)
        free(vs->v);
    values_init(vs);
}

/* ------------------------------------------------------------ matching */

static size_t spell_json_control(unsigned char c, char *buf)
{
    static const char short_escapes[] = { '\b', 'b', '\f', 'f', '\n', 'n', '\r', 'r', '\t', 't' };
    size_t i;

    for (i = 0; i < sizeof(short_escapes); i += 2) {
        if (c == (unsigned char)short_escapes[i]) {
            buf[0] = '\\';
            buf[1] = short_escapes[i + 1];
            return 2;
        }
    }
    snprintf(buf, 8, "\\u%04x", c);
    return 6;
}

/* How byte c of a value is spelled in form f (into buf, 8 bytes). */
static size_t spell(enum form f, unsigned char c, char *buf)
{
    if ((c == '"' || c == '\\') && (f == FORM_JSON || f == FORM_QUOTED)) {
        buf[0] = '\\';
        buf[1] = (char)c;
        return 2;
    }
    if (is_control(c)) {
        if (f == FORM_JSON)
            return spell_json_control(c, buf);
        if (f == FORM_QUOTED || f == FORM_LINE) {
            buf[0] = f == FORM_QUOTED ? '?' : ' ';
            return 1;
        }
    }
    buf[0] = (char)c;
    return 1;
}

/*
 * How many bytes of the value, spelled in form f, text t[0..n) starts
 * with; *used receives the text bytes they take.
 */
static size_t match_form(const char *t, size_t n, const struct value *v, enum form f,
                         size_t *used)
{
    const char *s = value_text(v);
    size_t i, u = 0;
    char buf[8];

    for (i = 0; i < v->len; i++) {
        size_t k = spell(f, (unsigned char)s[i], buf);

        if (k > n - u || memcmp(t + u, buf, k) != 0)
            break;
        u += k;
    }
    *used = u;
    return i;
}

/* Was the value cut here: the text ends, or an ellipsis follows? */
static bool cut_here(const char *t, size_t n)
{
    return n == 0 || (n >= 3 && (memcmp(t, "...", 3) == 0 || memcmp(t, "\xE2\x80\xA6", 3) == 0));
}

/* Text bytes at t[0..n) that are a sensitive value (the longest), or 0. */
static size_t match_at(const char *t, size_t n, const struct values *vs)
{
    size_t i, best = 0;

    for (i = 0; i < vs->count; i++) {
        const struct value *v = &vs->v[i];
        int f, forms = !v->special ? 1 : v->printable ? FORM_COUNT : FORM_QUOTED;

        if (value_text(v)[0] != t[0] && !v->special)
            continue;
        for (f = 0; f < forms; f++) {
            size_t used, got = match_form(t, n, v, (enum form)f, &used);

            if ((got == v->len || (got >= HHI_REDACT_MIN_PREFIX && cut_here(t + used, n - used))) &&
                used > best)
                best = used;
        }
    }
    return best;
}

/* The redacted text into out (NULL: only measure); returns its length. */
static size_t redact_pass(char *out, const char *text, size_t len, const struct values *vs,
                          bool *changed)
{
    static const size_t marker = sizeof(HHI_REDACTED) - 1;
    size_t i = 0, n = 0;

    while (i < len) {
        size_t m = match_at(text + i, len - i, vs);

        if (m > 0) {
            if (out != NULL)
                memcpy(out + n, HHI_REDACTED, marker);
            n += marker;
            i += m;
            *changed = true;
        } else {
            if (out != NULL)
                out[n] = text[i];
            n++;
            i++;
        }
    }
    return n;
}

/* ---------------------------------------------------------------- API */

int hhi_redact(char **out, size_t *out_len, const char *text, size_t len,
               json_object *sensitive)
{
    struct values vs;
    bool changed = false;
    size_t n;
    int rc;

    *out = NULL;
    *out_len = len;
    if (sensitive == NULL || text == NULL || len == 0)
        return HHI_OK;
    values_init(&vs);
    rc = collect(&vs, sensitive, 0);
    if (rc != HHI_OK || vs.count == 0)
        goto done;
    n = redact_pass(NULL, text, len, &vs, &changed);
    if (!changed)
        goto done;
    *out = malloc(n + 1);
    if (*out == NULL) {
        rc = HHI_ENOMEM;
        goto done;
    }
    redact_pass(*out, text, len, &vs, &changed);
    (*out)[n] = '\0';
    *out_len = n;
done:
    values_release(&vs);
    return rc;
}

int hhi_redact_owned(char **s, json_object *sensitive)
{
    char *red;
    size_t n;
    int rc;

    if (*s == NULL || sensitive == NULL)
        return HHI_OK;
    rc = hhi_redact(&red, &n, *s, strlen(*s), sensitive);
    if (rc == HHI_OK && red != NULL) {
        free(*s);
        *s = red;
    }
    return rc;
}
