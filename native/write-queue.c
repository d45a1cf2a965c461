/*
 * createWriteQueue(onWritten, results, threads) returns queueWrites(writes, buffers).
 *
 * queueWrites takes positioned writes: writes is a Float64Array of [id, fd, position, buffer
 * count] per write, buffers every write's Uint8Arrays in order, each write done with pwritev
 * (short writes and EINTR retried). The event loop is told of writes as they finish:
 * onWritten(count) finds [id, bytes written or -errno] for `count` writes in results.
 *
 * Why a queue: Node's fs.writev is one thread-pool request per write, each costing the main
 * thread a request object, a pool wake-up and a callback into JS (~5 us here). Here one call
 * queues many writes, and one report carries every write finished since the last (in callbacks
 * of as many writes as `results` holds pairs). Up to
 * `threads` writer threads of the queue's own take writes from it in order. A write is reported
 * as soon as it is done, not when its neighbours are: when a writer is preempted (2 CPUs, more
 * threads), it holds back the one write it is doing, and the others go on with the rest.
 *
 * Why threads of its own rather than libuv's pool: a pool work item that finds the queue empty
 * must end, and each end costs the event loop a wake-up for its after-work callback (~250 per
 * 4,000 writes of 100 partitions); a writer waits for more instead. The pool also stays free for
 * reads and fsyncs. Writers that idle for IDLE_NS end, and are started again when writes come.
 */
#include "addon.h"
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <uv.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

/* A writer idle this long ends. */
#define IDLE_NS (2ull * 1000 * 1000 * 1000)
#define WRITER_STACK (256 * 1024)
/* Finished writes wait for company up to this many while the queue holds work for every writer (wake). */
#define REPORT_WRITES 64

struct call_s;

typedef struct write_s {
  struct write_s* next;
  struct call_s* call;
  double id;
  int fd;
  int64_t position;
  struct iovec* iov;
  size_t iov_count;
  double result;
} write_t;

/* One queueWrites call: its writes and iovecs live in one allocation, its buffers stay referenced until all are written. */
typedef struct call_s {
  napi_ref buffers_ref;
  size_t remaining;
} call_t;

typedef struct {
  /* Guarded by lock: shared with the writers. */
  uv_mutex_t lock;
  uv_cond_t has_work;
  write_t *pending_head, *pending_tail;
  size_t pending_count;
  write_t *done_head, *done_tail;
  size_t done_count;
  /* The event loop has been woken for the writes in the done list. */
  int woken;
  /* Writers running, and of those, waiting for work. */
  int writers;
  int idle;
  /* Writers started for writes not yet taken: do not start more for them. */
  int starting;
  /* The queue is being torn down: writers end, and wake no one. */
  int closing;
  /* One for the event loop's side, one per writer: the last to let go frees the queue. */
  int holders;
  int max_writers;

  /* Event-loop thread only. */
  napi_env env;
  uv_async_t async;
  napi_ref on_written;
  napi_ref results_ref;
  double* results;
  size_t results_pairs;
  napi_async_context context;
  /* The queueWrites function: held while writes are outstanding, so the queue outlives them. */
  napi_ref self;
  size_t outstanding;
} queue_t;

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

/*
 * Under the lock: wakes the event loop to report the done list once it holds REPORT_WRITES, or
 * once the queue runs short of work for every writer (the writes that refill it come from the
 * report). Each wake-up costs the event loop an iteration, and while the writers have work the
 * event loop competes with them for the CPUs: with 100 partitions appending, reporting every 16
 * writes left the event loop waiting for a CPU ~40% of a round, every 64 ~12%, for 6-12% more
 * throughput. A write waits at most for REPORT_WRITES others (~0.5 ms at full speed here).
 */
static void wake(queue_t* q) {
  if (q->woken || q->closing || q->done_head == NULL) return;
  if (q->done_count < REPORT_WRITES && q->pending_count >= (size_t)q->max_writers) return;
  q->woken = 1;
  uv_async_send(&q->async);
}

static void free_queue(queue_t* q) {
  uv_cond_destroy(&q->has_work);
  uv_mutex_destroy(&q->lock);
  free(q);
}

/* Under the lock: one holder lets go; returns whether it was the last (then the caller frees the queue, unlocked). */
static int let_go(queue_t* q) {
  return --q->holders == 0;
}

/* Writer thread: takes writes from the queue, waiting up to IDLE_NS for more, until closing. */
static void* writer(void* arg) {
  queue_t* q = arg;
  uv_mutex_lock(&q->lock);
  q->starting--;
  while (!q->closing) {
    write_t* w = q->pending_head;
    if (w == NULL) {
      q->idle++;
      int timed_out = uv_cond_timedwait(&q->has_work, &q->lock, IDLE_NS) == UV_ETIMEDOUT;
      q->idle--;
      if (timed_out && q->pending_head == NULL) break;
      continue;
    }
    q->pending_head = w->next;
    if (q->pending_head == NULL) q->pending_tail = NULL;
    q->pending_count--;
    uv_mutex_unlock(&q->lock);

    w->result = write_all(w->fd, w->position, w->iov, w->iov_count);
    w->next = NULL;

    uv_mutex_lock(&q->lock);
    if (q->done_tail == NULL) q->done_head = w;
    else q->done_tail->next = w;
    q->done_tail = w;
    q->done_count++;
    wake(q);
  }
  q->writers--;
  int last = let_go(q);
  uv_mutex_unlock(&q->lock);
  if (last) free_queue(q);
  return NULL;
}

/* Under the lock, on the event loop: wakes idle writers for the queued writes; returns how many writers to start for the rest. */
static int writers_to_start(queue_t* q) {
  size_t waiting = q->pending_count;
  for (int i = 0; i < q->idle && waiting > 0; i++, waiting--) uv_cond_signal(&q->has_work);
  int start = 0;
  while (waiting > (size_t)(q->starting + start) && q->writers + start < q->max_writers) start++;
  q->writers += start;
  q->holders += start;
  q->starting += start;
  return start;
}

/* Under the lock: every queued write fails with `err` (a -errno) and is reported. */
static void fail_pending(queue_t* q, double err) {
  for (write_t* w = q->pending_head; w != NULL; w = w->next) {
    w->result = err;
    q->done_count++;
  }
  if (q->pending_head != NULL) {
    if (q->done_tail == NULL) q->done_head = q->pending_head;
    else q->done_tail->next = q->pending_head;
    q->done_tail = q->pending_tail;
  }
  q->pending_head = q->pending_tail = NULL;
  q->pending_count = 0;
  wake(q);
}

static void start_writers(queue_t* q, int count) {
  pthread_attr_t attr;
  int attr_ok = pthread_attr_init(&attr) == 0;
  if (attr_ok) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, WRITER_STACK);
  }
  for (int i = 0; i < count; i++) {
    pthread_t thread;
    if (pthread_create(&thread, attr_ok ? &attr : NULL, writer, q) == 0) continue;
    /* Not started (out of threads): the running writers take its share. With none, the queued writes fail rather than wait for good. */
    uv_mutex_lock(&q->lock);
    q->writers--;
    q->starting--;
    let_go(q);
    if (q->writers == 0) fail_pending(q, -EAGAIN);
    uv_mutex_unlock(&q->lock);
  }
  if (attr_ok) pthread_attr_destroy(&attr);
}

/* Event loop: reports every write done since the last report. */
static void report(uv_async_t* handle) {
  queue_t* q = handle->data;
  napi_env env = q->env;
  uv_mutex_lock(&q->lock);
  write_t* w = q->done_head;
  q->done_head = q->done_tail = NULL;
  q->done_count = 0;
  q->woken = 0;
  uv_mutex_unlock(&q->lock);
  if (w == NULL) return;

  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv;
  int ok = napi_get_reference_value(env, q->on_written, &fn) == napi_ok && napi_get_global(env, &recv) == napi_ok;
  size_t n = 0;
  while (w != NULL) {
    write_t* next = w->next;
    call_t* call = w->call;
    q->results[2 * n] = w->id;
    q->results[2 * n + 1] = w->result;
    n++;
    /* Before the callback, which may queue more writes (and take the hold again). */
    if (--q->outstanding == 0) {
      uv_unref((uv_handle_t*)&q->async);
      napi_reference_unref(env, q->self, NULL);
    }
    /* The call's writes live in its allocation: w is not touched after this. */
    if (--call->remaining == 0) {
      napi_delete_reference(env, call->buffers_ref);
      free(call);
    }
    w = next;
    if (n == q->results_pairs || w == NULL) {
      napi_value count;
      if (ok && napi_create_uint32(env, (uint32_t)n, &count) == napi_ok &&
          napi_make_callback(env, q->context, recv, fn, 1, &count, NULL) == napi_pending_exception) {
        napi_value err;
        if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
      }
      n = 0;
    }
  }
  napi_close_handle_scope(env, scope);
}

static void closed(uv_handle_t* handle) {
  queue_t* q = handle->data;
  uv_mutex_lock(&q->lock);
  int last = let_go(q);
  uv_mutex_unlock(&q->lock);
  if (last) free_queue(q);
}

/* The queueWrites function was collected (never with writes outstanding) or its environment is going away. */
static void finalize(napi_env env, void* data, void* hint) {
  (void)hint;
  queue_t* q = data;
  uv_mutex_lock(&q->lock);
  q->closing = 1;
  uv_cond_broadcast(&q->has_work);
  uv_mutex_unlock(&q->lock);
  napi_delete_reference(env, q->on_written);
  napi_delete_reference(env, q->results_ref);
  napi_delete_reference(env, q->self);
  napi_async_destroy(env, q->context);
  uv_close((uv_handle_t*)&q->async, closed);
}

static napi_value queue_writes(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  queue_t* q;
  napi_typedarray_type type;
  size_t meta_length;
  void* meta_data;
  uint32_t buffer_count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void**)&q) != napi_ok || argc < 2 ||
      napi_get_typedarray_info(env, argv[0], &type, &meta_length, &meta_data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || meta_length % 4 != 0 || napi_get_array_length(env, argv[1], &buffer_count) != napi_ok)
    return throw_range_error(env, "queueWrites(Float64Array [id, fd, position, buffer count, ...], buffers)");
  const double* meta = meta_data;
  size_t count = meta_length / 4;
  if (count == 0) return NULL;

  call_t* call = malloc(sizeof(call_t) + count * sizeof(write_t) + (buffer_count > 0 ? buffer_count : 1) * sizeof(struct iovec));
  if (call == NULL) return throw_range_error(env, "queueWrites: out of memory");
  write_t* writes = (write_t*)(call + 1);
  struct iovec* iovs = (struct iovec*)(writes + count);
  size_t next_iov = 0;
  for (size_t i = 0; i < count; i++) {
    write_t* w = &writes[i];
    double id = meta[i * 4], fd = meta[i * 4 + 1], position = meta[i * 4 + 2], buffers = meta[i * 4 + 3];
    if (!(fd >= 0 && fd <= INT_MAX && position >= 0 && position <= 9007199254740991.0 && buffers >= 0 && buffers <= buffer_count - next_iov)) {
      free(call);
      return throw_range_error(env, "queueWrites: bad fd, position or buffer count");
    }
    w->next = i + 1 < count ? &writes[i + 1] : NULL;
    w->call = call;
    w->id = id;
    w->fd = (int)fd;
    w->position = (int64_t)position;
    w->iov = iovs + next_iov;
    w->iov_count = (size_t)buffers;
    for (size_t b = 0; b < w->iov_count; b++, next_iov++) {
      napi_value buf;
      size_t len;
      void* base;
      if (napi_get_element(env, argv[1], (uint32_t)next_iov, &buf) != napi_ok ||
          napi_get_typedarray_info(env, buf, &type, &len, &base, NULL, NULL) != napi_ok || type != napi_uint8_array) {
        free(call);
        return throw_range_error(env, "queueWrites: buffers must hold Uint8Arrays");
      }
      iovs[next_iov].iov_base = base;
      iovs[next_iov].iov_len = len;
    }
  }
  /* Referenced until the last write is reported, the buffers cannot go away while a writer writes them. */
  if (napi_create_reference(env, argv[1], 1, &call->buffers_ref) != napi_ok) {
    free(call);
    return throw_range_error(env, "queueWrites: could not hold the buffers");
  }
  call->remaining = count;
  if (q->outstanding == 0) {
    uv_ref((uv_handle_t*)&q->async);
    napi_reference_ref(env, q->self, NULL);
  }
  q->outstanding += count;
  uv_mutex_lock(&q->lock);
  if (q->pending_tail == NULL) q->pending_head = writes;
  else q->pending_tail->next = writes;
  q->pending_tail = &writes[count - 1];
  q->pending_count += count;
  int start = writers_to_start(q);
  uv_mutex_unlock(&q->lock);
  if (start > 0) start_writers(q, start);
  return NULL;
}

static napi_value create_write_queue(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_valuetype fn_type;
  napi_typedarray_type type;
  size_t results_length;
  void* results;
  int32_t threads;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_typeof(env, argv[0], &fn_type) != napi_ok ||
      fn_type != napi_function || napi_get_typedarray_info(env, argv[1], &type, &results_length, &results, NULL, NULL) != napi_ok ||
      type != napi_float64_array || results_length < 2 || napi_get_value_int32(env, argv[2], &threads) != napi_ok || threads < 1)
    return throw_range_error(env, "createWriteQueue(onWritten, Float64Array results, threads)");

  queue_t* q = calloc(1, sizeof(queue_t));
  if (q == NULL || uv_mutex_init(&q->lock) != 0) {
    free(q);
    return throw_range_error(env, "createWriteQueue: out of memory");
  }
  if (uv_cond_init(&q->has_work) != 0) {
    uv_mutex_destroy(&q->lock);
    free(q);
    return throw_range_error(env, "createWriteQueue: out of memory");
  }
  q->env = env;
  q->holders = 1;
  q->max_writers = threads;
  q->results = results;
  q->results_pairs = results_length / 2;
  napi_value name, fn;
  uv_loop_t* loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_async_init(loop, &q->async, report) != 0) {
    free_queue(q);
    return throw_range_error(env, "createWriteQueue: no event loop");
  }
  q->async.data = q;
  /* Only outstanding writes keep the process alive. */
  uv_unref((uv_handle_t*)&q->async);
  if (napi_create_reference(env, argv[0], 1, &q->on_written) != napi_ok || napi_create_reference(env, argv[1], 1, &q->results_ref) != napi_ok ||
      napi_create_string_utf8(env, "brook.writeQueue", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &q->context) != napi_ok ||
      napi_create_function(env, "queueWrites", NAPI_AUTO_LENGTH, queue_writes, q, &fn) != napi_ok ||
      napi_create_reference(env, fn, 0, &q->self) != napi_ok || napi_add_finalizer(env, fn, q, finalize, NULL, NULL) != napi_ok)
    return throw_range_error(env, "createWriteQueue: could not set up the queue");
  return fn;
}

void register_write_queue(napi_env env, napi_value exports) {
  export_function(env, exports, "createWriteQueue", create_write_queue);
}
