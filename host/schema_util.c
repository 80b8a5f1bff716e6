#include "config.h"

#include "schema_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest string content hhi_schema_describe shows before cutting it. */
#define DESCRIBE_STRING_MAX 64

/* ------------------------------------------------------------ text output */

/* A bounded output buffer: what does not fit is dropped, NUL always kept. */
struct out {
    char *buf;
    size_t size, len;
};

static void out_init(struct out *o, char *buf, size_t size)
{
    o->buf = buf;
    o->size = size;
    o->len = 0;
    if (size > 0)
        buf[0] = '\0';
}

static void out_put(struct out *o, const char *s, size_t n)
{
    size_t room;

    if (o->size == 0)
        return;
    room = o->size - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

/* Write s (n bytes) as the inside of a JSON string literal. */
static void out_escaped(struct out *o, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            out_put(o, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            out_str(o, esc);
        } else {
            out_put(o, &s[i], 1);
        }
    }
}

/* ------------------------------------------------------------------ paths */

static void path_put(struct hhi_schema_path *path, const char *s, size_t n)
{
    struct out o = { path->text, sizeof(path->text), path->len };

    out_put(&o, s, n);
    path->len = o.len;
}

/* Can key be written as .key?  Anything else is written ["key"]. */
static bool key_is_plain(const char *key)
{
    const char *p;

    if (!(*key == '_' || *key == '$' || (*key >= 'A' && *key <= 'Z') ||
          (*key >= 'a' && *key <= 'z')))
        return false;
    for (p = key; *p != '\0'; p++) {
        if (!(*p == '_' || *p == '$' || *p == '-' || (*p >= 'A' && *p <= 'Z') ||
              (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return false;
    }
    return true;
}

void hhi_schema_walk_init(struct hhi_schema_walk *walk, const char *what,
                          const char *prefix, struct hhi_error *err)
{
    walk->what = what != NULL ? what : "schema";
    walk->err = err;
    walk->path.len = 0;
    walk->path.text[0] = '\0';
    if (prefix != NULL)
        path_put(&walk->path, prefix, strlen(prefix));
}

size_t hhi_schema_path_key(struct hhi_schema_path *path, const char *key)
{
    size_t saved = path->len;

    if (key_is_plain(key)) {
        if (path->len > 0)
            path_put(path, ".", 1);
        path_put(path, key, strlen(key));
    } else {
        struct out o = { path->text, sizeof(path->text), path->len };

        out_str(&o, "[\"");
        out_escaped(&o, key, strlen(key));
        out_str(&o, "\"]");
        path->len = o.len;
    }
    return saved;
}

size_t hhi_schema_path_index(struct hhi_schema_path *path, size_t index)
{
    size_t saved = path->len;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "[%zu]", index);

    path_put(path, buf, (size_t)n);
    return saved;
}

void hhi_schema_path_restore(struct hhi_schema_path *path, size_t len)
{
    path->len = len;
    path->text[len] = '\0';
}

/* ----------------------------------------------------------------- errors */

int hhi_schema_fail(struct hhi_schema_walk *walk, const char *fmt, ...)
{
    char why[HHI_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return hhi_error_set(walk->err, HHI_ECONFIG, "%s: %s: %s", walk->what,
                         walk->path.len > 0 ? walk->path.text : "(root)", why);
}

int hhi_schema_nomem(struct hhi_schema_walk *walk)
{
    return hhi_error_set(walk->err, HHI_ENOMEM, "%s: out of memory", walk->what);
}

/* ---------------------------------------------------------------- numbers */

/* A json-c number as stored: int64, uint64 above INT64_MAX, or double. */
enum num_kind { NUM_INT, NUM_UINT, NUM_DOUBLE };

struct num {
    enum num_kind kind;
    int64_t i;
    uint64_t u;
    double d;
};

static struct num num_of(json_object *value)
{
    struct num n = { NUM_DOUBLE, 0, 0, 0.0 };

    if (json_object_get_type(value) != json_type_int) {
        n.d = json_object_get_double(value);
        return n;
    }
    n.kind = NUM_INT;
    n.i = json_object_get_int64(value);
    /* json-c clamps a uint64 above INT64_MAX to INT64_MAX here. */
    if (n.i == INT64_MAX && json_object_get_uint64(value) > (uint64_t)INT64_MAX) {
        n.kind = NUM_UINT;
        n.u = json_object_get_uint64(value);
    }
    return n;
}

/* floor() for a finite d without needing libm: from 2^52 on, every double is integral. */
static double floor_finite(double d)
{
    double t;

    if (d >= 4503599627370496.0 || d <= -4503599627370496.0)
        return d;
    t = (double)(int64_t)d;   /* truncates toward zero */
    return t > d ? t - 1.0 : t;
}

bool hhi_schema_is_number(json_object *value)
{
    enum json_type t = json_object_get_type(value);

    return t == json_type_int || t == json_type_double;
}

bool hhi_schema_is_integer(json_object *value)
{
    double d;

    if (json_object_get_type(value) == json_type_int)
        return true;
    if (json_object_get_type(value) != json_type_double)
        return false;
    d = json_object_get_double(value);
    return isfinite(d) && floor_finite(d) == d;
}

static int cmp3(bool less, bool greater)
{
    return less ? -1 : greater ? 1 : 0;
}

/* Compare an integral number with a double without losing precision. */
static int cmp_integral_double(const struct num *x, double d)
{
    const double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
    double f;
    int c;

    if (isnan(d))
        return 2;
    if (d >= two64)
        return -1;
    if (d < -two63)
        return 1;
    f = floor_finite(d);
    if (f >= two63) {
        uint64_t fu = (uint64_t)f;

        if (x->kind == NUM_INT)
            return -1;
        c = cmp3(x->u < fu, x->u > fu);
    } else {
        int64_t fi = (int64_t)f;

        if (x->kind == NUM_UINT)
            return 1;
        c = cmp3(x->i < fi, x->i > fi);
    }
    /* Equal integral parts: a fractional part makes d the larger. */
    return (c == 0 && d > f) ? -1 : c;
}

int hhi_schema_number_cmp(json_object *a, json_object *b)
{
    struct num x = num_of(a), y = num_of(b);
    int c;

    if (x.kind == NUM_DOUBLE && y.kind == NUM_DOUBLE) {
        if (isnan(x.d) || isnan(y.d))
            return 2;
        return cmp3(x.d < y.d, x.d > y.d);
    }
    if (y.kind == NUM_DOUBLE)
        return cmp_integral_double(&x, y.d);
    if (x.kind == NUM_DOUBLE) {
        c = cmp_integral_double(&y, x.d);
        return c == 2 ? 2 : -c;
    }
    if (x.kind != y.kind)
        return x.kind == NUM_UINT ? 1 : -1;
    if (x.kind == NUM_UINT)
        return cmp3(x.u < y.u, x.u > y.u);
    return cmp3(x.i < y.i, x.i > y.i);
}

/* --------------------------------------------------------------- equality */

static bool arrays_equal(json_object *a, json_object *b)
{
    size_t i, n = json_object_array_length(a);

    if (n != json_object_array_length(b))
        return false;
    for (i = 0; i < n; i++) {
        if (!hhi_schema_json_equal(json_object_array_get_idx(a, i),
                                   json_object_array_get_idx(b, i)))
            return false;
    }
    return true;
}

static bool objects_equal(json_object *a, json_object *b)
{
    if (json_object_object_length(a) != json_object_object_length(b))
        return false;
    {
        json_object_object_foreach(a, key, value) {
            json_object *other;

            if (!json_object_object_get_ex(b, key, &other) ||
                !hhi_schema_json_equal(value, other))
                return false;
        }
    }
    return true;
}

bool hhi_schema_json_equal(json_object *a, json_object *b)
{
    enum json_type t = json_object_get_type(a);

    if (hhi_schema_is_number(a) && hhi_schema_is_number(b))
        return hhi_schema_number_cmp(a, b) == 0;
    if (t != json_object_get_type(b))
        return false;
    switch (t) {
    case json_type_boolean:
        return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string:
        return json_object_get_string_len(a) == json_object_get_string_len(b) &&
               memcmp(json_object_get_string(a), json_object_get_string(b),
                      (size_t)json_object_get_string_len(a)) == 0;
    case json_type_array:
        return arrays_equal(a, b);
    case json_type_object:
        return objects_equal(a, b);
    default:
        return true;   /* null */
    }
}

/* ---------------------------------------------------------------- hashing */

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
    h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
    return h;
}

/*
 * Equal numbers must hash alike (1 and 1.0): integral values, however
 * stored, hash as their exact integer, anything else as the double's bits.
 */
static uint64_t hash_number(json_object *value)
{
    const double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
    struct num n = num_of(value);
    uint64_t bits;

    if (n.kind == NUM_UINT)
        return hash_mix(3, n.u);
    if (n.kind == NUM_INT)
        return hash_mix(3, (uint64_t)n.i);
    if (isfinite(n.d) && floor_finite(n.d) == n.d && n.d >= -two63 && n.d < two64)
        return hash_mix(3, n.d < two63 ? (uint64_t)(int64_t)n.d : (uint64_t)n.d);
    memcpy(&bits, &n.d, sizeof(bits));
    return hash_mix(4, bits);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);   /* FNV-1a */
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t hhi_schema_json_hash(json_object *value)
{
    uint64_t h;
    size_t i, n;

    switch (json_object_get_type(value)) {
    case json_type_boolean:
        return json_object_get_boolean(value) ? 2 : 1;
    case json_type_int:
    case json_type_double:
        return hash_number(value);
    case json_type_string:
        return hash_mix(5, hash_bytes(json_object_get_string(value),
                                      (size_t)json_object_get_string_len(value)));
    case json_type_array:
        h = 6;
        n = json_object_array_length(value);
        for (i = 0; i < n; i++)
            h = hash_mix(h, hhi_schema_json_hash(json_object_array_get_idx(value, i)));
        return h;
    case json_type_object:
        h = 7;
        {
            /* A sum, so that member order does not matter. */
            json_object_object_foreach(value, key, member) {
                h += hash_mix(hash_bytes(key, strlen(key)), hhi_schema_json_hash(member));
            }
        }
        return h;
    default:
        return 0;   /* null */
    }
}

/* ------------------------------------------------------------- rendering */

/* The shortest %g rendering that reads back as the same double. */
static void describe_double(double d, struct out *o)
{
    char buf[40];
    int precision;

    if (isnan(d)) {
        out_str(o, "NaN");
        return;
    }
    if (isinf(d)) {
        out_str(o, d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    for (precision = 15; precision <= 17; precision++) {
        snprintf(buf, sizeof(buf), "%.*g", precision, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    out_str(o, buf);
}

static void describe_number(json_object *value, struct out *o)
{
    struct num n = num_of(value);
    char buf[32];

    if (n.kind == NUM_DOUBLE) {
        describe_double(n.d, o);
        return;
    }
    if (n.kind == NUM_UINT)
        snprintf(buf, sizeof(buf), "%" PRIu64, n.u);
    else
        snprintf(buf, sizeof(buf), "%" PRId64, n.i);
    out_str(o, buf);
}

static void describe_string(json_object *value, struct out *o)
{
    const char *s = json_object_get_string(value);
    size_t len = (size_t)json_object_get_string_len(value), shown = len;

    if (len > DESCRIBE_STRING_MAX) {
        shown = DESCRIBE_STRING_MAX;
        /* Do not cut a UTF-8 sequence in half. */
        while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
            shown--;
    }
    out_str(o, "\"");
    out_escaped(o, s, shown);
    out_str(o, shown < len ? "...\"" : "\"");
}

void hhi_schema_describe(json_object *value, char *buf, size_t size)
{
    struct out o;

    out_init(&o, buf, size);
    switch (json_object_get_type(value)) {
    case json_type_boolean:
        out_str(&o, json_object_get_boolean(value) ? "true" : "false");
        break;
    case json_type_int:
    case json_type_double:
        describe_number(value, &o);
        break;
    case json_type_string:
        describe_string(value, &o);
        break;
    case json_type_array:
        out_str(&o, json_object_array_length(value) == 0 ? "[]" : "[...]");
        break;
    case json_type_object:
        out_str(&o, json_object_object_length(value) == 0 ? "{}" : "{...}");
        break;
    default:
        out_str(&o, "null");
        break;
    }
}

void hhi_schema_describe_list(json_object *array, char *buf, size_t size)
{
    size_t i, n = json_object_array_length(array);
    struct out o;

    out_init(&o, buf, size);
    for (i = 0; i < n; i++) {
        char item[DESCRIBE_STRING_MAX * 6 + 16];

        hhi_schema_describe(json_object_array_get_idx(array, i), item, sizeof(item));
        if (i > 0)
            out_str(&o, ", ");
        out_str(&o, item);
    }
}

/* ------------------------------------------------------------------ types */

static const struct {
    const char *name;
    unsigned bit;
} type_names[] = {
    { "null", HHI_TYPE_NULL },       { "boolean", HHI_TYPE_BOOLEAN },
    { "object", HHI_TYPE_OBJECT },   { "array", HHI_TYPE_ARRAY },
    { "number", HHI_TYPE_NUMBER },   { "integer", HHI_TYPE_INTEGER },
    { "string", HHI_TYPE_STRING },
};

unsigned hhi_schema_type_from_name(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcmp(type_names[i].name, name) == 0)
            return type_names[i].bit;
    }
    return 0;
}

void hhi_schema_types_text(unsigned types, char *buf, size_t size)
{
    struct out o;
    size_t i;

    out_init(&o, buf, size);
    for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if ((types & type_names[i].bit) == 0)
            continue;
        if (o.len > 0)
            out_str(&o, " or ");
        out_str(&o, type_names[i].name);
    }
}

const char *hhi_schema_type_name(json_object *value)
{
    switch (json_object_get_type(value)) {
    case json_type_boolean: return "boolean";
    case json_type_int: return "integer";
    case json_type_double: return "number";
    case json_type_string: return "string";
    case json_type_array: return "array";
    case json_type_object: return "object";
    default: return "null";
    }
}

bool hhi_schema_type_matches(unsigned types, json_object *value)
{
    unsigned bits;

    switch (json_object_get_type(value)) {
    case json_type_boolean: bits = HHI_TYPE_BOOLEAN; break;
    case json_type_int: bits = HHI_TYPE_NUMBER | HHI_TYPE_INTEGER; break;
    case json_type_double:
        bits = HHI_TYPE_NUMBER | (hhi_schema_is_integer(value) ? HHI_TYPE_INTEGER : 0u);
        break;
    case json_type_string: bits = HHI_TYPE_STRING; break;
    case json_type_array: bits = HHI_TYPE_ARRAY; break;
    case json_type_object: bits = HHI_TYPE_OBJECT; break;
    default: bits = HHI_TYPE_NULL; break;
    }
    return (types & bits) != 0;
}

size_t hhi_schema_utf8_length(const char *s, size_t len)
{
    size_t i, count = 0;

    /* Count every byte that does not continue a multi-byte sequence. */
    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    }
    return count;
}
