#include "config.h"

/*
 * What the input adapters share: the line map (where each target is in its
 * file; json-c keeps no positions, so JSON text is scanned once more),
 * JSON pointers kept by the change set, and the list of values never to
 * print.
 */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "json_pointer.h"

/* ------------------------------------------------------------- line maps */

void hhi_line_map_init(struct hhi_line_map *m)
{
    m->root = NULL;
    m->nested = NULL;
}

void hhi_line_map_release(struct hhi_line_map *m)
{
    json_object_put(m->root);
    json_object_put(m->nested);
    hhi_line_map_init(m);
}

static size_t line_of(json_object *v)
{
    int64_t n = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;

    return n > 0 ? (size_t)n : 0;
}

size_t hhi_line_map_member(const struct hhi_line_map *m, const char *parent, const char *name)
{
    json_object *within = NULL, *v = NULL;

    if (m == NULL || name == NULL)
        return 0;
    if (parent == NULL)
        within = m->root;
    else if (m->nested == NULL || !json_object_object_get_ex(m->nested, parent, &within))
        return 0;
    if (!json_object_is_type(within, json_type_object) ||
        !json_object_object_get_ex(within, name, &v))
        return 0;
    return line_of(v);
}

size_t hhi_line_map_index(const struct hhi_line_map *m, const char *parent, size_t index)
{
    json_object *within = NULL;

    if (m == NULL || parent == NULL || m->nested == NULL ||
        !json_object_object_get_ex(m->nested, parent, &within) ||
        !json_object_is_type(within, json_type_array) ||
        index >= json_object_array_length(within))
        return 0;
    return line_of(json_object_array_get_idx(within, index));
}

/* ------------------------------------------------- scanning JSON for lines */

struct scan {
    const char *text;
    size_t len, pos, line;
    int depth;             /* containers open around pos */
    char types[3];         /* '{' or '[' of the containers at depths 1 and 2 */
    char *root_key;        /* the last member name of the root object */
    json_object *children; /* lines of the items of the open depth-2 container */
    bool expect_item;      /* in a depth-2 array: the next value starts an item */
    struct hhi_line_map *map;
    struct hhi_error *err;
};

static int scan_oom(struct scan *s)
{
    return hhi_error_set(s->err, HHI_ENOMEM, "out of memory");
}

/* The name a member's string token (quotes included) stands for, or NULL. */
static char *token_text(const char *tok, size_t n)
{
    json_object *v;
    char *copy;

    if (memchr(tok, '\\', n) == NULL) {
        copy = malloc(n - 1);
        if (copy != NULL) {
            memcpy(copy, tok + 1, n - 2);
            copy[n - 2] = '\0';
        }
        return copy;
    }
    copy = strndup(tok, n);
    if (copy == NULL)
        return NULL;
    v = json_tokener_parse(copy);
    free(copy);
    copy = json_object_is_type(v, json_type_string) ? strdup(json_object_get_string(v)) : NULL;
    json_object_put(v);
    return copy;
}

static int add_line(json_object *obj, const char *key, size_t line)
{
    json_object *v = json_object_new_int64((int64_t)line);

    if (v == NULL)
        return -1;
    if (json_object_is_type(obj, json_type_array))
        return json_object_array_add(obj, v) == 0 ? 0 : (json_object_put(v), -1);
    return json_object_object_add(obj, key, v) == 0 ? 0 : (json_object_put(v), -1);
}

static int scan_key(struct scan *s, const char *tok, size_t n, size_t line)
{
    char *name;
    int rc = 0;

    if (!(s->depth == 1 && s->types[1] == '{') &&
        !(s->depth == 2 && s->types[2] == '{' && s->children != NULL))
        return HHI_OK;
    name = token_text(tok, n);
    if (name == NULL)
        return scan_oom(s);
    if (s->depth == 1) {
        free(s->root_key);
        s->root_key = name;
        return add_line(s->map->root, name, line) == 0 ? HHI_OK : scan_oom(s);
    }
    rc = add_line(s->children, name, line);
    free(name);
    return rc == 0 ? HHI_OK : scan_oom(s);
}

/* A value starts at the current position. */
static int scan_value(struct scan *s)
{
    if (s->depth == 2 && s->types[2] == '[' && s->expect_item && s->children != NULL) {
        s->expect_item = false;
        return add_line(s->children, NULL, s->line) == 0 ? HHI_OK : scan_oom(s);
    }
    return HHI_OK;
}

static int scan_open(struct scan *s, char c)
{
    int rc = scan_value(s);

    if (rc != HHI_OK)
        return rc;
    s->depth++;
    if (s->depth > 2)
        return HHI_OK;
    s->types[s->depth] = c;
    if (s->depth == 2 && s->types[1] == '{' && s->root_key != NULL) {
        s->children = c == '{' ? json_object_new_object() : json_object_new_array();
        if (s->children == NULL)
            return scan_oom(s);
        if (json_object_object_add(s->map->nested, s->root_key, s->children) != 0) {
            json_object_put(s->children);
            s->children = NULL;
            return scan_oom(s);
        }
        s->expect_item = c == '[';
    }
    return HHI_OK;
}

static void scan_close(struct scan *s)
{
    if (s->depth == 2) {
        s->children = NULL;
        s->expect_item = false;
    }
    if (s->depth > 0)
        s->depth--;
}

/* The string token at pos: a member name when a ':' follows it. */
static int scan_string(struct scan *s)
{
    size_t start = s->pos, i = s->pos + 1, j;

    while (i < s->len && s->text[i] != '"')
        i += s->text[i] == '\\' ? 2 : 1;
    if (i >= s->len)
        i = s->len - 1;
    s->pos = i + 1;
    for (j = s->pos; j < s->len && strchr(" \t\r\n", s->text[j]) != NULL; j++)
        ;
    if (j < s->len && s->text[j] == ':')
        return scan_key(s, s->text + start, s->pos - start, s->line);
    return scan_value(s);
}

static int scan_step(struct scan *s)
{
    char c = s->text[s->pos];

    switch (c) {
    case '\n': s->line++; /* fall through */
    case ' ': case '\t': case '\r': case ':':
        s->pos++;
        return HHI_OK;
    case '"':
        return scan_string(s);
    case '{': case '[':
        s->pos++;
        return scan_open(s, c);
    case '}': case ']':
        s->pos++;
        scan_close(s);
        return HHI_OK;
    case ',':
        s->pos++;
        if (s->depth == 2 && s->types[2] == '[')
            s->expect_item = true;
        return HHI_OK;
    default:
        /* A number or literal: one value, up to the next delimiter. */
        while (s->pos < s->len && strchr(",]}: \t\r\n", s->text[s->pos]) == NULL)
            s->pos++;
        return scan_value(s);
    }
}

int hhi_json_lines(const char *text, size_t len, struct hhi_line_map *m,
                   struct hhi_error *err)
{
    struct scan s;
    int rc = HHI_OK;

    memset(&s, 0, sizeof(s));
    s.text = text;
    s.len = len;
    s.line = 1;
    s.map = m;
    s.err = err;
    hhi_line_map_release(m);
    m->root = json_object_new_object();
    m->nested = json_object_new_object();
    if (m->root == NULL || m->nested == NULL)
        rc = scan_oom(&s);
    while (rc == HHI_OK && s.pos < s.len)
        rc = scan_step(&s);
    free(s.root_key);
    if (rc != HHI_OK)
        hhi_line_map_release(m);
    return rc;
}

/* ---------------------------------------------------------------- helpers */

const char *hhi_input_str(json_object *obj, const char *key)
{
    json_object *v = NULL;
    const char *s;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string(v);
    if (s[0] == '\0' || strlen(s) != (size_t)json_object_get_string_len(v))
        return NULL;
    return s;
}

const char *hhi_input_pointer(struct hhi_change_set *cs, const char *const *tokens, size_t n,
                              struct hhi_error *err)
{
    size_t cap = 1, len = 0, i;
    const char *copy = NULL;
    char *buf;

    for (i = 0; i < n; i++)
        cap += 1 + 2 * strlen(tokens[i]);
    buf = malloc(cap);
    if (buf == NULL) {
        hhi_error_set(err, HHI_ENOMEM, "out of memory");
        return NULL;
    }
    buf[0] = '\0';
    for (i = 0; i < n; i++)
        len = hhi_json_pointer_append(buf, cap, len, tokens[i]);
    copy = hhi_change_set_strndup(cs, buf, len, err);
    free(buf);
    return copy;
}

/* ---------------------------------------------------------------- secrets */

void hhi_secrets_init(struct hhi_secrets *s)
{
    s->list = NULL;
    s->seen = NULL;
}

void hhi_secrets_release(struct hhi_secrets *s)
{
    json_object_put(s->list);
    json_object_put(s->seen);
    hhi_secrets_init(s);
}

int hhi_secrets_add_text(struct hhi_secrets *s, const char *text, size_t len,
                         struct hhi_error *err)
{
    json_object *v;
    char *key;
    int rc = 0;

    /* Nothing to hide in "", and an object key stops at a NUL. */
    if (len == 0 || memchr(text, '\0', len) != NULL)
        return HHI_OK;
    if (s->list == NULL)
        s->list = json_object_new_array();
    if (s->seen == NULL)
        s->seen = json_object_new_object();
    key = strndup(text, len);
    if (s->list == NULL || s->seen == NULL || key == NULL) {
        free(key);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    if (!json_object_object_get_ex(s->seen, key, NULL)) {
        v = json_object_new_string_len(text, (int)len);
        if (v == NULL || json_object_array_add(s->list, v) != 0) {
            json_object_put(v);
            rc = -1;
        } else if (json_object_object_add(s->seen, key, NULL) != 0) {
            rc = -1;
        }
    }
    free(key);
    return rc == 0 ? HHI_OK : hhi_error_set(err, HHI_ENOMEM, "out of memory");
}

int hhi_secrets_add_value(struct hhi_secrets *s, json_object *value, struct hhi_error *err)
{
    const char *text;
    int rc = HHI_OK;
    size_t i;

    switch (json_object_get_type(value)) {
    case json_type_null:
        return HHI_OK;
    case json_type_boolean:
        /*
         * Hidden by text, "true" or "false" would blank every message that
         * says the word; a sensitive flag carries one bit, which hooks
         * rarely quote.  Numbers of one or two digits likewise.
         */
        return HHI_OK;
    case json_type_string:
        return hhi_secrets_add_text(s, json_object_get_string(value),
                                    (size_t)json_object_get_string_len(value), err);
    case json_type_array:
        for (i = 0; rc == HHI_OK && i < json_object_array_length(value); i++)
            rc = hhi_secrets_add_value(s, json_object_array_get_idx(value, i), err);
        return rc;
    case json_type_object: {
        json_object_object_foreach(value, k, v) {
            (void)k;
            rc = hhi_secrets_add_value(s, v, err);
            if (rc != HHI_OK)
                return rc;
        }
        return HHI_OK;
    }
    default:
        text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
        if (text == NULL)
            return hhi_error_set(err, HHI_ENOMEM, "out of memory");
        if (strlen(text) < 3)
            return HHI_OK;
        return hhi_secrets_add_text(s, text, strlen(text), err);
    }
}

int hhi_secrets_finish(struct hhi_secrets *s, struct hhi_change_set *cs, json_object **out,
                       struct hhi_error *err)
{
    json_object *list = s->list;
    int rc = HHI_OK;

    *out = NULL;
    s->list = NULL;
    hhi_secrets_release(s);
    if (list == NULL)
        return HHI_OK;
    rc = hhi_change_set_adopt_doc(cs, list, err);  /* takes list, even on error */
    if (rc == HHI_OK)
        *out = list;
    return rc;
}
