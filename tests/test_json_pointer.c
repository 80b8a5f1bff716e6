#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "json_pointer.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Counting allocations, to show that lookups never allocate: the program
 * defines malloc and friends over glibc's.  Valgrind and sanitizers bring
 * their own allocator, which takes precedence; the count then stays at zero
 * and the test that needs it is skipped.
 */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define HAVE_ALLOC_COUNT 1
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static size_t alloc_count;

void *malloc(size_t size)
{
    alloc_count++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    alloc_count++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    alloc_count++;
    return __libc_realloc(p, size);
}

void free(void *p)
{
    __libc_free(p);
}
#else
#define HAVE_ALLOC_COUNT 0
static size_t alloc_count;
#endif

/* The example of RFC 6901 section 5, and members for the edge cases. */
static const char document[] =
    "{"
    "  \"foo\": [\"bar\", \"baz\"],"
    "  \"\": 0,"
    "  \"a/b\": 1,"
    "  \"c%d\": 2,"
    "  \"e^f\": 3,"
    "  \"g|h\": 4,"
    "  \"i\\\\j\": 5,"
    "  \"k\\\"l\": 6,"
    "  \" \": 7,"
    "  \"m~n\": 8,"
    "  \"~1\": 9,"
    "  \"nested\": {\"list\": [{\"x\": true}, [10, 20, 30]], \"nothing\": null},"
    "  \"0\": \"zero as a key\","
    "  \"empty\": {\"\": {\"\": \"deep empty\"}},"
    "  \"scalar\": 42"
    "}";

static const struct lookup_case {
    const char *pointer;
    bool found;
    const char *value;   /* the JSON text of the result, when found */
} lookup_cases[] = {
    /* RFC 6901 section 5, one by one */
    { "", true, NULL /* the whole document, checked apart */ },
    { "/foo", true, "[\"bar\",\"baz\"]" },
    { "/foo/0", true, "\"bar\"" },
    { "/", true, "0" },
    { "/a~1b", true, "1" },
    { "/c%d", true, "2" },
    { "/e^f", true, "3" },
    { "/g|h", true, "4" },
    { "/i\\j", true, "5" },
    { "/k\"l", true, "6" },
    { "/ ", true, "7" },
    { "/m~0n", true, "8" },
    /* ~01 is "~1", not "/" : unescape left to right, once */
    { "/~01", true, "9" },
    { "/nested/list/0/x", true, "true" },
    { "/nested/list/1/2", true, "30" },
    { "/nested/nothing", true, NULL },                  /* a JSON null member */
    { "/0", true, "\"zero as a key\"" },                /* digits name object keys too */
    { "/empty//", true, "\"deep empty\"" },
    /* absent */
    { "/missing", false, NULL },
    { "/foo/2", false, NULL },                          /* out of range */
    { "/foo/-", false, NULL },                          /* past the end */
    { "/foo/01", false, NULL },                         /* leading zero */
    { "/foo/00", false, NULL },
    { "/foo/-1", false, NULL },
    { "/foo/+1", false, NULL },
    { "/foo/1a", false, NULL },
    { "/foo/ 1", false, NULL },
    { "/foo/", false, NULL },                           /* empty index */
    { "/foo/99999999999999999999999999999", false, NULL },
    { "/foo/0/x", false, NULL },                        /* through a string */
    { "/scalar/0", false, NULL },                       /* through a number */
    { "/nested/nothing/x", false, NULL },               /* through null */
    { "/a/b", false, NULL },                            /* "/" is a separator */
    { "/m~n", false, NULL },                            /* "~n": malformed */
    { "/FOO", false, NULL },                            /* case-sensitive */
    { "/foo//", false, NULL },
    /* malformed */
    { "foo", false, NULL },
    { "#/foo", false, NULL },                           /* URI fragments are not supported */
    { " /foo", false, NULL },
    { "/~", false, NULL },
    { "/~2", false, NULL },
    { "/a~", false, NULL },
    { "/foo/~", false, NULL },
    { "/missing/~x", false, NULL },
};

static void check_lookup(json_object *doc, const struct lookup_case *c)
{
    int found = -1;
    json_object *v = hhi_json_pointer_find(doc, c->pointer, &found);

    if (found != (int)c->found)
        fail_msg("\"%s\": found should be %d, is %d", c->pointer, (int)c->found, found);
    if (hhi_json_pointer_get(doc, c->pointer) != v)
        fail_msg("\"%s\": get and find disagree", c->pointer);
    if (!c->found || c->pointer[0] == '\0') {
        if (!c->found && v != NULL)
            fail_msg("\"%s\": absent, but a value was returned", c->pointer);
        return;
    }
    if (c->value == NULL) {
        if (v != NULL)
            fail_msg("\"%s\": should be JSON null", c->pointer);
        return;
    }
    if (strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), c->value) != 0)
        fail_msg("\"%s\": got %s, expected %s", c->pointer,
                 json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), c->value);
}

static void test_lookup_table(void **state)
{
    json_object *doc = json_tokener_parse(document);
    int found = 0;
    size_t i;

    (void)state;
    assert_non_null(doc);
    for (i = 0; i < N_ITEMS(lookup_cases); i++)
        check_lookup(doc, &lookup_cases[i]);
    assert_ptr_equal(hhi_json_pointer_find(doc, "", &found), doc);
    assert_int_equal(found, 1);
    json_object_put(doc);
}

static void test_odd_arguments(void **state)
{
    json_object *doc = json_tokener_parse("[1]");
    int found = 7;

    (void)state;
    assert_null(hhi_json_pointer_find(doc, NULL, &found));
    assert_int_equal(found, 0);
    /* The document itself may be JSON null: "" still finds it. */
    assert_null(hhi_json_pointer_find(NULL, "", &found));
    assert_int_equal(found, 1);
    assert_null(hhi_json_pointer_find(NULL, "/a", &found));
    assert_int_equal(found, 0);
    assert_non_null(hhi_json_pointer_find(doc, "/0", NULL));
    assert_null(hhi_json_pointer_find(doc, "/1", NULL));
    json_object_put(doc);
}

/* A key of len bytes: "k", then '~', 'x' and '/' in turn (escapes), then 'Z'. */
static char *make_key(size_t len)
{
    char *key = malloc(len + 1);
    size_t i;

    assert_non_null(key);
    for (i = 0; i < len; i++)
        key[i] = (i == 0) ? 'k' : (i % 3 == 0) ? '/' : (i % 3 == 1) ? '~' : 'x';
    key[len - 1] = 'Z';   /* so that no key is a prefix of another */
    key[len] = '\0';
    return key;
}

/* The pointer "/<key escaped>/v" for make_key(len). */
static char *make_pointer(const char *key)
{
    char *p = malloc(strlen(key) * 2 + 8), *o = p;

    assert_non_null(p);
    *o++ = '/';
    for (; *key != '\0'; key++) {
        if (*key == '~' || *key == '/') {
            *o++ = '~';
            *o++ = *key == '~' ? '0' : '1';
        } else {
            *o++ = *key;
        }
    }
    strcpy(o, "/v");
    return p;
}

/*
 * Keys up to 256 bytes are looked up through a stack copy, longer ones by
 * comparing in place: both sides of the boundary, with escapes.
 */
static void test_long_keys(void **state)
{
    static const size_t lengths[] = { 1, 2, 255, 256, 257, 258, 1000, 5000 };
    json_object *doc = json_object_new_object();
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(lengths); i++) {
        char *key = make_key(lengths[i]);
        json_object *member = json_object_new_object();

        json_object_object_add(member, "v", json_object_new_int64((int64_t)lengths[i]));
        json_object_object_add(doc, key, member);
        free(key);
    }
    for (i = 0; i < N_ITEMS(lengths); i++) {
        char *key = make_key(lengths[i]), *pointer = make_pointer(key);
        size_t n = strlen(pointer);
        json_object *v = hhi_json_pointer_get(doc, pointer);

        assert_non_null(v);
        assert_int_equal(json_object_get_int64(v), (int64_t)lengths[i]);
        /* One byte more or less is another key. */
        strcpy(pointer + n - 2, "x/v");
        assert_null(hhi_json_pointer_get(doc, pointer));
        strcpy(pointer + n - 3, "/v");
        assert_null(hhi_json_pointer_get(doc, pointer));
        free(pointer);
        free(key);
    }
    json_object_put(doc);
}

static void *(*volatile probe_malloc)(size_t) = malloc;

static void test_no_allocation(void **state)
{
    json_object *doc;
    char *key, *pointer;
    size_t before, i;

    (void)state;
    alloc_count = 0;
    free(probe_malloc(1));   /* through a pointer, so that it is not optimized out */
    if (!HAVE_ALLOC_COUNT || alloc_count == 0) {
        skip();
        return;
    }
    doc = json_tokener_parse(document);
    key = make_key(1000);
    pointer = make_pointer(key);
    json_object_object_add(doc, key, json_object_new_object());
    before = alloc_count;
    for (i = 0; i < N_ITEMS(lookup_cases); i++)
        (void)hhi_json_pointer_get(doc, lookup_cases[i].pointer);
    pointer[strlen(pointer) - 2] = '\0';   /* the long key itself */
    assert_non_null(hhi_json_pointer_get(doc, pointer));
    assert_int_equal(alloc_count, before);
    free(pointer);
    free(key);
    json_object_put(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_table),
        cmocka_unit_test(test_odd_arguments),
        cmocka_unit_test(test_long_keys),
        cmocka_unit_test(test_no_allocation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
