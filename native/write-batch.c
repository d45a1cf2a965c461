/*
 * writeBatch(writes, buffers, done): several positioned writes, to as many files, in one
 * thread-pool job. writes is a Float64Array of [fd, position, buffer count] per write; buffers
 * holds every write's Uint8Arrays in order, written with pwritev (short writes and EINTR are
 * retried). done() is called without arguments when every write succeeded, else with a
 * Float64Array holding, per write, the bytes written or -errno.
 *
 * Why: Node's fs.writev is one thread-pool job per call. Each costs the main thread a request
 * object, a wake-up of a pool thread and a callback into JS, ~5 µs here, which is what a
 * Produce request for 16 partitions pays 16 times. This pays it once per batch of writes. The
 * shape of the arguments keeps N-API calls (~0.1 µs each) to two per buffer.
 */
#include "addon.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/uio.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

typedef struct {
  int fd;
  int64_t position;
  size_t first_iov;
  size_t iov_count;
  double result;
} entry_t;

typedef struct {
  napi_async_work work;
  napi_ref buffers_ref;
  napi_ref done_ref;
  size_t count;
  entry_t* entries;
  struct iovec* iovs;
} job_t;

static void free_job(napi_env env, job_t* job) {
  if (job->buffers_ref != NULL) napi_delete_reference(env, job->buffers_ref);
  if (job->done_ref != NULL) napi_delete_reference(env, job->done_ref);
  if (job->work != NULL) napi_delete_async_work(env, job->work);
  free(job->entries);
  free(job->iovs);
  free(job);
}

/* Writes all of iov[0, count) at position; returns the bytes written or -errno. */
static double write_all(int fd, int64_t position, struct iovec* iov, size_t count) {
  double total = 0;
  while (count > 0) {
    ssize_t n = pwritev(fd, iov, count > IOV_MAX ? IOV_MAX : (int)count, position);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    /* No progress with bytes left (not seen for regular files): an error rather than a spin. */
    if (n == 0 && iov->iov_len > 0) return -EIO;
    total += (double)n;
    position += n;
    /* Skip what was written: whole iovecs, then part of the next. */
    while (count > 0 && (size_t)n >= iov->iov_len) {
      n -= (ssize_t)iov->iov_len;
      iov++;
      count--;
    }
    if (count > 0 && n > 0) {
      iov->iov_base = (char*)iov->iov_base + n;
      iov->iov_len -= (size_t)n;
    }
  }
  return total;
}

static void execute(napi_env env, void* data) {
  (void)env;
  job_t* job = data;
  for (size_t i = 0; i < job->count; i++) {
    entry_t* e = &job->entries[i];
    e->result = write_all(e->fd, e->position, job->iovs + e->first_iov, e->iov_count);
  }
}

static void complete(napi_env env, napi_status status, void* data) {
  job_t* job = data;
  int failed = status != napi_ok;
  for (size_t i = 0; i < job->count && !failed; i++) failed = job->entries[i].result < 0;
  napi_value done, global, results = NULL;
  int ok = napi_get_reference_value(env, job->done_ref, &done) == napi_ok && napi_get_global(env, &global) == napi_ok;
  /* Results only when a write failed: the usual call allocates nothing. */
  if (ok && failed) {
    napi_value buffer;
    double* out;
    ok = napi_create_arraybuffer(env, job->count * sizeof(double), (void**)&out, &buffer) == napi_ok &&
         napi_create_typedarray(env, napi_float64_array, job->count, buffer, 0, &results) == napi_ok;
    for (size_t i = 0; ok && i < job->count; i++) out[i] = status == napi_ok ? job->entries[i].result : -ECANCELED;
  }
  free_job(env, job);
  if (ok) napi_call_function(env, global, done, results == NULL ? 0 : 1, results == NULL ? NULL : &results, NULL);
}

static napi_value write_batch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_typedarray_type type;
  size_t meta_length;
  void* meta_data;
  uint32_t buffer_count;
  napi_valuetype done_type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_typedarray_info(env, argv[0], &type, &meta_length, &meta_data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || meta_length % 3 != 0 || napi_get_array_length(env, argv[1], &buffer_count) != napi_ok ||
      napi_typeof(env, argv[2], &done_type) != napi_ok || done_type != napi_function)
    return throw_range_error(env, "writeBatch(Float64Array [fd, position, buffer count, ...], buffers, done)");
  const double* meta = meta_data;

  job_t* job = calloc(1, sizeof(job_t));
  if (job == NULL) return throw_range_error(env, "writeBatch: out of memory");
  job->count = meta_length / 3;
  job->entries = calloc(job->count > 0 ? job->count : 1, sizeof(entry_t));
  job->iovs = calloc(buffer_count > 0 ? buffer_count : 1, sizeof(struct iovec));
  if (job->entries == NULL || job->iovs == NULL) {
    free_job(env, job);
    return throw_range_error(env, "writeBatch: out of memory");
  }
  size_t next_iov = 0;
  for (size_t i = 0; i < job->count; i++) {
    entry_t* e = &job->entries[i];
    double fd = meta[i * 3], position = meta[i * 3 + 1], count = meta[i * 3 + 2];
    if (!(fd >= 0 && fd <= INT_MAX && position >= 0 && position <= 9007199254740991.0 && count >= 0 && count <= buffer_count - next_iov)) {
      free_job(env, job);
      return throw_range_error(env, "writeBatch: bad fd, position or buffer count");
    }
    e->fd = (int)fd;
    e->position = (int64_t)position;
    e->first_iov = next_iov;
    e->iov_count = (size_t)count;
    for (size_t b = 0; b < e->iov_count; b++, next_iov++) {
      napi_value buf;
      size_t len;
      void* base;
      if (napi_get_element(env, argv[1], (uint32_t)next_iov, &buf) != napi_ok ||
          napi_get_typedarray_info(env, buf, &type, &len, &base, NULL, NULL) != napi_ok || type != napi_uint8_array) {
        free_job(env, job);
        return throw_range_error(env, "writeBatch: buffers must hold Uint8Arrays");
      }
      job->iovs[next_iov].iov_base = base;
      job->iovs[next_iov].iov_len = len;
    }
  }
  /* Referenced until the job completes, the buffers cannot go away while a pool thread writes them. */
  napi_value name;
  if (napi_create_reference(env, argv[1], 1, &job->buffers_ref) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &job->done_ref) != napi_ok ||
      napi_create_string_utf8(env, "brook.writeBatch", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    free_job(env, job);
    return throw_range_error(env, "writeBatch: could not queue the job");
  }
  return NULL;
}

void register_write_batch(napi_env env, napi_value exports) {
  export_function(env, exports, "writeBatch", write_batch);
}
