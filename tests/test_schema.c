#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "error.h"
#include "json_pointer.h"
#include "schema.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define WHAT "hook Foo::Bar::Baz"

/*
 * Allocation failure injection: the program defines malloc and friends
 * over glibc's, and makes the fail_at-th allocation that the program's own
 * code (hookhost, linked in) makes fail.  Allocations inside the C library
 * are never failed: glibc 2.36's regcomp leaks and even frees twice when
 * its own allocations fail.  Valgrind and sanitizers bring their own
 * allocator, which takes precedence; the counters then stay at zero and
 * the torture test is skipped.
 */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define HAVE_ALLOC_HOOK 1
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
/* The program's code, as the GNU linker delimits it. */
extern const char __executable_start[], etext[];
#else
#define HAVE_ALLOC_HOOK 0
#endif

static struct {
    size_t count;     /* program allocations since the last reset */
    size_t fail_at;   /* fail this one (1-based); 0: none */
    long live;        /* all allocations minus frees since the last reset */
} alloc_state;

static void alloc_reset(size_t fail_at)
{
    alloc_state.count = 0;
    alloc_state.fail_at = fail_at;
    alloc_state.live = 0;
}

#if HAVE_ALLOC_HOOK
static bool alloc_should_fail(const void *caller)
{
    const char *c = caller;

    if (c < __executable_start || c >= etext)
        return false;
    if (++alloc_state.count != alloc_state.fail_at)
        return false;
    errno = ENOMEM;
    return true;
}

void *malloc(size_t size)
{
    void *p = alloc_should_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(size);

    alloc_state.live += p != NULL;
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = alloc_should_fail(__builtin_return_address(0)) ? NULL : __libc_calloc(n, size);

    alloc_state.live += p != NULL;
    return p;
}

void *realloc(void *old, size_t size)
{
    void *p;

    if (alloc_should_fail(__builtin_return_address(0)))
        return NULL;
    p = __libc_realloc(old, size);
    if (old == NULL && p != NULL)
        alloc_state.live++;
    else if (old != NULL && size == 0 && p == NULL)
        alloc_state.live--;
    return p;
}

void free(void *p)
{
    alloc_state.live -= p != NULL;
    __libc_free(p);
}
#endif

static void *(*volatile probe_malloc)(size_t) = malloc;

/* Does the allocation hook see allocations here (not under valgrind)? */
static bool alloc_hook_works(void)
{
    alloc_reset(0);
    free(probe_malloc(1));
    return HAVE_ALLOC_HOOK && alloc_state.count == 1;
}

/* ---------------------------------------------------------------- helpers */

/* Parse JSON written with ' for " (so that tables stay readable). */
static json_object *parse(const char *text)
{
    char *copy = strdup(text), *p;
    enum json_tokener_error jerr;
    json_object *v;

    assert_non_null(copy);
    for (p = copy; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    v = json_tokener_parse_verbose(copy, &jerr);
    if (jerr != json_tokener_success)
        fail_msg("test JSON does not parse: %s", text);
    free(copy);
    return v;
}

/* Compile schema text; returns the code and leaves the message in err. */
static int compile_text(const char *text, struct hhi_schema **out, struct hhi_error *err)
{
    json_object *doc = parse(text);
    int rc;

    hhi_error_clear(err);
    rc = hhi_schema_compile(out, doc, WHAT, err);
    json_object_put(doc);   /* the compiled schema holds its own reference */
    return rc;
}

/* Check rc/err against an expected message (NULL: success) without WHAT. */
static void check_outcome(const char *label, const char *input, int rc,
                          const struct hhi_error *err, const char *expected)
{
    char full[HHI_ERROR_MESSAGE_MAX + 64];

    if (expected == NULL) {
        if (rc != 0)
            fail_msg("%s %s: unexpected error: %s", label, input, err->message);
        return;
    }
    snprintf(full, sizeof(full), "%s: %s", WHAT, expected);
    if (rc != HHI_ECONFIG || err->code != HHI_ECONFIG)
        fail_msg("%s %s: expected \"%s\", got code %d", label, input, full, rc);
    if (strcmp(err->message, full) != 0)
        fail_msg("%s %s:\n  expected \"%s\"\n  got      \"%s\"", label, input, full,
                 err->message);
}

/* ------------------------------------------------------------- validation */

struct validate_case {
    const char *schema, *instance;
    const char *error;   /* NULL: valid; else the message after WHAT ": " */
};

static const struct validate_case validate_cases[] = {
    /* type */
    { "{'type':'string'}", "'abc'", NULL },
    { "{'type':'string'}", "3", "Properties: must be of type string (got integer)" },
    { "{'type':'string'}", "null", "Properties: must be of type string (got null)" },
    { "{'type':'integer'}", "3", NULL },
    { "{'type':'integer'}", "-3.0", NULL },
    { "{'type':'integer'}", "1e3", NULL },
    { "{'type':'integer'}", "3.5", "Properties: must be of type integer (got number)" },
    { "{'type':'integer'}", "'3'", "Properties: must be of type integer (got string)" },
    { "{'type':'number'}", "3", NULL },
    { "{'type':'number'}", "3.25", NULL },
    { "{'type':'number'}", "true", "Properties: must be of type number (got boolean)" },
    { "{'type':'boolean'}", "false", NULL },
    { "{'type':'boolean'}", "0", "Properties: must be of type boolean (got integer)" },
    { "{'type':'null'}", "null", NULL },
    { "{'type':'null'}", "{}", "Properties: must be of type null (got object)" },
    { "{'type':'object'}", "{}", NULL },
    { "{'type':'object'}", "[]", "Properties: must be of type object (got array)" },
    { "{'type':'array'}", "[]", NULL },
    { "{'type':'array'}", "'[]'", "Properties: must be of type array (got string)" },
    { "{'type':['string','null']}", "null", NULL },
    { "{'type':['string','null']}", "'x'", NULL },
    { "{'type':['string','null']}", "1", "Properties: must be of type null or string (got integer)" },
    { "{'type':['integer','boolean']}", "2.5",
      "Properties: must be of type boolean or integer (got number)" },
    { "{'type':['integer','boolean']}", "2.0", NULL },
    /* enum */
    { "{'enum':['a','b',1,null]}", "'b'", NULL },
    { "{'enum':['a','b',1,null]}", "1.0", NULL },
    { "{'enum':['a','b',1,null]}", "null", NULL },
    { "{'enum':['a','b',1,null]}", "'c'", "Properties: must be one of: \"a\", \"b\", 1, null" },
    { "{'enum':['a','b',1,null]}", "'A'", "Properties: must be one of: \"a\", \"b\", 1, null" },
    { "{'enum':['a','b',1,null]}", "true", "Properties: must be one of: \"a\", \"b\", 1, null" },
    { "{'enum':[{'a':[1,2]},[1,2]]}", "{'a':[1,2.0]}", NULL },
    { "{'enum':[{'a':[1,2]},[1,2]]}", "[1,2]", NULL },
    { "{'enum':[{'a':[1,2]},[1,2]]}", "[2,1]", "Properties: must be one of: {...}, [...]" },
    { "{'enum':[{'a':[1,2]},[1,2]]}", "{'a':[1,2],'b':1}", "Properties: must be one of: {...}, [...]" },
    { "{'enum':[0.1,'x\\ty']}", "3", "Properties: must be one of: 0.1, \"x\\u0009y\"" },
    /* const */
    { "{'const':'x'}", "'x'", NULL },
    { "{'const':'x'}", "'y'", "Properties: must be equal to \"x\"" },
    { "{'const':null}", "null", NULL },
    { "{'const':null}", "0", "Properties: must be equal to null" },
    { "{'const':null}", "false", "Properties: must be equal to null" },
    { "{'const':{'a':1,'b':[true]}}", "{'b':[true],'a':1.0}", NULL },
    { "{'const':{'a':1,'b':[true]}}", "{'a':1}", "Properties: must be equal to {...}" },
    { "{'const':1.5}", "1.50", NULL },
    { "{'const':1.5}", "2", "Properties: must be equal to 1.5" },
    { "{'const':''}", "''", NULL },
    { "{'const':''}", "null", "Properties: must be equal to \"\"" },
    { "{'const':[]}", "[0]", "Properties: must be equal to []" },
    /* minimum / exclusiveMinimum / maximum / exclusiveMaximum */
    { "{'minimum':5}", "5", NULL },
    { "{'minimum':5}", "5.0", NULL },
    { "{'minimum':5}", "6", NULL },
    { "{'minimum':5}", "4", "Properties: must be >= 5" },
    { "{'minimum':5}", "4.999", "Properties: must be >= 5" },
    { "{'minimum':5}", "-1e9", "Properties: must be >= 5" },
    { "{'minimum':5}", "'x'", NULL },
    { "{'exclusiveMinimum':5}", "5", "Properties: must be > 5" },
    { "{'exclusiveMinimum':5}", "5.0", "Properties: must be > 5" },
    { "{'exclusiveMinimum':5}", "5.001", NULL },
    { "{'exclusiveMinimum':5}", "6", NULL },
    { "{'maximum':10}", "10", NULL },
    { "{'maximum':10}", "10.0", NULL },
    { "{'maximum':10}", "10.5", "Properties: must be <= 10" },
    { "{'maximum':10}", "11", "Properties: must be <= 10" },
    { "{'exclusiveMaximum':10}", "10", "Properties: must be < 10" },
    { "{'exclusiveMaximum':10}", "9.999", NULL },
    { "{'minimum':0.5}", "0", "Properties: must be >= 0.5" },
    { "{'minimum':0.5}", "0.5", NULL },
    { "{'maximum':-2.5}", "-2", "Properties: must be <= -2.5" },
    { "{'maximum':-2.5}", "-3", NULL },
    { "{'minimum':5,'maximum':10}", "11", "Properties: must be <= 10" },
    { "{'minimum':5,'maximum':10}", "7", NULL },
    /* exactly, beyond what a double holds */
    { "{'maximum':9007199254740992.0}", "9007199254740993", "Properties: must be <= 9007199254740992" },
    { "{'maximum':9007199254740992.0}", "9007199254740992", NULL },
    { "{'maximum':9007199254740993}", "9007199254740993", NULL },
    { "{'maximum':9007199254740993}", "9007199254740994", "Properties: must be <= 9007199254740993" },
    { "{'exclusiveMaximum':9007199254740993}", "9007199254740992.0", NULL },
    { "{'minimum':18446744073709551615}", "18446744073709551615", NULL },
    { "{'minimum':18446744073709551615}", "18446744073709551614",
      "Properties: must be >= 18446744073709551615" },
    { "{'minimum':18446744073709551615}", "9223372036854775807",
      "Properties: must be >= 18446744073709551615" },
    { "{'minimum':9223372036854775808}", "9223372036854775807.0", NULL },
    { "{'exclusiveMinimum':-9223372036854775808}", "-9223372036854775808",
      "Properties: must be > -9223372036854775808" },
    { "{'exclusiveMinimum':-9223372036854775808}", "-9223372036854775807", NULL },
    { "{'maximum':1e300}", "18446744073709551615", NULL },
    { "{'minimum':-1e300}", "-9223372036854775808", NULL },
    /* minLength / maxLength, in characters */
    { "{'minLength':3}", "'abc'", NULL },
    { "{'minLength':3}", "'ab'", "Properties: must be at least 3 characters long (it has 2)" },
    { "{'minLength':3}", "'h\\u00e9\\u00e9'", NULL },
    { "{'minLength':3}", "'\\u65e5\\u672c'", "Properties: must be at least 3 characters long (it has 2)" },
    { "{'minLength':2}", "'a\\ud83d\\ude00'", NULL },
    { "{'minLength':3}", "'a\\u0000b'", NULL },
    { "{'minLength':1}", "''", "Properties: must be at least 1 character long (it has 0)" },
    { "{'minLength':2.0}", "'a'", "Properties: must be at least 2 characters long (it has 1)" },
    { "{'minLength':3}", "12", NULL },
    { "{'maxLength':3}", "'abc'", NULL },
    { "{'maxLength':3}", "'abcd'", "Properties: must be at most 3 characters long (it has 4)" },
    { "{'maxLength':3}", "'\\u65e5\\u672c\\u8a9e'", NULL },
    { "{'maxLength':1}", "'\\ud83d\\ude00'", NULL },
    { "{'maxLength':1}", "'ab'", "Properties: must be at most 1 character long (it has 2)" },
    { "{'maxLength':0}", "''", NULL },
    { "{'maxLength':0}", "'a'", "Properties: must be at most 0 characters long (it has 1)" },
    /* pattern: POSIX ERE, unanchored */
    { "{'pattern':'^[a-z]+$'}", "'abc'", NULL },
    { "{'pattern':'^[a-z]+$'}", "'aBc'", "Properties: does not match pattern ^[a-z]+$" },
    { "{'pattern':'^[a-z]+$'}", "''", "Properties: does not match pattern ^[a-z]+$" },
    { "{'pattern':'b'}", "'abc'", NULL },
    { "{'pattern':'b'}", "'xyz'", "Properties: does not match pattern b" },
    { "{'pattern':'^db\\\\.[a-z0-9]+\\\\.[a-z0-9]+$'}", "'db.t2.micro'", NULL },
    { "{'pattern':'^db\\\\.[a-z0-9]+\\\\.[a-z0-9]+$'}", "'db_t2_micro'",
      "Properties: does not match pattern ^db\\.[a-z0-9]+\\.[a-z0-9]+$" },
    { "{'pattern':'^\\\\w+\\\\s\\\\w+$'}", "'a b'", NULL },
    { "{'pattern':'^\\\\w+\\\\s\\\\w+$'}", "'ab'", "Properties: does not match pattern ^\\w+\\s\\w+$" },
    { "{'pattern':'^(ab|cd){2}$'}", "'abcd'", NULL },
    { "{'pattern':'^(ab|cd){2}$'}", "'abc'", "Properties: does not match pattern ^(ab|cd){2}$" },
    { "{'pattern':'^[a-z]+$'}", "'abc\\u0000<x>'",
      "Properties: contains a NUL character, which pattern ^[a-z]+$ cannot check" },
    { "{'pattern':'^a'}", "5", NULL },
    /* minItems / maxItems */
    { "{'minItems':2}", "[1,2]", NULL },
    { "{'minItems':2}", "[1]", "Properties: must have at least 2 items (it has 1)" },
    { "{'minItems':1}", "[]", "Properties: must have at least 1 item (it has 0)" },
    { "{'minItems':1}", "{}", NULL },
    { "{'maxItems':1}", "[1]", NULL },
    { "{'maxItems':1}", "[1,2]", "Properties: must have at most 1 item (it has 2)" },
    { "{'maxItems':0}", "[]", NULL },
    { "{'maxItems':0}", "[null]", "Properties: must have at most 0 items (it has 1)" },
    /* uniqueItems: structural equality */
    { "{'uniqueItems':true}", "[1,2,3]", NULL },
    { "{'uniqueItems':true}", "[1,2,1]", "Properties[2]: duplicates item [0] (items must be unique)" },
    { "{'uniqueItems':true}", "[1,1.0]", "Properties[1]: duplicates item [0] (items must be unique)" },
    { "{'uniqueItems':true}", "[{'a':1,'b':2},{'b':2,'a':1}]",
      "Properties[1]: duplicates item [0] (items must be unique)" },
    { "{'uniqueItems':true}", "[[1],[1,2],[2,1]]", NULL },
    { "{'uniqueItems':true}", "['1',1,true,null,false,0,'',[],{}]", NULL },
    { "{'uniqueItems':true}", "[null,'x',null]", "Properties[2]: duplicates item [0] (items must be unique)" },
    { "{'uniqueItems':true}", "[]", NULL },
    { "{'uniqueItems':false}", "[1,1]", NULL },
    /* items */
    { "{'items':{'type':'string'}}", "['a','b']", NULL },
    { "{'items':{'type':'string'}}", "[]", NULL },
    { "{'items':{'type':'string'}}", "['a',2]", "Properties[1]: must be of type string (got integer)" },
    { "{'items':{'type':'string'},'uniqueItems':true}", "['a','a',3]",
      "Properties[1]: duplicates item [0] (items must be unique)" },
    { "{'items':{'type':'string'},'uniqueItems':true}", "['a',3,'a']",
      "Properties[1]: must be of type string (got integer)" },
    { "{'items':{'items':{'minimum':0}}}", "[[0],[1,-1]]", "Properties[1][1]: must be >= 0" },
    /* required */
    { "{'required':['A','B']}", "{'A':1,'B':2}", NULL },
    { "{'required':['A','B']}", "{'B':null,'A':null}", NULL },
    { "{'required':['A','B']}", "{'A':1}", "Properties: missing required property \"B\"" },
    { "{'required':['A','B']}", "{}", "Properties: missing required property \"A\"" },
    { "{'required':['A','B']}", "{'a':1,'b':2}", "Properties: missing required property \"A\"" },
    { "{'required':['A']}", "[1]", NULL },
    { "{'required':[]}", "{}", NULL },
    /* properties */
    { "{'properties':{'A':{'type':'string'},'B':{'minimum':0}}}", "{'A':'x','B':1,'C':true}", NULL },
    { "{'properties':{'A':{'type':'string'},'B':{'minimum':0}}}", "{'A':1}",
      "Properties.A: must be of type string (got integer)" },
    { "{'properties':{'A':{'type':'string'},'B':{'minimum':0}}}", "{'B':-1,'A':1}",
      "Properties.B: must be >= 0" },
    { "{'properties':{'A':{'type':'string'}},'required':['B']}", "{'A':1}",
      "Properties: missing required property \"B\"" },
    { "{'properties':{'A':{'type':'string'}}}", "'not an object'", NULL },
    /* additionalProperties */
    { "{'properties':{'A':{}},'additionalProperties':false}", "{'A':1}", NULL },
    { "{'properties':{'A':{}},'additionalProperties':false}", "{}", NULL },
    { "{'properties':{'A':{}},'additionalProperties':false}", "{'A':1,'Extra':2}",
      "Properties.Extra: is not an allowed property (additionalProperties is false)" },
    { "{'properties':{'A':{}},'additionalProperties':false}", "{'a':1}",
      "Properties.a: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'a.b':1}",
      "Properties[\"a.b\"]: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'k\\\"l\\\\m':1}",
      "Properties[\"k\\\"l\\\\m\"]: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'':1}",
      "Properties[\"\"]: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'AWS::S3::Bucket':1}",
      "Properties[\"AWS::S3::Bucket\"]: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'9lives':1}",
      "Properties[\"9lives\"]: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'with space':1}",
      "Properties[\"with space\"]: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':false}", "{'snake_case-and-dash$':1}",
      "Properties.snake_case-and-dash$: is not an allowed property (additionalProperties is false)" },
    { "{'additionalProperties':true}", "{'Z':1}", NULL },
    { "{'properties':{'A':{'type':'string'}},'additionalProperties':{'type':'integer'}}",
      "{'A':'x','B':2}", NULL },
    { "{'properties':{'A':{'type':'string'}},'additionalProperties':{'type':'integer'}}",
      "{'A':'x','B':'y'}", "Properties.B: must be of type integer (got string)" },
    { "{'properties':{'A':{'type':'string'}},'additionalProperties':{'type':'integer'}}",
      "{'A':2}", "Properties.A: must be of type string (got integer)" },
    /* nesting, and the first violation in document order */
    { "{'properties':{'AllowedInstanceTypes':{'type':'array','items':{'type':'string',"
      "'pattern':'^[a-z]+$'}}}}",
      "{'AllowedInstanceTypes':['abc','def','G1','X']}",
      "Properties.AllowedInstanceTypes[2]: does not match pattern ^[a-z]+$" },
    { "{'properties':{'Rules':{'type':'array','items':{'type':'object','required':['Name'],"
      "'properties':{'Name':{'type':'string','minLength':1}}}}}}",
      "{'Rules':[{'Name':'a'},{'Name':''}]}",
      "Properties.Rules[1].Name: must be at least 1 character long (it has 0)" },
    { "{'properties':{'Rules':{'type':'array','items':{'type':'object','required':['Name'],"
      "'properties':{'Name':{'type':'string','minLength':1}}}}}}",
      "{'Rules':[{'Name':'a'},{}]}", "Properties.Rules[1]: missing required property \"Name\"" },
    { "{'properties':{'a.b':{'properties':{'c':{'type':'null'}}}}}", "{'a.b':{'c':1}}",
      "Properties[\"a.b\"].c: must be of type null (got integer)" },
    { "{'type':'string','enum':['a']}", "3", "Properties: must be of type string (got integer)" },
    { "{'enum':['abc'],'minLength':5}", "'abcd'", "Properties: must be one of: \"abc\"" },
    { "{'const':'ab','minLength':3}", "'ab'", "Properties: must be at least 3 characters long (it has 2)" },
    { "{'minLength':5,'pattern':'^z'}", "'abc'", "Properties: must be at least 5 characters long (it has 3)" },
    { "{}", "{'a':[1,{'b':null}],'c':'d'}", NULL },
    /* annotations are accepted and ignored */
    { "{'title':'T','description':'D','default':5,'examples':[1,'x'],'$comment':'c',"
      "'type':'integer'}", "1", NULL },
    { "{'title':'T','description':'D','default':5,'examples':[1,'x'],'$comment':'c',"
      "'type':'integer'}", "'x'", "Properties: must be of type integer (got string)" },
};

static void test_validate_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(validate_cases); i++) {
        const struct validate_case *c = &validate_cases[i];
        struct hhi_schema *schema = NULL;
        struct hhi_error err;
        json_object *instance;
        char label[64];
        int rc;

        if (compile_text(c->schema, &schema, &err) != 0)
            fail_msg("case %zu: schema %s refused: %s", i, c->schema, err.message);
        instance = parse(c->instance);
        hhi_error_clear(&err);
        rc = hhi_schema_validate(schema, instance, WHAT, "Properties", &err);
        snprintf(label, sizeof(label), "case %zu: %s with", i, c->schema);
        check_outcome(label, c->instance, rc, &err, c->error);
        json_object_put(instance);
        hhi_schema_free(schema);
    }
}

/* With an empty prefix the root is "(root)" and paths start bare. */
static void test_validate_root_paths(void **state)
{
    static const struct validate_case cases[] = {
        { "{'type':'string'}", "3", "(root): must be of type string (got integer)" },
        { "{'required':['A']}", "{}", "(root): missing required property \"A\"" },
        { "{'properties':{'A':{'type':'string'}}}", "{'A':1}",
          "A: must be of type string (got integer)" },
        { "{'additionalProperties':false}", "{'a.b':1}",
          "[\"a.b\"]: is not an allowed property (additionalProperties is false)" },
        { "{'items':{'type':'string'}}", "['a',1]", "[1]: must be of type string (got integer)" },
        { "{'items':{'properties':{'x':{'maximum':1}}}}", "[{'x':1},{'x':2}]", "[1].x: must be <= 1" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(cases); i++) {
        struct hhi_schema *schema = NULL;
        struct hhi_error err;
        json_object *instance = parse(cases[i].instance);
        int rc;

        assert_int_equal(compile_text(cases[i].schema, &schema, &err), 0);
        hhi_error_clear(&err);
        rc = hhi_schema_validate(schema, instance, WHAT, "", &err);
        check_outcome("root path", cases[i].instance, rc, &err, cases[i].error);
        /* A NULL prefix reads as "" too. */
        hhi_error_clear(&err);
        rc = hhi_schema_validate(schema, instance, WHAT, NULL, &err);
        check_outcome("NULL prefix", cases[i].instance, rc, &err, cases[i].error);
        json_object_put(instance);
        hhi_schema_free(schema);
    }
}

/* The first error recorded wins; a NULL err is allowed. */
static void test_error_convention(void **state)
{
    struct hhi_schema *schema = NULL;
    struct hhi_error err;
    json_object *instance = parse("3");

    (void)state;
    assert_int_equal(compile_text("{'type':'string'}", &schema, &err), 0);
    assert_int_equal(hhi_schema_validate(schema, instance, WHAT, "P", NULL), HHI_ECONFIG);
    hhi_error_clear(&err);
    hhi_error_set(&err, HHI_EINPUT, "earlier");
    assert_int_equal(hhi_schema_validate(schema, instance, WHAT, "P", &err), HHI_ECONFIG);
    assert_int_equal(err.code, HHI_EINPUT);
    assert_string_equal(err.message, "earlier");
    json_object_put(instance);
    hhi_schema_free(schema);
    hhi_schema_free(NULL);
}

/*
 * uniqueItems on long arrays (hashed rather than pairwise): an array built
 * from a printf-like template per index, then validated.
 */
static void check_unique_array(const char *schema_text, size_t n,
                               void (*item)(size_t i, char *buf, size_t size),
                               const char *expected)
{
    struct hhi_schema *schema = NULL;
    struct hhi_error err;
    json_object *array = json_object_new_array();
    size_t i;
    int rc;

    assert_int_equal(compile_text(schema_text, &schema, &err), 0);
    for (i = 0; i < n; i++) {
        char buf[128];

        item(i, buf, sizeof(buf));
        json_object_array_add(array, parse(buf));
    }
    hhi_error_clear(&err);
    rc = hhi_schema_validate(schema, array, WHAT, "Properties", &err);
    check_outcome("long array", schema_text, rc, &err, expected);
    json_object_put(array);
    hhi_schema_free(schema);
}

static void distinct_ints(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%zu", i * 7);
}

static void dup_at_999(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%zu", i == 999 ? (size_t)3 : i);
}

static void dups_at_500_and_700(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "'s%zu'", i == 700 ? (size_t)2 : i == 500 ? (size_t)10 : i);
}

static void double_dup(size_t i, char *buf, size_t size)
{
    if (i == 100)
        snprintf(buf, size, "50.0");
    else
        snprintf(buf, size, "%zu", i);
}

static void reordered_object_dup(size_t i, char *buf, size_t size)
{
    if (i == 40)
        snprintf(buf, size, "{'b':[7],'a':7}");
    else
        snprintf(buf, size, "{'a':%zu,'b':[%zu]}", i, i);
}

/* Beyond 2^53 consecutive integers share a double: they must still differ. */
static void big_ints(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%llu", (1ULL << 60) + (i == 60 ? 5ULL : (unsigned long long)i));
}

static void big_ints_distinct(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%llu", (1ULL << 60) + (unsigned long long)i);
}

/* Near the ends of int64 and uint64: 2^64 - 1 and 2^64 differ, -2^63 meets -2^63.0. */
static void int64_edges(size_t i, char *buf, size_t size)
{
    static const char *const special[] = {
        "18446744073709551615", "1.8446744073709552e19", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9.223372036854775808e18",
    };

    if (i < N_ITEMS(special))
        snprintf(buf, size, "%s", special[i]);
    else
        snprintf(buf, size, "%zu.5", i);
}

/* 2^63 - 1 and 2^63.0 differ; 2^63.0 and the uint64 2^63 are equal. */
static void uint64_edges(size_t i, char *buf, size_t size)
{
    static const char *const special[] = {
        "18446744073709551615", "1.8446744073709552e19", "9223372036854775807",
        "9.2233720368547758e18", "9223372036854775808",
    };

    if (i < N_ITEMS(special))
        snprintf(buf, size, "%s", special[i]);
    else
        snprintf(buf, size, "%zu.5", i);
}

static void string_at_80_dup_at_90(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, i == 80 ? "'x'" : "%zu", i == 90 ? (size_t)1 : i);
}

static void dup_at_50_string_at_80(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, i == 80 ? "'x'" : "%zu", i == 50 ? (size_t)1 : i);
}

static void test_unique_long_arrays(void **state)
{
    (void)state;
    check_unique_array("{'uniqueItems':true}", 1000, distinct_ints, NULL);
    check_unique_array("{'uniqueItems':true}", 20000, distinct_ints, NULL);
    check_unique_array("{'uniqueItems':true}", 1000, dup_at_999,
                       "Properties[999]: duplicates item [3] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 1000, dups_at_500_and_700,
                       "Properties[500]: duplicates item [10] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 200, double_dup,
                       "Properties[100]: duplicates item [50] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 100, reordered_object_dup,
                       "Properties[40]: duplicates item [7] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 100, big_ints,
                       "Properties[60]: duplicates item [5] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 100, big_ints_distinct, NULL);
    check_unique_array("{'uniqueItems':true}", 50, int64_edges,
                       "Properties[5]: duplicates item [4] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 50, uint64_edges,
                       "Properties[4]: duplicates item [3] (items must be unique)");
    check_unique_array("{'uniqueItems':true}", 5, uint64_edges,
                       "Properties[4]: duplicates item [3] (items must be unique)");
    check_unique_array("{'uniqueItems':true,'items':{'type':'integer'}}", 100,
                       string_at_80_dup_at_90,
                       "Properties[80]: must be of type integer (got string)");
    check_unique_array("{'uniqueItems':true,'items':{'type':'integer'}}", 100,
                       dup_at_50_string_at_80,
                       "Properties[50]: duplicates item [1] (items must be unique)");
    check_unique_array("{'uniqueItems':false}", 1000, dup_at_999, NULL);
}

/* ------------------------------------------------------------ compilation */

struct compile_case {
    const char *schema;
    const char *error;   /* the message after WHAT ": " */
};

#define UNKNOWN "unknown keyword (not in the supported JSON Schema subset)"
#define TYPES "(expected null, boolean, object, array, number, integer or string)"
#define COUNT "must be a non-negative integer"

static const struct compile_case compile_cases[] = {
    /* not a schema at all */
    { "3", "(root): must be a schema (an object), not integer" },
    { "true", "(root): must be a schema (an object), not boolean" },
    { "null", "(root): must be a schema (an object), not null" },
    { "[]", "(root): must be a schema (an object), not array" },
    { "'{}'", "(root): must be a schema (an object), not string" },
    /* unknown keywords, wherever they are */
    { "{'foo':1}", "foo: " UNKNOWN },
    { "{'$schema':3}", "$schema: must be a string" },
    { "{'$ref':'#/definitions/x'}", "$ref: " UNKNOWN },
    { "{'oneOf':[{}]}", "oneOf: " UNKNOWN },
    { "{'format':'email'}", "format: " UNKNOWN },
    { "{'definitions':{}}", "definitions: " UNKNOWN },
    { "{'Type':'string'}", "Type: " UNKNOWN },
    { "{'properties':{'A':{'minLenght':1}}}", "properties.A.minLenght: " UNKNOWN },
    { "{'items':{'items':{'format':'email'}}}", "items.items.format: " UNKNOWN },
    { "{'additionalProperties':{'patternProperties':{}}}",
      "additionalProperties.patternProperties: " UNKNOWN },
    { "{'properties':{'a.b':{'x':1}}}", "properties[\"a.b\"].x: " UNKNOWN },
    { "{'type':'string','x-extension':true}", "x-extension: " UNKNOWN },
    { "{'type':'string','x.y':true}", "[\"x.y\"]: " UNKNOWN },
    /* type */
    { "{'type':5}", "type: must be a type name or a non-empty array of type names" },
    { "{'type':[]}", "type: must be a type name or a non-empty array of type names" },
    { "{'type':'str'}", "type: unknown type \"str\" " TYPES },
    { "{'type':'String'}", "type: unknown type \"String\" " TYPES },
    { "{'type':'float'}", "type: unknown type \"float\" " TYPES },
    { "{'type':['string',3]}", "type[1]: must be a type name (a string)" },
    { "{'type':['string','any']}", "type[1]: unknown type \"any\" " TYPES },
    { "{'type':['string','null','string']}", "type[2]: type \"string\" is listed twice" },
    /* enum */
    { "{'enum':'a'}", "enum: must be a non-empty array" },
    { "{'enum':[]}", "enum: must be a non-empty array" },
    { "{'enum':null}", "enum: must be a non-empty array" },
    /* numeric limits */
    { "{'minimum':'5'}", "minimum: must be a number" },
    { "{'maximum':null}", "maximum: must be a number" },
    { "{'exclusiveMinimum':true}",
      "exclusiveMinimum: must be a number (draft-07 exclusive limits are numbers, not booleans "
      "as in draft-04)" },
    { "{'exclusiveMaximum':[1]}", "exclusiveMaximum: must be a number" },
    /* counts */
    { "{'minLength':-1}", "minLength: " COUNT },
    { "{'maxLength':1.5}", "maxLength: " COUNT },
    { "{'minItems':'1'}", "minItems: " COUNT },
    { "{'maxItems':true}", "maxItems: " COUNT },
    { "{'maxItems':-0.5}", "maxItems: " COUNT },
    { "{'minItems':-2.0}", "minItems: " COUNT },
    /* pattern */
    { "{'pattern':5}", "pattern: must be a regular expression (a string)" },
    { "{'pattern':'^\\\\d+$'}",
      "pattern: \"\\d\" is not supported in a POSIX extended regular expression (use a bracket "
      "expression such as [0-9])" },
    { "{'pattern':'[\\\\p{L}]'}",
      "pattern: \"\\p\" is not supported in a POSIX extended regular expression (use a bracket "
      "expression such as [0-9])" },
    { "{'pattern':'a\\u0000b'}", "pattern: must not contain a NUL character" },
    /* items */
    { "{'items':[{}]}", "items: must be a schema (the array form is not supported)" },
    { "{'items':true}", "items: must be a schema (an object), not boolean" },
    { "{'items':{'type':'nope'}}", "items.type: unknown type \"nope\" " TYPES },
    /* uniqueItems */
    { "{'uniqueItems':1}", "uniqueItems: must be true or false" },
    { "{'uniqueItems':'true'}", "uniqueItems: must be true or false" },
    /* required */
    { "{'required':'A'}", "required: must be an array of property names" },
    { "{'required':['A',1]}", "required[1]: must be a property name (a string)" },
    { "{'required':['A','B','A']}", "required[2]: \"A\" is listed twice" },
    /* properties */
    { "{'properties':[]}", "properties: must be an object of schemas" },
    { "{'properties':{'A':3}}", "properties.A: must be a schema (an object), not integer" },
    { "{'properties':{'A':{},'B':true}}", "properties.B: must be a schema (an object), not boolean" },
    { "{'properties':{'A':{'properties':{'B':{'type':'x'}}}}}",
      "properties.A.properties.B.type: unknown type \"x\" " TYPES },
    /* additionalProperties */
    { "{'additionalProperties':'no'}", "additionalProperties: must be true, false or a schema" },
    { "{'additionalProperties':null}", "additionalProperties: must be true, false or a schema" },
    { "{'additionalProperties':{'minimum':'0'}}", "additionalProperties.minimum: must be a number" },
    /* annotations must still be what they claim to be */
    { "{'title':3}", "title: must be a string" },
    { "{'description':['x']}", "description: must be a string" },
    { "{'$comment':{}}", "$comment: must be a string" },
    { "{'examples':'x'}", "examples: must be an array" },
    /* the first problem in document order */
    { "{'type':'x','foo':1}", "type: unknown type \"x\" " TYPES },
    { "{'foo':1,'type':'x'}", "foo: " UNKNOWN },
};

static void test_compile_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(compile_cases); i++) {
        struct hhi_schema *schema = (struct hhi_schema *)&schema;   /* must be reset */
        struct hhi_error err;
        int rc = compile_text(compile_cases[i].schema, &schema, &err);

        check_outcome("compile", compile_cases[i].schema, rc, &err, compile_cases[i].error);
        if (schema != NULL)
            fail_msg("compile %s: *out not NULL after an error", compile_cases[i].schema);
    }
}

/* regerror's wording belongs to the C library: check the start only. */
static void test_compile_bad_regex(void **state)
{
    static const char *const bad[] = {
        "{'pattern':'[a-'}", "{'pattern':'(ab'}", "{'pattern':'a{2,1}'}",
        "{'pattern':'*a'}", "{'properties':{'X':{'pattern':'a**\\\\'}}}",
    };
    static const char *const where[] = {
        "pattern", "pattern", "pattern", "pattern", "properties.X.pattern",
    };
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(bad); i++) {
        struct hhi_schema *schema = NULL;
        struct hhi_error err;
        char start[128];

        snprintf(start, sizeof(start), "%s: %s: invalid regular expression: ", WHAT, where[i]);
        if (compile_text(bad[i], &schema, &err) != HHI_ECONFIG)
            fail_msg("%s: a bad regex was accepted", bad[i]);
        if (strncmp(err.message, start, strlen(start)) != 0 || strlen(err.message) == strlen(start))
            fail_msg("%s: unexpected message \"%s\"", bad[i], err.message);
        assert_null(schema);
    }
}

/* Every keyword and form the subset accepts, in one schema. */
static void test_compile_everything(void **state)
{
    static const char text[] =
        "{'$comment':'all of it','title':'T','description':'D','type':'object',"
        "'required':['Name'],'additionalProperties':false,'default':{},'examples':[{}],"
        "'properties':{"
        "  'Name':{'type':'string','minLength':1,'maxLength':64,'pattern':'^[A-Za-z]'},"
        "  'Count':{'type':['integer','null'],'minimum':0,'maximum':10,"
        "           'exclusiveMinimum':-1,'exclusiveMaximum':11.5},"
        "  'Mode':{'enum':['FAIL','WARN']},'Version':{'const':1},"
        "  'Types':{'type':'array','items':{'type':'string'},'minItems':1,'maxItems':50,"
        "           'uniqueItems':true},"
        "  'Tags':{'type':'object','additionalProperties':{'type':'string'}},"
        "  'Free':{'additionalProperties':true}}}";
    struct hhi_schema *schema = NULL;
    struct hhi_error err;
    json_object *ok = parse("{'Name':'n','Count':null,'Mode':'WARN','Version':1.0,"
                            "'Types':['AWS::S3::Bucket'],'Tags':{'a':'b'},'Free':{'x':[]}}");

    (void)state;
    if (compile_text(text, &schema, &err) != 0)
        fail_msg("refused: %s", err.message);
    assert_int_equal(hhi_schema_validate(schema, ok, WHAT, "Properties", &err), 0);
    json_object_put(ok);
    hhi_schema_free(schema);
}

/* ------------------------------------------------------------------ depth */

/* A schema of depth levels, each {'items': <next>} or {'properties':{'a':<next>}}. */
static json_object *deep_schema(int depth, bool use_properties)
{
    json_object *schema = json_object_new_object();
    int i;

    for (i = 1; i < depth; i++) {
        json_object *outer = json_object_new_object();

        if (use_properties) {
            json_object *props = json_object_new_object();

            json_object_object_add(props, "a", schema);
            json_object_object_add(outer, "properties", props);
        } else {
            json_object_object_add(outer, "items", schema);
        }
        schema = outer;
    }
    return schema;
}

/* repeat segment n times, joined by sep, into buf. */
static void repeat(char *buf, size_t size, const char *first, const char *segment,
                   const char *sep, int n)
{
    int i;

    snprintf(buf, size, "%s", first);
    for (i = 0; i < n; i++) {
        if (i > 0 || buf[0] != '\0')
            strncat(buf, sep, size - strlen(buf) - 1);
        strncat(buf, segment, size - strlen(buf) - 1);
    }
}

static void check_deep_schema(int depth, bool use_properties, bool ok)
{
    json_object *doc = deep_schema(depth, use_properties);
    struct hhi_schema *schema = NULL;
    struct hhi_error err;
    char expected[HHI_ERROR_MESSAGE_MAX + 64];
    int rc;

    hhi_error_clear(&err);
    rc = hhi_schema_compile(&schema, doc, WHAT, &err);
    json_object_put(doc);
    if (ok) {
        if (rc != 0)
            fail_msg("depth %d refused: %s", depth, err.message);
        hhi_schema_free(schema);
        return;
    }
    repeat(expected, sizeof(expected), "", use_properties ? "properties.a" : "items", ".", 64);
    {
        char full[HHI_ERROR_MESSAGE_MAX * 2];

        snprintf(full, sizeof(full), "%s: %s: schemas nested deeper than 64 levels", WHAT,
                 expected);
        full[HHI_ERROR_MESSAGE_MAX - 1] = '\0';   /* as hhi_error_set would cut it */
        assert_int_equal(rc, HHI_ECONFIG);
        assert_null(schema);
        assert_string_equal(err.message, full);
    }
}

static void test_deep_schema(void **state)
{
    (void)state;
    check_deep_schema(63, false, true);
    check_deep_schema(64, false, true);
    check_deep_schema(65, false, false);
    check_deep_schema(64, true, true);
    check_deep_schema(65, true, false);
    check_deep_schema(10000, false, false);
}

/* An instance of depth nested arrays (or objects {'a':...}) around 1. */
static json_object *deep_instance(int depth, bool use_objects)
{
    json_object *v = json_object_new_int(1);
    int i;

    for (i = 0; i < depth; i++) {
        json_object *outer;

        if (use_objects) {
            outer = json_object_new_object();
            json_object_object_add(outer, "a", v);
        } else {
            outer = json_object_new_array();
            json_object_array_add(outer, v);
        }
        v = outer;
    }
    return v;
}

static void check_deep_instance(const struct hhi_schema *schema, int depth, bool use_objects,
                                bool ok)
{
    json_object *instance = deep_instance(depth, use_objects);
    struct hhi_error err;
    char path[HHI_ERROR_MESSAGE_MAX], full[HHI_ERROR_MESSAGE_MAX * 2];
    int rc;

    hhi_error_clear(&err);
    rc = hhi_schema_validate(schema, instance, WHAT, "Properties", &err);
    json_object_put(instance);
    if (ok) {
        if (rc != 0)
            fail_msg("depth %d refused: %s", depth, err.message);
        return;
    }
    repeat(path, sizeof(path), "Properties", use_objects ? ".a" : "[0]", "", 64);
    snprintf(full, sizeof(full), "%s: %s: arrays and objects nested deeper than 64 levels",
             WHAT, path);
    full[HHI_ERROR_MESSAGE_MAX - 1] = '\0';
    assert_int_equal(rc, HHI_ECONFIG);
    assert_string_equal(err.message, full);
}

static void test_deep_instance(void **state)
{
    static const char *const schemas[] = {
        "{}", "{'uniqueItems':true}", "{'enum':[1]}", "{'const':[[[1]]]}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(schemas); i++) {
        struct hhi_schema *schema = NULL;
        struct hhi_error err;

        assert_int_equal(compile_text(schemas[i], &schema, &err), 0);
        check_deep_instance(schema, 65, false, false);
        check_deep_instance(schema, 65, true, false);
        check_deep_instance(schema, 5000, false, false);
        if (i == 0) {
            check_deep_instance(schema, 64, false, true);
            check_deep_instance(schema, 64, true, true);
        }
        hhi_schema_free(schema);
    }
}

/* ----------------------------------------------------- real-world schemas */

static char *data_path(const char *name)
{
    const char *srcdir = getenv("HOOKHOST_TEST_SRCDIR");
    size_t n;
    char *path;

    if (srcdir == NULL || *srcdir == '\0')
        srcdir = ".";
    n = strlen(srcdir) + strlen(name) + sizeof("/data/schema/");
    path = malloc(n);
    assert_non_null(path);
    snprintf(path, n, "%s/data/schema/%s", srcdir, name);
    return path;
}

static json_object *load(const char *name)
{
    char *path = data_path(name);
    json_object *doc = json_object_from_file(path);

    if (doc == NULL)
        fail_msg("cannot read %s (run from tests/ or set HOOKHOST_TEST_SRCDIR)", path);
    free(path);
    return doc;
}

/* Compile the typeConfiguration of a hook schema file. */
static struct hhi_schema *compile_hook_file(const char *name)
{
    json_object *hook = load(name);
    json_object *config = hhi_json_pointer_get(hook, "/typeConfiguration");
    struct hhi_schema *schema = NULL;
    struct hhi_error err;

    assert_non_null(config);
    hhi_error_clear(&err);
    if (hhi_schema_compile(&schema, config, WHAT, &err) != 0)
        fail_msg("%s: typeConfiguration refused: %s", name, err.message);
    json_object_put(hook);
    return schema;
}

static const struct sample_case {
    const char *hook;        /* hook schema file */
    const char *config;      /* a type configuration file, or NULL */
    const char *properties;  /* or Properties inline */
    const char *error;
} sample_cases[] = {
    { "rds-encryption-verify_awssamples-rdsencrypt-hook.json",
      "rds-encryption-verify_type_config.json", NULL, NULL },
    { "rds-encryption-verify_awssamples-rdsencrypt-hook.json", NULL, "{}", NULL },
    { "rds-encryption-verify_awssamples-rdsencrypt-hook.json", NULL,
      "{'excludeDBInstanceClassList':'db.t2.micro'}",
      "Properties.excludeDBInstanceClassList: must be of type array (got string)" },
    { "rds-encryption-verify_awssamples-rdsencrypt-hook.json", NULL,
      "{'excludeDBInstanceClassList':[],'ExcludeDBInstanceClassList':[]}",
      "Properties.ExcludeDBInstanceClassList: is not an allowed property "
      "(additionalProperties is false)" },
    { "s3-bucket-logging_awssamples-s3bucketloggingcompliance-hook.json",
      "s3-bucket-logging_type_config.json", NULL, NULL },
    { "s3-bucket-logging_awssamples-s3bucketloggingcompliance-hook.json", NULL,
      "{'LoggingBucket':42}", "Properties.LoggingBucket: must be of type string (got integer)" },
    { "s3-bucket-logging_awssamples-s3bucketloggingcompliance-hook.json", NULL,
      "{'LoggingBucket':'b','TargetStacks':'ALL'}",
      "Properties.TargetStacks: is not an allowed property (additionalProperties is false)" },
    { "s3-bucket-logging_awssamples-s3bucketloggingcompliance-hook.json", NULL, "[]", NULL },
    { "security-group-open-ingress_awssamples-securitygroupopeningress-hook.json", NULL, "{}",
      NULL },
    { "security-group-open-ingress_awssamples-securitygroupopeningress-hook.json", NULL,
      "{'AllowedCidrs':['10.0.0.0/8']}",
      "Properties.AllowedCidrs: is not an allowed property (additionalProperties is false)" },
};

static json_object *sample_properties(const struct sample_case *c)
{
    json_object *doc, *props;

    if (c->properties != NULL)
        return parse(c->properties);
    doc = load(c->config);
    props = hhi_json_pointer_get(doc, "/CloudFormationConfiguration/HookConfiguration/Properties");
    assert_non_null(props);
    json_object_get(props);
    json_object_put(doc);
    return props;
}

static void test_samples(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(sample_cases); i++) {
        const struct sample_case *c = &sample_cases[i];
        struct hhi_schema *schema = compile_hook_file(c->hook);
        json_object *props = sample_properties(c);
        struct hhi_error err;
        int rc;

        hhi_error_clear(&err);
        rc = hhi_schema_validate(schema, props, WHAT, "Properties", &err);
        check_outcome(c->hook, c->config != NULL ? c->config : c->properties, rc, &err, c->error);
        json_object_put(props);
        hhi_schema_free(schema);
    }
}

/*
 * The sample's stand-alone configuration schema carries "definitions" and
 * "typeName", which this subset does not know: refused, not half applied.
 */
static void test_sample_standalone_schema(void **state)
{
    json_object *doc = load("rds-encryption-verify_awssamples-rdsencrypt-hook-configuration.json");
    struct hhi_schema *schema = NULL;
    struct hhi_error err;

    (void)state;
    hhi_error_clear(&err);
    assert_int_equal(hhi_schema_compile(&schema, doc, WHAT, &err), HHI_ECONFIG);
    assert_string_equal(err.message, WHAT ": definitions: " UNKNOWN);
    assert_null(schema);
    json_object_put(doc);
}

/* ------------------------------------------------------------- allocation */

static const char torture_schema[] =
    "{'type':'object','required':['A'],'additionalProperties':false,'properties':{"
    "'A':{'type':'string','pattern':'^(a|b)+[c-z]*$'},"
    "'B':{'type':'array','items':{'pattern':'x{1,3}y'}},"
    "'C':{'properties':{'D':{'enum':[1,2]}}},'E':{'uniqueItems':true}}}";

/* Fail each allocation of compile + validate in turn: a clean error, no leak. */
static void test_allocation_failures(void **state)
{
    json_object *doc, *instance;
    bool done = false;
    size_t n;

    (void)state;
    if (!alloc_hook_works()) {
        skip();
        return;
    }
    doc = parse(torture_schema);
    /* E is long enough for uniqueItems to allocate. */
    instance = parse("{'A':'abbaz','B':['xxy','axyb'],'C':{'D':2},'E':[0,1,2,3,4,5,6,7,8,9,"
                     "10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]}");
    for (n = 1; n < 10000 && !done; n++) {
        struct hhi_schema *schema = NULL;
        struct hhi_error err;
        size_t used;
        long live;
        int rc;

        hhi_error_clear(&err);
        alloc_reset(n);
        rc = hhi_schema_compile(&schema, doc, WHAT, &err);
        if (rc == 0)
            rc = hhi_schema_validate(schema, instance, WHAT, "Properties", &err);
        hhi_schema_free(schema);
        used = alloc_state.count;
        live = alloc_state.live;
        alloc_reset(0);
        if (live != 0)
            fail_msg("allocation %zu failing leaks", n);
        done = used < n;   /* nothing was left to fail */
        if (done && rc != 0)
            fail_msg("no allocation failing gave %d: %s", rc, err.message);
        if (!done && (rc != HHI_ENOMEM || strcmp(err.message, WHAT ": out of memory") != 0))
            fail_msg("allocation %zu failing gave %d: %s", n, rc, err.message);
    }
    json_object_put(instance);
    json_object_put(doc);
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_table),
        cmocka_unit_test(test_validate_root_paths),
        cmocka_unit_test(test_error_convention),
        cmocka_unit_test(test_unique_long_arrays),
        cmocka_unit_test(test_compile_table),
        cmocka_unit_test(test_compile_bad_regex),
        cmocka_unit_test(test_compile_everything),
        cmocka_unit_test(test_deep_schema),
        cmocka_unit_test(test_deep_instance),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_sample_standalone_schema),
        cmocka_unit_test(test_allocation_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
