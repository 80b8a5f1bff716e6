#include "config.h"

#include "json_pointer.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Tokens up to this many bytes are unescaped on the stack for a hash lookup. */
#define TOKEN_STACK_MAX 256

/*
 * A reference token, pointing into the pointer string: [start, start + len)
 * with ~0 and ~1 still escaped.
 */
struct token {
    const char *start;
    size_t len;
};

/* Is every '~' in the token followed by '0' or '1', as RFC 6901 requires? */
static bool token_escapes_valid(const struct token *tok)
{
    size_t i;

    for (i = 0; i < tok->len; i++) {
        if (tok->start[i] != '~')
            continue;
        if (i + 1 >= tok->len || (tok->start[i + 1] != '0' && tok->start[i + 1] != '1'))
            return false;
        i++;
    }
    return true;
}

/* Does the escaped token spell key exactly? Compares without copying. */
static bool token_equals_key(const struct token *tok, const char *key)
{
    size_t i = 0;

    while (i < tok->len) {
        char c = tok->start[i++];

        if (c == '~')
            c = tok->start[i++] == '0' ? '~' : '/';
        if (*key++ != c)
            return false;
    }
    return *key == '\0';
}

/* Unescape a valid token into buf (room for TOKEN_STACK_MAX + 1 bytes). */
static bool token_unescape(const struct token *tok, char *buf)
{
    size_t i = 0, n = 0;

    while (i < tok->len) {
        char c = tok->start[i++];

        if (n == TOKEN_STACK_MAX)
            return false;
        if (c == '~')
            c = tok->start[i++] == '0' ? '~' : '/';
        buf[n++] = c;
    }
    buf[n] = '\0';
    return true;
}

static bool object_member(json_object *obj, const struct token *tok, json_object **out)
{
    char buf[TOKEN_STACK_MAX + 1];

    if (token_unescape(tok, buf))
        return json_object_object_get_ex(obj, buf, out);
    {
        /* A long token: compare in place against each key instead. */
        json_object_object_foreach(obj, key, value) {
            if (token_equals_key(tok, key)) {
                *out = value;
                return true;
            }
        }
    }
    return false;
}

/* RFC 6901 array index: "0" or digits without a leading zero; "-" is past the end. */
static bool array_item(json_object *arr, const struct token *tok, json_object **out)
{
    size_t i, index = 0, length = json_object_array_length(arr);

    if (tok->len == 0 || (tok->len > 1 && tok->start[0] == '0'))
        return false;
    for (i = 0; i < tok->len; i++) {
        char c = tok->start[i];

        if (c < '0' || c > '9')
            return false;
        /* Any index >= length is absent; stop before it could overflow. */
        index = index * 10 + (size_t)(c - '0');
        if (index >= length)
            return false;
    }
    *out = json_object_array_get_idx(arr, index);
    return true;
}

/* Step from *cur to the member tok names. */
static bool step(json_object **cur, const struct token *tok)
{
    switch (json_object_get_type(*cur)) {
    case json_type_object:
        return object_member(*cur, tok, cur);
    case json_type_array:
        return array_item(*cur, tok, cur);
    default:
        return false;   /* scalars and null have no members */
    }
}

json_object *hhi_json_pointer_find(json_object *doc, const char *pointer, int *found)
{
    json_object *cur = doc;
    const char *p = pointer;
    int dummy;

    if (found == NULL)
        found = &dummy;
    *found = 0;
    if (pointer == NULL || (*p != '\0' && *p != '/'))
        return NULL;
    while (*p == '/') {
        struct token tok;

        tok.start = ++p;
        tok.len = strcspn(p, "/");
        p += tok.len;
        if (!token_escapes_valid(&tok) || !step(&cur, &tok))
            return NULL;
    }
    *found = 1;
    return cur;
}

json_object *hhi_json_pointer_get(json_object *doc, const char *pointer)
{
    return hhi_json_pointer_find(doc, pointer, NULL);
}

size_t hhi_json_pointer_append(char *buf, size_t cap, size_t len, const char *token)
{
    size_t out = len;
    const char *t;

    if (out + 1 >= cap)
        return 0;
    buf[out++] = '/';
    for (t = token; *t != '\0'; t++) {
        size_t need = (*t == '~' || *t == '/') ? 2 : 1;

        if (out + need >= cap) {
            buf[len] = '\0';
            return 0;
        }
        if (need == 2) {
            buf[out++] = '~';
            buf[out++] = *t == '~' ? '0' : '1';
        } else {
            buf[out++] = *t;
        }
    }
    buf[out] = '\0';
    return out;
}
