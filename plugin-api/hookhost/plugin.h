/*
 * hookhost plugin ABI, major version 1.
 *
 * This header is the whole contract between the hookhost host and a hook
 * plugin.  It is self-contained (C99, C11 and C++), uses only plain C types
 * and is append-only: a plugin built against ABI 1.N loads in every host of
 * ABI 1.M, whatever N and M are.
 *
 * The shape of the boundary:
 *   - A plugin exports exactly one function, HH_PLUGIN_ENTRY_NAME.  The host
 *     calls it with its service table (struct hh_host_api) and receives the
 *     plugin's descriptor (struct hh_plugin).
 *   - Every exchanged struct starts with struct hh_abi: ABI major, minor and
 *     the struct's own size.  A reader treats any member past the peer's
 *     struct_size as absent; a peer of another major is refused before
 *     anything else is called.
 *   - Everything the plugin needs from the host (answering, logging, reading
 *     properties) is a function pointer in struct hh_host_api, so a plugin
 *     has no undefined reference to the host.
 *
 * Ownership: every pointer the host passes in is borrowed for the duration of
 * the call that received it; the plugin copies what it wants to keep.  Every
 * pointer the plugin hands to the host is copied by the host before the host
 * function returns, except the descriptor and what it points to, which must
 * stay valid (and unchanged) until the process exits.
 *
 * Threads: the entry function and hh_plugin.create/destroy are called from
 * one thread at a time.  hh_plugin.invoke may be called from any thread; it
 * is called concurrently on one instance only if the plugin sets
 * HH_PLUGIN_FLAG_CONCURRENT, otherwise the host serialises calls per
 * instance.  Every hh_host_api function is safe to call from any thread, on
 * the context the plugin was handed.
 */
#ifndef HOOKHOST_PLUGIN_H
#define HOOKHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. */
#define HH_ABI_MAJOR 1
#define HH_ABI_MINOR 0

/* The one symbol a plugin exports. */
#define HH_PLUGIN_ENTRY hookhost_plugin_entry
#define HH_PLUGIN_ENTRY_NAME "hookhost_plugin_entry"

#if defined(_WIN32) || defined(__CYGWIN__)
#define HH_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define HH_EXPORT __attribute__((visibility("default")))
#else
#define HH_EXPORT
#endif

#if defined(_WIN32) && !defined(__GNUC__)
#define HH_CALL __cdecl
#else
#define HH_CALL
#endif

/* ---------------------------------------------------------------- version */

/* First member of every exchanged struct. */
struct hh_abi {
    uint16_t major;       /* HH_ABI_MAJOR of the side that filled the struct */
    uint16_t minor;       /* HH_ABI_MINOR of that side */
    uint32_t struct_size; /* sizeof the whole struct on that side */
};

/* Initialise the struct hh_abi at the head of a struct of type T. */
#define HH_ABI_INIT(T) { HH_ABI_MAJOR, HH_ABI_MINOR, (uint32_t)sizeof(T) }

/*
 * True when the struct at PTR, filled by a peer, has MEMBER: use before
 * reading any member added after ABI 1.0.
 */
#define HH_HAS_MEMBER(PTR, TYPE, MEMBER) \
    ((PTR)->abi.struct_size >= offsetof(TYPE, MEMBER) + sizeof((PTR)->MEMBER))

/* ------------------------------------------------------------ enumerations */
/* Enumerations are plain integer constants, stored in int32_t members. */

/* Return codes of hh_host_api functions and of the plugin's entry/create. */
#define HH_OK              0
#define HH_ERR_NOT_FOUND  (-1) /* no value at that JSON pointer / index */
#define HH_ERR_INVALID    (-2) /* bad argument (NULL, unknown document...) */
#define HH_ERR_NO_MEMORY  (-3)
#define HH_ERR_ABI        (-4) /* the peer's ABI major is not supported */
#define HH_ERR_STATE      (-5) /* call not allowed now (e.g. result set twice) */
#define HH_ERR_FAILED     (-6) /* generic failure; the message says more */

/* Actions: what the engine does to the target. */
#define HH_ACTION_CREATE 0
#define HH_ACTION_UPDATE 1
#define HH_ACTION_DELETE 2
#define HH_ACTION_COUNT  3

/* Invocation points. */
#define HH_POINT_PRE_PROVISION  0
#define HH_POINT_POST_PROVISION 1
#define HH_POINT_COUNT          2

/* What a FAILED result does to the operation. */
#define HH_FAILURE_MODE_FAIL 0 /* stop the operation */
#define HH_FAILURE_MODE_WARN 1 /* let it continue with a warning */

/* Hook statuses (CloudFormation's ProgressEvent hookStatus). */
#define HH_STATUS_SUCCESS     0
#define HH_STATUS_FAILED      1
#define HH_STATUS_IN_PROGRESS 2

/*
 * Error codes for FAILED (CloudFormation's HandlerErrorCode set, same order
 * as its documentation).  HH_ERROR_NON_COMPLIANT is a policy violation: the
 * hook ran and judged the target.  Every other code means the hook could not
 * judge it.
 */
#define HH_ERROR_NONE                         0
#define HH_ERROR_NOT_UPDATABLE                1
#define HH_ERROR_INVALID_REQUEST              2
#define HH_ERROR_ACCESS_DENIED                3
#define HH_ERROR_INVALID_CREDENTIALS          4
#define HH_ERROR_ALREADY_EXISTS               5
#define HH_ERROR_NOT_FOUND                    6
#define HH_ERROR_RESOURCE_CONFLICT            7
#define HH_ERROR_THROTTLING                   8
#define HH_ERROR_SERVICE_LIMIT_EXCEEDED       9
#define HH_ERROR_NOT_STABILIZED              10
#define HH_ERROR_GENERAL_SERVICE_EXCEPTION   11
#define HH_ERROR_SERVICE_INTERNAL_ERROR      12
#define HH_ERROR_NETWORK_FAILURE             13
#define HH_ERROR_INTERNAL_FAILURE            14
#define HH_ERROR_INVALID_TYPE_CONFIGURATION  15
#define HH_ERROR_HANDLER_INTERNAL_FAILURE    16
#define HH_ERROR_NON_COMPLIANT               17
#define HH_ERROR_UNSUPPORTED_TARGET          18
#define HH_ERROR_UNKNOWN                     19
#define HH_ERROR_COUNT                       20

/* Annotation status and severity (CloudFormation hook annotations). */
#define HH_ANNOTATION_PASSED  0
#define HH_ANNOTATION_FAILED  1
#define HH_ANNOTATION_SKIPPED 2

#define HH_SEVERITY_NONE          0 /* not given */
#define HH_SEVERITY_INFORMATIONAL 1
#define HH_SEVERITY_LOW           2
#define HH_SEVERITY_MEDIUM        3
#define HH_SEVERITY_HIGH          4
#define HH_SEVERITY_CRITICAL      5

/* Log levels. */
#define HH_LOG_ERROR 0
#define HH_LOG_WARN  1
#define HH_LOG_INFO  2
#define HH_LOG_DEBUG 3

/* Documents a plugin can read through hh_host_api.get_value. */
#define HH_DOC_PROPERTIES          0 /* the target's (new) properties */
#define HH_DOC_PREVIOUS_PROPERTIES 1 /* before an update or delete */
#define HH_DOC_CONFIGURATION       2 /* the instance's configuration Properties
                                        (readable in create, too) */
#define HH_DOC_CALLBACK_CONTEXT    3 /* what the plugin asked to get back */
#define HH_DOC_OUTPUTS             4 /* the target's new outputs (after create
                                        or update, when the engine gives them) */
#define HH_DOC_PREVIOUS_OUTPUTS    5 /* its outputs before an update or delete */
#define HH_DOC_INPUT               6 /* the whole input document the target came
                                        from, in its engine's own format (see
                                        hh_request.input_format), so a hook can
                                        judge related resources; read it only
                                        through get_value/get_member */

/* JSON value types reported in struct hh_value. */
#define HH_VALUE_NULL    0
#define HH_VALUE_BOOLEAN 1
#define HH_VALUE_INTEGER 2 /* written without fraction or exponent, fits int64_t */
#define HH_VALUE_NUMBER  3 /* written with a fraction or an exponent (7.0, 1e1),
                              or an integer beyond int64_t */
#define HH_VALUE_STRING  4
#define HH_VALUE_ARRAY   5
#define HH_VALUE_OBJECT  6

/* hh_plugin.flags */
#define HH_PLUGIN_FLAG_CONCURRENT 0x1u /* invoke may run concurrently on one instance */
/*
 * What a plugin needs beyond computing on its inputs.  A process-isolated
 * hook runs in a sandbox that refuses network sockets and running programs
 * unless the hook's activation allows them ("allow": ["network", "exec"]);
 * a hook whose plugin declares a need its activation does not allow is
 * refused when the hooks are loaded.  Hosts of ABI 1.0 ignore these bits.
 */
#define HH_PLUGIN_FLAG_NEEDS_NETWORK 0x2u /* opens sockets other than AF_UNIX */
#define HH_PLUGIN_FLAG_NEEDS_EXEC    0x4u /* forks or runs other programs */

/* Limits the host applies to what a plugin hands back. */
#define HH_MESSAGE_MAX 4096 /* longer messages are truncated, as CloudFormation does */

/* ------------------------------------------------------------- the structs */

/* Opaque host-owned context of one create or invoke call. */
typedef struct hh_context hh_context;
struct hh_host_api;

/* A JSON value read through hh_host_api.get_value.  Strings are borrowed. */
struct hh_value {
    struct hh_abi abi;
    int32_t type;         /* HH_VALUE_* */
    int32_t boolean;      /* HH_VALUE_BOOLEAN: 0 or 1 */
    int64_t integer;      /* HH_VALUE_INTEGER */
    double number;        /* HH_VALUE_INTEGER and HH_VALUE_NUMBER */
    const char *string;   /* HH_VALUE_STRING: UTF-8, NUL-terminated */
    size_t length;        /* string length in bytes, or member count of an
                             array or object */
};

/* Initialiser for a struct hh_value to be filled by the host. */
#define HH_VALUE_INIT { HH_ABI_INIT(struct hh_value), HH_VALUE_NULL, 0, 0, 0.0, NULL, 0 }

/* An annotation: a finer-grained check result attached to an answer. */
struct hh_annotation {
    struct hh_abi abi;
    const char *name;                /* required */
    int32_t status;                  /* HH_ANNOTATION_* */
    int32_t severity;                /* HH_SEVERITY_* */
    const char *status_message;      /* may be NULL */
    const char *remediation_message; /* may be NULL */
    const char *remediation_link;    /* may be NULL */
};

/* Initialiser for a struct hh_annotation; set the members after it. */
#define HH_ANNOTATION_INIT \
    { HH_ABI_INIT(struct hh_annotation), NULL, HH_ANNOTATION_PASSED, HH_SEVERITY_NONE, NULL, NULL, NULL }

/* What one invocation is about.  All members are borrowed for the call. */
struct hh_request {
    struct hh_abi abi;
    const char *hook_type_name;      /* the hook's type name */
    const char *target_type;         /* engine's own type name, e.g. AWS::S3::Bucket */
    const char *logical_id;          /* logical id or address */
    const char *stack_name;          /* may be "" when the engine has none */
    int32_t action;                  /* HH_ACTION_* */
    int32_t invocation_point;        /* HH_POINT_* */
    const char *properties;          /* JSON text, NULL when absent (delete) */
    size_t properties_length;
    const char *previous_properties; /* JSON text, NULL when absent (create) */
    size_t previous_properties_length;
    const char *callback_context;    /* JSON text from an earlier IN_PROGRESS, or NULL */
    size_t callback_context_length;
    uint32_t invocation_count;       /* 1 on the first call, +1 per re-invocation */
    uint32_t reserved;               /* zero */
    const char *outputs;             /* JSON text of HH_DOC_OUTPUTS, or NULL */
    size_t outputs_length;
    const char *previous_outputs;    /* JSON text of HH_DOC_PREVIOUS_OUTPUTS, or NULL */
    size_t previous_outputs_length;
    const char *physical_id;         /* the engine's id of the target, or NULL */
    const char *input_format;        /* HH_DOC_INPUT's format: "cloudformation-template",
                                        "cloudformation-change-set", "terraform-plan",
                                        "pulumi-preview", "cloudformation-hook-input";
                                        NULL when there is none */
    const char *input_pointer;       /* JSON pointer of the target in HH_DOC_INPUT,
                                        e.g. "/resource_changes/3", or NULL */
};

/* What the host hands to hh_plugin.create. */
struct hh_instance_args {
    struct hh_abi abi;
    const struct hh_host_api *host; /* the host's services; valid until the
                                       process exits, so keep it in the
                                       instance */
    const char *hook_type_name;      /* the name the hook is activated as */
    const char *configuration;       /* Properties, JSON text ("{}" when none) */
    size_t configuration_length;
};

/*
 * A handler: the invocation point and action it serves and the target type
 * names it applies to.  Names may hold '*' (any run of characters) and '?'
 * (one character).  Declare one handler per (point, action) pair served.
 */
struct hh_handler {
    int32_t invocation_point;             /* HH_POINT_* */
    int32_t action;                       /* HH_ACTION_* */
    const char *const *target_names;      /* target_name_count patterns */
    size_t target_name_count;
};

/*
 * The plugin's descriptor.  It is constant data owned by the plugin and
 * must outlive every call the host makes into the plugin.
 */
struct hh_plugin {
    struct hh_abi abi;
    const char *type_name;    /* Org::Service::Name */
    const char *version;      /* the plugin's own version, e.g. "1.2.0" */
    const char *description;
    int32_t default_failure_mode; /* HH_FAILURE_MODE_* */
    uint32_t flags;               /* HH_PLUGIN_FLAG_* */
    /* JSON Schema of the configuration Properties, NULL for none. */
    const char *configuration_schema;
    const struct hh_handler *handlers;
    size_t handler_count;
    size_t handler_size;          /* sizeof(struct hh_handler) of the plugin */

    /*
     * Create an instance from its configuration.  On success store a
     * non-NULL handle in *out and return HH_OK.  On failure return a negative HH_ERR_* and
     * explain with host->fail(ctx, ...).  The configuration has already been
     * validated against configuration_schema.
     */
    int32_t (HH_CALL *create)(hh_context *ctx, const struct hh_instance_args *args,
                              void **out);
    /* Release an instance; no call on it follows. */
    void (HH_CALL *destroy)(void *instance);
    /*
     * Judge one request.  Answer with exactly one host->set_result(ctx, ...);
     * returning without an answer counts as FAILED/HandlerInternalFailure.
     */
    void (HH_CALL *invoke)(void *instance, hh_context *ctx,
                           const struct hh_request *request);
    /* Optional capabilities by versioned id ("vendor.name/N"); NULL if unknown. */
    const void *(HH_CALL *get_extension)(const char *id);
};

/* Services the host offers.  Check HH_HAS_MEMBER for members after 1.0. */
struct hh_host_api {
    struct hh_abi abi;
    const char *host_version; /* the host's release, e.g. "0.1.0" */

    /*
     * Answer an invocation.  status is HH_STATUS_*; error_code is
     * HH_ERROR_NONE for SUCCESS and IN_PROGRESS, another HH_ERROR_* for
     * FAILED.  message (UTF-8, may be NULL on SUCCESS) is copied; a FAILED
     * answer without a message breaks the contract.  A second answer on one
     * context returns HH_ERR_STATE and is ignored.
     */
    int32_t (HH_CALL *set_result)(hh_context *ctx, int32_t status,
                                  int32_t error_code, const char *message,
                                  size_t message_length);
    /* Attach an annotation to the answer (copied). */
    int32_t (HH_CALL *add_annotation)(hh_context *ctx,
                                      const struct hh_annotation *annotation);
    /*
     * With HH_STATUS_IN_PROGRESS: the JSON text to hand back in
     * hh_request.callback_context and the seconds to wait first (copied).
     */
    int32_t (HH_CALL *set_callback)(hh_context *ctx, const char *context_json,
                                    size_t context_length, uint32_t delay_seconds);
    /* Explain why create failed (copied). */
    int32_t (HH_CALL *fail)(hh_context *ctx, int32_t error_code,
                            const char *message, size_t message_length);
    /* Log a line (copied) in the host's log, tagged with the hook. */
    void (HH_CALL *log)(hh_context *ctx, int32_t level, const char *message,
                        size_t message_length);

    /*
     * Read the value at an RFC 6901 JSON pointer ("" is the whole document,
     * "/SecurityGroupIngress/0/CidrIp" a member) of one of the HH_DOC_*
     * documents.  Fills *out (whose abi the caller initialises) and returns
     * HH_OK, or HH_ERR_NOT_FOUND when the document or the value is absent
     * (hh_request.properties == NULL tells an absent document apart).
     * Strings in *out stay valid until the current call returns.
     */
    int32_t (HH_CALL *get_value)(hh_context *ctx, int32_t document,
                                 const char *pointer, struct hh_value *out);
    /*
     * Read member number index of the array or object at pointer: the value
     * into *value and, for an object, the member's name into *key (whose
     * type is then HH_VALUE_STRING; for an array it is HH_VALUE_NULL; key may
     * be NULL).  Members of an object come in document order.  Returns
     * HH_ERR_NOT_FOUND past the last member.
     */
    int32_t (HH_CALL *get_member)(hh_context *ctx, int32_t document,
                                  const char *pointer, size_t index,
                                  struct hh_value *key, struct hh_value *value);

    /* Optional host capabilities by versioned id; NULL if unknown. */
    const void *(HH_CALL *get_extension)(const char *id);
};

/*
 * The entry point every plugin exports (declare it with HH_PLUGIN_DEFINE or
 * by hand).  It must check host->abi.major, store nothing in globals, and
 * point *out at its descriptor.  Returns HH_OK or a negative HH_ERR_*.
 */
typedef int32_t (HH_CALL *hh_plugin_entry_fn)(const struct hh_host_api *host,
                                              const struct hh_plugin **out);

/*
 * Convenience: define the entry function for descriptor DESC.  An instance
 * receives the host table in hh_instance_args.host, so the entry keeps no
 * state.
 */
#define HH_PLUGIN_DEFINE(DESC)                                               \
    HH_EXPORT int32_t HH_CALL HH_PLUGIN_ENTRY(const struct hh_host_api *host, \
                                              const struct hh_plugin **out);   \
    HH_EXPORT int32_t HH_CALL HH_PLUGIN_ENTRY(const struct hh_host_api *host, \
                                              const struct hh_plugin **out)    \
    {                                                                          \
        if (host == NULL || out == NULL)                                       \
            return HH_ERR_INVALID;                                             \
        if (host->abi.major != HH_ABI_MAJOR)                                   \
            return HH_ERR_ABI;                                                 \
        *out = &(DESC);                                                        \
        return HH_OK;                                                          \
    }

/* ------------------------------------------------------- pinned layout */
/* These sizes are the ABI: a change here breaks every built plugin. */
#if (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
#define HH_STATIC_ASSERT(c, m) _Static_assert(c, m)
#elif defined(__cplusplus) && __cplusplus >= 201103L
#define HH_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define HH_STATIC_ASSERT_GLUE2(a, b) a##b
#define HH_STATIC_ASSERT_GLUE(a, b) HH_STATIC_ASSERT_GLUE2(a, b)
#define HH_STATIC_ASSERT(c, m) \
    typedef char HH_STATIC_ASSERT_GLUE(hh_static_assert_, __LINE__)[(c) ? 1 : -1]
#endif

HH_STATIC_ASSERT(sizeof(struct hh_abi) == 8, "hh_abi is 8 bytes");
HH_STATIC_ASSERT(offsetof(struct hh_value, type) == 8, "hh_value layout");
HH_STATIC_ASSERT(offsetof(struct hh_request, hook_type_name) == 8, "hh_request layout");
HH_STATIC_ASSERT(offsetof(struct hh_plugin, type_name) == 8, "hh_plugin layout");
HH_STATIC_ASSERT(offsetof(struct hh_host_api, host_version) == 8, "hh_host_api layout");
#if defined(__x86_64__) || defined(__aarch64__) || defined(_M_X64) || defined(_M_ARM64)
/* LP64/LLP64 sizes, pinned on the 64-bit platforms we ship for. */
HH_STATIC_ASSERT(sizeof(struct hh_value) == 48, "hh_value size");
HH_STATIC_ASSERT(sizeof(struct hh_annotation) == 48, "hh_annotation size");
HH_STATIC_ASSERT(sizeof(struct hh_request) == 160, "hh_request size");
HH_STATIC_ASSERT(sizeof(struct hh_instance_args) == 40, "hh_instance_args size");
HH_STATIC_ASSERT(sizeof(struct hh_handler) == 24, "hh_handler size");
HH_STATIC_ASSERT(sizeof(struct hh_plugin) == 104, "hh_plugin size");
HH_STATIC_ASSERT(sizeof(struct hh_host_api) == 80, "hh_host_api size");
#endif

#ifdef __cplusplus
}
#endif

#endif /* HOOKHOST_PLUGIN_H */
