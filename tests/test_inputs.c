#include "config.h"

/*
 * Every input format turned into operations (inputs.h): the real samples
 * copied into data/inputs/ (see data/inputs/SOURCES.md) and our own, each
 * checked operation by operation; YAML's tags, types, anchors and limits;
 * replacement orders; what is not invoked; unknown and sensitive values;
 * malformed input of every format; and the real binary end to end.
 *
 * Malformed documents are written into a fresh directory under
 * $HOOKHOST_TEST_BUILDDIR, removed afterwards.
 */

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include <hookhost/plugin.h>

#include "change_set.h"
#include "input.h"
#include "inputs.h"
#include "json_pointer.h"
#include "runner.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define C HH_ACTION_CREATE
#define U HH_ACTION_UPDATE
#define D HH_ACTION_DELETE
#define KAA HHI_KNOWN_AFTER_APPLY

/* One expected operation. */
struct want {
    int32_t action;
    const char *type;
    const char *logical_id;
    size_t line;
};

/* ---------------------------------------------------------------- helpers */

static const char *sample(const char *rel)
{
    static char slots[4][PATH_MAX];
    static unsigned next;
    char *slot = slots[next++ % 4];

    snprintf(slot, PATH_MAX, "%s/data/inputs/%s", hh_test_env("HOOKHOST_TEST_SRCDIR"), rel);
    return slot;
}

struct fixture {
    struct hhi_change_set cs;
    struct hhi_input_options opts;
    struct hhi_error err;
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
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "%s/inputs-XXXXXX", hh_test_env("HOOKHOST_TEST_BUILDDIR"));
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    hhi_change_set_init(&f->cs);
    hhi_input_options_init(&f->opts);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    int rc = nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

    hhi_change_set_release(&f->cs);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Start again with an empty change set, default options and no error. */
static void reset(struct fixture *f)
{
    hhi_change_set_release(&f->cs);
    hhi_change_set_init(&f->cs);
    hhi_input_options_init(&f->opts);
    hhi_error_clear(&f->err);
}

/* Write len bytes (or the string) into the fixture's directory as name. */
static const char *put(struct fixture *f, const char *name, const char *text, size_t len)
{
    static char path[PATH_MAX];
    FILE *out;
    int n = snprintf(path, sizeof(path), "%s/%s", f->dir, name);

    assert_true(n > 0 && (size_t)n < sizeof(path));
    out = fopen(path, "wb");
    if (out == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    if (len == 0)
        len = strlen(text);
    assert_int_equal(fwrite(text, 1, len, out), len);
    assert_int_equal(fclose(out), 0);
    return path;
}

static void read_ok(struct fixture *f, const char *path)
{
    int rc = hhi_input_read(&f->cs, path, &f->opts, &f->err);

    if (rc != HHI_OK)
        fail_msg("%s: %s", path, f->err.message);
}

/* Read sample rel into a fresh change set. */
static void load(struct fixture *f, const char *rel)
{
    reset(f);
    read_ok(f, sample(rel));
}

static void check_ops(const struct hhi_change_set *cs, const struct want *want, size_t n)
{
    size_t i;

    if (cs->count != n)
        fail_msg("%zu operations, expected %zu", cs->count, n);
    for (i = 0; i < n; i++) {
        const struct hhi_operation *op = &cs->ops[i];

        if (op->action != want[i].action || strcmp(op->target_type, want[i].type) != 0 ||
            strcmp(op->logical_id, want[i].logical_id) != 0 || op->line != want[i].line)
            fail_msg("operation %zu: %d %s %s line %zu, expected %d %s %s line %zu", i,
                     op->action, op->target_type, op->logical_id, op->line, want[i].action,
                     want[i].type, want[i].logical_id, want[i].line);
        assert_int_equal(op->point, HH_POINT_PRE_PROVISION);
        assert_non_null(op->input);
        assert_non_null(op->input_format);
        assert_non_null(op->input_pointer);
    }
}

#define CHECK_OPS(cs, want) check_ops(cs, want, N_ITEMS(want))

/* The value at pointer in doc as compact JSON text ("absent" when it is not there). */
static const char *at(json_object *doc, const char *pointer)
{
    int found = 0;
    json_object *v = hhi_json_pointer_find(doc, pointer, &found);

    if (!found)
        return "absent";
    return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void assert_at(json_object *doc, const char *pointer, const char *json)
{
    const char *got = at(doc, pointer);

    if (strcmp(got, json) != 0)
        fail_msg("at %s: %s, expected %s", pointer, got, json);
}

static void assert_json(json_object *v, const char *json)
{
    const char *got = v == NULL ? "NULL" : at(v, "");

    if (strcmp(got, json) != 0)
        fail_msg("%s, expected %s", got, json);
}

static void assert_str(const char *got, const char *want)
{
    if (got == NULL || want == NULL) {
        if (got != want)
            fail_msg("%s, expected %s", got ? got : "NULL", want ? want : "NULL");
        return;
    }
    assert_string_equal(got, want);
}

/* The operation's input, format and pointer: the pointer leads to the target. */
static void assert_input(const struct hhi_operation *op, const char *format, const char *pointer)
{
    int found = 0;

    assert_string_equal(op->input_format, format);
    assert_string_equal(op->input_pointer, pointer);
    assert_non_null(hhi_json_pointer_find(op->input, pointer, &found));
    assert_true(found);
}

/* Reading text (len 0: a string) as name fails with each of the expected pieces. */
static void expect_error(struct fixture *f, const char *name, const char *text, size_t len,
                         const char *const *pieces)
{
    const char *path = put(f, name, text, len);
    int rc;

    hhi_change_set_release(&f->cs);
    hhi_change_set_init(&f->cs);
    hhi_error_clear(&f->err);
    rc = hhi_input_read(&f->cs, path, &f->opts, &f->err);
    if (rc != HHI_EINPUT)
        fail_msg("%s: rc %d (expected HHI_EINPUT), message: %s", name, rc, f->err.message);
    assert_int_equal(f->err.code, HHI_EINPUT);
    assert_non_null(strstr(f->err.message, path));
    for (; *pieces != NULL; pieces++) {
        if (strstr(f->err.message, *pieces) == NULL)
            fail_msg("%s: \"%s\" lacks \"%s\"", name, f->err.message, *pieces);
    }
    assert_null(strchr(f->err.message, '\n'));
}

struct bad_case {
    const char *name;  /* file name: its extension picks JSON or YAML */
    const char *text;
    const char *pieces[4];
};

static void expect_errors(struct fixture *f, const struct bad_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        expect_error(f, cases[i].name, cases[i].text, 0, cases[i].pieces);
}

/* ------------------------------------------------------ CloudFormation templates */

static void test_template_json_sample(void **state)
{
    static const struct want want[] = {
        { C, "AWS::ElasticLoadBalancing::LoadBalancer", "ElasticLoadBalancer", 137 },
        { C, "AWS::S3::Bucket", "LogsBucket", 173 },
        { C, "AWS::S3::BucketPolicy", "LogsBucketPolicy", 180 },
        { C, "AWS::AutoScaling::AutoScalingGroup", "WebServerGroup", 236 },
        { C, "AWS::AutoScaling::LaunchConfiguration", "LaunchConfig", 267 },
        { C, "AWS::EC2::SecurityGroup", "InstanceSecurityGroup", 392 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;

    load(f, "template/ELB_Access_Logs_And_Connection_Draining.json");
    CHECK_OPS(&f->cs, want);
    op = &f->cs.ops[1];
    assert_input(op, "cloudformation-template", "/Resources/LogsBucket");
    assert_at(op->properties, "/DeletionPolicy", "absent");
    assert_null(op->previous);
    assert_null(op->stack_name);
    assert_null(op->sensitive);
    assert_non_null(strstr(op->source, "ELB_Access_Logs_And_Connection_Draining.json"));
    assert_at(f->cs.ops[5].properties, "/SecurityGroupIngress/0/FromPort", "\"22\"");

    load(f, "template/RDS_MySQL_With_Read_Replica.json");
    assert_true(f->cs.count >= 4);
    load(f, "template/DMSAuroraToS3FullLoadAndOngoingReplication.json");
    assert_true(f->cs.count >= 10);
}

static void test_template_yaml_tags(void **state)
{
    static const struct want want[] = {
        { C, "AWS::S3::Bucket", "Bucket", 18 },
        { C, "AWS::EC2::Instance", "Instance", 27 },
        { C, "AWS::EC2::SecurityGroup", "Group", 39 },
        { C, "AWS::SSM::Parameter", "Param", 48 },
        { C, "AWS::CloudFormation::WaitConditionHandle", "Include", 54 },
        { C, "Custom::Types", "Types", 58 },
    };
    struct fixture *f = *state;
    json_object *doc, *p;

    load(f, "template/every-tag.yaml");
    CHECK_OPS(&f->cs, want);
    assert_input(&f->cs.ops[2], "cloudformation-template", "/Resources/Group");
    doc = f->cs.ops[0].input;
    assert_at(doc, "/AWSTemplateFormatVersion", "\"2010-09-09\"");
    assert_at(doc, "/Conditions/IsProd", "{\"Fn::Equals\":[{\"Ref\":\"Env\"},\"prod\"]}");
    assert_at(doc, "/Conditions/NotProd", "{\"Fn::Not\":[{\"Condition\":\"IsProd\"}]}");
    assert_at(doc, "/Conditions/Either",
              "{\"Fn::Or\":[{\"Condition\":\"IsProd\"},{\"Fn::And\":[{\"Condition\":\"NotProd\"},"
              "{\"Condition\":\"IsProd\"}]}]}");
    p = f->cs.ops[0].properties;
    assert_at(p, "/BucketName", "{\"Fn::Sub\":\"${AWS::StackName}-logs\"}");
    assert_at(p, "/Tags/0/Value", "{\"Fn::ImportValue\":\"shared-owner\"}");
    assert_at(p, "/Tags/1/Value",
              "{\"Fn::Join\":[\"-\",[{\"Ref\":\"Env\"},{\"Fn::Select\":[0,{\"Fn::Split\":"
              "[\",\",\"a,b\"]}]}]]}");
    p = f->cs.ops[1].properties;
    assert_at(p, "/InstanceType", "{\"Fn::FindInMap\":[\"Sizes\",{\"Ref\":\"Env\"},\"Instance\"]}");
    assert_at(p, "/AvailabilityZone", "{\"Fn::Select\":[0,{\"Fn::GetAZs\":\"\"}]}");
    assert_at(p, "/UserData", "{\"Fn::Base64\":\"#!/bin/sh\\necho hello\\n\"}");
    /* !GetAtt A.B.C splits at the first dot only, as CloudFormation does. */
    assert_at(p, "/SubnetId",
              "{\"Fn::If\":[\"IsProd\",{\"Fn::GetAtt\":[\"Network\",\"Outputs.SubnetId\"]},"
              "{\"Ref\":\"AWS::NoValue\"}]}");
    assert_at(p, "/SecurityGroupIds/0", "{\"Fn::GetAtt\":[\"Group\",\"GroupId\"]}");
    /* An alias is the anchored value. */
    assert_string_equal(at(p, "/Tags"), at(f->cs.ops[0].properties, "/Tags"));
    p = f->cs.ops[2].properties;
    assert_at(p, "/GroupDescription", "\"yes\"");
    assert_at(p, "/SecurityGroupIngress/0/CidrIp",
              "{\"Fn::Select\":[0,{\"Fn::Cidr\":[\"10.0.0.0/16\",4,8]}]}");
    assert_at(p, "/SecurityGroupIngress/0/ToPort", "22");
    assert_at(f->cs.ops[3].properties, "/Value",
              "{\"Fn::ToJsonString\":{\"Count\":{\"Fn::Length\":[1,2]},"
              "\"Env\":{\"Fn::ValueOf\":[\"Env\",\"Default\"]}}}");
    assert_at(f->cs.ops[4].properties, "/Extra",
              "{\"Fn::Transform\":{\"Name\":\"AWS::Include\",\"Parameters\":"
              "{\"Location\":\"s3://bucket/key\"}}}");
}

static void test_yaml_scalar_types(void **state)
{
    static const char *const cases[][2] = {
        { "/True1", "true" }, { "/True2", "true" }, { "/False1", "false" },
        { "/Null1", "null" }, { "/Null2", "null" }, { "/Null3", "null" },
        { "/Int1", "42" }, { "/Int2", "-17" }, { "/Int3", "31" }, { "/Int4", "493" },
        { "/Int5", "1000" }, { "/Int6", "90" }, { "/Int7", "5" }, { "/Int8", "12" },
        { "/Float1", "1.5" }, { "/Float2", "0.5" }, { "/Float3", "1.0e+3" },
        { "/Float4", "6.0" }, { "/Float5", "-1.25" }, { "/Float6", "3.0" },
        { "/Str1", "\"true\"" }, { "/Str2", "\"42\"" }, { "/Str3", "\"2010-09-09\"" },
        { "/Str4", "\"012345678901\"" }, { "/Str5", "\".inf\"" }, { "/Str6", "\"1e5\"" },
        { "/Str7", "\"12\"" }, { "/Str8", "\"-.5\"" }, { "/Str9", "\"y\"" },
        { "/Big", "123456789012345678901234567890" }, { "/Unsigned", "18446744073709551615" },
        { "/HexBig", "\"0xFFFFFFFFFFFFFFFFF\"" }, { "/Text", "\"hello world\"" },
        { "/Folded", "\"one two\\n\"" }, { "/Shared", "{\"A\":1,\"B\":[\"x\",\"y\"]}" },
        { "/Again", "{\"A\":1,\"B\":[\"x\",\"y\"]}" },
    };
    struct fixture *f = *state;
    json_object *p;
    size_t i;

    load(f, "template/every-tag.yaml");
    p = f->cs.ops[5].properties;
    for (i = 0; i < N_ITEMS(cases); i++)
        assert_at(p, cases[i][0], cases[i][1]);
    assert_true(json_object_is_type(hhi_json_pointer_get(p, "/Int1"), json_type_int));
    assert_true(json_object_is_type(hhi_json_pointer_get(p, "/Float1"), json_type_double));
    assert_true(json_object_is_type(hhi_json_pointer_get(p, "/True2"), json_type_boolean));
}

/* YAML and JSON of the same template give the same operations. */
static void test_yaml_json_same(void **state)
{
    struct fixture *f = *state;
    const char *yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                       "      Tags: [{Key: k, Value: v}]\n      Versioned: true\n";
    const char *json = "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":"
                       "{\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"Versioned\":true}}}}";
    char *from_yaml;

    reset(f);
    read_ok(f, put(f, "t.yml", yaml, 0));
    from_yaml = strdup(at(f->cs.ops[0].properties, ""));
    read_ok(f, put(f, "t.json", json, 0));
    assert_int_equal(f->cs.count, 2);
    assert_string_equal(from_yaml, at(f->cs.ops[1].properties, ""));
    assert_int_equal(f->cs.ops[0].line, 2);
    assert_int_equal(f->cs.ops[1].line, 1);
    free(from_yaml);
    /* Without a .yaml name, text that does not start like JSON is YAML. */
    read_ok(f, put(f, "template", yaml, 0));
    assert_int_equal(f->cs.count, 3);
    /* A UTF-8 byte order mark is skipped. */
    read_ok(f, put(f, "bom.json", "\xEF\xBB\xBF{\"Resources\":{}}", 0));
    assert_int_equal(f->cs.count, 3);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t len = strlen(head) + strlen(unit) * n + strlen(tail) + 1, i;
    char *s = malloc(len);

    assert_non_null(s);
    strcpy(s, head);
    for (i = 0; i < n; i++)
        strcat(s, unit);
    strcat(s, tail);
    return s;
}

static void test_yaml_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "dup.yaml", "Resources:\n  A:\n    Type: X::Y::Z\n  A:\n    Type: X::Y::Z\n",
          { ":4:3: invalid YAML: duplicate key 'A'" } },
        { "tag.yaml", "Resources:\n  A:\n    Type: !Reff X\n", { ":3:11: invalid YAML", "unknown tag !Reff" } },
        { "binary.yaml", "A: !!binary aGk=\n", { ":1:4: invalid YAML", "unsupported tag !!binary" } },
        { "int.yaml", "A: !!int abc\n", { ":1:4: invalid YAML", "not a valid !!int" } },
        { "merge.yaml", "B: &b {X: 1}\nA:\n  <<: *b\n", { ":3:3: invalid YAML", "merge keys" } },
        { "two.yaml", "Resources: {}\n---\nResources: {}\n", { ":2:1: invalid YAML", "more than one document" } },
        { "syntax.yaml", "Resources:\n  A: [1, 2\n", { ":3:1: invalid YAML", "did not find expected" } },
        { "indent.yaml", "Resources:\n  A: 1\n B: 2\n", { ":3:2: invalid YAML" } },
        { "alias.yaml", "A: *nothing\n", { ":1:4: invalid YAML", "*nothing names no anchor" } },
        { "self.yaml", "A: &a [1, *a]\n", { ":1:11: invalid YAML", "*a names no anchor" } },
        { "key.yaml", "? [1, 2]\n: 3\n", { ":1:3: invalid YAML", "keys must be scalars" } },
        { "aliaskey.yaml", "A: &k x\n*k : 3\n", { ":2:1: invalid YAML", "alias cannot be a mapping key" } },
        { "empty.yaml", "# nothing but a comment\n", { "invalid YAML", "no document" } },
        { "tab.yaml", "Resources:\n\tA: 1\n", { ":2:1: invalid YAML" } },
        { "scalar.yaml", "just text\n", { "not a recognised input" } },
    };
    struct fixture *f = *state;
    const char *nul[] = { ":2:5: invalid YAML", "NUL byte", NULL };
    const char *utf8[] = { ":2:6: invalid YAML", "invalid UTF-8", NULL };
    const char *laughs_err[] = { "invalid YAML", "expands to more than", NULL };
    const char *deep_err[] = { ":1:", "invalid YAML", "deeper than 512", NULL };
    const char *deep_alias_err[] = { "invalid YAML", "*d nests deeper than 512", NULL };
    char *laughs, *deep, *deep_alias;
    size_t i;

    reset(f);
    expect_errors(f, cases, N_ITEMS(cases));
    expect_error(f, "nul.yaml", "A: 1\nB: x\0y\n", 11, nul);
    expect_error(f, "utf8.yaml", "A: 1\nB: \"x\xC0\xAF\"\n", 0, utf8);
    /* Billion laughs: 9 levels of 9 aliases would be 387,420,489 strings. */
    laughs = strdup("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (i = 1; i < 9; i++) {
        char line[128], *more;

        snprintf(line, sizeof(line), "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
                 (int)('a' + i), (int)('a' + i), (int)('a' + i - 1), (int)('a' + i - 1),
                 (int)('a' + i - 1), (int)('a' + i - 1), (int)('a' + i - 1), (int)('a' + i - 1),
                 (int)('a' + i - 1), (int)('a' + i - 1), (int)('a' + i - 1));
        more = repeat(laughs, line, 1, "");
        free(laughs);
        laughs = more;
    }
    expect_error(f, "laughs.yaml", laughs, 0, laughs_err);
    free(laughs);
    deep = repeat("A: ", "[", 600, "");
    expect_error(f, "deep.yaml", deep, 0, deep_err);
    free(deep);
    /* 300 levels aliased 300 levels down is 600 levels. */
    deep_alias = repeat("A: &d ", "[", 300, "1");
    {
        char *closed = repeat(deep_alias, "]", 300, "\nB: ");
        char *nested = repeat(closed, "[", 300, "*d");
        char *full = repeat(nested, "]", 300, "\n");

        expect_error(f, "deep-alias.yaml", full, 0, deep_alias_err);
        free(closed);
        free(nested);
        free(full);
    }
    free(deep_alias);
}

/* Up to 512 levels and within the alias cap is fine. */
static void test_yaml_limits_ok(void **state)
{
    struct fixture *f = *state;
    char *deep = repeat("Resources: {A: {Type: X::Y::Z, Properties: {P: ", "[", 507, "1");
    char *full = repeat(deep, "]", 507, "}}}\n");

    reset(f);
    read_ok(f, put(f, "deep-ok.yaml", full, 0));
    assert_int_equal(f->cs.count, 1);
    free(deep);
    free(full);
    /* Aliases to the same small anchor many times. */
    deep = repeat("X: &x {a: 1}\nResources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      L: [",
                  "*x, ", 1000, "*x]\n");
    read_ok(f, put(f, "many-aliases.yaml", deep, 0));
    assert_int_equal(f->cs.count, 2);
    assert_at(f->cs.ops[1].properties, "/L/1000/a", "1");
    free(deep);
}

static void test_template_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "no-type.yaml", "Resources:\n  A:\n    Properties: {}\n", { ": Resources.A: Type is missing" } },
        { "props.json", "{\"Resources\":{\"A\":{\"Type\":\"X::Y::Z\",\"Properties\":[1]}}}",
          { ": Resources.A: Properties must be an object" } },
        { "res.json", "{\"Resources\":[]}", { ": Resources must be an object" } },
        { "no-resources.json", "{\"AWSTemplateFormatVersion\":\"2010-09-09\"}",
          { ": not a CloudFormation template: no Resources member" } },
        { "bad.json", "{\"Resources\":{\n\"A\":}}", { ":2:5: invalid JSON" } },
    };
    struct fixture *f = *state;

    reset(f);
    expect_errors(f, cases, N_ITEMS(cases));
}

static void test_template_diff(void **state)
{
    static const struct want want[] = {
        { U, "AWS::SQS::Queue", "Change", 11 },
        { C, "AWS::S3::Bucket", "Added", 15 },
        { U, "AWS::SQS::Queue", "Retype", 19 },
        { D, "AWS::S3::Bucket", "Gone", 17 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;

    reset(f);
    f->opts.previous = sample("template/diff-old.yaml");
    read_ok(f, sample("template/diff-new.json"));
    CHECK_OPS(&f->cs, want);
    op = &f->cs.ops[0];
    assert_json(op->properties, "{\"VisibilityTimeout\":60}");
    assert_json(op->previous, "{\"VisibilityTimeout\":30}");
    assert_non_null(strstr(op->source, "diff-new.json"));
    assert_input(op, "cloudformation-template", "/Resources/Change");
    assert_null(f->cs.ops[1].previous);
    assert_json(f->cs.ops[2].previous, "{\"TopicName\":\"t\"}");
    op = &f->cs.ops[3];
    assert_null(op->properties);
    assert_json(op->previous, "{\"BucketName\":\"gone\"}");
    assert_non_null(strstr(op->source, "diff-old.yaml"));
    assert_input(op, "cloudformation-template", "/Resources/Gone");
    assert_ptr_not_equal(op->input, f->cs.ops[0].input);
}

static void test_template_diff_errors(void **state)
{
    struct fixture *f = *state;
    const char *not_template[] = { "tfplan2md", "--previous compares two CloudFormation templates",
                                   "terraform-plan", NULL };
    const char *bad_old[] = { ":3:", "invalid YAML", NULL };
    const char *action[] = { "--action", NULL };
    size_t i;
    int rc;

    reset(f);
    f->opts.previous = sample("terraform/tfplan2md-azuredevops-update-delete-replace.json");
    rc = hhi_input_read(&f->cs, sample("template/diff-new.json"), &f->opts, &f->err);
    assert_int_equal(rc, HHI_EINPUT);
    for (i = 0; not_template[i] != NULL; i++)
        assert_non_null(strstr(f->err.message, not_template[i]));
    reset(f);
    f->opts.previous = put(f, "old.yaml", "Resources:\n  A: {Type: X::Y::Z}\n  A:", 0);
    f->opts.previous = strdup(f->opts.previous);
    rc = hhi_input_read(&f->cs, sample("template/diff-new.json"), &f->opts, &f->err);
    assert_int_equal(rc, HHI_EINPUT);
    assert_non_null(strstr(f->err.message, "old.yaml"));
    for (i = 0; bad_old[i] != NULL; i++)
        assert_non_null(strstr(f->err.message, bad_old[i]));
    free((char *)f->opts.previous);
    reset(f);
    f->opts.previous = sample("template/diff-old.yaml");
    f->opts.action = HH_ACTION_UPDATE;
    rc = hhi_input_read(&f->cs, sample("template/diff-new.json"), &f->opts, &f->err);
    assert_int_equal(rc, HHI_EINPUT);
    assert_non_null(strstr(f->err.message, action[0]));
}

/* ------------------------------------------------------ change sets */

static void test_changeset_modify_replacement(void **state)
{
    static const struct want want[] = {
        { C, "AWS::SNS::Topic", "Foo", 6 },
        { D, "AWS::SNS::Topic", "Foo", 6 },
        { U, "AWS::SSM::Parameter", "Parameter", 45 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;

    load(f, "changeset/localstack-describe-change-set-prop-values-modify-replacement.json");
    CHECK_OPS(&f->cs, want);
    /* The replacement: the new resource is created, the old one deleted. */
    op = &f->cs.ops[0];
    assert_json(op->properties, "{\"TopicName\":\"topic-2\"}");
    assert_null(op->previous);
    assert_null(op->physical_id);
    assert_string_equal(op->stack_name, "<stack-name:1>");
    assert_input(op, "cloudformation-change-set", "/Changes/0/ResourceChange");
    op = &f->cs.ops[1];
    assert_null(op->properties);
    assert_json(op->previous, "{\"TopicName\":\"topic-1\"}");
    assert_string_equal(op->physical_id, "arn:<partition>:sns:<region>:111111111111:topic-1");
    op = &f->cs.ops[2];
    assert_at(op->properties, "/Value", "\"" KAA "\"");
    assert_at(op->previous, "/Value", "\"topic-1\"");
    assert_string_equal(op->physical_id, "CFN-Parameter-gE4nEU6CQEj9");
    assert_null(op->sensitive);
}

static void test_changeset_add_remove(void **state)
{
    static const struct want localstack[] = {
        { D, "AWS::SNS::Topic", "SNSTopic", 6 },
        { C, "AWS::SNS::Topic", "TopicPlaceholder", 23 },
    };
    static const struct want awsdocs[] = {
        { C, "AWS::AutoScaling::AutoScalingGroup", "AutoScalingGroup", 20 },
        { C, "AWS::AutoScaling::LaunchConfiguration", "LaunchConfig", 30 },
        { D, "AWS::EC2::Instance", "MyEC2Instance", 40 },
    };
    static const struct want replacement[] = {
        { C, "AWS::EC2::Instance", "MyEC2Instance", 20 },
        { D, "AWS::EC2::Instance", "MyEC2Instance", 20 },
    };
    struct fixture *f = *state;

    load(f, "changeset/localstack-describe-change-set-prop-values-add-remove.json");
    CHECK_OPS(&f->cs, localstack);
    assert_json(f->cs.ops[0].previous, "{\"TopicName\":\"topic-name-1\"}");
    assert_null(f->cs.ops[0].properties);
    /* An Add's Replacement "True" means nothing: it is new. */
    assert_json(f->cs.ops[1].properties, "{\"TopicName\":\"topic-name-2\"}");
    /* Without --include-property-values there are no properties. */
    load(f, "changeset/awsdocs-describe-change-set-add-remove.json");
    CHECK_OPS(&f->cs, awsdocs);
    assert_null(f->cs.ops[0].properties);
    assert_null(f->cs.ops[2].previous);
    assert_string_equal(f->cs.ops[2].physical_id, "i-1abc23d4");
    assert_string_equal(f->cs.ops[2].stack_name, "SampleStack");
    load(f, "changeset/awsdocs-describe-change-set-modify-replacement-true.json");
    CHECK_OPS(&f->cs, replacement);
    assert_null(f->cs.ops[0].physical_id);
    assert_string_equal(f->cs.ops[1].physical_id, "i-7bef86f8");
}

static void test_changeset_sam(void **state)
{
    static const struct want want[] = {
        { C, "AWS::Lambda::Function", "HelloWorldFunction", 10 },
        { C, "AWS::Lambda::Permission", "HelloWorldFunctionApiEventPermissionProd", 36 },
        { C, "AWS::IAM::Role", "HelloWorldFunctionRole", 54 },
        { D, "AWS::SSM::Parameter", "Parameter", 93 },
        { C, "AWS::ApiGateway::RestApi", "ServerlessRestApi", 112 },
        { C, "AWS::ApiGateway::Deployment", "ServerlessRestApiDeployment47fc2d5f9d", 145 },
        { C, "AWS::ApiGateway::Stage", "ServerlessRestApiProdStage", 162 },
    };
    struct fixture *f = *state;

    load(f, "changeset/localstack-describe-change-set-prop-values-sam-transform-add-remove.json");
    CHECK_OPS(&f->cs, want);
    assert_at(f->cs.ops[0].properties, "/Role", "\"" KAA "\"");
    assert_at(f->cs.ops[0].properties, "/Runtime", "\"nodejs18.x\"");
    assert_at(f->cs.ops[1].properties, "/SourceArn", "\"" KAA "\"");
    assert_at(f->cs.ops[3].previous, "/Value", "\"{Substitution}\"");
    assert_string_equal(f->cs.ops[3].physical_id, "topic-name-1");
}

/* BeforeContext and AfterContext as the real API returns them: JSON strings. */
static void test_changeset_string_contexts(void **state)
{
    static const struct want want[] = {
        { C, "AWS::S3::Bucket", "Bucket", 3 },
        { C, "AWS::SQS::Queue", "Queue", 14 },     /* Conditional: a replacement */
        { D, "AWS::SQS::Queue", "Queue", 14 },
        { C, "AWS::DynamoDB::Table", "Table", 31 }, /* ReplaceAndRetain: no DELETE */
        /* Remove with PolicyAction Retain deletes nothing: not invoked */
        { D, "AWS::SNS::Topic", "Topic", 61 },
        { C, "AWS::EC2::VPC", "Vpc", 74 },          /* Import */
        { U, "AWS::CloudFormation::Stack", "Nested", 86 }, /* Dynamic */
        { U, "AWS::SSM::Parameter", "Param", 101 },
    };
    struct fixture *f = *state;

    load(f, "changeset/string-contexts-every-action.json");
    CHECK_OPS(&f->cs, want);
    assert_json(f->cs.ops[0].properties, "{\"BucketName\":\"b\"}");
    assert_json(f->cs.ops[1].properties, "{\"QueueName\":\"q2\"}");
    assert_null(f->cs.ops[1].physical_id);
    assert_json(f->cs.ops[2].previous, "{\"QueueName\":\"q1\"}");
    assert_string_equal(f->cs.ops[2].physical_id,
                        "https://sqs.us-east-1.amazonaws.com/123456789012/q1");
    assert_json(f->cs.ops[3].properties, "{\"TableName\":\"t2\"}");
    assert_json(f->cs.ops[4].previous, "{\"TopicName\":\"old\"}");
    assert_string_equal(f->cs.ops[5].physical_id, "vpc-1");
    assert_json(f->cs.ops[6].previous, "{\"TemplateURL\":\"https://a\"}");
    assert_json(f->cs.ops[7].properties, "{\"Type\":\"String\",\"Value\":\"" KAA "\"}");
    assert_string_equal(f->cs.ops[7].stack_name, "prod-app");
    assert_input(&f->cs.ops[7], "cloudformation-change-set", "/Changes/7/ResourceChange");
}

static void test_changeset_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "action.json",
          "{\"Changes\":[{\"Type\":\"Resource\",\"ResourceChange\":{\"Action\":\"Explode\","
          "\"LogicalResourceId\":\"A\",\"ResourceType\":\"X::Y::Z\"}}]}",
          { ": Changes[0].ResourceChange.Action: unknown action 'Explode'" } },
        { "no-id.json",
          "{\"Changes\":[{\"Type\":\"Resource\",\"ResourceChange\":{\"Action\":\"Add\","
          "\"ResourceType\":\"X::Y::Z\"}}]}",
          { ": Changes[0].ResourceChange.LogicalResourceId: missing" } },
        { "no-type.json",
          "{\"Changes\":[{\"Type\":\"Resource\",\"ResourceChange\":{\"Action\":\"Add\","
          "\"LogicalResourceId\":\"A\",\"ResourceType\":5}}]}",
          { ": Changes[0].ResourceChange.ResourceType: missing" } },
        { "no-rc.json", "{\"Changes\":[{\"Type\":\"Resource\"}]}",
          { ": Changes[0].ResourceChange: missing or not an object" } },
        { "item.json", "{\"Changes\":[\"Add\"]}", { ": Changes[0]: must be an object" } },
        { "context.json",
          "{\"Changes\":[{\"ResourceChange\":{\"Action\":\"Add\",\"LogicalResourceId\":\"A\","
          "\"ResourceType\":\"X::Y::Z\",\"AfterContext\":\"{\\\"Properties\\\": {\\n ]}\"}}]}",
          { ": Changes[0].ResourceChange.AfterContext:2:2: invalid JSON" } },
        { "context-type.json",
          "{\"Changes\":[{\"ResourceChange\":{\"Action\":\"Add\",\"LogicalResourceId\":\"A\","
          "\"ResourceType\":\"X::Y::Z\",\"BeforeContext\":[1]}}]}",
          { ": Changes[0].ResourceChange.BeforeContext: must be an object or the JSON text" } },
        { "props.json",
          "{\"Changes\":[{\"ResourceChange\":{\"Action\":\"Add\",\"LogicalResourceId\":\"A\","
          "\"ResourceType\":\"X::Y::Z\",\"AfterContext\":{\"Properties\":\"x\"}}}]}",
          { ": Changes[0].ResourceChange.AfterContext: Properties must be an object" } },
        { "truncated.json", "{\"Changes\":[{\"ResourceChange\":", { ":1:", "invalid JSON" } },
    };
    struct fixture *f = *state;

    reset(f);
    expect_errors(f, cases, N_ITEMS(cases));
    /* The format given, the document lacking it. */
    f->opts.format = HHI_FORMAT_CFN_CHANGE_SET;
    {
        const char *pieces[] = { ": not a CloudFormation change set: no Changes array", NULL };

        expect_error(f, "t.json", "{\"Resources\":{}}", 0, pieces);
    }
}

/* ------------------------------------------------------ Terraform plans */

static void test_terraform_every_action(void **state)
{
    /* read (a data source) and no-op are not invoked; replace is delete, create. */
    static const struct want want[] = {
        { D, "azuredevops_build_definition", "azuredevops_build_definition.example", 1 },
        { C, "azuredevops_build_definition", "azuredevops_build_definition.example2", 1 },
        { U, "azuredevops_project", "azuredevops_project.example", 1 },
        { C, "azuredevops_project", "azuredevops_project.example2", 1 },
        { D, "azuredevops_variable_group", "azuredevops_variable_group.example", 1 },
        { C, "azuredevops_variable_group", "azuredevops_variable_group.example", 1 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;

    load(f, "terraform/tfplan2md-azuredevops-update-delete-replace.json");
    CHECK_OPS(&f->cs, want);
    op = &f->cs.ops[0];
    assert_input(op, "terraform-plan", "/resource_changes/1");
    assert_null(op->properties);
    assert_at(op->previous, "/name", "\"example-pipeline\"");
    assert_string_equal(op->physical_id, "6");
    /* before_sensitive marks the whole variable list: its strings, not the
     * booleans (their text would blank every "true" in every message). */
    assert_json(op->sensitive,
                "[\"BUILD_CONFIGURATION\",\"Release\",\"BUILD_PLATFORM\",\"Any CPU\"]");
    op = &f->cs.ops[1];
    assert_null(op->previous);
    assert_null(op->physical_id);
    assert_at(op->properties, "/id", "\"" KAA "\"");
    assert_at(op->properties, "/revision", "\"" KAA "\"");
    assert_at(op->properties, "/variable_groups", "\"" KAA "\"");
    assert_at(op->properties, "/repository/0/url", "\"" KAA "\"");
    assert_at(op->properties, "/repository/0/repo_type", "\"TfsGit\"");
    /* The plan itself is untouched: the marker is in a copy. */
    assert_at(op->input, "/resource_changes/2/change/after/id", "absent");
    assert_at(op->input, "/resource_changes/2/change/after/repository/0/url", "absent");
    op = &f->cs.ops[2];
    assert_non_null(op->previous);
    assert_non_null(op->properties);
    /* The replacement: both operations share the change. */
    assert_string_equal(f->cs.ops[4].input_pointer, f->cs.ops[5].input_pointer);
    assert_null(f->cs.ops[4].properties);
    assert_null(f->cs.ops[5].previous);
}

static void test_terraform_module_replace(void **state)
{
    static const struct want want[] = {
        { D, "random_pet", "module.hello.random_pet.server", 685 },
        { C, "random_pet", "module.hello.random_pet.server", 685 },
    };
    struct fixture *f = *state;

    load(f, "terraform/learn-terraform-plan-replace-aws-instance.json");
    CHECK_OPS(&f->cs, want);
    assert_string_equal(f->cs.ops[0].physical_id, "cool-doe");
    assert_at(f->cs.ops[1].properties, "/id", "\"" KAA "\"");
    assert_input(&f->cs.ops[1], "terraform-plan", "/resource_changes/3");
}

static void test_terraform_aws_samples(void **state)
{
    static const struct want want[] = {
        { D, "aws_cloudwatch_event_rule",
          "aws_cloudwatch_event_rule.Metricos_custom_alert_schedule_frequent[0]", 1 },
        { D, "aws_cloudwatch_event_target",
          "aws_cloudwatch_event_target.Metricos_custom_alert_event_target_frequent[0]", 1 },
        { U, "aws_cloudwatch_event_target", "aws_cloudwatch_event_target.metric_event_target", 1 },
        { C, "aws_lambda_function", "aws_lambda_function.lambda", 1 },
        { C, "aws_lambda_permission",
          "aws_lambda_permission.allow_metric_event_bridge_to_call_monitor_metric_lambda", 1 },
        { C, "aws_security_group", "aws_security_group.lambda_sg", 1 },
        { C, "aws_security_group_rule", "aws_security_group_rule.task_sg_egress_rule", 1 },
        { C, "aws_ssm_parameter", "aws_ssm_parameter.lambda_sg_id", 1 },
    };
    struct fixture *f = *state;
    size_t i, buckets = 0;

    load(f, "terraform/terraform-compliance-aws-issue522-update-delete-create.json");
    CHECK_OPS(&f->cs, want);
    load(f, "terraform/checkov-terragoat-aws-create-s3-sg-rds.json");
    assert_int_equal(f->cs.count, 55);
    for (i = 0; i < f->cs.count; i++) {
        assert_int_equal(f->cs.ops[i].action, C);
        assert_true(f->cs.ops[i].line > 1);
        buckets += strcmp(f->cs.ops[i].target_type, "aws_s3_bucket") == 0;
    }
    assert_int_equal(buckets, 6);
    assert_string_equal(f->cs.ops[0].logical_id, "aws_db_instance.default");
    assert_at(f->cs.ops[0].properties, "/id", "\"" KAA "\"");
}

static void test_terraform_replace_unknown_sensitive(void **state)
{
    static const struct want want[] = {
        { D, "aws_db_instance", "aws_db_instance.main", 5 },
        { C, "aws_db_instance", "aws_db_instance.main", 5 },
        { C, "aws_s3_bucket", "aws_s3_bucket.logs", 20 },     /* create_before_destroy */
        { D, "aws_s3_bucket", "aws_s3_bucket.logs", 20 },
        { U, "aws_security_group", "module.net.aws_security_group.web", 34 },
        { D, "aws_instance", "module.old.aws_instance.legacy", 49 },
        /* read, no-op and forget: not invoked */
        { C, "aws_ssm_parameter", "aws_ssm_parameter.secret", 85 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;

    load(f, "terraform/replace-unknown-sensitive.json");
    CHECK_OPS(&f->cs, want);
    op = &f->cs.ops[0];
    assert_string_equal(op->physical_id, "db-1");
    assert_json(op->previous, "{\"id\":\"db-1\",\"password\":\"hunter2\",\"port\":5432,"
                              "\"tags\":{\"Name\":\"main\"}}");
    /* Sensitive values reach hooks as they are, and are listed never to print. */
    assert_json(op->sensitive, "[\"hunter2\",\"s3cr3t\"]");
    op = &f->cs.ops[1];
    assert_json(op->properties, "{\"password\":\"s3cr3t\",\"port\":5432,\"tags\":{\"Name\":\"main\"},"
                                "\"storage_encrypted\":true,\"id\":\"" KAA "\",\"endpoint\":\"" KAA "\"}");
    assert_ptr_equal(op->sensitive, f->cs.ops[0].sensitive);
    op = &f->cs.ops[2];
    assert_at(op->properties, "/versioning/0/enabled", "true");
    assert_at(op->properties, "/versioning/0/mfa_delete", "\"" KAA "\"");
    assert_at(op->properties, "/grant/0/id", "\"" KAA "\"");
    assert_at(op->properties, "/grant/0/type", "\"Group\"");
    assert_at(op->properties, "/arn", "\"" KAA "\"");
    assert_null(op->sensitive);
    assert_string_equal(f->cs.ops[3].physical_id, "old-bucket");
    op = &f->cs.ops[4];
    assert_at(op->properties, "/ingress/0/cidr_blocks", "[\"0.0.0.0/0\"]");
    assert_json(op->sensitive, "[\"ssh from anywhere\"]");
    assert_string_equal(op->physical_id, "sg-1");
    assert_input(&f->cs.ops[5], "terraform-plan", "/resource_changes/3");
    op = &f->cs.ops[6];
    /* Booleans and numbers of fewer than three characters are not listed. */
    assert_json(op->sensitive, "[\"topsecret\",\"x\",\"y\"]");
    assert_at(op->properties, "/value", "\"topsecret\"");
    assert_input(op, "terraform-plan", "/resource_changes/7");
}

static void test_terraform_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "actions.json",
          "{\"resource_changes\":[{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"explode\"]}}]}",
          { ": resource_changes[0].change.actions: unknown actions [explode]" } },
        { "three.json",
          "{\"resource_changes\":[{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":"
          "[\"delete\",\"create\",\"delete\"]}}]}",
          { ": resource_changes[0].change.actions: missing or not an array of 1 or 2" } },
        { "comma.json",
          "{\"resource_changes\":[{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":"
          "[\"delete,create\"]}}]}",
          { ": resource_changes[0].change.actions: not an array of action names" } },
        { "address.json",
          "{\"resource_changes\":[{\"type\":\"a\",\"change\":{\"actions\":[\"create\"],\"after\":{}}}]}",
          { ": resource_changes[0].address: missing" } },
        { "type.json",
          "{\"resource_changes\":[{},{\"address\":\"a.b\",\"change\":{\"actions\":[\"create\"]}}]}",
          { ": resource_changes[0].change: missing or not an object" } },
        { "type2.json",
          "{\"resource_changes\":[{\"address\":\"a.b\",\"change\":{\"actions\":[\"create\"]}}]}",
          { ": resource_changes[0].type: missing" } },
        { "after.json",
          "{\"resource_changes\":[{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":"
          "[\"create\"],\"after\":[1]}}]}",
          { ": resource_changes[0].change.after: must be an object or null" } },
        { "list.json", "{\"format_version\":\"1.2\",\"resource_changes\":{}}",
          { ": resource_changes must be an array" } },
        { "item.json", "{\"resource_changes\":[7]}", { ": resource_changes[0]: must be an object" } },
    };
    struct fixture *f = *state;

    reset(f);
    expect_errors(f, cases, N_ITEMS(cases));
    /* A plan without changes: nothing to judge. */
    read_ok(f, put(f, "empty.json", "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\"}", 0));
    assert_int_equal(f->cs.count, 0);
}

/* ------------------------------------------------------ Pulumi previews */

static void test_pulumi_samples(void **state)
{
    static const struct want drift[] = {
        { C, "command:local:Command", "urn:pulumi:test-a692d456::small-scale-10::command:local:Command::cmd-3", 40 },
        { C, "random:index/randomString:RandomString",
          "urn:pulumi:test-a692d456::small-scale-10::random:index/randomString:RandomString::random-str-0", 91 },
        { D, "random:index/randomString:RandomString",
          "urn:pulumi:test-a692d456::small-scale-10::random:index/randomString:RandomString::random-str-0", 91 },
        { U, "command:local:Command", "urn:pulumi:test-a692d456::small-scale-10::command:local:Command::cmd-0", 236 },
        { C, "tls:index/privateKey:PrivateKey",
          "urn:pulumi:test-a692d456::small-scale-10::tls:index/privateKey:PrivateKey::tls-key-0", 362 },
        { D, "tls:index/privateKey:PrivateKey",
          "urn:pulumi:test-a692d456::small-scale-10::tls:index/privateKey:PrivateKey::tls-key-0", 362 },
        { D, "random:index/randomString:RandomString",
          "urn:pulumi:test-a692d456::small-scale-10::random:index/randomString:RandomString::random-str-extra-0", 518 },
    };
    static const struct want update[] = {
        { U, "aws:lambda/function:Function",
          "urn:pulumi:dev::sample::aws:s3/bucket:Bucket$aws:s3:BucketEventSubscription$aws:lambda/function:Function::docsHandler",
          569 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;
    size_t i;

    load(f, "pulumi/drift-adopter-create-update-replace-delete.json");
    CHECK_OPS(&f->cs, drift);
    op = &f->cs.ops[1];
    assert_json(op->properties, "{\"length\":16,\"special\":false}");
    assert_null(op->previous);
    assert_at(op->outputs, "/length", "16");
    assert_null(op->previous_outputs);
    assert_null(op->physical_id);
    assert_string_equal(op->stack_name, "test-a692d456");
    assert_input(op, "pulumi-preview", "/steps/2");
    op = &f->cs.ops[2];
    assert_null(op->properties);
    assert_json(op->previous, "{\"length\":32,\"special\":true}");
    assert_null(op->outputs);
    assert_at(op->previous_outputs, "/length", "32");
    assert_string_equal(op->physical_id, "NmO$?6)J-wwX2DM1Os&ZKN!173xdU4EZ");
    /* "[secret]" is already masked: nothing to hide. */
    assert_null(f->cs.ops[5].sensitive);
    assert_at(f->cs.ops[5].previous_outputs, "/privateKeyPem", "\"[secret]\"");

    load(f, "pulumi/stratify-sample-preview-update.json");
    CHECK_OPS(&f->cs, update);
    op = &f->cs.ops[0];
    assert_string_equal(op->physical_id, "docsHandler-c29f9fc");
    assert_string_equal(op->stack_name, "dev");
    assert_at(op->previous, "/runtime", "\"nodejs20.x\"");
    assert_at(op->outputs, "/arn", "absent");
    assert_non_null(op->previous_outputs);
    /* Asset and archive signatures are no secrets. */
    assert_null(op->sensitive);

    load(f, "pulumi/stratify-sample-preview-creates.json");
    assert_int_equal(f->cs.count, 16);
    for (i = 0; i < 16; i++)
        assert_int_equal(f->cs.ops[i].action, C);
    assert_string_equal(f->cs.ops[0].target_type, "pulumi:pulumi:Stack");
    assert_string_equal(f->cs.ops[1].target_type, "aws:s3/bucket:Bucket");
    assert_string_equal(f->cs.ops[2].target_type, "aws:s3:BucketEventSubscription");
    load(f, "pulumi/stratify-sample-preview-deletes.json");
    assert_int_equal(f->cs.count, 14);
    for (i = 0; i < 14; i++) {
        assert_int_equal(f->cs.ops[i].action, D);
        assert_null(f->cs.ops[i].properties);
    }
    load(f, "pulumi/drift-adopter-aws-update-replace-sg-s3.json");
    assert_int_equal(f->cs.count, 5);
    assert_int_equal(f->cs.ops[2].action, C);
    assert_int_equal(f->cs.ops[3].action, D);
    assert_string_equal(f->cs.ops[3].target_type, "aws:ec2/securityGroup:SecurityGroup");
    assert_int_equal(f->cs.ops[3].line, 447);
}

static void test_pulumi_replacement_steps_secrets(void **state)
{
    static const struct want want[] = {
        /* create-replacement, replace and delete-replaced of one URN: one pair */
        { C, "aws:s3/bucket:Bucket", "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::assets", 9 },
        { D, "aws:s3/bucket:Bucket", "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::assets", 22 },
        /* replace alone: create, then delete */
        { C, "aws:ec2/securityGroup:SecurityGroup",
          "urn:pulumi:prod::shop::aws:ec2/securityGroup:SecurityGroup::web", 27 },
        { D, "aws:ec2/securityGroup:SecurityGroup",
          "urn:pulumi:prod::shop::aws:ec2/securityGroup:SecurityGroup::web", 27 },
        { C, "aws:rds/instance:Instance", "urn:pulumi:prod::shop::aws:rds/instance:Instance::db", 34 },
        { U, "aws:ssm/parameter:Parameter", "urn:pulumi:prod::shop::aws:ssm/parameter:Parameter::key", 43 },
        /* read and refresh: not invoked; a type only the URN names */
        { D, "aws:s3/bucketObject:BucketObject",
          "urn:pulumi:prod::shop::my:site:Site$aws:s3/bucketObject:BucketObject::index.html", 59 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;

    load(f, "pulumi/replacement-steps-secrets.json");
    CHECK_OPS(&f->cs, want);
    assert_input(&f->cs.ops[0], "pulumi-preview", "/steps/1");
    assert_input(&f->cs.ops[1], "pulumi-preview", "/steps/3");
    assert_json(f->cs.ops[1].previous_outputs, "{\"arn\":\"arn:aws:s3:::assets-1\"}");
    assert_string_equal(f->cs.ops[1].physical_id, "assets-1");
    assert_null(f->cs.ops[2].physical_id);
    assert_string_equal(f->cs.ops[3].physical_id, "sg-1");
    op = &f->cs.ops[4];
    assert_json(op->sensitive, "[\"hunter2\"]");
    /* The secret reaches hooks as Pulumi wrote it. */
    assert_at(op->properties, "/password/value", "\"hunter2\"");
    op = &f->cs.ops[5];
    assert_json(op->sensitive, "[\"app\",\"1234\",\"old-pass\"]");
    assert_string_equal(op->physical_id, "/app/key");
    assert_string_equal(f->cs.ops[6].stack_name, "prod");
    assert_null(f->cs.ops[6].properties);
}

static void test_pulumi_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "op.json", "{\"steps\":[{\"op\":\"explode\",\"urn\":\"urn:pulumi:s::p::a:b:C::n\"}]}",
          { ": steps[0].op: unknown op 'explode'" } },
        { "no-op.json", "{\"steps\":[{\"urn\":\"urn:pulumi:s::p::a:b:C::n\"}]}",
          { ": steps[0].op: missing" } },
        { "no-urn.json", "{\"steps\":[{\"op\":\"create\"}]}", { ": steps[0].urn: missing" } },
        { "no-type.json", "{\"steps\":[{\"op\":\"create\",\"urn\":\"n\"}]}",
          { ": steps[0].urn: no type" } },
        { "state.json", "{\"steps\":[{\"op\":\"create\",\"urn\":\"urn:pulumi:s::p::a:b:C::n\","
                        "\"newState\":[]}]}", { ": steps[0].newState: must be an object" } },
        { "inputs.json", "{\"steps\":[{\"op\":\"create\",\"urn\":\"urn:pulumi:s::p::a:b:C::n\","
                         "\"newState\":{\"inputs\":\"x\"}}]}",
          { ": steps[0].newState.inputs: must be an object" } },
        { "steps.json", "{\"steps\":{},\"changeSummary\":{}}", { ": steps must be an array" } },
        { "item.json", "{\"steps\":[1]}", { ": steps[0]: must be an object" } },
    };
    struct fixture *f = *state;

    reset(f);
    expect_errors(f, cases, N_ITEMS(cases));
    /* A preview with nothing to do. */
    read_ok(f, put(f, "none.json", "{\"changeSummary\":{\"same\":3}}", 0));
    assert_int_equal(f->cs.count, 0);
}

/* ------------------------------------------------------ hook test inputs */

static void test_hook_inputs(void **state)
{
    static const struct {
        const char *file;
        int32_t action;
    } files[] = {
        { "s3-bucket-logging_inputs_1_pre_create.json", C },
        { "s3-bucket-logging_inputs_1_pre_update.json", U },
        { "s3-bucket-logging_inputs_1_invalid.json", C },
        { "s3-bucket-logging_inputs_1_invalid_pre_update.json", U },
        { "rds-encryption-verify_inputs_1_pre_create.json", C },
        { "rds-encryption-verify_inputs_1_invalid.json", C },
        { "own-inputs_2_pre_delete.json", D },
    };
    static const struct want ingress[] = {
        { C, "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroup", 2 },
        { C, "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress", 12 },
    };
    struct fixture *f = *state;
    const struct hhi_operation *op;
    char rel[256];
    size_t i;

    for (i = 0; i < N_ITEMS(files); i++) {
        snprintf(rel, sizeof(rel), "hook-input/%s", files[i].file);
        load(f, rel);
        assert_int_equal(f->cs.count, 1);
        assert_int_equal(f->cs.ops[0].action, files[i].action);
        assert_int_equal(f->cs.ops[0].line, 2);
        assert_string_equal(f->cs.ops[0].logical_id, f->cs.ops[0].target_type);
    }
    load(f, "hook-input/s3-bucket-logging_inputs_1_invalid_pre_update.json");
    op = &f->cs.ops[0];
    assert_string_equal(op->target_type, "AWS::S3::Bucket");
    assert_at(op->properties, "/LoggingConfiguration/DestinationBucketName", "\"foo\"");
    assert_at(op->previous, "/LoggingConfiguration/DestinationBucketName",
              "\"loggingbucket-${AWS::AccountId}-${AWS::Region}-sample\"");
    assert_input(op, "cloudformation-hook-input", "/AWS::S3::Bucket");
    load(f, "hook-input/own-inputs_2_pre_delete.json");
    assert_null(f->cs.ops[0].properties);
    assert_json(f->cs.ops[0].previous, "{\"DBInstanceIdentifier\":\"prod-db\",\"DeletionProtection\":false}");
    load(f, "hook-input/security-group-open-ingress_inputs_1_invalid.json");
    CHECK_OPS(&f->cs, ingress);
    assert_at(f->cs.ops[1].properties, "/CidrIp", "\"0.0.0.0/0\"");
    /* --action overrides the file name. */
    reset(f);
    f->opts.action = U;
    read_ok(f, sample("hook-input/s3-bucket-logging_inputs_1_pre_create.json"));
    assert_int_equal(f->cs.ops[0].action, U);
    assert_null(f->cs.ops[0].previous);
    assert_int_equal(hhi_hook_input_action("dir/inputs_3_pre_delete.json"), D);
    assert_int_equal(hhi_hook_input_action("pre_update/inputs_3.json"), C);
}

static void test_hook_input_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "inputs_1_pre_create.json", "{\"AWS::S3::Bucket\":{\"resourceProperties\":[]}}",
          { ": AWS::S3::Bucket: resourceProperties must be an object" } },
        { "inputs_2_pre_create.json", "{\"AWS::S3::Bucket\":7}", { ": AWS::S3::Bucket: must be an object" } },
    };
    struct fixture *f = *state;
    const char *pieces[] = { ": a target type is empty", NULL };

    reset(f);
    f->opts.format = HHI_FORMAT_CFN_HOOK_INPUT;
    expect_errors(f, cases, N_ITEMS(cases));
    expect_error(f, "inputs_3.json", "{\"\":{\"resourceProperties\":{}}}", 0, pieces);
}

/* ------------------------------------------------------ detection */

static void test_detection(void **state)
{
    static const struct {
        const char *file;
        enum hhi_input_format format;
    } files[] = {
        { "template/RDS_MySQL_With_Read_Replica.json", HHI_FORMAT_CFN_TEMPLATE },
        { "template/every-tag.yaml", HHI_FORMAT_CFN_TEMPLATE },
        { "changeset/awsdocs-describe-change-set-add-remove.json", HHI_FORMAT_CFN_CHANGE_SET },
        { "terraform/checkov-terragoat-aws-create-s3-sg-rds.json", HHI_FORMAT_TERRAFORM_PLAN },
        { "pulumi/stratify-sample-preview-deletes.json", HHI_FORMAT_PULUMI_PREVIEW },
        { "hook-input/rds-encryption-verify_inputs_1_invalid.json", HHI_FORMAT_CFN_HOOK_INPUT },
    };
    struct fixture *f = *state;
    enum hhi_input_format format;
    size_t i;

    for (i = 0; i < N_ITEMS(files); i++) {
        load(f, files[i].file);
        assert_true(f->cs.count > 0);
        assert_int_equal(hhi_input_detect(f->cs.ops[0].input), files[i].format);
        assert_string_equal(f->cs.ops[0].input_format, hhi_input_format_name(files[i].format));
        assert_int_equal(hhi_input_format_from_name(hhi_input_format_name(files[i].format), &format), 0);
        assert_int_equal(format, files[i].format);
    }
    assert_int_equal(hhi_input_format_from_name("cloudformation", &format), -1);
    assert_null(hhi_input_format_name(HHI_FORMAT_AUTO));
}

static void test_detection_errors(void **state)
{
    static const struct bad_case cases[] = {
        { "k8s.json", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
          { ": not a recognised input (CloudFormation template or change set, Terraform plan, "
            "Pulumi preview, CloudFormation hook input); use --input-format" } },
        { "array.json", "[{\"Resources\":{}}]", { ": not a recognised input" } },
        { "string.json", "\"Resources\"", { ": not a recognised input" } },
        { "list.yaml", "- a\n- b\n", { ": not a recognised input" } },
        { "half-hook.json", "{\"AWS::S3::Bucket\":{\"resourceProperties\":{}},\"x\":1}",
          { ": not a recognised input" } },
    };
    struct fixture *f = *state;
    const char *forced[] = { ": not a CloudFormation template: no Resources member", NULL };
    const char *action[] = { ": --action is for CloudFormation hook inputs, not a terraform-plan", NULL };
    const char *pieces[] = { "empty file", NULL };

    reset(f);
    expect_errors(f, cases, N_ITEMS(cases));
    /* --input-format wins over the content. */
    f->opts.format = HHI_FORMAT_CFN_TEMPLATE;
    expect_error(f, "plan.json", "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\"}", 0,
                 forced);
    hhi_input_options_init(&f->opts);
    f->opts.action = D;
    expect_error(f, "plan2.json", "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\"}", 0,
                 action);
    hhi_input_options_init(&f->opts);
    expect_error(f, "empty.yaml", "", 0, pieces);
}

/* Several files, several formats: one change set, in file order. */
static void test_multi_file(void **state)
{
    static const char *const files[] = {
        "template/every-tag.yaml",
        "terraform/learn-terraform-plan-replace-aws-instance.json",
        "pulumi/stratify-sample-preview-update.json",
        "changeset/localstack-describe-change-set-prop-values-add-remove.json",
        "hook-input/s3-bucket-logging_inputs_1_pre_update.json",
    };
    static const char *const formats[] = {
        "cloudformation-template", "cloudformation-template", "cloudformation-template",
        "cloudformation-template", "cloudformation-template", "cloudformation-template",
        "terraform-plan", "terraform-plan", "pulumi-preview", "cloudformation-change-set",
        "cloudformation-change-set", "cloudformation-hook-input",
    };
    struct fixture *f = *state;
    size_t i;

    reset(f);
    for (i = 0; i < N_ITEMS(files); i++)
        read_ok(f, sample(files[i]));
    assert_int_equal(f->cs.count, N_ITEMS(formats));
    for (i = 0; i < f->cs.count; i++)
        assert_string_equal(f->cs.ops[i].input_format, formats[i]);
    assert_int_equal(f->cs.doc_count >= N_ITEMS(files), 1);
    assert_ptr_not_equal(f->cs.ops[0].source, f->cs.ops[11].source);
    assert_null(f->cs.ops[0].stack_name);
    assert_string_equal(f->cs.ops[9].stack_name, "<stack-name:1>");
    assert_string_equal(f->cs.ops[8].stack_name, "dev");
    /* The template reader of change_set.h reads YAML too. */
    assert_int_equal(hhi_cfn_template_read(&f->cs, sample("template/diff-old.yaml"), &f->err),
                     HHI_OK);
    assert_int_equal(f->cs.count, N_ITEMS(formats) + 5);
}

/* The line map of JSON text: members of the root, and their members or items. */
static void test_json_lines(void **state)
{
    struct hhi_line_map m;
    struct hhi_error err = { HHI_OK, "" };
    const char *text = "{\n \"a\\u0062\": {\n  \"x\": 1,\n  \"y\\\"\": [2, {\"q\": \"}\"}]\n },\n"
                       " \"list\": [\n  1,\n  {\"k\": [3]}, \"s\",\n  [4]\n ],\n \"n\": 5\n}\n";

    (void)state;
    hhi_line_map_init(&m);
    assert_int_equal(hhi_json_lines(text, strlen(text), &m, &err), HHI_OK);
    assert_int_equal(hhi_line_map_member(&m, NULL, "ab"), 2);
    assert_int_equal(hhi_line_map_member(&m, NULL, "list"), 6);
    assert_int_equal(hhi_line_map_member(&m, NULL, "n"), 11);
    assert_int_equal(hhi_line_map_member(&m, "ab", "x"), 3);
    assert_int_equal(hhi_line_map_member(&m, "ab", "y\""), 4);
    assert_int_equal(hhi_line_map_member(&m, "ab", "q"), 0);
    assert_int_equal(hhi_line_map_index(&m, "list", 0), 7);
    assert_int_equal(hhi_line_map_index(&m, "list", 1), 8);
    assert_int_equal(hhi_line_map_index(&m, "list", 2), 8);
    assert_int_equal(hhi_line_map_index(&m, "list", 3), 9);
    assert_int_equal(hhi_line_map_index(&m, "list", 4), 0);
    assert_int_equal(hhi_line_map_index(&m, "n", 0), 0);
    assert_int_equal(hhi_line_map_member(NULL, NULL, "ab"), 0);
    hhi_line_map_release(&m);
}

/* ------------------------------------------------------ end to end */

static json_object *run_json(const char *const args[], int exit_code)
{
    struct hh_run run;
    json_object *report;

    assert_int_equal(hh_run_hookhost(&run, args, NULL), 0);
    if (run.exit_code != exit_code)
        fail_msg("exit %d (expected %d), stderr: %s", run.exit_code, exit_code, run.err);
    report = json_tokener_parse(run.out);
    if (report == NULL)
        fail_msg("not JSON: %.300s", run.out);
    hh_run_free(&run);
    return report;
}

static void assert_result(json_object *report, size_t i, const char *logical_id,
                          const char *type, const char *action, const char *status)
{
    char pointer[64];

    snprintf(pointer, sizeof(pointer), "/results/%zu/logicalId", i);
    assert_str(json_object_get_string(hhi_json_pointer_get(report, pointer)), logical_id);
    snprintf(pointer, sizeof(pointer), "/results/%zu/targetType", i);
    assert_str(json_object_get_string(hhi_json_pointer_get(report, pointer)), type);
    snprintf(pointer, sizeof(pointer), "/results/%zu/action", i);
    assert_str(json_object_get_string(hhi_json_pointer_get(report, pointer)), action);
    snprintf(pointer, sizeof(pointer), "/results/%zu/status", i);
    assert_str(json_object_get_string(hhi_json_pointer_get(report, pointer)), status);
}

static void test_e2e_yaml_template(void **state)
{
    struct fixture *f = *state;
    const char *yaml =
        "Resources:\n"
        "  Open:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !Sub '${AWS::StackName}-open'\n"
        "  Closed:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      PublicAccessBlockConfiguration:\n"
        "        BlockPublicAcls: yes\n"
        "        BlockPublicPolicy: true\n"
        "        IgnorePublicAcls: on\n"
        "        RestrictPublicBuckets: True\n";
    char path[PATH_MAX];
    const char *args[] = { "eval", "-d", NULL, "-p", NULL, "-f", "json", path, NULL };
    json_object *report;

    snprintf(path, sizeof(path), "%s", put(f, "t.yaml", yaml, 0));
    args[2] = hh_test_path("HOOKHOST_TEST_TOP_SRCDIR", "examples/hooks.d");
    args[4] = hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
    report = run_json(args, 1);
    assert_at(report, "/verdict", "\"FAIL\"");
    assert_int_equal(json_object_array_length(hhi_json_pointer_get(report, "/results")), 2);
    assert_result(report, 0, "Open", "AWS::S3::Bucket", "CREATE", "FAILED");
    assert_result(report, 1, "Closed", "AWS::S3::Bucket", "CREATE", "SUCCESS");
    json_object_put(report);
}

static void write_noop_hooks(struct fixture *f, char *dir, size_t cap)
{
    char path[PATH_MAX + 16];
    FILE *out;
    int n = snprintf(dir, cap, "%s/hooks.d", f->dir);

    assert_true(n > 0 && (size_t)n < cap);
    assert_int_equal(mkdir(dir, 0700), 0);
    n = snprintf(path, sizeof(path), "%s/noop.json", dir);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    out = fopen(path, "w");
    assert_non_null(out);
    fputs("{\"plugin\":\"noop.so\",\"CloudFormationConfiguration\":{\"HookConfiguration\":"
          "{\"HookInvocationStatus\":\"ENABLED\",\"TargetStacks\":\"ALL\",\"FailureMode\":\"FAIL\","
          "\"Properties\":{}}}}\n", out);
    assert_int_equal(fclose(out), 0);
}

static void test_e2e_terraform_plan(void **state)
{
    struct fixture *f = *state;
    char hooks[PATH_MAX];
    const char *args[] = { "eval", "-d", hooks, "-p", NULL, "-f", "json", NULL, NULL };
    const char *err_args[] = { "eval", "-d", hooks, "-p", NULL, NULL, NULL };
    struct hh_run run;
    json_object *report;

    write_noop_hooks(f, hooks, sizeof(hooks));
    args[4] = hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
    args[7] = sample("terraform/replace-unknown-sensitive.json");
    report = run_json(args, 0);
    assert_at(report, "/verdict", "\"PASS\"");
    assert_int_equal(json_object_array_length(hhi_json_pointer_get(report, "/results")), 7);
    assert_result(report, 0, "aws_db_instance.main", "aws_db_instance", "DELETE", "SUCCESS");
    assert_result(report, 1, "aws_db_instance.main", "aws_db_instance", "CREATE", "SUCCESS");
    assert_result(report, 4, "module.net.aws_security_group.web", "aws_security_group", "UPDATE",
                  "SUCCESS");
    json_object_put(report);
    /* A document of no known format: exit 2, one line naming it. */
    err_args[4] = args[4];
    err_args[5] = put(f, "k8s.json", "{\"kind\":\"AdmissionReview\"}", 0);
    assert_int_equal(hh_run_hookhost(&run, err_args, NULL), 0);
    assert_int_equal(run.exit_code, 2);
    assert_int_equal(run.out_len, 0);
    assert_non_null(strstr(run.err, "k8s.json: not a recognised input"));
    assert_non_null(strstr(run.err, "use --input-format"));
    hh_run_free(&run);
}

/* The command line's input options: their errors and their effect. */
static void test_e2e_cli_options(void **state)
{
    static const struct {
        const char *args[8];
        const char *message;
    } errors[] = {
        { { "eval", "--input-format", "cfn", "x.json", NULL }, "unknown input format 'cfn'" },
        { { "eval", "--action", "maybe", "x.json", NULL }, "unknown action 'maybe'" },
        { { "eval", "--previous", "a.yaml", "b.yaml", "c.yaml", NULL },
          "--previous compares one template FILE with it, not 2 files" },
        { { "eval", "--previous", NULL }, "--previous needs a value" },
    };
    struct fixture *f = *state;
    char hooks[PATH_MAX];
    const char *args[] = { "eval", "-d", hooks, "-p", NULL, "-f", "json", NULL, NULL, NULL, NULL };
    json_object *report;
    struct hh_run run;
    size_t i;

    for (i = 0; i < N_ITEMS(errors); i++) {
        assert_int_equal(hh_run_hookhost(&run, errors[i].args, NULL), 0);
        assert_int_equal(run.exit_code, 2);
        if (strstr(run.err, errors[i].message) == NULL)
            fail_msg("stderr \"%s\" lacks \"%s\"", run.err, errors[i].message);
        hh_run_free(&run);
    }
    write_noop_hooks(f, hooks, sizeof(hooks));
    args[4] = hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
    args[7] = "--previous";
    args[8] = sample("template/diff-old.yaml");
    args[9] = sample("template/diff-new.json");
    report = run_json(args, 0);
    assert_int_equal(json_object_array_length(hhi_json_pointer_get(report, "/results")), 4);
    assert_result(report, 0, "Change", "AWS::SQS::Queue", "UPDATE", "SUCCESS");
    assert_result(report, 3, "Gone", "AWS::S3::Bucket", "DELETE", "SUCCESS");
    json_object_put(report);
    args[7] = "--action";
    args[8] = "delete";
    args[9] = sample("hook-input/s3-bucket-logging_inputs_1_pre_create.json");
    report = run_json(args, 0);
    assert_result(report, 0, "AWS::S3::Bucket", "AWS::S3::Bucket", "DELETE", "SUCCESS");
    json_object_put(report);
    args[7] = "--input-format";
    args[8] = "cloudformation-change-set";
    args[9] = sample("template/diff-new.json");
    assert_int_equal(hh_run_hookhost(&run, args, NULL), 0);
    assert_int_equal(run.exit_code, 2);
    assert_non_null(strstr(run.err, "diff-new.json: not a CloudFormation change set"));
    hh_run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_template_json_sample, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_yaml_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml_scalar_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml_json_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml_limits_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_diff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_diff_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changeset_modify_replacement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changeset_add_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changeset_sam, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changeset_string_contexts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changeset_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terraform_every_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terraform_module_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terraform_aws_samples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terraform_replace_unknown_sensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terraform_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pulumi_samples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pulumi_replacement_steps_secrets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pulumi_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hook_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hook_input_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detection_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_file, setup, teardown),
        cmocka_unit_test(test_json_lines),
        cmocka_unit_test_setup_teardown(test_e2e_yaml_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e2e_terraform_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e2e_cli_options, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
