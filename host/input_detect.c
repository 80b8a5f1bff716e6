#include "config.h"

/*
 * Reading one input file: parse it (JSON, or YAML for a .yaml/.yml file or
 * text that does not start like JSON), find its format from its content
 * unless one is given, and hand it to that format's adapter.  What gives a
 * format away:
 *
 *   cloudformation-change-set  a Changes array
 *   terraform-plan             resource_changes, or format_version with
 *                              terraform_version (a plan without changes)
 *   pulumi-preview             a steps array, or a changeSummary object
 *   cloudformation-template    Resources, or AWSTemplateFormatVersion
 *   cloudformation-hook-input  every member a type name ("A::B::C") holding
 *                              resourceProperties or previousResourceProperties
 */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hookhost/plugin.h>

#include "input.h"
#include "inputs.h"

static const char *const names[] = {
    [HHI_FORMAT_AUTO] = NULL,
    [HHI_FORMAT_CFN_TEMPLATE] = "cloudformation-template",
    [HHI_FORMAT_CFN_CHANGE_SET] = "cloudformation-change-set",
    [HHI_FORMAT_TERRAFORM_PLAN] = "terraform-plan",
    [HHI_FORMAT_PULUMI_PREVIEW] = "pulumi-preview",
    [HHI_FORMAT_CFN_HOOK_INPUT] = "cloudformation-hook-input",
};

#define FORMAT_COUNT (sizeof(names) / sizeof(names[0]))

void hhi_input_options_init(struct hhi_input_options *o)
{
    o->format = HHI_FORMAT_AUTO;
    o->previous = NULL;
    o->action = HHI_ACTION_FROM_NAME;
}

int hhi_input_format_from_name(const char *name, enum hhi_input_format *out)
{
    size_t i;

    for (i = 1; i < FORMAT_COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum hhi_input_format)i;
            return 0;
        }
    }
    return -1;
}

const char *hhi_input_format_name(enum hhi_input_format format)
{
    return (size_t)format < FORMAT_COUNT ? names[format] : NULL;
}

/* ------------------------------------------------------------- detection */

static bool has(json_object *doc, const char *key, json_type type)
{
    json_object *v = NULL;

    return json_object_object_get_ex(doc, key, &v) && json_object_is_type(v, type);
}

static bool is_hook_input(json_object *doc)
{
    if (json_object_object_length(doc) == 0)
        return false;
    json_object_object_foreach(doc, type, target) {
        if (strstr(type, "::") == NULL || !json_object_is_type(target, json_type_object) ||
            (!json_object_object_get_ex(target, "resourceProperties", NULL) &&
             !json_object_object_get_ex(target, "previousResourceProperties", NULL)))
            return false;
    }
    return true;
}

enum hhi_input_format hhi_input_detect(json_object *doc)
{
    if (!json_object_is_type(doc, json_type_object))
        return HHI_FORMAT_AUTO;
    if (has(doc, "Changes", json_type_array))
        return HHI_FORMAT_CFN_CHANGE_SET;
    if (json_object_object_get_ex(doc, "resource_changes", NULL) ||
        (json_object_object_get_ex(doc, "format_version", NULL) &&
         json_object_object_get_ex(doc, "terraform_version", NULL)))
        return HHI_FORMAT_TERRAFORM_PLAN;
    if (has(doc, "steps", json_type_array) || has(doc, "changeSummary", json_type_object))
        return HHI_FORMAT_PULUMI_PREVIEW;
    if (json_object_object_get_ex(doc, "Resources", NULL) ||
        json_object_object_get_ex(doc, "AWSTemplateFormatVersion", NULL))
        return HHI_FORMAT_CFN_TEMPLATE;
    if (is_hook_input(doc))
        return HHI_FORMAT_CFN_HOOK_INPUT;
    return HHI_FORMAT_AUTO;
}

/* --------------------------------------------------------------- loading */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* YAML: by the file's extension, else by text that does not start like JSON. */
static bool is_yaml(const char *path, const char *text, size_t len)
{
    size_t i = 0;

    if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
        return true;
    if (ends_with(path, ".json"))
        return false;
    while (i < len && strchr(" \t\r\n", text[i]) != NULL)
        i++;
    return i < len && text[i] != '{' && text[i] != '[';
}

/* Parse path into in (the document adopted by cs) and its line map. */
static int load(struct hhi_change_set *cs, const char *path, struct hhi_input_doc *in,
                struct hhi_line_map *lines, struct hhi_error *err)
{
    char *data = NULL;
    const char *text;
    size_t len = 0;
    int rc = hhi_file_read(path, HHI_INPUT_MAX_BYTES, &data, &len, err);

    in->doc = NULL;
    in->lines = lines;
    if (rc != HHI_OK)
        return rc;
    text = data;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {  /* a UTF-8 byte order mark */
        text += 3;
        len -= 3;
    }
    if (is_yaml(path, text, len)) {
        rc = hhi_yaml_parse(path, text, len, &in->doc, lines, err);
    } else {
        rc = hhi_json_parse(path, text, len, &in->doc, err);
        if (rc == HHI_OK)
            rc = hhi_json_lines(text, len, lines, err);
    }
    free(data);
    if (in->doc != NULL && hhi_change_set_adopt_doc(cs, in->doc, err) != HHI_OK)
        return err->code;
    if (rc == HHI_OK && (in->source = hhi_change_set_source(cs, path, err)) == NULL)
        rc = err->code;
    return rc;
}

static int format_of(const struct hhi_input_doc *in, enum hhi_input_format given,
                     enum hhi_input_format *out, struct hhi_error *err)
{
    *out = given != HHI_FORMAT_AUTO ? given : hhi_input_detect(in->doc);
    if (*out != HHI_FORMAT_AUTO)
        return HHI_OK;
    return hhi_error_set(err, HHI_EINPUT,
                         "%s: not a recognised input (CloudFormation template or change set, "
                         "Terraform plan, Pulumi preview, CloudFormation hook input); "
                         "use --input-format",
                         in->source);
}

static int dispatch(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                    enum hhi_input_format format, const struct hhi_input_options *opts,
                    struct hhi_error *err)
{
    if (opts->action != HHI_ACTION_FROM_NAME && format != HHI_FORMAT_CFN_HOOK_INPUT)
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: --action is for CloudFormation hook inputs, not a %s",
                             in->source, hhi_input_format_name(format));
    switch (format) {
    case HHI_FORMAT_CFN_TEMPLATE: return hhi_cfn_template_add_doc(cs, in, err);
    case HHI_FORMAT_CFN_CHANGE_SET: return hhi_changeset_add(cs, in, err);
    case HHI_FORMAT_TERRAFORM_PLAN: return hhi_terraform_add(cs, in, err);
    case HHI_FORMAT_PULUMI_PREVIEW: return hhi_pulumi_add(cs, in, err);
    case HHI_FORMAT_CFN_HOOK_INPUT: return hhi_hook_input_add(cs, in, opts->action, err);
    default: return hhi_error_set(err, HHI_EINTERNAL, "%s: no input format", in->source);
    }
}

/* A template (given or detected), for --previous. */
static int need_template(const struct hhi_input_doc *in, enum hhi_input_format given,
                         struct hhi_error *err)
{
    enum hhi_input_format format;
    int rc = format_of(in, given, &format, err);

    if (rc == HHI_OK && format != HHI_FORMAT_CFN_TEMPLATE)
        rc = hhi_error_set(err, HHI_EINPUT,
                           "%s: --previous compares two CloudFormation templates, not a %s",
                           in->source, hhi_input_format_name(format));
    return rc;
}

static int read_pair(struct hhi_change_set *cs, const char *path,
                     const struct hhi_input_options *opts, struct hhi_error *err)
{
    struct hhi_line_map lines, old_lines;
    struct hhi_input_doc cur, prev;
    int rc;

    hhi_line_map_init(&lines);
    hhi_line_map_init(&old_lines);
    if (opts->action != HHI_ACTION_FROM_NAME)
        rc = hhi_error_set(err, HHI_EINPUT, "%s: --action is for CloudFormation hook inputs, "
                           "not templates compared with --previous", path);
    else
        rc = load(cs, opts->previous, &prev, &old_lines, err);
    if (rc == HHI_OK)
        rc = need_template(&prev, opts->format, err);
    if (rc == HHI_OK)
        rc = load(cs, path, &cur, &lines, err);
    if (rc == HHI_OK)
        rc = need_template(&cur, opts->format, err);
    if (rc == HHI_OK)
        rc = hhi_cfn_diff_add(cs, &cur, &prev, err);
    hhi_line_map_release(&lines);
    hhi_line_map_release(&old_lines);
    return rc;
}

int hhi_input_read(struct hhi_change_set *cs, const char *path,
                   const struct hhi_input_options *opts, struct hhi_error *err)
{
    enum hhi_input_format format = HHI_FORMAT_AUTO;
    struct hhi_line_map lines;
    struct hhi_input_doc in;
    int rc;

    if (opts->previous != NULL)
        return read_pair(cs, path, opts, err);
    hhi_line_map_init(&lines);
    rc = load(cs, path, &in, &lines, err);
    if (rc == HHI_OK)
        rc = format_of(&in, opts->format, &format, err);
    if (rc == HHI_OK)
        rc = dispatch(cs, &in, format, opts, err);
    hhi_line_map_release(&lines);
    return rc;
}
