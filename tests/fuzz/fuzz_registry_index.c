/*
 * A registry index (ROOT/accounts/ACCOUNT/registry.json), as the registry
 * reads it: the JSON text, hhi_registry_check_index, and for an index it
 * accepts, the hook specs hhi_registry_specs makes of it.  Either the index
 * is refused with a one-line "corrupt index" error naming the file, or
 * every spec is one that `hookhost registry` itself could have written: an
 * active activation of a registered type, its default version's file
 * inside the plugin directory with a well-formed SHA-256, a valid name and
 * a priority in range.
 */
#include "config.h"

#include <json-c/json.h>

#include "fuzz.h"
#include "hook_spec.h"
#include "input.h"
#include "loader.h"
#include "registry_internal.h"
#include "sha256.h"

#define ACCOUNT_DIR "/fuzz/accounts/default"
#define INDEX ACCOUNT_DIR "/registry.json"

static bool version_id(const char *v)
{
    size_t i;

    for (i = 0; i < HHI_VERSION_ID_LEN; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
    }
    return v[HHI_VERSION_ID_LEN] == '\0';
}

static void check_spec(json_object *index, const struct hhi_hook_spec *s)
{
    json_object *a = NULL, *t = NULL, *v = NULL, *type;

    FUZZ_CHECK(s->name != NULL && hhi_type_name_valid(s->name));
    FUZZ_CHECK(json_object_object_get_ex(json_object_object_get(index, "activations"), s->name,
                                         &a));
    FUZZ_CHECK(json_object_get_boolean(json_object_object_get(a, "active")));
    type = json_object_object_get(a, "type");
    FUZZ_CHECK(json_object_object_get_ex(json_object_object_get(index, "types"),
                                         json_object_get_string(type), &t));
    FUZZ_CHECK(s->version != NULL && version_id(s->version));
    FUZZ_CHECK(strcmp(json_object_get_string(json_object_object_get(t, "defaultVersion")),
                      s->version) == 0);
    FUZZ_CHECK(json_object_object_get_ex(json_object_object_get(t, "versions"), s->version, &v));
    FUZZ_CHECK(s->plugin_file != NULL && s->plugin_file[0] != '/' && s->plugin_file[0] != '\0');
    FUZZ_CHECK(strstr(s->plugin_file, "..") == NULL);
    FUZZ_CHECK(s->sha256 != NULL && hhi_sha256_hex_valid(s->sha256));
    FUZZ_CHECK(s->priority >= HHI_PRIORITY_MIN && s->priority <= HHI_PRIORITY_MAX);
    FUZZ_CHECK(s->configuration == NULL ||
               json_object_is_type(s->configuration, json_type_object));
}

static void check_specs(struct hhi_registry *reg)
{
    struct hhi_error err = { 0, "" };
    struct hhi_hook_specs specs;
    size_t i;
    int rc;

    hhi_hook_specs_init(&specs);
    rc = hhi_registry_specs(reg, &specs, &err);
    fuzz_check_error(rc, &err, NULL);
    FUZZ_CHECK(rc == HHI_OK);
    FUZZ_CHECK(specs.count <=
               (size_t)json_object_object_length(json_object_object_get(reg->index, "activations")));
    for (i = 0; i < specs.count; i++)
        check_spec(reg->index, &specs.v[i]);
    hhi_hook_specs_release(&specs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hhi_registry reg; /* PATH_MAX buffers: not on the stack */
    struct hhi_error err = { 0, "" };
    json_object *doc = NULL;
    int rc;

    rc = hhi_json_parse(INDEX, (const char *)data, size, &doc, &err);
    fuzz_check_error(rc, &err, INDEX ":");
    if (rc != HHI_OK)
        return 0;
    memset(&reg, 0, sizeof(reg));
    reg.lock_fd = -1;
    snprintf(reg.account, sizeof(reg.account), "default");
    snprintf(reg.account_dir, sizeof(reg.account_dir), ACCOUNT_DIR);
    snprintf(reg.plugin_dir, sizeof(reg.plugin_dir), ACCOUNT_DIR "/plugins");
    snprintf(reg.index_path, sizeof(reg.index_path), INDEX);
    rc = hhi_registry_check_index(&reg, doc, &err);
    fuzz_check_error(rc, &err, "registry " INDEX ": corrupt index: ");
    {
        /* It judges the document given (above, the registry held none). */
        struct hhi_error again = { 0, "" };

        reg.index = doc;
        FUZZ_CHECK(hhi_registry_check_index(&reg, doc, &again) == rc);
        FUZZ_CHECK(strcmp(again.message, err.message) == 0);
        reg.index = NULL;
    }
    if (rc == HHI_OK) {
        FUZZ_CHECK(rc == HHI_OK && err.code == HHI_OK);
        reg.index = doc;
        check_specs(&reg);
        reg.index = NULL;
    } else {
        FUZZ_CHECK(rc == HHI_ECONFIG);
    }
    json_object_put(doc);
    return 0;
}
