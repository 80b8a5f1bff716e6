/*
 * RFC 6901 pointers: the input is a pointer and a JSON document, split at
 * the first NUL or 0xFF byte ("/a/0\0{...}"; without a separator the whole
 * input is the pointer, looked up in a fixed document).  Any pointer is
 * looked up safely; and every value of the document is found again at the
 * pointer built for it, escapes (~0, ~1) and long member names included.
 */
#include "config.h"

#include <json-c/json.h>

#include "fuzz.h"
#include "input.h"
#include "json_pointer.h"

/* Bounds on the round trip, to keep each input fast. */
#define MAX_NODES 2000
#define MAX_POINTER (64 * 1024)

static const char fixed_doc[] =
    "{\"Resources\":{\"Bucket\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":"
    "{\"Tags\":[{\"Key\":\"a/b\",\"Value\":\"m~n\"},null,7]}}},"
    "\"a/b\":1,\"m~n\":2,\"\":{\"\":[0,1,2,3,4,5,6,7,8,9,10]},\" \":null}";

struct walk {
    json_object *root;
    char *pointer;      /* the pointer to the current value */
    size_t len, cap;
    size_t nodes;
};

static bool append(struct walk *w, const char *s, size_t n)
{
    if (w->len + n + 1 > MAX_POINTER)
        return false;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 64;
        char *p;

        while (cap < w->len + n + 1)
            cap *= 2;
        p = realloc(w->pointer, cap);
        FUZZ_CHECK(p != NULL);
        w->pointer = p;
        w->cap = cap;
    }
    memcpy(w->pointer + w->len, s, n);
    w->len += n;
    w->pointer[w->len] = '\0';
    return true;
}

/* Append "/" and key with '~' and '/' escaped. */
static bool append_key(struct walk *w, const char *key)
{
    const char *k;

    if (!append(w, "/", 1))
        return false;
    for (k = key; *k != '\0'; k++) {
        bool ok = *k == '~' ? append(w, "~0", 2) : *k == '/' ? append(w, "~1", 2)
                                                             : append(w, k, 1);

        if (!ok)
            return false;
    }
    return true;
}

static void round_trip(struct walk *w, json_object *value)
{
    size_t saved = w->len, i, n;
    int found = 0;

    if (w->nodes++ >= MAX_NODES)
        return;
    FUZZ_CHECK(hhi_json_pointer_find(w->root, w->pointer, &found) == value);
    FUZZ_CHECK(found == 1);
    FUZZ_CHECK(hhi_json_pointer_get(w->root, w->pointer) == value);
    switch (json_object_get_type(value)) {
    case json_type_array: {
        char index[32];

        n = json_object_array_length(value);
        /* Past the end, "-" and leading zeros name nothing. */
        snprintf(index, sizeof(index), "/%zu", n);
        if (append(w, index, strlen(index))) {
            FUZZ_CHECK(hhi_json_pointer_find(w->root, w->pointer, &found) == NULL);
            FUZZ_CHECK(found == 0);
        }
        w->len = saved;
        w->pointer[w->len] = '\0';
        if (append(w, "/-", 2))
            FUZZ_CHECK(hhi_json_pointer_find(w->root, w->pointer, &found) == NULL && !found);
        w->len = saved;
        w->pointer[w->len] = '\0';
        if (n > 1 && append(w, "/01", 3))
            FUZZ_CHECK(hhi_json_pointer_find(w->root, w->pointer, &found) == NULL && !found);
        w->len = saved;
        w->pointer[w->len] = '\0';
        for (i = 0; i < n && w->nodes < MAX_NODES; i++) {
            snprintf(index, sizeof(index), "/%zu", i);
            if (append(w, index, strlen(index)))
                round_trip(w, json_object_array_get_idx(value, i));
            w->len = saved;
            w->pointer[w->len] = '\0';
        }
        break;
    }
    case json_type_object: {
        json_object_object_foreach(value, key, member) {
            if (w->nodes >= MAX_NODES)
                break;
            if (append_key(w, key))
                round_trip(w, member);
            w->len = saved;
            w->pointer[w->len] = '\0';
        }
        break;
    }
    default:
        /* Scalars have no members. */
        if (append(w, "/0", 2))
            FUZZ_CHECK(hhi_json_pointer_find(w->root, w->pointer, &found) == NULL && !found);
        w->len = saved;
        w->pointer[w->len] = '\0';
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { 0, "" };
    struct walk w = { NULL, NULL, 0, 0, 0 };
    json_object *doc = NULL, *got;
    const uint8_t *rest;
    size_t first, rest_len;
    char *pointer;
    int found = -1, rc;

    if (fuzz_split(data, size, &first, &rest, &rest_len))
        rc = hhi_json_parse("doc", (const char *)rest, rest_len, &doc, &err);
    else
        rc = hhi_json_parse("doc", fixed_doc, strlen(fixed_doc), &doc, &err);
    if (rc != HHI_OK)
        return 0;
    pointer = fuzz_strndup(data, first);
    got = hhi_json_pointer_find(doc, pointer, &found);
    FUZZ_CHECK(found == 0 || found == 1);
    FUZZ_CHECK(found || got == NULL);
    FUZZ_CHECK(hhi_json_pointer_get(doc, pointer) == got);
    FUZZ_CHECK(hhi_json_pointer_find(doc, pointer, NULL) == got);
    if (pointer[0] == '\0')
        FUZZ_CHECK(found && got == doc);
    if (pointer[0] != '\0' && pointer[0] != '/')
        FUZZ_CHECK(!found);
    free(pointer);
    FUZZ_CHECK(hhi_json_pointer_find(doc, NULL, &found) == NULL && !found);

    w.root = doc;
    FUZZ_CHECK(append(&w, "", 0));
    round_trip(&w, doc);
    free(w.pointer);
    json_object_put(doc);
    return 0;
}
