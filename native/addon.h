/* Brook's native addon: pieces of the hot paths that Node's own APIs make slow. */
#ifndef BROOK_ADDON_H
#define BROOK_ADDON_H
#include <node_api.h>

void register_crc32c(napi_env env, napi_value exports);
void register_write_queue(napi_env env, napi_value exports);

napi_value throw_range_error(napi_env env, const char* message);
void export_function(napi_env env, napi_value exports, const char* name, napi_callback fn);

#endif
