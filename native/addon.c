#include "addon.h"

napi_value throw_range_error(napi_env env, const char* message) {
  napi_throw_range_error(env, NULL, message);
  return NULL;
}

void export_function(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value value;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &value) == napi_ok) napi_set_named_property(env, exports, name, value);
}

NAPI_MODULE_INIT() {
  register_crc32c(env, exports);
  register_write_queue(env, exports);
  return exports;
}
