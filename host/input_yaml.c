#include "config.h"

/*
 * YAML to a json-c tree, as CloudFormation reads YAML templates:
 *
 * - the short-form intrinsic function tags become their long forms: !Ref X
 *   is {"Ref": "X"}, !Condition X {"Condition": "X"}, !GetAtt A.B
 *   {"Fn::GetAtt": ["A", "B"]} (split at the first dot), any other !Name V
 *   {"Fn::Name": V}; a tagged scalar stays a string (!Ref 123 is "123");
 * - plain scalars are typed as YAML 1.1 (PyYAML, cfn-lint and the AWS CLI)
 *   types them: null (~, null, empty), booleans (true/false, yes/no, on/off
 *   in their three spellings), integers (decimal, 0x hex, 0b binary, 0
 *   octal, base-60 1:30; past int64 an unsigned integer, past that a
 *   decimal number that keeps its digits), floats (1.5, 1.5e+3, .5, base
 *   60); .inf and .nan
 *   have no JSON form and stay strings, as do quoted scalars and everything
 *   else (2010-09-09, 012345678901, 1e5);
 * - the standard tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq
 *   are honoured; other tags (!!binary, !!timestamp, unknown local tags) and
 *   merge keys (<<) are refused, as are keys that are not scalars,
 *   duplicate keys and a stream of more than one document;
 * - anchors and aliases are resolved by sharing the anchored node (json-c
 *   counts references), with a cap on the nodes the document expands to
 *   (billion laughs): its size in bytes plus HHI_YAML_ALIAS_NODES;
 * - nesting, aliases and intrinsic wrappers included, is limited to
 *   HHI_JSON_MAX_DEPTH.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "input.h"
#include "inputs.h"
#include "utf8.h"

/* Nodes that aliases may add beyond one per byte of the document. */
#define HHI_YAML_ALIAS_NODES 1000000u

#define YAML_STD "tag:yaml.org,2002:"

struct anchor {
    char *name;
    json_object *node;
    size_t size;   /* nodes, aliases expanded */
    int height;    /* levels of nesting */
};

struct conv {
    yaml_parser_t parser;
    const char *what;
    const char *data;
    struct hhi_error *err;
    struct anchor *anchors;
    size_t anchor_count, anchor_cap;
    json_object *anchor_index; /* name -> index of its latest definition */
    size_t nodes, max_nodes;
    struct hhi_line_map *lines;
};

/* A converted node and what aliases to it would cost. */
struct node {
    json_object *v;
    size_t size;
    int height;
};

/* How a collection records the lines of its members or items. */
enum record { RECORD_NONE, RECORD_ROOT, RECORD_CHILDREN };

static int parse_node(struct conv *c, yaml_event_t *ev, int depth, const char *nest_key,
                      struct node *out);

/* ----------------------------------------------------------------- errors */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail_at(struct conv *c, const yaml_mark_t *m, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return hhi_error_set(c->err, HHI_EINPUT, "%s:%zu:%zu: invalid YAML: %s", c->what,
                         m->line + 1, m->column + 1, why);
}

static int fail_offset(const char *what, const char *data, size_t offset, const char *why,
                       struct hhi_error *err)
{
    size_t line = 1, column = 1, i;

    for (i = 0; i < offset; i++) {
        if (data[i] == '\n') {
            line++;
            column = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            column++;
        }
    }
    return hhi_error_set(err, HHI_EINPUT, "%s:%zu:%zu: invalid YAML: %s", what, line, column,
                         why);
}

static int parser_error(struct conv *c)
{
    const yaml_parser_t *p = &c->parser;
    const char *problem = p->problem != NULL ? p->problem : "cannot parse";

    if (p->error == YAML_MEMORY_ERROR)
        return hhi_error_set(c->err, HHI_ENOMEM, "%s: out of memory", c->what);
    if (p->error == YAML_READER_ERROR)
        return fail_offset(c->what, c->data, p->problem_offset, problem, c->err);
    if (p->context != NULL)
        return fail_at(c, &p->problem_mark, "%s %s that started at line %zu", problem, p->context,
                       p->context_mark.line + 1);
    return fail_at(c, &p->problem_mark, "%s", problem);
}

static int oom(struct conv *c)
{
    return hhi_error_set(c->err, HHI_ENOMEM, "%s: out of memory", c->what);
}

static int next_event(struct conv *c, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&c->parser, ev))
        return parser_error(c);
    return HHI_OK;
}

/* Count n more nodes against the cap. */
static int count_nodes(struct conv *c, size_t n, const yaml_mark_t *m)
{
    if (n > c->max_nodes - c->nodes)
        return fail_at(c, m, "the document expands to more than %zu nodes (aliases)",
                       c->max_nodes);
    c->nodes += n;
    return HHI_OK;
}

/* ---------------------------------------------------------------- anchors */

static int anchor_add(struct conv *c, const char *name, const struct node *n)
{
    struct anchor *a;
    json_object *idx;

    if (c->anchor_count == c->anchor_cap) {
        size_t cap = c->anchor_cap ? c->anchor_cap * 2 : 16;

        a = realloc(c->anchors, cap * sizeof(*a));
        if (a == NULL)
            return oom(c);
        c->anchors = a;
        c->anchor_cap = cap;
    }
    a = &c->anchors[c->anchor_count];
    a->name = strdup(name);
    idx = json_object_new_int64((int64_t)c->anchor_count);
    if (a->name == NULL || idx == NULL || json_object_object_add(c->anchor_index, name, idx) != 0) {
        free(a->name);
        json_object_put(idx);
        return oom(c);
    }
    a->node = json_object_get(n->v);
    a->size = n->size;
    a->height = n->height;
    c->anchor_count++;
    return HHI_OK;
}

static int alias_node(struct conv *c, const yaml_event_t *ev, int depth, struct node *out)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const struct anchor *a;
    json_object *idx = NULL;

    if (!json_object_object_get_ex(c->anchor_index, name, &idx))
        return fail_at(c, &ev->start_mark, "alias *%s names no anchor defined before it", name);
    a = &c->anchors[json_object_get_int64(idx)];
    if (depth - 1 + a->height > HHI_JSON_MAX_DEPTH)
        return fail_at(c, &ev->start_mark, "alias *%s nests deeper than %d levels", name,
                       HHI_JSON_MAX_DEPTH);
    if (count_nodes(c, a->size, &ev->start_mark) != HHI_OK)
        return c->err->code;
    out->v = json_object_get(a->node);
    out->size = a->size;
    out->height = a->height;
    return HHI_OK;
}

/* --------------------------------------------------------- plain scalars */

static bool text_is(const char *s, size_t n, const char *const *words)
{
    for (; *words != NULL; words++) {
        if (strlen(*words) == n && memcmp(s, *words, n) == 0)
            return true;
    }
    return false;
}

static bool is_null(const char *s, size_t n)
{
    static const char *const words[] = { "~", "null", "Null", "NULL", NULL };

    return n == 0 || text_is(s, n, words);
}

/* 1 true, 0 false, -1 not a boolean. */
static int bool_of(const char *s, size_t n)
{
    static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
                                       "on", "On", "ON", NULL };
    static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
                                      "off", "Off", "OFF", NULL };

    return text_is(s, n, yes) ? 1 : text_is(s, n, no) ? 0 : -1;
}

static int digit_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return 99;
}

/*
 * Digits of base in s[0..n) with '_' separators (at least one digit):
 * 1 and *v, 0 when not such a number, -1 when too large for uint64.
 */
static int digits(const char *s, size_t n, unsigned base, uint64_t *v)
{
    bool any = false, big = false;
    size_t i;

    *v = 0;
    for (i = 0; i < n; i++) {
        unsigned d;

        if (s[i] == '_')
            continue;
        d = (unsigned)digit_value(s[i]);
        if (d >= base)
            return 0;
        any = true;
        if (*v > (UINT64_MAX - d) / base)
            big = true;
        else
            *v = *v * base + d;
    }
    return !any ? 0 : big ? -1 : 1;
}

/* Base-60 "1:30:15" after the first part (s at the first ':'): 1 and *v, 0, -1. */
static int sexagesimal(const char *s, size_t n, uint64_t *v)
{
    size_t i = 0;

    while (i < n) {
        size_t start = ++i, len;
        unsigned part = 0;

        while (i < n && s[i] != ':')
            i++;
        len = i - start;
        if (len < 1 || len > 2 || digit_value(s[start]) > 9 ||
            (len == 2 && (digit_value(s[start]) > 5 || digit_value(s[start + 1]) > 9)))
            return 0;
        part = (unsigned)digit_value(s[start]);
        if (len == 2)
            part = part * 10 + (unsigned)digit_value(s[start + 1]);
        if (*v > (UINT64_MAX - part) / 60)
            return -1;
        *v = *v * 60 + part;
    }
    return 1;
}

/* The magnitude of a YAML 1.1 integer without its sign: 1, 0 or -1 as digits(). */
static int int_magnitude(const char *s, size_t n, uint64_t *v, bool *decimal)
{
    const char *colon;

    *decimal = false;
    if (n == 1 && s[0] == '0')
        return (*v = 0), 1;
    if (n > 2 && s[0] == '0' && s[1] == 'b')
        return digits(s + 2, n - 2, 2, v);
    if (n > 2 && s[0] == '0' && s[1] == 'x')
        return digits(s + 2, n - 2, 16, v);
    if (s[0] == '0')
        return digits(s + 1, n - 1, 8, v);
    if (s[0] < '1' || s[0] > '9')
        return 0;
    colon = memchr(s, ':', n);
    if (colon == NULL) {
        *decimal = true;
        return digits(s, n, 10, v);
    }
    {
        int rc = digits(s, (size_t)(colon - s), 10, v);

        return rc != 1 ? rc : sexagesimal(colon, n - (size_t)(colon - s), v);
    }
}

/* A decimal integer past int64: a JSON number that keeps its digits. */
static json_object *big_decimal(const char *s, size_t n, bool neg)
{
    char *text = malloc(n + 2);
    json_object *v = NULL;
    size_t i, k = 0;

    if (text == NULL)
        return NULL;
    if (neg)
        text[k++] = '-';
    for (i = 0; i < n; i++) {
        if (s[i] != '_')
            text[k++] = s[i];
    }
    text[k] = '\0';
    v = json_object_new_double_s(strtod(text, NULL), text);
    free(text);
    return v;
}

/* A YAML 1.1 integer: 1 and *out, 0 when s is none (or too large to hold). */
static int yaml_int(const char *s, size_t n, json_object **out)
{
    bool neg = false, decimal;
    uint64_t v;
    int rc;

    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    if (n == 0)
        return 0;
    rc = int_magnitude(s, n, &v, &decimal);
    if (rc == 0 || (rc < 0 && !decimal))
        return 0;
    if (rc > 0 && !neg && v > (uint64_t)INT64_MAX)
        *out = json_object_new_uint64(v);
    else if (rc < 0 || v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        *out = decimal ? big_decimal(s, n, neg) : NULL;
    else if (neg)
        *out = json_object_new_int64(v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v);
    else
        *out = json_object_new_int64((int64_t)v);
    return *out != NULL ? 1 : -1;
}

/* Length of a run of [0-9_] at s (the first must be a digit when first_digit). */
static size_t digit_run(const char *s, size_t n, bool first_digit)
{
    size_t i = 0;

    if (first_digit && (n == 0 || digit_value(s[0]) > 9))
        return 0;
    while (i < n && (digit_value(s[i]) <= 9 || s[i] == '_'))
        i++;
    return i;
}

/* Length of an exponent [eE][-+][0-9]+ at s, 0 when none. */
static size_t exponent_len(const char *s, size_t n)
{
    size_t i = 2;

    if (n < 3 || (s[0] != 'e' && s[0] != 'E') || (s[1] != '-' && s[1] != '+'))
        return 0;
    while (i < n && digit_value(s[i]) <= 9)
        i++;
    return i > 2 ? i : 0;
}

/* Append the digits of s[0..n) (no '_', no leading zeros when strip) to buf. */
static size_t put_digits(char *buf, size_t k, const char *s, size_t n, bool strip)
{
    size_t i, start = k;

    for (i = 0; i < n; i++) {
        if (s[i] == '_' || (strip && k == start && s[i] == '0'))
            continue;
        buf[k++] = s[i];
    }
    if (k == start)
        buf[k++] = '0';
    return k;
}

/* [-+]?[0-9][0-9_]*\.[0-9_]*(exp)? or \.[0-9][0-9_]*(exp)? as JSON text. */
static json_object *decimal_float(const char *s, size_t n)
{
    size_t i = 0, ilen, flen, elen, k = 0;
    bool neg = false;
    json_object *v;
    char *text;

    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    ilen = digit_run(s + i, n - i, true);
    if ((ilen == 0 && i > 0) || i + ilen >= n || s[i + ilen] != '.')
        return NULL;
    flen = digit_run(s + i + ilen + 1, n - i - ilen - 1, ilen == 0);
    if (ilen == 0 && flen == 0)
        return NULL;
    elen = exponent_len(s + i + ilen + 1 + flen, n - i - ilen - 1 - flen);
    if (i + ilen + 1 + flen + elen != n)
        return NULL;
    text = malloc(n + 4);
    if (text == NULL)
        return NULL;
    if (neg)
        text[k++] = '-';
    k = put_digits(text, k, s + i, ilen, true);
    text[k++] = '.';
    k = put_digits(text, k, s + i + ilen + 1, flen, false);
    memcpy(text + k, s + n - elen, elen);
    text[k + elen] = '\0';
    v = json_object_new_double_s(strtod(text, NULL), text);
    free(text);
    return v;
}

/* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* */
static json_object *sexagesimal_float(const char *s, size_t n)
{
    const char *dot = memchr(s, '.', n), *colon = memchr(s, ':', n);
    size_t i = 0, ilen, k;
    bool neg = false;
    uint64_t whole = 0;
    double frac = 0, scale = 0.1;

    if (dot == NULL || colon == NULL || colon > dot)
        return NULL;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    ilen = digit_run(s + i, (size_t)(colon - s) - i, true);
    if (ilen == 0 || s + i + ilen != colon ||
        digits(s + i, ilen, 10, &whole) != 1 ||
        sexagesimal(colon, (size_t)(dot - colon), &whole) != 1 ||
        digit_run(dot + 1, n - (size_t)(dot + 1 - s), false) != n - (size_t)(dot + 1 - s))
        return NULL;
    for (k = (size_t)(dot + 1 - s); k < n; k++) {
        if (s[k] != '_') {
            frac += scale * (s[k] - '0');
            scale /= 10;
        }
    }
    return json_object_new_double((neg ? -1.0 : 1.0) * ((double)whole + frac));
}

/* A YAML 1.1 float (not .inf or .nan, which JSON cannot hold): 1, 0, -1. */
static int yaml_float(const char *s, size_t n, json_object **out)
{
    if (memchr(s, '.', n) == NULL)
        return 0;
    *out = memchr(s, ':', n) != NULL ? sexagesimal_float(s, n) : decimal_float(s, n);
    return *out != NULL ? 1 : 0;
}

enum plain_kind { PLAIN_NULL, PLAIN_BOOL, PLAIN_INT, PLAIN_FLOAT, PLAIN_STRING };

/* What YAML 1.1 makes of a plain scalar. */
static int resolve_plain(const char *s, size_t n, json_object **out, enum plain_kind *kind)
{
    int b, rc;

    *out = NULL;
    if (is_null(s, n))
        return (*kind = PLAIN_NULL), HHI_OK;
    b = bool_of(s, n);
    if (b >= 0) {
        *kind = PLAIN_BOOL;
        *out = json_object_new_boolean(b);
        return *out != NULL ? HHI_OK : HHI_ENOMEM;
    }
    rc = yaml_int(s, n, out);
    if (rc != 0)
        return (*kind = PLAIN_INT), rc > 0 ? HHI_OK : HHI_ENOMEM;
    if (yaml_float(s, n, out) > 0)
        return (*kind = PLAIN_FLOAT), HHI_OK;
    *kind = PLAIN_STRING;
    *out = json_object_new_string_len(s, (int)n);
    return *out != NULL ? HHI_OK : HHI_ENOMEM;
}

/* -------------------------------------------------------------- scalars */

static const char *const intrinsics[] = {
    "Ref", "Sub", "GetAtt", "If", "Equals", "Not", "And", "Or", "Condition", "FindInMap",
    "Join", "Select", "Split", "Base64", "Cidr", "GetAZs", "ImportValue", "Transform",
    "ValueOf", "Length", "ToJsonString", NULL,
};

/* The intrinsic function a tag ("!Ref") is the short form of, or NULL. */
static const char *intrinsic_of(const char *tag)
{
    size_t i;

    if (tag == NULL || tag[0] != '!')
        return NULL;
    for (i = 0; intrinsics[i] != NULL; i++) {
        if (strcmp(tag + 1, intrinsics[i]) == 0)
            return intrinsics[i];
    }
    return NULL;
}

/* A standard tag's name ("int" of tag:yaml.org,2002:int), or NULL. */
static const char *std_tag(const char *tag)
{
    size_t n = strlen(YAML_STD);

    return tag != NULL && strncmp(tag, YAML_STD, n) == 0 ? tag + n : NULL;
}

static int string_node(struct conv *c, const char *s, size_t len, json_object **out)
{
    if (len > (size_t)INT32_MAX)
        return hhi_error_set(c->err, HHI_EINPUT, "%s: a YAML string is too long", c->what);
    *out = json_object_new_string_len(s, (int)len);
    return *out != NULL ? HHI_OK : oom(c);
}

/* A scalar with a standard tag (!!str, !!int, ...). */
static int std_scalar(struct conv *c, const yaml_event_t *ev, const char *name,
                      json_object **out)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    static const char *const kinds[] = { "null", "bool", "int", "float", NULL };
    enum plain_kind kind;
    int rc;

    if (strcmp(name, "str") == 0)
        return string_node(c, s, n, out);
    if (!text_is(name, strlen(name), kinds))
        return fail_at(c, &ev->start_mark, "unsupported tag !!%s", name);
    rc = resolve_plain(s, n, out, &kind);
    if (rc != HHI_OK)
        return oom(c);
    if (strcmp(name, "float") == 0 && kind == PLAIN_INT) {
        double d = json_object_get_double(*out);

        json_object_put(*out);
        *out = json_object_new_double(d);
        return *out != NULL ? HHI_OK : oom(c);
    }
    if ((kind == PLAIN_NULL && strcmp(name, "null") == 0) ||
        (kind == PLAIN_BOOL && strcmp(name, "bool") == 0) ||
        (kind == PLAIN_INT && strcmp(name, "int") == 0) ||
        (kind == PLAIN_FLOAT && strcmp(name, "float") == 0))
        return HHI_OK;
    json_object_put(*out);
    *out = NULL;
    return fail_at(c, &ev->start_mark, "'%.64s' is not a valid !!%s", s, name);
}

/* An untagged or plainly tagged scalar (intrinsic tags are handled apart). */
static int scalar_value(struct conv *c, const yaml_event_t *ev, json_object **out)
{
    const char *tag = (const char *)ev->data.scalar.tag;
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    enum plain_kind kind;

    *out = NULL;
    if (tag != NULL && strcmp(tag, "!") != 0) {
        if (std_tag(tag) != NULL)
            return std_scalar(c, ev, std_tag(tag), out);
        return fail_at(c, &ev->start_mark, "unknown tag %.64s", tag);
    }
    if (tag != NULL || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return string_node(c, s, n, out);
    return resolve_plain(s, n, out, &kind) == HHI_OK ? HHI_OK : oom(c);
}

/* !GetAtt A.B: ["A", "B"], split at the first dot. */
static int getatt_scalar(struct conv *c, const char *s, size_t n, json_object **out)
{
    const char *dot = memchr(s, '.', n);
    json_object *a = NULL, *b = NULL;

    if (dot == NULL)
        return string_node(c, s, n, out);
    *out = json_object_new_array();
    if (*out == NULL || string_node(c, s, (size_t)(dot - s), &a) != HHI_OK ||
        json_object_array_add(*out, a) != 0 ||
        string_node(c, dot + 1, n - (size_t)(dot - s) - 1, &b) != HHI_OK ||
        json_object_array_add(*out, b) != 0) {
        json_object_put(*out);
        *out = NULL;
        return oom(c);
    }
    return HHI_OK;
}

/* {"Ref": v}, {"Condition": v} or {"Fn::Name": v}; takes v. */
static int wrap_intrinsic(struct conv *c, const char *fn, json_object *v, json_object **out)
{
    char key[32];

    if (strcmp(fn, "Ref") == 0 || strcmp(fn, "Condition") == 0)
        snprintf(key, sizeof(key), "%s", fn);
    else
        snprintf(key, sizeof(key), "Fn::%s", fn);
    *out = json_object_new_object();
    if (*out == NULL || json_object_object_add(*out, key, v) != 0) {
        json_object_put(*out);
        json_object_put(v);
        *out = NULL;
        return oom(c);
    }
    return HHI_OK;
}

static int scalar_node(struct conv *c, const yaml_event_t *ev, int depth, struct node *out)
{
    const char *fn = intrinsic_of((const char *)ev->data.scalar.tag);
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    json_object *inner = NULL;
    int rc;

    out->size = fn != NULL ? 2 : 1;
    out->height = fn != NULL ? 1 : 0;
    if (depth + out->height - 1 > HHI_JSON_MAX_DEPTH)
        return fail_at(c, &ev->start_mark, "nested deeper than %d levels", HHI_JSON_MAX_DEPTH);
    if (count_nodes(c, out->size, &ev->start_mark) != HHI_OK)
        return c->err->code;
    if (fn == NULL)
        return scalar_value(c, ev, &out->v);
    rc = strcmp(fn, "GetAtt") == 0 ? getatt_scalar(c, s, n, &inner) : string_node(c, s, n, &inner);
    if (rc != HHI_OK)
        return rc;
    return wrap_intrinsic(c, fn, inner, &out->v);
}

/* ----------------------------------------------------------- collections */

/* What a collection's start event says, kept once the event is gone. */
struct start {
    yaml_mark_t mark;
    const char *fn;      /* intrinsic function of its tag, or NULL */
    int depth;           /* of the collection itself (inside a wrapper: +1) */
    enum record record;
    json_object *lines;  /* where RECORD_CHILDREN puts the lines, or NULL */
};

static int check_collection_tag(struct conv *c, const yaml_event_t *ev, const char *tag,
                                const char *std)
{
    const char *name = std_tag(tag);

    if (tag == NULL || strcmp(tag, "!") == 0 || intrinsic_of(tag) != NULL)
        return HHI_OK;
    if (name != NULL && strcmp(name, std) == 0)
        return HHI_OK;
    return fail_at(c, &ev->start_mark, "%s tag %.64s on a %s",
                   name != NULL ? "unsupported" : "unknown", tag,
                   strcmp(std, "map") == 0 ? "mapping" : "sequence");
}

/* A new line container for the children of the root's member nest_key. */
static int nest_lines(struct conv *c, const char *nest_key, bool mapping, json_object **out)
{
    *out = NULL;
    if (c->lines == NULL || nest_key == NULL)
        return HHI_OK;
    *out = mapping ? json_object_new_object() : json_object_new_array();
    if (*out == NULL || json_object_object_add(c->lines->nested, nest_key, *out) != 0) {
        json_object_put(*out);
        *out = NULL;
        return oom(c);
    }
    return HHI_OK;
}

static int record_line(struct conv *c, json_object *where, const char *key, size_t line)
{
    json_object *v;
    int rc;

    if (where == NULL)
        return HHI_OK;
    v = json_object_new_int64((int64_t)line);
    if (v == NULL)
        return oom(c);
    rc = key != NULL ? json_object_object_add(where, key, v) : json_object_array_add(where, v);
    if (rc != 0) {
        json_object_put(v);
        return oom(c);
    }
    return HHI_OK;
}

static int start_collection(struct conv *c, const yaml_event_t *ev, int depth,
                            const char *nest_key, struct start *st)
{
    bool mapping = ev->type == YAML_MAPPING_START_EVENT;
    const char *tag = (const char *)(mapping ? ev->data.mapping_start.tag
                                             : ev->data.sequence_start.tag);
    int rc = check_collection_tag(c, ev, tag, mapping ? "map" : "seq");

    memset(st, 0, sizeof(*st));
    st->mark = ev->start_mark;
    st->fn = intrinsic_of(tag);
    st->depth = depth + (st->fn != NULL);
    if (rc != HHI_OK)
        return rc;
    if (st->depth > HHI_JSON_MAX_DEPTH)
        return fail_at(c, &ev->start_mark, "nested deeper than %d levels", HHI_JSON_MAX_DEPTH);
    if (count_nodes(c, st->fn != NULL ? 2 : 1, &ev->start_mark) != HHI_OK)
        return c->err->code;
    if (st->fn != NULL)
        return HHI_OK;
    if (depth == 1 && mapping && c->lines != NULL) {
        st->record = RECORD_ROOT;
        return HHI_OK;
    }
    rc = nest_lines(c, nest_key, mapping, &st->lines);
    if (st->lines != NULL)
        st->record = RECORD_CHILDREN;
    return rc;
}

/* Wrap a finished collection in its intrinsic function, if its tag had one. */
static int finish_collection(struct conv *c, const struct start *st, struct node *out)
{
    out->size += st->fn != NULL ? 1 : 0;
    out->height += st->fn != NULL ? 1 : 0;
    if (st->fn == NULL)
        return HHI_OK;
    return wrap_intrinsic(c, st->fn, out->v, &out->v);
}

static void add_child(struct node *parent, const struct node *child)
{
    parent->size += child->size;
    if (child->height + 1 > parent->height)
        parent->height = child->height + 1;
}

static int sequence_items(struct conv *c, const struct start *st, struct node *out)
{
    yaml_event_t ev;
    struct node item;
    int rc;

    for (;;) {
        rc = next_event(c, &ev);
        if (rc != HHI_OK)
            return rc;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return HHI_OK;
        }
        rc = record_line(c, st->lines, NULL, ev.start_mark.line + 1);
        if (rc == HHI_OK)
            rc = parse_node(c, &ev, st->depth + 1, NULL, &item);
        else
            yaml_event_delete(&ev);
        if (rc != HHI_OK)
            return rc;
        if (json_object_array_add(out->v, item.v) != 0) {
            json_object_put(item.v);
            return oom(c);
        }
        add_child(out, &item);
    }
}

/* A mapping key: a plain or quoted string, at most !!str or ! tagged. */
static int key_of(struct conv *c, const yaml_event_t *ev, char **key)
{
    const char *tag;

    *key = NULL;
    if (ev->type == YAML_ALIAS_EVENT)
        return fail_at(c, &ev->start_mark, "an alias cannot be a mapping key");
    if (ev->type != YAML_SCALAR_EVENT)
        return fail_at(c, &ev->start_mark, "mapping keys must be scalars");
    tag = (const char *)ev->data.scalar.tag;
    if (tag != NULL && strcmp(tag, "!") != 0 && strcmp(tag, YAML_STD "str") != 0)
        return fail_at(c, &ev->start_mark, "tag %.64s on a mapping key", tag);
    if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
        return fail_at(c, &ev->start_mark, "a mapping key holds a NUL character");
    if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == NULL &&
        strcmp((const char *)ev->data.scalar.value, "<<") == 0)
        return fail_at(c, &ev->start_mark, "merge keys (<<) are not supported");
    *key = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
    return *key != NULL ? HHI_OK : oom(c);
}

/* Read one key event of a mapping; *done when the mapping ended. */
static int mapping_key(struct conv *c, json_object *obj, char **key, yaml_mark_t *mark,
                       bool *done)
{
    yaml_event_t ev;
    int rc = next_event(c, &ev);

    *done = false;
    *key = NULL;
    if (rc != HHI_OK)
        return rc;
    *mark = ev.start_mark;
    if (ev.type == YAML_MAPPING_END_EVENT)
        *done = true;
    else
        rc = key_of(c, &ev, key);
    if (rc == HHI_OK && *key != NULL && json_object_object_get_ex(obj, *key, NULL))
        rc = fail_at(c, &ev.start_mark, "duplicate key '%.128s'", *key);
    if (rc == HHI_OK && *key != NULL && ev.data.scalar.anchor != NULL) {
        struct node k = { json_object_new_string(*key), 1, 0 };

        rc = k.v != NULL ? anchor_add(c, (const char *)ev.data.scalar.anchor, &k) : oom(c);
        json_object_put(k.v);
    }
    yaml_event_delete(&ev);
    if (rc != HHI_OK) {
        free(*key);
        *key = NULL;
    }
    return rc;
}

static int mapping_value(struct conv *c, const struct start *st, const char *key,
                         const yaml_mark_t *mark, struct node *out)
{
    yaml_event_t ev;
    struct node value;
    int rc;

    if (st->record == RECORD_ROOT)
        rc = record_line(c, c->lines->root, key, mark->line + 1);
    else
        rc = record_line(c, st->lines, key, mark->line + 1);
    if (rc == HHI_OK)
        rc = next_event(c, &ev);
    if (rc != HHI_OK)
        return rc;
    rc = parse_node(c, &ev, st->depth + 1, st->record == RECORD_ROOT ? key : NULL, &value);
    if (rc != HHI_OK)
        return rc;
    if (json_object_object_add(out->v, key, value.v) != 0) {
        json_object_put(value.v);
        return oom(c);
    }
    add_child(out, &value);
    return HHI_OK;
}

static int mapping_members(struct conv *c, const struct start *st, struct node *out)
{
    yaml_mark_t mark;
    bool done;
    char *key;
    int rc;

    for (;;) {
        rc = mapping_key(c, out->v, &key, &mark, &done);
        if (rc != HHI_OK || done)
            return rc;
        rc = mapping_value(c, st, key, &mark, out);
        free(key);
        if (rc != HHI_OK)
            return rc;
    }
}

static int collection_node(struct conv *c, yaml_event_t *ev, int depth, const char *nest_key,
                           struct node *out)
{
    bool mapping = ev->type == YAML_MAPPING_START_EVENT;
    struct start st;
    int rc = start_collection(c, ev, depth, nest_key, &st);

    yaml_event_delete(ev);
    if (rc != HHI_OK)
        return rc;
    out->v = mapping ? json_object_new_object() : json_object_new_array();
    out->size = 1;
    out->height = 1;
    if (out->v == NULL)
        return oom(c);
    rc = mapping ? mapping_members(c, &st, out) : sequence_items(c, &st, out);
    if (rc == HHI_OK)
        rc = finish_collection(c, &st, out);
    if (rc != HHI_OK) {
        json_object_put(out->v);
        out->v = NULL;
    }
    return rc;
}

static const char *anchor_of(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: return (const char *)ev->data.scalar.anchor;
    case YAML_MAPPING_START_EVENT: return (const char *)ev->data.mapping_start.anchor;
    case YAML_SEQUENCE_START_EVENT: return (const char *)ev->data.sequence_start.anchor;
    default: return NULL;
    }
}

/* Convert the node ev starts (ev is consumed) at depth (the root is 1). */
static int parse_node(struct conv *c, yaml_event_t *ev, int depth, const char *nest_key,
                      struct node *out)
{
    char *anchor = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (anchor_of(ev) != NULL && (anchor = strdup(anchor_of(ev))) == NULL) {
        yaml_event_delete(ev);
        return oom(c);
    }
    if (ev->type == YAML_ALIAS_EVENT) {
        rc = alias_node(c, ev, depth, out);
        yaml_event_delete(ev);
    } else if (ev->type == YAML_SCALAR_EVENT) {
        rc = scalar_node(c, ev, depth, out);
        yaml_event_delete(ev);
    } else if (ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT) {
        rc = collection_node(c, ev, depth, nest_key, out);
    } else {
        rc = fail_at(c, &ev->start_mark, "unexpected event");
        yaml_event_delete(ev);
    }
    if (rc == HHI_OK && anchor != NULL)
        rc = anchor_add(c, anchor, out);
    free(anchor);
    if (rc != HHI_OK) {
        json_object_put(out->v);
        out->v = NULL;
    }
    return rc;
}

/* ---------------------------------------------------------------- stream */

/* Expect an event of type; what names it in the error. */
static int expect_event(struct conv *c, yaml_event_type_t type, const char *what)
{
    yaml_event_t ev;
    int rc = next_event(c, &ev);

    if (rc != HHI_OK)
        return rc;
    if (ev.type != type)
        rc = fail_at(c, &ev.start_mark, "%s", what);
    yaml_event_delete(&ev);
    return rc;
}

static int parse_stream(struct conv *c, json_object **out)
{
    yaml_event_t ev;
    struct node root = { NULL, 0, 0 };
    int rc = expect_event(c, YAML_STREAM_START_EVENT, "no stream");

    if (rc == HHI_OK)
        rc = next_event(c, &ev);
    if (rc != HHI_OK)
        return rc;
    if (ev.type != YAML_DOCUMENT_START_EVENT) {
        rc = fail_at(c, &ev.start_mark, "no document");
        yaml_event_delete(&ev);
        return rc;
    }
    yaml_event_delete(&ev);
    rc = next_event(c, &ev);
    if (rc == HHI_OK)
        rc = parse_node(c, &ev, 1, NULL, &root);
    if (rc == HHI_OK)
        rc = expect_event(c, YAML_DOCUMENT_END_EVENT, "document does not end");
    if (rc == HHI_OK)
        rc = expect_event(c, YAML_STREAM_END_EVENT,
                          "more than one document (one template per file)");
    if (rc != HHI_OK) {
        json_object_put(root.v);
        return rc;
    }
    *out = root.v;
    return HHI_OK;
}

static void conv_release(struct conv *c)
{
    size_t i;

    for (i = 0; i < c->anchor_count; i++) {
        free(c->anchors[i].name);
        json_object_put(c->anchors[i].node);
    }
    free(c->anchors);
    json_object_put(c->anchor_index);
    yaml_parser_delete(&c->parser);
}

/* Refuse what libyaml would misread or report without a place. */
static int check_text(const char *what, const char *data, size_t len, struct hhi_error *err)
{
    const char *nul = memchr(data, '\0', len);
    size_t bad;

    if (nul != NULL)
        return fail_offset(what, data, (size_t)(nul - data), "NUL byte in the text", err);
    bad = hhi_utf8_invalid_offset(data, len);
    if (bad < len)
        return fail_offset(what, data, bad, "invalid UTF-8", err);
    return HHI_OK;
}

static int lines_init(struct hhi_line_map *lines)
{
    if (lines == NULL)
        return HHI_OK;
    hhi_line_map_release(lines);
    lines->root = json_object_new_object();
    lines->nested = json_object_new_object();
    return lines->root != NULL && lines->nested != NULL ? HHI_OK : HHI_ENOMEM;
}

int hhi_yaml_parse(const char *what, const char *data, size_t len, json_object **out,
                   struct hhi_line_map *lines, struct hhi_error *err)
{
    struct conv c;
    int rc;

    *out = NULL;
    rc = check_text(what, data, len, err);
    if (rc != HHI_OK)
        return rc;
    memset(&c, 0, sizeof(c));
    c.what = what;
    c.data = data;
    c.err = err;
    c.lines = lines;
    c.max_nodes = len + HHI_YAML_ALIAS_NODES;
    c.anchor_index = json_object_new_object();
    if (lines_init(lines) != HHI_OK || c.anchor_index == NULL ||
        !yaml_parser_initialize(&c.parser)) {
        json_object_put(c.anchor_index);
        if (lines != NULL)
            hhi_line_map_release(lines);
        return hhi_error_set(err, HHI_ENOMEM, "%s: out of memory", what);
    }
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);
    rc = parse_stream(&c, out);
    conv_release(&c);
    if (rc != HHI_OK && lines != NULL)
        hhi_line_map_release(lines);
    return rc;
}
