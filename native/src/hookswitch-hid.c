/* Hookswitch's HID report-descriptor reader: hidapi's hid_enumerate and hid_get_report_descriptor
   as Promise-returning N-API functions. node-hid does not expose descriptors, and Windows and macOS
   publish them nowhere else. Every hidapi call runs on libuv's thread pool, so the JavaScript
   thread never waits on USB.

   Exports:
     enumerate()            -> Promise<{ path, vendorId, productId, product, manufacturer,
                                         usagePage, usage, interfaceNumber }[]>
     readDescriptor(path)   -> Promise<Buffer>
     hidapiVersion          the bundled hidapi's version string */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "hidapi.h"
#ifdef __APPLE__
#include "hidapi_darwin.h"
#endif

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <pthread.h>
#endif

#include "wide-to-utf8.h"

/* Longer paths are refused before they reach hidapi (real ones are far shorter on every OS). */
#define MAX_PATH_BYTES 4096

/* hidapi keeps its last error in one process-wide string and is not thread-safe, and several
   JavaScript environments (worker threads) may load this addon: every hidapi call holds this. */
#ifdef _WIN32
static SRWLOCK hid_lock = SRWLOCK_INIT;
static void lock_hid(void) { AcquireSRWLockExclusive(&hid_lock); }
static void unlock_hid(void) { ReleaseSRWLockExclusive(&hid_lock); }
#else
static pthread_mutex_t hid_lock = PTHREAD_MUTEX_INITIALIZER;
static void lock_hid(void) { pthread_mutex_lock(&hid_lock); }
static void unlock_hid(void) { pthread_mutex_unlock(&hid_lock); }
#endif

/* Guarded by hid_lock. */
static int hid_started = 0;

typedef struct {
  char *path;
  char *product;
  char *manufacturer;
  unsigned short vendor_id;
  unsigned short product_id;
  unsigned short usage_page;
  unsigned short usage;
  int interface_number;
} device_entry;

typedef enum { OPERATION_ENUMERATE, OPERATION_READ_DESCRIPTOR } operation;

struct addon_state;

typedef struct request {
  operation kind;
  struct addon_state *state;
  struct request *next;
  napi_deferred deferred;
  napi_async_work work;
  char *path; /* readDescriptor's argument */

  /* The outcome, filled on the worker thread. error_code is NULL on success. */
  const char *error_code;
  char *error_text; /* hidapi's own words, UTF-8; may be NULL */
  device_entry *devices;
  size_t device_count;
  unsigned char *descriptor;
  size_t descriptor_length;
} request;

/* One per JavaScript environment. Requests run one at a time: a second one waits here rather
   than holding a thread-pool thread blocked on hid_lock (the pool also serves fs and dns). */
typedef struct addon_state {
  request *queue_head;
  request *queue_tail;
  int busy;
  int closing;
} addon_state;

static void free_request(request *r) {
  size_t i;
  if (r == NULL) return;
  for (i = 0; i < r->device_count; i++) {
    free(r->devices[i].path);
    free(r->devices[i].product);
    free(r->devices[i].manufacturer);
  }
  free(r->devices);
  free(r->descriptor);
  free(r->error_text);
  free(r->path);
  free(r);
}

static void fail(request *r, const char *code, char *text) {
  r->error_code = code;
  free(r->error_text);
  r->error_text = text;
}

/* With hid_lock held. hid_init is idempotent, but calling it once keeps macOS's manager (and
   its exclusive-open default, reset below) from being set up again. */
static int start_hid(request *r) {
  if (hid_started) return 1;
  if (hid_init() != 0) {
    fail(r, "HID_INIT_FAILED", wide_to_utf8(hid_error(NULL)));
    return 0;
  }
  hid_started = 1;
  return 1;
}

/* hidapi returns NULL both for "no devices" and for a real failure; only the text tells them
   apart, and it is the same on every backend. */
static int means_no_devices(const char *text) {
  return text == NULL || strncmp(text, "No HID devices", 14) == 0 || strcmp(text, "Success") == 0;
}

static void execute_enumerate(request *r) {
  struct hid_device_info *list;
  struct hid_device_info *d;
  size_t count = 0;

  list = hid_enumerate(0, 0);
  if (list == NULL) {
    char *text = wide_to_utf8(hid_error(NULL));
    if (means_no_devices(text)) {
      free(text);
    } else {
      fail(r, "HID_ENUMERATE_FAILED", text);
    }
    return;
  }
  for (d = list; d != NULL; d = d->next) {
    if (d->path != NULL) count++;
  }
  r->devices = (device_entry *)calloc(count > 0 ? count : 1, sizeof(device_entry));
  if (r->devices == NULL) {
    fail(r, "ENOMEM", NULL);
    hid_free_enumeration(list);
    return;
  }
  for (d = list; d != NULL; d = d->next) {
    device_entry *entry;
    /* An entry without a path cannot be opened, so it is of no use to anyone. */
    if (d->path == NULL) continue;
    entry = &r->devices[r->device_count++];
    entry->path = copy_utf8(d->path);
    entry->product = wide_to_utf8(d->product_string);
    entry->manufacturer = wide_to_utf8(d->manufacturer_string);
    entry->vendor_id = d->vendor_id;
    entry->product_id = d->product_id;
    entry->usage_page = d->usage_page;
    entry->usage = d->usage;
    entry->interface_number = d->interface_number;
    if (entry->path == NULL || entry->product == NULL || entry->manufacturer == NULL) {
      fail(r, "ENOMEM", NULL);
      break;
    }
  }
  hid_free_enumeration(list);
}

static void execute_read_descriptor(request *r) {
  hid_device *device;
  unsigned char *buffer;
  int length;

#ifdef __APPLE__
  /* macOS seizes a device opened exclusively (hidapi's default), which would take the headset
     from Teams or Zoom while we only look at its descriptor. */
  hid_darwin_set_open_exclusive(0);
#endif
  device = hid_open_path(r->path);
  if (device == NULL) {
    fail(r, "HID_OPEN_FAILED", wide_to_utf8(hid_error(NULL)));
    return;
  }
  buffer = (unsigned char *)malloc(HID_API_MAX_REPORT_DESCRIPTOR_SIZE);
  if (buffer == NULL) {
    fail(r, "ENOMEM", NULL);
    hid_close(device);
    return;
  }
  length = hid_get_report_descriptor(device, buffer, HID_API_MAX_REPORT_DESCRIPTOR_SIZE);
  if (length < 0) {
    /* hid_error(device) belongs to the device: copy it before hid_close frees it. */
    fail(r, "HID_DESCRIPTOR_FAILED", wide_to_utf8(hid_error(device)));
    free(buffer);
  } else {
    r->descriptor = buffer;
    r->descriptor_length =
        (size_t)length > HID_API_MAX_REPORT_DESCRIPTOR_SIZE ? HID_API_MAX_REPORT_DESCRIPTOR_SIZE : (size_t)length;
  }
  hid_close(device);
}

/* On a thread-pool thread: no N-API calls here. */
static void execute(napi_env env, void *data) {
  request *r = (request *)data;
  (void)env;
  lock_hid();
  if (start_hid(r)) {
    if (r->kind == OPERATION_ENUMERATE) {
      execute_enumerate(r);
    } else {
      execute_read_descriptor(r);
    }
  }
  unlock_hid();
}

/* ---- JavaScript values (main thread) ---- */

static napi_value make_string(napi_env env, const char *text) {
  napi_value value = NULL;
  if (napi_create_string_utf8(env, text != NULL ? text : "", NAPI_AUTO_LENGTH, &value) != napi_ok) return NULL;
  return value;
}

static void set_property(napi_env env, napi_value object, const char *name, napi_value value) {
  if (object != NULL && value != NULL) napi_set_named_property(env, object, name, value);
}

static napi_value make_uint(napi_env env, unsigned int n) {
  napi_value value = NULL;
  if (napi_create_uint32(env, n, &value) != napi_ok) return NULL;
  return value;
}

/* An Error (or TypeError) carrying .code, and .path and .hidError when there are any. */
static napi_value make_error(napi_env env, int type_error, const char *code, const char *message, const char *path,
                             const char *hid_text) {
  napi_value error = NULL;
  napi_value code_value = make_string(env, code);
  napi_value message_value = make_string(env, message);
  napi_status status = type_error ? napi_create_type_error(env, code_value, message_value, &error)
                                  : napi_create_error(env, code_value, message_value, &error);
  if (status != napi_ok) return NULL;
  if (path != NULL) set_property(env, error, "path", make_string(env, path));
  if (hid_text != NULL) set_property(env, error, "hidError", make_string(env, hid_text));
  return error;
}

/* "prefix" + "middle" + ": " + "detail" in one malloc'd string; NULL when memory runs out. */
static char *compose(const char *prefix, const char *middle, const char *detail) {
  size_t a = strlen(prefix), b = middle != NULL ? strlen(middle) : 0, c = detail != NULL ? strlen(detail) : 0;
  char *text = (char *)malloc(a + b + 2 + c + 1);
  if (text == NULL) return NULL;
  memcpy(text, prefix, a);
  if (b > 0) memcpy(text + a, middle, b);
  memcpy(text + a + b, ": ", 2);
  if (c > 0) memcpy(text + a + b + 2, detail, c);
  text[a + b + 2 + c] = '\0';
  return text;
}

static void reject(napi_env env, napi_deferred deferred, napi_value error) {
  if (error == NULL) {
    /* Creating the real error failed; the promise must still settle. */
    napi_value fallback = NULL;
    napi_create_error(env, NULL, make_string(env, "HID descriptor addon: internal error"), &fallback);
    error = fallback;
  }
  napi_reject_deferred(env, deferred, error);
}

static napi_value failure_of(napi_env env, request *r) {
  const char *detail = r->error_text != NULL && r->error_text[0] != '\0' ? r->error_text : "unknown error";
  const char *prefix;
  const char *path = NULL;
  char *message;
  napi_value error;

  if (strcmp(r->error_code, "ENOMEM") == 0) {
    return make_error(env, 0, r->error_code, "HID descriptor addon: out of memory", r->path, NULL);
  }
  if (strcmp(r->error_code, "HID_INIT_FAILED") == 0) {
    prefix = "hidapi failed to start";
  } else if (strcmp(r->error_code, "HID_ENUMERATE_FAILED") == 0) {
    prefix = "listing HID devices failed";
  } else if (strcmp(r->error_code, "HID_OPEN_FAILED") == 0) {
    prefix = "cannot open HID device ";
    path = r->path;
  } else {
    prefix = "cannot read the report descriptor of HID device ";
    path = r->path;
  }
  message = compose(prefix, path, detail);
  error = make_error(env, 0, r->error_code, message != NULL ? message : prefix, r->path, r->error_text);
  free(message);
  return error;
}

static napi_value devices_of(napi_env env, request *r) {
  napi_value array = NULL;
  size_t i;
  if (napi_create_array_with_length(env, r->device_count, &array) != napi_ok) return NULL;
  for (i = 0; i < r->device_count; i++) {
    device_entry *d = &r->devices[i];
    napi_value entry = NULL;
    napi_value interface_number = NULL;
    if (napi_create_object(env, &entry) != napi_ok) return NULL;
    set_property(env, entry, "path", make_string(env, d->path));
    set_property(env, entry, "vendorId", make_uint(env, d->vendor_id));
    set_property(env, entry, "productId", make_uint(env, d->product_id));
    set_property(env, entry, "product", make_string(env, d->product));
    set_property(env, entry, "manufacturer", make_string(env, d->manufacturer));
    set_property(env, entry, "usagePage", make_uint(env, d->usage_page));
    set_property(env, entry, "usage", make_uint(env, d->usage));
    if (napi_create_int32(env, d->interface_number, &interface_number) == napi_ok) {
      set_property(env, entry, "interfaceNumber", interface_number);
    }
    if (napi_set_element(env, array, (uint32_t)i, entry) != napi_ok) return NULL;
  }
  return array;
}

static napi_value descriptor_of(napi_env env, request *r) {
  napi_value buffer = NULL;
  void *copy = NULL;
  static const unsigned char none = 0;
  const void *bytes = r->descriptor != NULL ? (const void *)r->descriptor : (const void *)&none;
  if (napi_create_buffer_copy(env, r->descriptor_length, bytes, &copy, &buffer) != napi_ok) return NULL;
  return buffer;
}

static void settle(napi_env env, napi_status status, request *r) {
  napi_value value;
  if (status == napi_cancelled) {
    reject(env, r->deferred, make_error(env, 0, "ECANCELED", "HID request cancelled", r->path, NULL));
    return;
  }
  if (r->error_code != NULL) {
    reject(env, r->deferred, failure_of(env, r));
    return;
  }
  value = r->kind == OPERATION_ENUMERATE ? devices_of(env, r) : descriptor_of(env, r);
  if (value == NULL) {
    reject(env, r->deferred, NULL);
    return;
  }
  napi_resolve_deferred(env, r->deferred, value);
}

static void start_next(napi_env env, addon_state *state);

static void complete(napi_env env, napi_status status, void *data) {
  request *r = (request *)data;
  addon_state *state = r->state;
  if (!state->closing) settle(env, status, r);
  napi_delete_async_work(env, r->work);
  free_request(r);
  state->busy = 0;
  if (state->closing) {
    /* The environment went away while this request ran: the state is ours to free now. */
    free(state);
    return;
  }
  start_next(env, state);
}

/* Queues r on the thread pool now, or rejects it when that fails. Returns 1 when queued. */
static int launch(napi_env env, addon_state *state, request *r) {
  if (napi_queue_async_work(env, r->work) == napi_ok) {
    state->busy = 1;
    return 1;
  }
  reject(env, r->deferred, make_error(env, 0, "HID_QUEUE_FAILED", "HID request could not be queued", r->path, NULL));
  napi_delete_async_work(env, r->work);
  free_request(r);
  return 0;
}

static void start_next(napi_env env, addon_state *state) {
  while (!state->busy && state->queue_head != NULL) {
    request *r = state->queue_head;
    state->queue_head = r->next;
    if (state->queue_head == NULL) state->queue_tail = NULL;
    r->next = NULL;
    launch(env, state, r);
  }
}

static void submit(napi_env env, addon_state *state, request *r) {
  if (state->busy) {
    if (state->queue_tail != NULL) {
      state->queue_tail->next = r;
    } else {
      state->queue_head = r;
    }
    state->queue_tail = r;
    return;
  }
  launch(env, state, r);
}

/* A request with its promise and work; NULL (with a JavaScript exception pending) on failure. */
static request *new_request(napi_env env, operation kind, napi_value *promise) {
  addon_state *state = NULL;
  request *r;
  napi_value resource_name;
  if (napi_get_instance_data(env, (void **)&state) != napi_ok || state == NULL) {
    napi_throw_error(env, NULL, "HID descriptor addon: not initialised");
    return NULL;
  }
  r = (request *)calloc(1, sizeof(request));
  if (r == NULL) {
    napi_throw_error(env, "ENOMEM", "HID descriptor addon: out of memory");
    return NULL;
  }
  r->kind = kind;
  r->state = state;
  if (napi_create_promise(env, &r->deferred, promise) != napi_ok) {
    free(r);
    napi_throw_error(env, NULL, "HID descriptor addon: cannot create a promise");
    return NULL;
  }
  resource_name = make_string(env, kind == OPERATION_ENUMERATE ? "hookswitch:hidEnumerate" : "hookswitch:hidReadDescriptor");
  if (resource_name == NULL ||
      napi_create_async_work(env, NULL, resource_name, execute, complete, r, &r->work) != napi_ok) {
    reject(env, r->deferred, NULL);
    free(r);
    return NULL;
  }
  return r;
}

/* Settles a request that never ran (bad arguments) and frees it. */
static void refuse(napi_env env, request *r, int type_error, const char *code, const char *message) {
  reject(env, r->deferred, make_error(env, type_error, code, message, NULL, NULL));
  napi_delete_async_work(env, r->work);
  free_request(r);
}

static napi_value js_enumerate(napi_env env, napi_callback_info info) {
  napi_value promise = NULL;
  request *r;
  (void)info;
  r = new_request(env, OPERATION_ENUMERATE, &promise);
  if (r == NULL) return promise;
  submit(env, r->state, r);
  return promise;
}

static napi_value js_read_descriptor(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  napi_valuetype type = napi_undefined;
  napi_value promise = NULL;
  size_t length = 0;
  size_t copied = 0;
  request *r = new_request(env, OPERATION_READ_DESCRIPTOR, &promise);
  if (r == NULL) return promise;

  /* Bad arguments reject with a TypeError like any other failure: callers handle one path. */
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_typeof(env, argv[0], &type) != napi_ok || type != napi_string) {
    refuse(env, r, 1, "ERR_INVALID_ARG_TYPE", "readDescriptor(path): path must be a string");
    return promise;
  }
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &length) != napi_ok) {
    refuse(env, r, 1, "ERR_INVALID_ARG_TYPE", "readDescriptor(path): path must be a string");
    return promise;
  }
  if (length == 0) {
    refuse(env, r, 1, "ERR_INVALID_ARG_VALUE", "readDescriptor(path): path must not be empty");
    return promise;
  }
  if (length > MAX_PATH_BYTES) {
    refuse(env, r, 1, "ERR_INVALID_ARG_VALUE", "readDescriptor(path): path is longer than 4096 bytes");
    return promise;
  }
  r->path = (char *)malloc(length + 1);
  if (r->path == NULL) {
    refuse(env, r, 0, "ENOMEM", "HID descriptor addon: out of memory");
    return promise;
  }
  if (napi_get_value_string_utf8(env, argv[0], r->path, length + 1, &copied) != napi_ok || copied != length ||
      strlen(r->path) != length) {
    /* A NUL inside the string would silently shorten the path hidapi opens. */
    refuse(env, r, 1, "ERR_INVALID_ARG_VALUE", "readDescriptor(path): path must not contain NUL characters");
    return promise;
  }
  submit(env, r->state, r);
  return promise;
}

static void finalize_state(napi_env env, void *data, void *hint) {
  addon_state *state = (addon_state *)data;
  request *r = state->queue_head;
  (void)hint;
  /* The environment is going away: requests that never ran are dropped with it. */
  while (r != NULL) {
    request *next = r->next;
    napi_delete_async_work(env, r->work);
    free_request(r);
    r = next;
  }
  state->queue_head = state->queue_tail = NULL;
  if (state->busy) {
    state->closing = 1; /* complete() frees it */
  } else {
    free(state);
  }
}

NAPI_MODULE_INIT() {
  napi_value version = NULL;
  addon_state *state = (addon_state *)calloc(1, sizeof(addon_state));
  if (state == NULL) {
    napi_throw_error(env, "ENOMEM", "HID descriptor addon: out of memory");
    return NULL;
  }
  if (napi_set_instance_data(env, state, finalize_state, NULL) != napi_ok) {
    free(state);
    napi_throw_error(env, NULL, "HID descriptor addon: cannot keep its state");
    return NULL;
  }
  version = make_string(env, HID_API_VERSION_STR);
  {
    napi_property_descriptor properties[] = {
        {"enumerate", NULL, js_enumerate, NULL, NULL, NULL, napi_enumerable, NULL},
        {"readDescriptor", NULL, js_read_descriptor, NULL, NULL, NULL, napi_enumerable, NULL},
        {"hidapiVersion", NULL, NULL, NULL, NULL, version, napi_enumerable, NULL},
    };
    if (napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties) != napi_ok) {
      return NULL;
    }
  }
  return exports;
}
