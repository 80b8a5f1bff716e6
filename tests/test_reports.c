#include "config.h"

/*
 * Reports, end to end through the real binary and through the host
 * library: golden outputs of every format on the example template (run
 * from examples/ so file names are stable), JUnit XML checked by a small
 * well-formedness checker, SARIF's required structure, the JSON report
 * checked against doc/report.schema.json, --output written atomically,
 * colour and the progress line only on a terminal (a pseudo-terminal),
 * and sensitive values absent from every format and from plugin log lines.
 *
 * The golden files hold "@VERSION@" where hookhost's version goes.  Run
 * with HOOKHOST_UPDATE_GOLDEN=1 to rewrite them from the actual output
 * (then review the diff).
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "change_set.h"
#include "evaluate.h"
#include "hook_spec.h"
#include "hookset.h"
#include "progress.h"
#include "redact.h"
#include "report.h"
#include "runner.h"
#include "schema.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 32

/* Hook files and templates: single quotes become double quotes. */
#define ECHO_HOOK(alias, mode, targets)                                                  \
    "{'plugin':'report-echo.so'" alias ",'CloudFormationConfiguration':{"                \
    "'HookConfiguration':{'HookInvocationStatus':'ENABLED','TargetStacks':'ALL',"        \
    "'FailureMode':'" mode "','TargetFilters':{'TargetNames':['" targets "']}}}}"
#define ECHO_FAIL_HOOK ECHO_HOOK("", "FAIL", "Test::Fail::*")
#define ECHO_WARN_HOOK ECHO_HOOK(",'typeNameAlias':'Test::Reports::EchoWarn'", "WARN", "Test::Warn::*")

/* ------------------------------------------------------------ the box */

/* A fresh directory per test, with hooks.d in it. */
struct box {
    char dir[PATH_MAX];
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct box *b = calloc(1, sizeof(*b));
    char hooks[PATH_MAX + 16];

    if (b == NULL)
        return -1;
    snprintf(b->dir, sizeof(b->dir), "%s/reports-XXXXXX", hh_test_env("HOOKHOST_TEST_BUILDDIR"));
    if (mkdtemp(b->dir) == NULL) {
        free(b);
        return -1;
    }
    snprintf(hooks, sizeof(hooks), "%s/hooks.d", b->dir);
    if (mkdir(hooks, 0700) != 0)
        return -1;
    *state = b;
    return 0;
}

static int teardown(void **state)
{
    struct box *b = *state;
    int rc = nftw(b->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

    free(b);
    return rc == 0 ? 0 : -1;
}

/* b->dir/name, in one of a few rotating buffers. */
static const char *in_box(const struct box *b, const char *name)
{
    static char slots[8][PATH_MAX + 256];
    static unsigned next;
    char *slot = slots[next++ % 8];

    snprintf(slot, sizeof(slots[0]), "%s/%s", b->dir, name);
    return slot;
}

static void write_raw(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Write text into the box's file name, single quotes becoming double quotes. */
static void put(const struct box *b, const char *name, const char *text)
{
    char *copy = strdup(text);
    char *p;

    assert_non_null(copy);
    for (p = copy; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    write_raw(in_box(b, name), copy, strlen(copy));
    free(copy);
}

/* The whole file, NUL-terminated, or NULL when it cannot be read. */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL)
        return NULL;
    do {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* The names in dir, sorted and joined with spaces (dot entries left out). */
static void list_dir(const char *dir, char *out, size_t cap)
{
    struct dirent **names;
    int i, n = scandir(dir, &names, NULL, alphasort);

    assert_true(n >= 0);
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
            if (out[0] != '\0')
                strncat(out, " ", cap - strlen(out) - 1);
            strncat(out, names[i]->d_name, cap - strlen(out) - 1);
        }
        free(names[i]);
    }
    free(names);
}

/* ------------------------------------------------------------- running */

/* Run hookhost with args from directory dir. */
static void run_in(struct hh_run *run, const char *dir, const char *const args[])
{
    char cwd[PATH_MAX];

    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(hh_run_hookhost(run, args, NULL), 0);
    assert_int_equal(chdir(cwd), 0);
}

/* "eval --hooks-dir hooks.d --plugin-dir DIR" + extra + FILE. */
static void eval_args(const char **args, const char *plugin_dir, const char *const extra[],
                      const char *file)
{
    size_t n = 0, i;

    args[n++] = "eval";
    args[n++] = "--hooks-dir";
    args[n++] = "hooks.d";
    args[n++] = "--plugin-dir";
    args[n++] = plugin_dir;
    for (i = 0; extra != NULL && extra[i] != NULL; i++)
        args[n++] = extra[i];
    args[n++] = file;
    args[n] = NULL;
    assert_true(n < MAX_ARGS);
}

static const char *examples_dir(void)
{
    static char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s/examples", hh_test_env("HOOKHOST_TEST_TOP_SRCDIR"));
    return dir;
}

/* The example template with the example hooks, from examples/. */
static void run_example(struct hh_run *run, const char *const extra[])
{
    const char *args[MAX_ARGS];

    eval_args(args, hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"), extra, "templates/web-app.json");
    run_in(run, examples_dir(), args);
}

/* A template of the box with the box's hooks (the echo plugin), from the box. */
static void run_box(struct hh_run *run, const struct box *b, const char *const extra[],
                    const char *file)
{
    const char *args[MAX_ARGS];

    eval_args(args, hh_test_env("HOOKHOST_TEST_BAD_PLUGIN_DIR"), extra, file);
    run_in(run, b->dir, args);
}

/* A run on a pseudo-terminal: standard output and error are both the terminal. */
struct pty_run {
    int exit_code;
    char *out;
};

static void run_pty(struct pty_run *r, const char *dir, const char *const args[],
                    const char *no_color)
{
    const char *bin = hh_test_env("HOOKHOST_BIN");
    size_t len = 0, cap = 65536;
    int master, status;
    pid_t pid;

    pid = forkpty(&master, NULL, NULL, NULL);
    if (pid < 0)
        skip(); /* no pseudo-terminals here */
    r->out = malloc(cap);
    assert_non_null(r->out);
    if (pid == 0) {
        const char *argv[MAX_ARGS + 2];
        size_t i;

        argv[0] = bin;
        for (i = 0; args[i] != NULL && i < MAX_ARGS; i++)
            argv[i + 1] = args[i];
        argv[i + 1] = NULL;
        if (no_color != NULL)
            setenv("NO_COLOR", no_color, 1);
        else
            unsetenv("NO_COLOR");
        if (chdir(dir) == 0)
            execv(bin, (char *const *)argv);
        _exit(127);
    }
    for (;;) {
        ssize_t n;

        if (cap - len < 4096) {
            cap *= 2;
            r->out = realloc(r->out, cap);
            assert_non_null(r->out);
        }
        n = read(master, r->out + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EIO once the child is gone */
        len += (size_t)n;
    }
    r->out[len] = '\0';
    close(master);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ------------------------------------------------------------- goldens */

static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    const char *p;
    char *out, *o;

    for (p = strstr(s, from); p != NULL; p = strstr(p + fl, from))
        n++;
    out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1);
    assert_non_null(out);
    for (o = out; (p = strstr(s, from)) != NULL; s = p + fl) {
        memcpy(o, s, (size_t)(p - s));
        o += p - s;
        memcpy(o, to, tl);
        o += tl;
    }
    strcpy(o, s);
    return out;
}

static void compare_lines(const char *want, const char *got, const char *name)
{
    size_t line = 1;

    while (*want != '\0' || *got != '\0') {
        size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");

        if (wl != gl || memcmp(want, got, wl) != 0 || want[wl] != got[gl])
            fail_msg("%s, line %zu:\n  golden %.*s\n  actual %.*s", name, line, (int)wl, want,
                     (int)gl, got);
        want += wl + (want[wl] != '\0');
        got += gl + (got[gl] != '\0');
        line++;
    }
}

#define VERSION_TOKEN "\"@VERSION@\""
#define VERSION_TEXT "\"" PACKAGE_VERSION "\""

static void check_golden(const char *actual, const char *name)
{
    char path[PATH_MAX];
    char *golden, *want;

    snprintf(path, sizeof(path), "%s/data/reports/golden/%s", hh_test_env("HOOKHOST_TEST_SRCDIR"),
             name);
    if (getenv("HOOKHOST_UPDATE_GOLDEN") != NULL) {
        char *g = replace_all(actual, VERSION_TEXT, VERSION_TOKEN);

        write_raw(path, g, strlen(g));
        free(g);
        return;
    }
    golden = read_all(path);
    if (golden == NULL)
        fail_msg("cannot read %s", path);
    want = replace_all(golden, VERSION_TOKEN, VERSION_TEXT);
    compare_lines(want, actual, name);
    free(want);
    free(golden);
}

/* ---------------------------------------------------- an XML checker */

/*
 * Enough of XML 1.0 for JUnit reports: the declaration, elements,
 * attributes, character data and references; characters checked against
 * XML's Char production.  Checks JUnit's counts as it goes.
 */
struct xml {
    const char *p;
    char open[16][32];  /* element names, innermost last */
    int depth;
    int roots;
    long suite_claim[3], suite_found[3]; /* tests, failures, errors */
    long root_claim[3], root_found[3];
    long warnings;      /* testcases with property hookhost.outcome WARN */
    char error[256];
};

struct xml_attr {
    char name[32];
    char value[4096];
};

static bool xml_fail(struct xml *x, const char *what)
{
    snprintf(x->error, sizeof(x->error), "%s near \"%.40s\"", what, x->p);
    return false;
}

/* An independent UTF-8 decoder: length of the character at p, 0 if invalid. */
static size_t utf8_char(const unsigned char *p, uint32_t *cp)
{
    size_t n, i;
    uint32_t c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    if (n == 0 || p[0] > 0xF4)
        return 0;
    c = p[0] & (0x7Fu >> n);
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
        c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

static bool xml_chars_valid(struct xml *x, const char *doc)
{
    const unsigned char *p = (const unsigned char *)doc;
    uint32_t cp;
    size_t n;

    for (; *p != '\0'; p += n) {
        n = utf8_char(p, &cp);
        x->p = (const char *)p;
        if (n == 0)
            return xml_fail(x, "invalid UTF-8");
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
            cp == 0xFFFF)
            return xml_fail(x, "a character XML does not allow");
    }
    return true;
}

static bool xml_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == ':';
}

static bool xml_name(struct xml *x, char *out, size_t cap)
{
    size_t n = 0;

    while (xml_name_char(*x->p) && n + 1 < cap)
        out[n++] = *x->p++;
    out[n] = '\0';
    return n > 0 ? true : xml_fail(x, "a name expected");
}

static void xml_space(struct xml *x)
{
    while (*x->p == ' ' || *x->p == '\n' || *x->p == '\t' || *x->p == '\r')
        x->p++;
}

/* A reference at '&': &amp; &lt; &gt; &quot; &apos; &#N; &#xN; */
static bool xml_reference(struct xml *x)
{
    static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
    const char *p = x->p + 1;
    size_t i;

    for (i = 0; i < N_ITEMS(named); i++) {
        if (strncmp(x->p, named[i], strlen(named[i])) == 0) {
            x->p += strlen(named[i]);
            return true;
        }
    }
    if (*p++ != '#')
        return xml_fail(x, "an unknown entity");
    {
        bool hex = *p == 'x';
        char *end;
        unsigned long v = strtoul(p + hex, &end, hex ? 16 : 10);

        if (end == p + hex || *end != ';')
            return xml_fail(x, "a bad character reference");
        if ((v < 0x20 && v != 9 && v != 10 && v != 13) || v == 0xFFFE || v == 0xFFFF ||
            (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
            return xml_fail(x, "a reference to a character XML does not allow");
        x->p = end + 1;
    }
    return true;
}

static bool xml_attr_value(struct xml *x, char *out, size_t cap)
{
    char quote = *x->p++;
    size_t n = 0;

    if (quote != '"' && quote != '\'')
        return xml_fail(x, "a quoted attribute value expected");
    while (*x->p != quote) {
        const char *start = x->p;

        if (*x->p == '\0' || *x->p == '<')
            return xml_fail(x, "'<' or the end in an attribute value");
        if (*x->p == '&') {
            if (!xml_reference(x))
                return false;
        } else {
            x->p++;
        }
        while (start < x->p && n + 1 < cap)
            out[n++] = *start++;
    }
    out[n] = '\0';
    x->p++;
    return true;
}

/* Character data up to the next '<'; only white space outside the root. */
static bool xml_text(struct xml *x)
{
    while (*x->p != '\0' && *x->p != '<') {
        if (x->depth == 0 && strchr(" \t\r\n", *x->p) == NULL)
            return xml_fail(x, "text outside the root element");
        if (strncmp(x->p, "]]>", 3) == 0)
            return xml_fail(x, "']]>' in character data");
        if (*x->p == '&') {
            if (!xml_reference(x))
                return false;
        } else {
            x->p++;
        }
    }
    return true;
}

static long attr_long(const struct xml_attr *a, int n, const char *name)
{
    int i;

    for (i = 0; i < n; i++) {
        if (strcmp(a[i].name, name) == 0)
            return strtol(a[i].value, NULL, 10);
    }
    return -1;
}

static const char *attr_text(const struct xml_attr *a, int n, const char *name)
{
    int i;

    for (i = 0; i < n; i++) {
        if (strcmp(a[i].name, name) == 0)
            return a[i].value;
    }
    return NULL;
}

/* JUnit: what a start tag claims and adds to the counts. */
static bool junit_start(struct xml *x, const char *name, const struct xml_attr *a, int n)
{
    static const char *const counted[3] = { "tests", "failures", "errors" };
    const char *parent = x->depth > 0 ? x->open[x->depth - 1] : "";
    int i;

    if (x->depth == 0 && strcmp(name, "testsuites") != 0)
        return xml_fail(x, "the root is not <testsuites>");
    for (i = 0; i < 3; i++) {
        if (strcmp(name, "testsuites") == 0)
            x->root_claim[i] = attr_long(a, n, counted[i]);
        if (strcmp(name, "testsuite") == 0) {
            x->suite_claim[i] = attr_long(a, n, counted[i]);
            x->suite_found[i] = 0;
        }
    }
    if (strcmp(name, "testsuite") == 0 &&
        (attr_text(a, n, "name") == NULL || attr_text(a, n, "time") == NULL))
        return xml_fail(x, "a testsuite without name or time");
    if (strcmp(name, "testcase") == 0) {
        if (attr_text(a, n, "name") == NULL || attr_text(a, n, "classname") == NULL)
            return xml_fail(x, "a testcase without name or classname");
        x->suite_found[0]++, x->root_found[0]++;
    }
    if ((strcmp(name, "failure") == 0 || strcmp(name, "error") == 0) &&
        strcmp(parent, "testcase") != 0)
        return xml_fail(x, "a failure or error outside a testcase");
    if (strcmp(name, "failure") == 0)
        x->suite_found[1]++, x->root_found[1]++;
    if (strcmp(name, "error") == 0)
        x->suite_found[2]++, x->root_found[2]++;
    if (strcmp(name, "property") == 0 && x->depth >= 2 &&
        strcmp(x->open[x->depth - 2], "testcase") == 0 &&
        strcmp(attr_text(a, n, "name") ? attr_text(a, n, "name") : "", "hookhost.outcome") == 0 &&
        strcmp(attr_text(a, n, "value") ? attr_text(a, n, "value") : "", "WARN") == 0)
        x->warnings++;
    return true;
}

static bool junit_end(struct xml *x, const char *name)
{
    const long *claim = strcmp(name, "testsuite") == 0    ? x->suite_claim
                        : strcmp(name, "testsuites") == 0 ? x->root_claim
                                                          : NULL;
    const long *found = claim == x->suite_claim ? x->suite_found : x->root_found;
    int i;

    for (i = 0; claim != NULL && i < 3; i++) {
        if (claim[i] != found[i]) {
            snprintf(x->error, sizeof(x->error), "<%s> claims %ld, holds %ld (count %d)", name,
                     claim[i], found[i], i);
            return false;
        }
    }
    return true;
}

static bool xml_end_tag(struct xml *x)
{
    char name[32];

    x->p += 2;
    if (!xml_name(x, name, sizeof(name)))
        return false;
    xml_space(x);
    if (*x->p++ != '>')
        return xml_fail(x, "'>' expected");
    if (x->depth == 0 || strcmp(x->open[x->depth - 1], name) != 0)
        return xml_fail(x, "an end tag that does not match");
    x->depth--;
    return junit_end(x, name);
}

static bool xml_start_tag(struct xml *x)
{
    static struct xml_attr attrs[16];
    char name[32];
    int n = 0, i;

    x->p++;
    if (!xml_name(x, name, sizeof(name)))
        return false;
    for (;;) {
        xml_space(x);
        if (*x->p == '>' || strncmp(x->p, "/>", 2) == 0)
            break;
        if (n == (int)N_ITEMS(attrs) || !xml_name(x, attrs[n].name, sizeof(attrs[n].name)))
            return xml_fail(x, "a bad attribute");
        for (i = 0; i < n; i++) {
            if (strcmp(attrs[i].name, attrs[n].name) == 0)
                return xml_fail(x, "an attribute given twice");
        }
        xml_space(x);
        if (*x->p++ != '=')
            return xml_fail(x, "'=' expected");
        xml_space(x);
        if (!xml_attr_value(x, attrs[n].value, sizeof(attrs[n].value)))
            return false;
        n++;
    }
    if (x->depth == 0)
        x->roots++;
    if (x->depth == (int)N_ITEMS(x->open) || !junit_start(x, name, attrs, n))
        return x->error[0] != '\0' ? false : xml_fail(x, "too deep");
    snprintf(x->open[x->depth++], sizeof(x->open[0]), "%s", name);
    if (*x->p == '>') {
        x->p++;
        return true;
    }
    x->p += 2;
    x->depth--;
    return junit_end(x, name);
}

/* NULL when doc is well-formed JUnit with consistent counts, else why not. */
static const char *xml_check(const char *doc, struct xml *x)
{
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    memset(x, 0, sizeof(*x));
    if (!xml_chars_valid(x, doc))
        return x->error;
    x->p = doc;
    if (strncmp(doc, decl, strlen(decl)) != 0)
        return xml_fail(x, "no XML declaration"), x->error;
    x->p += strlen(decl);
    while (*x->p != '\0') {
        bool ok = xml_text(x);

        if (ok && *x->p == '<')
            ok = x->p[1] == '/' ? xml_end_tag(x) : xml_start_tag(x);
        if (!ok)
            return x->error;
    }
    if (x->depth != 0 || x->roots != 1)
        return "unclosed elements, or not exactly one root";
    return NULL;
}

static void assert_junit(const char *doc, long tests, long failures, long errors, long warnings)
{
    struct xml x;
    const char *why = xml_check(doc, &x);

    if (why != NULL)
        fail_msg("JUnit report not well-formed: %s\n%s", why, doc);
    assert_int_equal(x.root_found[0], tests);
    assert_int_equal(x.root_found[1], failures);
    assert_int_equal(x.root_found[2], errors);
    assert_int_equal(x.warnings, warnings);
}

/* ------------------------------------------------------ JSON and SARIF */

/* Parse strictly, UTF-8 validated; the caller puts the object. */
static json_object *parse_strict(const char *text)
{
    struct json_tokener *tok = json_tokener_new();
    json_object *doc;

    assert_non_null(tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, text, (int)strlen(text));
    if (doc == NULL || json_tokener_get_error(tok) != json_tokener_success)
        fail_msg("not valid JSON (%s):\n%s",
                 json_tokener_error_desc(json_tokener_get_error(tok)), text);
    json_tokener_free(tok);
    return doc;
}

/* The member at a path of keys and array indexes ("runs", "0", ...), or NULL. */
static json_object *at(json_object *v, const char *path)
{
    char buf[256], *save = NULL, *key;

    snprintf(buf, sizeof(buf), "%s", path);
    for (key = strtok_r(buf, "/", &save); key != NULL && v != NULL;
         key = strtok_r(NULL, "/", &save)) {
        if (json_object_is_type(v, json_type_array))
            v = json_object_array_get_idx(v, (size_t)strtoul(key, NULL, 10));
        else if (!json_object_object_get_ex(v, key, &v))
            v = NULL;
    }
    return v;
}

static const char *at_string(json_object *v, const char *path)
{
    json_object *m = at(v, path);

    if (!json_object_is_type(m, json_type_string))
        fail_msg("%s is not a string", path);
    return json_object_get_string(m);
}

/* A URI reference as RFC 3986 allows (unreserved, sub-delims, '/', '%XX', ':' '@'). */
static bool uri_valid(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '%') {
            if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
                return false;
            s += 2;
        } else if (!isalnum((unsigned char)*s) && strchr("-._~/!$&'()*+,;=:@", *s) == NULL) {
            return false;
        }
    }
    return true;
}

static void check_sarif_result(json_object *r, json_object *rules)
{
    json_object *region = at(r, "locations/0/physicalLocation/region");
    const char *level = at_string(r, "level");
    int64_t index;

    index = json_object_get_int64(at(r, "ruleIndex"));
    assert_true(index >= 0 && (size_t)index < json_object_array_length(rules));
    assert_string_equal(at_string(r, "ruleId"),
                        at_string(json_object_array_get_idx(rules, (size_t)index), "id"));
    assert_true(strcmp(level, "error") == 0 || strcmp(level, "warning") == 0);
    assert_true(at_string(r, "message/text")[0] != '\0');
    assert_true(uri_valid(at_string(r, "locations/0/physicalLocation/artifactLocation/uri")));
    if (region != NULL)
        assert_true(json_object_get_int64(at(region, "startLine")) >= 1);
    assert_true(at_string(r, "locations/0/logicalLocations/0/name")[0] != '\0');
    assert_string_equal(at_string(r, "locations/0/logicalLocations/0/kind"), "resource");
}

/* SARIF 2.1.0's required members and how hookhost fills them; returns the log. */
static json_object *check_sarif(const char *text, size_t results)
{
    json_object *doc = parse_strict(text), *rules, *list;
    size_t i, j;

    assert_non_null(strstr(at_string(doc, "$schema"), "sarif-schema-2.1.0.json"));
    assert_string_equal(at_string(doc, "version"), "2.1.0");
    assert_int_equal(json_object_array_length(at(doc, "runs")), 1);
    assert_string_equal(at_string(doc, "runs/0/tool/driver/name"), "hookhost");
    assert_true(json_object_is_type(at(doc, "runs/0/invocations/0/executionSuccessful"),
                                    json_type_boolean));
    rules = at(doc, "runs/0/tool/driver/rules");
    assert_non_null(rules);
    for (i = 0; i < json_object_array_length(rules); i++) {
        json_object *rule = json_object_array_get_idx(rules, i);

        assert_true(at_string(rule, "id")[0] != '\0');
        assert_true(at_string(rule, "shortDescription/text")[0] != '\0');
        assert_true(at_string(rule, "help/text")[0] != '\0');
        for (j = 0; j < i; j++)
            assert_string_not_equal(at_string(rule, "id"),
                                    at_string(json_object_array_get_idx(rules, j), "id"));
    }
    list = at(doc, "runs/0/results");
    assert_int_equal(json_object_array_length(list), results);
    for (i = 0; i < results; i++)
        check_sarif_result(json_object_array_get_idx(list, i), rules);
    return doc;
}

/* Close every object of a schema: the report may print nothing undocumented. */
static void close_objects(json_object *schema)
{
    json_object *props, *items;

    if (!json_object_is_type(schema, json_type_object))
        return;
    if (json_object_object_get_ex(schema, "properties", &props)) {
        json_object_object_add(schema, "additionalProperties", json_object_new_boolean(0));
        json_object_object_foreach(props, key, member)
        {
            (void)key;
            close_objects(member);
        }
    }
    if (json_object_object_get_ex(schema, "items", &items))
        close_objects(items);
}

/* The JSON report validates against doc/report.schema.json, closed. */
static void check_json_schema(const char *report)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_schema *schema = NULL;
    char path[PATH_MAX];
    json_object *doc, *instance;

    snprintf(path, sizeof(path), "%s/doc/report.schema.json",
             hh_test_env("HOOKHOST_TEST_TOP_SRCDIR"));
    doc = json_object_from_file(path);
    assert_non_null(doc);
    close_objects(doc);
    if (hhi_schema_compile(&schema, doc, "report.schema.json", &err) != HHI_OK)
        fail_msg("%s", err.message);
    instance = parse_strict(report);
    if (hhi_schema_validate(schema, instance, "report", "", &err) != HHI_OK)
        fail_msg("%s", err.message);
    json_object_put(instance);
    hhi_schema_free(schema);
    json_object_put(doc);
}

/* ------------------------------------------------- (a) golden outputs */

static void golden_run(const char *const extra[], const char *golden)
{
    struct hh_run run;

    run_example(&run, extra);
    assert_int_equal(run.exit_code, 1);
    assert_string_equal(run.err, "");
    check_golden(run.out, golden);
    hh_run_free(&run);
}

static void test_golden_text(void **state)
{
    static const char *const quiet[] = { "--quiet", NULL };
    static const char *const text[] = { "--format", "text", NULL };

    (void)state;
    golden_run(NULL, "web-app.txt");
    golden_run(text, "web-app.txt");
    golden_run(quiet, "web-app.quiet.txt");
    setenv("NO_COLOR", "1", 1);
    golden_run(NULL, "web-app.txt");
    golden_run(quiet, "web-app.quiet.txt");
    unsetenv("NO_COLOR");
}

static void test_golden_json(void **state)
{
    static const char *const json[] = { "-f", "json", NULL };
    struct hh_run run;

    (void)state;
    golden_run(json, "web-app.json");
    run_example(&run, json);
    check_json_schema(run.out);
    hh_run_free(&run);
}

static void test_golden_junit(void **state)
{
    static const char *const junit[] = { "--format", "junit", NULL };
    struct hh_run run;

    (void)state;
    golden_run(junit, "web-app.junit.xml");
    run_example(&run, junit);
    /* 5 invocations: 3 denials, 1 warning (a passing testcase), 1 pass. */
    assert_junit(run.out, 5, 3, 0, 1);
    hh_run_free(&run);
}

static void test_golden_sarif(void **state)
{
    static const char *const sarif[] = { "--format", "sarif", NULL };
    struct hh_run run;
    json_object *doc;

    (void)state;
    golden_run(sarif, "web-app.sarif.json");
    run_example(&run, sarif);
    doc = check_sarif(run.out, 4);
    assert_int_equal(json_object_array_length(at(doc, "runs/0/tool/driver/rules")), 4);
    assert_string_equal(at_string(doc, "runs/0/results/0/locations/0/physicalLocation/"
                                       "artifactLocation/uri"),
                        "templates/web-app.json");
    assert_string_equal(at_string(doc, "runs/0/results/0/locations/0/logicalLocations/0/name"),
                        "AssetsBucket");
    assert_string_equal(at_string(doc, "runs/0/results/3/level"), "warning");
    assert_string_equal(at_string(doc, "runs/0/results/0/level"), "error");
    json_object_put(doc);
    hh_run_free(&run);
}

static void test_unknown_format(void **state)
{
    static const char *const bad[] = { "--format", "yaml", NULL };
    struct hh_run run;

    (void)state;
    run_example(&run, bad);
    assert_int_equal(run.exit_code, 2);
    assert_string_equal(run.out, "");
    assert_non_null(strstr(run.err, "unknown format 'yaml' (text, json, junit or sarif)"));
    hh_run_free(&run);
}

/* --quiet at scale: thousands of compliant resources print the summary alone. */
static void test_quiet_large(void **state)
{
    static const char bucket[] =
        "\"B%zu\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"PublicAccessBlockConfiguration\""
        ":{\"BlockPublicAcls\":true,\"BlockPublicPolicy\":true,\"IgnorePublicAcls\":true,"
        "\"RestrictPublicBuckets\":true}}}";
    static const char *const quiet[] = { "--quiet", NULL };
    struct box *b = *state;
    const char *args[MAX_ARGS];
    struct hh_run run;
    size_t i, n = 3000, cap = n * (sizeof(bucket) + 8) + 64, len;
    char *t = malloc(cap);

    assert_non_null(t);
    len = (size_t)snprintf(t, cap, "{\"Resources\":{");
    for (i = 0; i < n; i++) {
        len += (size_t)snprintf(t + len, cap - len, bucket, i);
        t[len++] = i + 1 < n ? ',' : '}';
    }
    snprintf(t + len, cap - len, "}");
    write_raw(in_box(b, "many.json"), t, strlen(t));
    free(t);
    put(b, "hooks.d/s3.json",
        "{'plugin':'ct-s3-pr-1.so','CloudFormationConfiguration':{'HookConfiguration':{"
        "'HookInvocationStatus':'ENABLED','TargetStacks':'ALL','FailureMode':'FAIL'}}}");
    eval_args(args, hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"), quiet, "many.json");
    run_in(&run, b->dir, args);
    assert_int_equal(run.exit_code, 0);
    assert_string_equal(run.out, "Verdict: PASS: 3000 operations, 3000 judged, 3000 hook "
                                 "invocations: 3000 passed, 0 failed, 0 warned (0 "
                                 "non-compliant, 0 hook errors)\n");
    hh_run_free(&run);
}

/* ------------------------------------------- (b) what plugins send, escaped */

/* Five outcomes with the echo plugin; Hostile's text is everything a writer must escape. */
static void put_echo_box(const struct box *b)
{
    put(b, "hooks.d/10-echo.json", ECHO_FAIL_HOOK);
    put(b, "hooks.d/20-echo-warn.json", ECHO_WARN_HOOK);
    put(b, "t.json",
        "{'Resources':{"
        "'Hostile':{'Type':'Test::Fail::Thing','Properties':{'Outcome':'fail','Echo':"
        "'<tag a=\\'1\\'>&amp; ]]> \\u0001\\u0008\\u000b\\u001b[31m\\u007f \\ufffe\\uffff "
        "\\u00e9 \\ud83d\\ude00 back\\\\slash\\nnext line'}},"
        "'Broken':{'Type':'Test::Fail::Thing','Properties':{'Outcome':'error','Echo':'x'}},"
        "'Fine':{'Type':'Test::Fail::Thing','Properties':{'Outcome':'pass','Echo':'ok'}},"
        "'Warned':{'Type':'Test::Warn::Thing','Properties':{'Outcome':'fail','Echo':'careful'}},"
        "'BrokenWarn':{'Type':'Test::Warn::Thing','Properties':{'Outcome':'error','Echo':'y'}}"
        "}}");
}

static void run_echo(struct hh_run *run, const struct box *b, const char *format,
                     const char *file)
{
    const char *extra[] = { "--format", format, NULL };

    run_box(run, b, extra, file);
    if (run->exit_code != 1)
        fail_msg("exit %d: %s", run->exit_code, run->err);
}

static void test_escaping_junit(void **state)
{
    struct box *b = *state;
    struct hh_run run;

    put_echo_box(b);
    run_echo(&run, b, "junit", "t.json");
    /* Hostile fails, Broken errs; Warned and BrokenWarn warn, Fine passes. */
    assert_junit(run.out, 5, 1, 1, 2);
    assert_non_null(strstr(run.out, "echo: &lt;tag a=\"1\"&gt;&amp;amp; ]]&gt; "));
    assert_non_null(strstr(run.out, "<error type=\"InvalidRequest\" message=\"cannot judge: x\">"));
    assert_non_null(strstr(run.out, "<system-out>WARNING: Warned (Test::Warn::Thing)"));
    assert_non_null(strstr(run.out, "name=\"Hostile Test::Reports::Echo\""));
    hh_run_free(&run);
}

static void test_escaping_json_sarif_text(void **state)
{
    static const char *const quiet[] = { "--quiet", NULL };
    struct box *b = *state;
    struct hh_run run;
    json_object *doc;
    const char *p;

    put_echo_box(b);
    run_echo(&run, b, "json", "t.json");
    check_json_schema(run.out);
    doc = parse_strict(run.out);
    assert_non_null(strstr(at_string(doc, "results/0/message"), "\x01\x08\x0b\x1b[31m"));
    assert_string_equal(at_string(doc, "results/1/hookStatus"), "HOOK_FAILED");
    json_object_put(doc);
    hh_run_free(&run);

    run_echo(&run, b, "sarif", "t.json");
    doc = check_sarif(run.out, 4);
    assert_string_equal(at_string(doc, "runs/0/results/1/properties/hookStatus"), "HOOK_FAILED");
    assert_string_equal(at_string(doc, "runs/0/results/3/level"), "warning");
    json_object_put(doc);
    hh_run_free(&run);

    /* Text: one line per hook, no control character reaches the terminal. */
    run_box(&run, b, quiet, "t.json");
    assert_int_equal(run.exit_code, 1);
    for (p = run.out; *p != '\0'; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    assert_null(strstr(run.out, "Fine"));
    assert_non_null(strstr(run.out, "  FAIL  Test::Reports::Echo 0.1.0  NonCompliant: echo: "
                                    "<tag a=\"1\">&amp; ]]> ????[31m? "));
    hh_run_free(&run);
}

/* A file name that is not UTF-8 still makes valid JSON, XML and URIs. */
static void test_file_name_not_utf8(void **state)
{
    struct box *b = *state;
    char *text;
    struct hh_run run;
    json_object *doc;
    struct xml x;

    put_echo_box(b);
    text = read_all(in_box(b, "t.json"));
    write_raw(in_box(b, "bad-\xff.json"), text, strlen(text));
    free(text);
    run_echo(&run, b, "json", "bad-\xff.json");
    doc = parse_strict(run.out);
    assert_string_equal(at_string(doc, "results/0/file"), "bad-\xef\xbf\xbd.json");
    json_object_put(doc);
    hh_run_free(&run);
    run_echo(&run, b, "junit", "bad-\xff.json");
    assert_null(xml_check(run.out, &x));
    hh_run_free(&run);
    run_echo(&run, b, "sarif", "bad-\xff.json");
    doc = check_sarif(run.out, 4);
    assert_string_equal(at_string(doc, "runs/0/results/0/locations/0/physicalLocation/"
                                       "artifactLocation/uri"),
                        "bad-%FF.json");
    json_object_put(doc);
    hh_run_free(&run);
}

/* ----------------------------------------------------------- (c) --output */

static void test_output_file(void **state)
{
    static const char *const json[] = { "-f", "json", NULL };
    struct box *b = *state;
    const char *path = in_box(b, "report.json");
    const char *out_args[] = { "-f", "json", "--output", path, NULL };
    struct hh_run run, direct;
    char names[1024];
    char *written;
    struct stat st;

    put(b, "report.json", "old");
    assert_int_equal(chmod(path, 0640), 0);
    run_example(&direct, json);
    run_example(&run, out_args);
    assert_int_equal(run.exit_code, 1);
    assert_string_equal(run.out, "");
    assert_string_equal(run.err, "Verdict: FAIL: 5 operations, 5 judged, 5 hook invocations: "
                                 "1 passed, 3 failed, 1 warned (4 non-compliant, 0 hook "
                                 "errors)\n");
    written = read_all(path);
    assert_non_null(written);
    assert_string_equal(written, direct.out);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    list_dir(b->dir, names, sizeof(names));
    assert_string_equal(names, "hooks.d report.json");
    free(written);
    hh_run_free(&run);
    hh_run_free(&direct);
}

static void test_output_dash_is_stdout(void **state)
{
    static const char *const dash[] = { "--quiet", "--output", "-", NULL };
    struct hh_run run;

    (void)state;
    run_example(&run, dash);
    assert_int_equal(run.exit_code, 1);
    assert_string_equal(run.err, "");
    check_golden(run.out, "web-app.quiet.txt");
    hh_run_free(&run);
}

static void expect_output_error(const char *path, const char *why)
{
    const char *args[] = { "-f", "sarif", "--output", path, NULL };
    char want[PATH_MAX + 128];
    struct hh_run run;

    run_example(&run, args);
    assert_int_equal(run.exit_code, 2);
    assert_string_equal(run.out, "");
    snprintf(want, sizeof(want), "hookhost: eval: cannot write the report to %s: %s\n", path,
             why);
    assert_string_equal(run.err, want);
    hh_run_free(&run);
}

static void test_output_missing_directory(void **state)
{
    struct box *b = *state;
    char names[1024];

    expect_output_error(in_box(b, "missing/report.sarif"), strerror(ENOENT));
    expect_output_error(b->dir, strerror(EISDIR));
    list_dir(b->dir, names, sizeof(names));
    assert_string_equal(names, "hooks.d");
}

/* A write that fails half way (the file size limit): no temporary left, the old file kept. */
static void test_output_write_fails(void **state)
{
    struct box *b = *state;
    const char *path = in_box(b, "report.sarif");
    const char *args[] = { "-f", "sarif", "--output", path, NULL };
    struct rlimit saved, limit;
    void (*old_handler)(int);
    struct hh_run run;
    char names[1024];
    char *kept;

    put(b, "report.sarif", "old report\n");
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    limit = saved;
    limit.rlim_cur = 512;
    old_handler = signal(SIGXFSZ, SIG_IGN); /* inherited: writes fail with EFBIG */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
    run_example(&run, args);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(run.exit_code, 2);
    assert_non_null(strstr(run.err, "cannot write the report to"));
    assert_non_null(strstr(run.err, strerror(EFBIG)));
    kept = read_all(path);
    assert_string_equal(kept, "old report\n");
    free(kept);
    list_dir(b->dir, names, sizeof(names));
    assert_string_equal(names, "hooks.d report.sarif");
    hh_run_free(&run);
}

/* A device cannot be replaced: written directly, and a full device is an error. */
static void test_output_dev_full(void **state)
{
    char before[8192], after[8192];

    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    list_dir("/dev", before, sizeof(before));
    expect_output_error("/dev/full", strerror(ENOSPC));
    list_dir("/dev", after, sizeof(after));
    assert_string_equal(before, after);
}

/* ------------------------------------------ (d) terminals: colour, progress */

static void test_colour_on_terminal(void **state)
{
    struct box *b = *state;
    const char *path = in_box(b, "report.txt");
    const char *args[MAX_ARGS], *to_file[] = { "--output", path, NULL };
    struct pty_run r;
    char *written;

    eval_args(args, hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"), NULL, "templates/web-app.json");
    run_pty(&r, examples_dir(), args, NULL);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "  \033[1;31mFAIL\033[0m  Hookhost::ControlTower::"));
    assert_non_null(strstr(r.out, "  \033[32mPASS\033[0m  "));
    assert_non_null(strstr(r.out, "  \033[33mWARN\033[0m  "));
    assert_non_null(strstr(r.out, "Verdict: \033[1;31mFAIL\033[0m: 5 operations"));
    free(r.out);

    /* NO_COLOR set, even empty, means none. */
    run_pty(&r, examples_dir(), args, "");
    assert_int_equal(r.exit_code, 1);
    assert_null(strchr(r.out, '\033'));
    free(r.out);

    /* A file gets no colour; the summary on the terminal does. */
    eval_args(args, hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"), to_file, "templates/web-app.json");
    run_pty(&r, examples_dir(), args, NULL);
    assert_int_equal(r.exit_code, 1);
    written = read_all(path);
    assert_non_null(written);
    assert_null(strchr(written, '\033'));
    assert_non_null(strstr(r.out, "Verdict: \033[1;31mFAIL\033[0m"));
    free(written);
    free(r.out);
}

/* Slow hooks: a progress line on a terminal, erased at the end; none on a pipe. */
static void test_progress_terminal_only(void **state)
{
    static const char *const one_job[] = { "--jobs", "1", "--quiet", NULL };
    struct box *b = *state;
    const char *args[MAX_ARGS];
    char text[2048];
    struct pty_run r;
    struct hh_run run;
    size_t len = 0, i;
    const char *end;

    put(b, "hooks.d/10-echo.json", ECHO_FAIL_HOOK);
    len += (size_t)snprintf(text + len, sizeof(text) - len, "{'Resources':{");
    for (i = 0; i < 6; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "%s'R%zu':{'Type':'Test::Fail::Thing','Properties':"
                                "{'Outcome':'pass','SleepMs':'200'}}",
                                i ? "," : "", i);
    snprintf(text + len, sizeof(text) - len, "}}");
    put(b, "slow.json", text);
    eval_args(args, hh_test_env("HOOKHOST_TEST_BAD_PLUGIN_DIR"), one_job, "slow.json");
    run_pty(&r, b->dir, args, NULL);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\r\033[Khookhost: "));
    assert_non_null(strstr(r.out, "/6 operations ("));
    /* Erased before the report. */
    end = strstr(r.out, "Verdict: ");
    assert_non_null(end);
    assert_true(end - r.out >= 4 && memcmp(end - 4, "\r\033[K", 4) == 0);
    free(r.out);

    run_in(&run, b->dir, args);
    assert_int_equal(run.exit_code, 0);
    assert_null(strstr(run.err, "operations"));
    assert_null(strchr(run.err, '\r'));
    assert_null(strchr(run.err, '\033'));
    hh_run_free(&run);
}

static void test_progress_unit(void **state)
{
    struct hhi_progress p;
    char *buf = NULL;
    size_t len = 0, drawn;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    assert_non_null(f);
    hhi_progress_init(&p, f, 10);
    hhi_progress_add(&p);
    hhi_progress_poll(&p); /* before the delay: nothing */
    fflush(f);
    assert_int_equal(len, 0);
    p.delay_ms = 0;
    p.interval_ms = 60 * 60 * 1000;
    hhi_progress_add(&p);
    hhi_progress_add(&p);
    hhi_progress_poll(&p);
    fflush(f);
    assert_non_null(strstr(buf, "\r\033[Khookhost: 3/10 operations (30%), "));
    drawn = len;
    hhi_progress_add(&p);
    hhi_progress_poll(&p); /* within the interval: not redrawn */
    fflush(f);
    assert_int_equal(len, drawn);
    hhi_progress_end(&p);
    fclose(f);
    assert_string_equal(buf + drawn, "\r\033[K");
    free(buf);

    hhi_progress_init(&p, NULL, 3); /* no terminal: counts, draws nothing */
    p.delay_ms = 0;
    hhi_progress_add(&p);
    hhi_progress_poll(&p);
    hhi_progress_end(&p);
    assert_int_equal(atomic_load(&p.done), 1);
}

/* -------------------------------------------------- (e) sensitive values */

static void expect_redacted(const char *text, const char *sensitive, const char *want)
{
    json_object *s = json_tokener_parse(sensitive);
    char *out = NULL;
    size_t len = 0;

    assert_non_null(s);
    assert_int_equal(hhi_redact(&out, &len, text, strlen(text), s), HHI_OK);
    if (want == NULL) {
        if (out != NULL)
            fail_msg("\"%s\" became \"%s\"", text, out);
        assert_int_equal(len, strlen(text));
    } else {
        if (out == NULL)
            fail_msg("\"%s\" was not redacted", text);
        assert_string_equal(out, want);
        assert_int_equal(len, strlen(want));
    }
    free(out);
    json_object_put(s);
}

static void test_redact_unit(void **state)
{
    char *out = (char *)"unchanged", *owned;
    size_t len;

    (void)state;
    expect_redacted("password hunter2, again hunter2", "[\"hunter2\"]",
                    "password (sensitive), again (sensitive)");
    expect_redacted("nothing here", "[\"hunter2\"]", NULL);
    expect_redacted("nothing here", "[\"\", null]", NULL);
    /* No value is too short to hide. */
    expect_redacted("a1b", "[\"1\"]", "a(sensitive)b");
    /* Numbers and booleans by their JSON text; nested values too. */
    expect_redacted("port 5432, tls true", "[5432, true]", "port (sensitive), tls (sensitive)");
    expect_redacted("ab-cd", "[[\"ab\"], {\"k\": \"cd\"}]", "(sensitive)-(sensitive)");
    /* The longest value wins. */
    expect_redacted("key abcdef", "[\"abc\", \"abcdef\"]", "key (sensitive)");
    /* Quoted by a plugin or JSON-escaped, on one line. */
    expect_redacted("is \"se\\\"cret\"", "[\"se\\\"cret\"]", "is \"(sensitive)\"");
    expect_redacted("a\\\\b and a\\b", "[\"a\\\\b\"]", "(sensitive) and (sensitive)");
    expect_redacted("two lines: one two", "[\"one\\ntwo\"]", "two lines: (sensitive)");
    expect_redacted("raw one\ntwo", "[\"one\\ntwo\"]", "raw (sensitive)");
    expect_redacted("escaped one\\ntwo", "[\"one\\ntwo\"]", "escaped (sensitive)");
    expect_redacted("ctl \\u0001!", "[\"\\u0001\"]", "ctl (sensitive)!");
    /* A control character alone is not spelled '?' or ' ' (those tell nothing). */
    expect_redacted("what? yes", "[\"\\u0001\"]", NULL);
    /* Cut values: a prefix of 8 bytes or more before an ellipsis or the end. */
    expect_redacted("v \"abcdefghij...\"", "[\"abcdefghijklmnop\"]", "v \"(sensitive)...\"");
    expect_redacted("v abcdefghij\xe2\x80\xa6", "[\"abcdefghijklmnop\"]",
                    "v (sensitive)\xe2\x80\xa6");
    expect_redacted("cut abcdefghij", "[\"abcdefghijklmnop\"]", "cut (sensitive)");
    expect_redacted("short abcdefg...", "[\"abcdefghijklmnop\"]", NULL);
    expect_redacted("mid abcdefghij here", "[\"abcdefghijklmnop\"]", NULL);

    assert_int_equal(hhi_redact(&out, &len, "text", 4, NULL), HHI_OK);
    assert_null(out);
    owned = strdup("token=abc123;");
    assert_non_null(owned);
    {
        json_object *s = json_tokener_parse("[\"abc123\"]");

        assert_int_equal(hhi_redact_owned(&owned, s), HHI_OK);
        assert_string_equal(owned, "token=(sensitive);");
        json_object_put(s);
    }
    free(owned);
}

/* An evaluation through the library: operations' sensitive lists set by hand. */
struct lib_run {
    struct hhi_hook_specs specs;
    struct hhi_hookset *set;
    struct hhi_change_set cs;
    struct hhi_evaluation ev;
    json_object *sensitive;
    FILE *log_stream;
    char *log;
    size_t log_len;
};

static void lib_evaluate(struct lib_run *lr, const char *hooks_dir, const char *plugin_dir,
                         const char *template_text, const char *sensitive)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_hookset_options ho;
    struct hhi_eval_options eo;
    struct hhi_progress progress;
    json_object *doc;
    size_t i;

    memset(lr, 0, sizeof(*lr));
    hhi_hook_specs_init(&lr->specs);
    hhi_change_set_init(&lr->cs);
    lr->log_stream = open_memstream(&lr->log, &lr->log_len);
    assert_non_null(lr->log_stream);
    hhi_hookset_options_init(&ho);
    ho.plugin_dir = plugin_dir;
    ho.log.stream = lr->log_stream;
    ho.log.max_level = HH_LOG_DEBUG;
    if (hhi_hooks_dir_read(&lr->specs, hooks_dir, 100, HHI_DEFAULT_MAX_CONFIG_BYTES, &err) !=
            HHI_OK ||
        hhi_hookset_load(&lr->set, &ho, &lr->specs, &err) != HHI_OK)
        fail_msg("%s", err.message);
    doc = json_tokener_parse(template_text);
    assert_non_null(doc);
    assert_int_equal(hhi_change_set_adopt_doc(&lr->cs, doc, &err), HHI_OK);
    if (hhi_cfn_template_add(&lr->cs, "template.json", doc, &err) != HHI_OK)
        fail_msg("%s", err.message);
    lr->sensitive = json_tokener_parse(sensitive);
    assert_non_null(lr->sensitive);
    for (i = 0; i < lr->cs.count; i++) {
        lr->cs.ops[i].sensitive = lr->sensitive;
        lr->cs.ops[i].line = 40 + i;
    }
    hhi_eval_options_init(&eo);
    eo.jobs = 2;
    hhi_progress_init(&progress, NULL, lr->cs.count);
    eo.progress = &progress; /* the calling thread watches: the other path */
    if (hhi_evaluate(&lr->ev, lr->set, &lr->cs, &eo, &err) != HHI_OK)
        fail_msg("%s", err.message);
    assert_int_equal(atomic_load(&progress.done), lr->cs.count);
    fflush(lr->log_stream);
}

static char *lib_report(const struct lib_run *lr, enum hhi_report_format f)
{
    struct hhi_report_options opts = { false, false };
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    assert_non_null(out);
    assert_int_equal(hhi_report_write(out, f, &lr->ev, lr->set, &opts), HHI_OK);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void lib_release(struct lib_run *lr)
{
    hhi_evaluation_release(&lr->ev);
    hhi_hookset_free(lr->set);
    hhi_hook_specs_release(&lr->specs);
    hhi_change_set_release(&lr->cs);
    json_object_put(lr->sensitive);
    fclose(lr->log_stream);
    free(lr->log);
}

/* Every report format and the log: the marker, never the secret. */
static void assert_no_secret(const struct lib_run *lr, const char *secret, bool logged)
{
    static const char *const names[] = { "text", "json", "junit", "sarif" };
    size_t f;

    for (f = 0; f < N_ITEMS(names); f++) {
        char *report = lib_report(lr, (enum hhi_report_format)f);

        if (strstr(report, secret) != NULL)
            fail_msg("the %s report shows %s:\n%s", names[f], secret, report);
        if (strstr(report, HHI_REDACTED) == NULL)
            fail_msg("the %s report redacted nothing:\n%s", names[f], report);
        free(report);
    }
    if (strstr(lr->log, secret) != NULL)
        fail_msg("a log line shows %s:\n%s", secret, lr->log);
    if (logged && strstr(lr->log, HHI_REDACTED) == NULL)
        fail_msg("no redacted log line:\n%s", lr->log);
}

/* The Control Tower plugin quotes the offending value, and cuts long ones. */
static void test_sensitive_control_tower(void **state)
{
    struct box *b = *state;
    struct lib_run lr;

    put(b, "hooks.d/s3.json",
        "{'plugin':'ct-s3-pr-1.so','CloudFormationConfiguration':{'HookConfiguration':{"
        "'HookInvocationStatus':'ENABLED','TargetStacks':'ALL','FailureMode':'FAIL'}}}");
    lib_evaluate(&lr, in_box(b, "hooks.d"), hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"),
                 "{\"Resources\":{"
                 "\"Short\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{"
                 "\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,"
                 "\"BlockPublicPolicy\":\"TOPSECRET-value\",\"IgnorePublicAcls\":true,"
                 "\"RestrictPublicBuckets\":true}}},"
                 "\"Long\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{"
                 "\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,"
                 "\"BlockPublicPolicy\":\"aaaaaaaaaaTOPSECRETbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"IgnorePublicAcls\":true,"
                 "\"RestrictPublicBuckets\":true}}}}}",
                 "[\"TOPSECRET-value\", \"aaaaaaaaaaTOPSECRETbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"]");
    assert_int_equal(lr.ev.summary.failed, 2);
    assert_non_null(strstr(lr.ev.results[0].message, "is \"(sensitive)\" (a string)"));
    assert_non_null(strstr(lr.ev.results[1].message, "is \"(sensitive)...\" (a string)"));
    assert_no_secret(&lr, "TOPSECRET", false);
    lib_release(&lr);
}

/* The echo plugin puts the value in the message, annotations and a log line. */
static void test_sensitive_everywhere(void **state)
{
    struct box *b = *state;
    struct lib_run lr;
    char *json, *sarif, *junit;

    put(b, "hooks.d/10-echo.json", ECHO_FAIL_HOOK);
    lib_evaluate(&lr, in_box(b, "hooks.d"), hh_test_env("HOOKHOST_TEST_BAD_PLUGIN_DIR"),
                 "{\"Resources\":{"
                 "\"Quoted\":{\"Type\":\"Test::Fail::A\",\"Properties\":{"
                 "\"Echo\":\"TOPSECRET \\\"q\\\" \\\\ <&>\"}},"
                 "\"Lines\":{\"Type\":\"Test::Fail::B\",\"Properties\":{"
                 "\"Echo\":\"TOPSECRET\\nline two\"}}}}",
                 "[\"TOPSECRET \\\"q\\\" \\\\ <&>\", \"TOPSECRET\\nline two\", 42]");
    assert_string_equal(lr.ev.results[0].message, "echo: (sensitive)");
    assert_string_equal(lr.ev.results[0].annotations[0].status_message,
                        "annotation: (sensitive)");
    assert_string_equal(lr.ev.results[0].annotations[0].remediation_message,
                        "remove (sensitive)");
    assert_string_equal(lr.ev.results[0].annotations[0].remediation_link,
                        "https://example.com/(sensitive)");
    assert_string_equal(lr.ev.results[1].message, "echo: (sensitive)");
    assert_no_secret(&lr, "TOPSECRET", true);
    assert_non_null(strstr(lr.log, "hookhost: Test::Reports::Echo: warning: log: (sensitive)\n"));
    /* The line the input gave: JSON "line", JUnit line=, SARIF region. */
    json = lib_report(&lr, HHI_REPORT_JSON);
    junit = lib_report(&lr, HHI_REPORT_JUNIT);
    sarif = lib_report(&lr, HHI_REPORT_SARIF);
    assert_non_null(strstr(json, "\"file\":\"template.json\",\"line\":40,"));
    assert_non_null(strstr(junit, " line=\"41\" "));
    assert_non_null(strstr(sarif, "\"region\":{\"startLine\":41}"));
    check_json_schema(json);
    free(json);
    free(junit);
    free(sarif);
    lib_release(&lr);
}

/* End to end: a Terraform plan marks the value sensitive; no format, no log line shows it. */
static void test_sensitive_terraform_plan(void **state)
{
    static const char *const formats[] = { "text", "json", "junit", "sarif" };
    struct box *b = *state;
    struct hh_run run;
    size_t i;

    put(b, "hooks.d/10-echo.json",
        "{'plugin':'report-echo.so','CloudFormationConfiguration':{'HookConfiguration':{"
        "'HookInvocationStatus':'ENABLED','TargetStacks':'ALL','FailureMode':'FAIL'}}}");
    put(b, "plan.json",
        "{'format_version':'1.2','terraform_version':'1.6.0','resource_changes':[{"
        "'address':'test_thing.a','mode':'managed','type':'test_thing','name':'a',"
        "'change':{'actions':['create'],'before':null,"
        "'after':{'Echo':'TOPSECRET-tf-value','Outcome':'fail'},'after_unknown':{},"
        "'before_sensitive':false,'after_sensitive':{'Echo':true}}}]}");
    for (i = 0; i < N_ITEMS(formats); i++) {
        run_echo(&run, b, formats[i], "plan.json");
        if (strstr(run.out, "TOPSECRET") != NULL || strstr(run.err, "TOPSECRET") != NULL)
            fail_msg("--format %s shows the sensitive value:\n%s\n%s", formats[i], run.out,
                     run.err);
        assert_non_null(strstr(run.out, "echo: (sensitive)"));
        assert_string_equal(run.err, "hookhost: Test::Reports::Echo: warning: log: (sensitive)\n");
        hh_run_free(&run);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_text),
        cmocka_unit_test(test_golden_json),
        cmocka_unit_test(test_golden_junit),
        cmocka_unit_test(test_golden_sarif),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test_setup_teardown(test_quiet_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping_junit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping_json_sarif_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_name_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_file, setup, teardown),
        cmocka_unit_test(test_output_dash_is_stdout),
        cmocka_unit_test_setup_teardown(test_output_missing_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_write_fails, setup, teardown),
        cmocka_unit_test(test_output_dev_full),
        cmocka_unit_test_setup_teardown(test_colour_on_terminal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_terminal_only, setup, teardown),
        cmocka_unit_test(test_progress_unit),
        cmocka_unit_test(test_redact_unit),
        cmocka_unit_test_setup_teardown(test_sensitive_control_tower, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_terraform_plan, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
