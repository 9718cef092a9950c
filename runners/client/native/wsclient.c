// wsbench's native bulk client shard: the same job and the same IPC messages as shard.ts, for
// the bulk connections, in C with OpenSSL and epoll, because a Node TLS socket alone costs
// ~50 KB and ~2% of a core per 1k msg/s (bench/client-cost.ts) and the load generator must not
// cost more than the server it loads. It speaks Node's IPC channel (JSON lines on the fd in
// NODE_CHANNEL_FD), so the run forks it exactly like the TypeScript shard.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum state { TCP_CONNECTING, TLS_HANDSHAKE, HTTP_UPGRADE, OPEN, DEAD };

typedef struct conn {
  int fd;
  SSL *ssl;
  unsigned char state;
  unsigned char subscribed;
  unsigned char want_write;
  int topic;            // index into topics
  int64_t last_seq;     // -1 before the first tick
  uint32_t mask;        // bit i: tick last_seq-1-i arrived
  int64_t first_tick;   // first tick scheduled after subscribing; INT64_MAX until then
  double started_ms;    // connect start, for the handshake latency
  double subscribed_ms; // when we learnt we are subscribed (the 101, or the Socket.IO ack)
  unsigned char *buf;   // partial HTTP response or frame carried between reads
  int buf_len;
  unsigned char *out;   // bytes SSL_write could not take yet
  int out_len;
  int index;            // position in conns[]
  double last_arrival_ms; // the previous in-order tick's arrival (0: none yet), for jitter and clumps
  unsigned char in_clump; // the previous arrival already counted as (part of) a clump
  unsigned char paused;   // a slow reader that stopped reading (EPOLLIN off) until refilled or its stall ends
  double tokens;          // a slow reader's bytes it may still read (a token bucket at read_rate)
  unsigned char reconnecting; // opened again by churn: held, though not yet open
} conn;

// ---- configuration, from the "start" message ----
static char source[64] = "shard-native", host[256] = "127.0.0.1", protocol[16] = "raw", ciphers[256] = "TLS_AES_128_GCM_SHA256";
static int port, per_address = 5000, max_in_flight = 100, topic_offset;
static double rate = 100, interval_ms = 2000, t0_ms, late_ms = 2000, judge_after_ms = 4000;
static char **topics, **addresses;
static int n_topics, n_addresses;
static long target;
static int socketio;
// A slow shard (issue 25): its connections read at most read_rate bytes/s (0: no limit) and stop
// reading for stall_sec out of every stall_every_sec (0: never), from the "slow" message on; a
// small receive buffer (rcvbuf) keeps the kernel from hiding the stall in its own memory.
static double read_rate, stall_sec, stall_every_sec, slow_since_ms;
static int rcvbuf, slow_on;

// ---- state ----
static int ipc_fd, ep;
static SSL_CTX *ctx;
static conn **conns;
static long n_conns, cap_conns, started, in_flight, open_now;
// Churn: the share of this shard's connections it closes and opens again each minute.
static double churn_per_min, churn_due;
static long churn_cursor, reconnecting;
static int stopping, tls_reported;
static struct { long received, expected, duplicate, out_of_order, dropped, late, missing, opened, failed, closed, reconnects; } c;
static double *hs;
static long n_hs, cap_hs;
static double worst_lag_ms;
static struct { char msg[160]; long count; } errors[8];
static int n_errors;
// left: deliveries by connections churn replaced before the tick's judgement (their slot holds a new connection by then).
static struct { int64_t n; double scheduled, judge_at; long expected, late, left; } pending[256];
// Judged ticks since the last report, as JSON tick records (every shard judges every tick).
static char ticks_json[32000];
static size_t ticks_len;
static int n_pending;

// This host's clock minus the runner's (a client host's, measured over SSH; 0 on the runner's
// own host): every time here is kept in the runner's clock, as the schedule and samples are.
static double clock_offset_ms = 0;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6 - clock_offset_ms;
}

// ---- histograms: every delivery's latency and every arrival's jitter, in µs ----
// hdr-histogram's bucket scheme (lowest value 1 µs, 3 significant digits, up to one hour), so
// the run rebuilds these exactly as the collector's histograms: each second sends each non-empty
// bucket's lowest value and count, and the exact maximum. Two arrays of 23,552 counters; one
// record is a few shifts.
#define HDR_SUB_MAGNITUDE 10 /* 2048 sub-buckets, half of them 1024 */
#define HDR_HIGHEST 3600000000ULL
#define HDR_LEN (23 * 1024)
typedef struct { uint64_t counts[HDR_LEN]; uint64_t total, max; } hdr;
static hdr lat_hist, jit_hist;
static long clumps;

static int hdr_index(uint64_t v) {
  int bucket = 63 - __builtin_clzll(v | 2047) - HDR_SUB_MAGNITUDE;
  return ((bucket + 1) << HDR_SUB_MAGNITUDE) + (int)(v >> bucket) - (1 << HDR_SUB_MAGNITUDE);
}
static uint64_t hdr_value(int index) {
  int bucket = (index >> HDR_SUB_MAGNITUDE) - 1;
  uint64_t sub = (uint64_t)(index & ((1 << HDR_SUB_MAGNITUDE) - 1)) + (1 << HDR_SUB_MAGNITUDE);
  if (bucket < 0) { sub -= 1 << HDR_SUB_MAGNITUDE; bucket = 0; }
  return sub << bucket;
}
static void hdr_record(hdr *h, double us) {
  uint64_t v = us < 1 ? 1 : us > HDR_HIGHEST ? HDR_HIGHEST : (uint64_t)(us + 0.5);
  h->counts[hdr_index(v)]++;
  h->total++;
  if (v > h->max) h->max = v;
}
/** Writes `,"<key>":[value,count,…],"<key>MaxUs":max` and empties the histogram. */
static void hdr_take(hdr *h, FILE *out, const char *key) {
  if (h->total == 0) return;
  fprintf(out, ",\"%s\":[", key);
  int first = 1;
  for (int i = 0; i < HDR_LEN; i++) {
    if (!h->counts[i]) continue;
    fprintf(out, "%s%llu,%llu", first ? "" : ",", (unsigned long long)hdr_value(i), (unsigned long long)h->counts[i]);
    first = 0;
    h->counts[i] = 0;
  }
  fprintf(out, "],\"%sMax\":%llu", key, (unsigned long long)h->max);
  h->total = h->max = 0;
}

// Each tick's first and last arrival and how many, over this shard's connections (same clock),
// so the run can merge shards into the broadcast's first-to-last spread.
static struct { int64_t n; double first, last; long count; } arrivals[64];
static void note_arrival(int64_t seq, double now) {
  __typeof__(arrivals[0]) *a = &arrivals[seq & 63];
  if (a->n > seq) return; // a stray arrival of a tick long judged
  if (a->n != seq || a->count == 0) { a->n = seq; a->first = a->last = now; a->count = 1; return; }
  if (now < a->first) a->first = now;
  if (now > a->last) a->last = now;
  a->count++;
}

// ---- IPC: JSON lines both ways ----
static void ipc_write(const char *data, size_t n) {
  for (size_t off = 0; off < n;) {
    ssize_t w = write(ipc_fd, data + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) { usleep(1000); continue; }
    if (w <= 0) exit(0);
    off += w;
  }
}

static void ipc_send(const char *fmt, ...) {
  char line[16384];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line - 2, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof line - 2) n = sizeof line - 2;
  line[n++] = '\n';
  ipc_write(line, n);
}

/** Finds "key": in a JSON object's text and returns a pointer just past the colon. */
static const char *json_key(const char *json, const char *key) {
  char pattern[80];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *p = strstr(json, pattern);
  return p ? p + strlen(pattern) : NULL;
}
static double json_num(const char *json, const char *key, double fallback) {
  const char *p = json_key(json, key);
  return p ? strtod(p, NULL) : fallback;
}
static void json_str(const char *json, const char *key, char *out, size_t size) {
  const char *p = json_key(json, key);
  if (!p || *p != '"') return;
  p++;
  size_t i = 0;
  while (*p && *p != '"' && i + 1 < size) out[i++] = *p++;
  out[i] = 0;
}
static int json_str_array(const char *json, const char *key, char ***out) {
  const char *p = json_key(json, key);
  int n = 0;
  *out = NULL;
  if (!p || *p != '[') return 0;
  p++;
  while (*p == '"') {
    const char *end = strchr(p + 1, '"');
    if (!end) break;
    *out = realloc(*out, sizeof(char *) * (n + 1));
    (*out)[n++] = strndup(p + 1, end - p - 1);
    p = end + 1;
    if (*p == ',') p++;
  }
  return n;
}

static void note_error(const char *msg) {
  for (int i = 0; i < n_errors; i++)
    if (strcmp(errors[i].msg, msg) == 0) { errors[i].count++; return; }
  if (n_errors < 8) {
    snprintf(errors[n_errors].msg, sizeof errors[0].msg, "%s", msg);
    errors[n_errors++].count = 1;
  }
}

// ---- connections ----
static void set_events(conn *k, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = k};
  epoll_ctl(ep, EPOLL_CTL_MOD, k->fd, &ev);
}

static void kill_conn(conn *k, const char *why) {
  if (k->state == DEAD) return;
  if (k->reconnecting) { k->reconnecting = 0; reconnecting--; }
  if (k->state == OPEN) { c.closed++; open_now--; }
  else { c.failed++; in_flight--; if (why) note_error(why); }
  k->state = DEAD;
  k->subscribed = 0;
  epoll_ctl(ep, EPOLL_CTL_DEL, k->fd, NULL);
  if (k->ssl) SSL_free(k->ssl);
  k->ssl = NULL;
  close(k->fd);
  free(k->buf); k->buf = NULL; k->buf_len = 0;
  free(k->out); k->out = NULL; k->out_len = 0;
}

static void flush_out(conn *k) {
  while (k->out_len > 0) {
    int w = SSL_write(k->ssl, k->out, k->out_len);
    if (w <= 0) {
      int e = SSL_get_error(k->ssl, w);
      if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) { k->want_write = 1; set_events(k, EPOLLIN | EPOLLOUT); return; }
      kill_conn(k, "write failed");
      return;
    }
    memmove(k->out, k->out + w, k->out_len - w);
    k->out_len -= w;
  }
  if (k->want_write) { k->want_write = 0; set_events(k, EPOLLIN); }
}

static void send_raw(conn *k, const void *data, int len) {
  k->out = realloc(k->out, k->out_len + len);
  memcpy(k->out + k->out_len, data, len);
  k->out_len += len;
  flush_out(k);
}

/** A masked client frame (RFC 6455 requires clients to mask; the key is fixed, it hides nothing here). */
static void send_frame(conn *k, int opcode, const char *payload, int len) {
  unsigned char frame[256];
  if (len > 125) len = 125;
  static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | len;
  memcpy(frame + 2, key, 4);
  for (int i = 0; i < len; i++) frame[6 + i] = payload[i] ^ key[i & 3];
  send_raw(k, frame, 6 + len);
}

static void subscribe(conn *k) {
  if (!k->subscribed) { k->subscribed = 1; k->subscribed_ms = now_ms(); }
}

static void on_tick(conn *k, int64_t seq, double scheduled) {
  int64_t prev_seq = k->last_seq;
  int in_order = k->last_seq < 0 || seq > k->last_seq;
  if (k->last_seq < 0) {
    if (k->first_tick != INT64_MAX && seq > k->first_tick) c.dropped += seq - k->first_tick;
    k->last_seq = seq;
    k->mask = 0;
  } else if (seq > k->last_seq) {
    int64_t gap = seq - k->last_seq - 1;
    c.dropped += gap;
    k->mask = gap + 1 > 30 ? 0 : ((k->mask << (gap + 1)) | (1u << gap)) & 0x3fffffff;
    k->last_seq = seq;
  } else if (seq == k->last_seq || (k->last_seq - seq <= 30 && ((k->mask >> (k->last_seq - seq - 1)) & 1))) {
    c.duplicate++;
    return;
  } else {
    c.out_of_order++;
    int64_t d = k->last_seq - seq;
    if (d <= 30) k->mask |= 1u << (d - 1);
  }
  c.received++;
  double now = now_ms();
  hdr_record(&lat_hist, (now - scheduled) * 1000);
  note_arrival(seq, now);
  if (in_order) {
    // Jitter: how far this arrival is from one interval per tick after the previous one (a
    // dropped tick is not jitter; it is counted as dropped). A clump: ticks arriving within a
    // tenth of an interval of each other, counted once however many it holds.
    if (k->last_arrival_ms > 0 && prev_seq >= 0) {
      double gap = now - k->last_arrival_ms, dev = gap - (double)(seq - prev_seq) * interval_ms;
      hdr_record(&jit_hist, (dev < 0 ? -dev : dev) * 1000);
      if (gap < interval_ms / 10) { if (!k->in_clump) { clumps++; k->in_clump = 1; } }
      else k->in_clump = 0;
    }
    k->last_arrival_ms = now;
  }
  if (now - scheduled > late_ms) {
    c.late++;
    // Counted against its own tick too, while that tick waits for its judgement.
    for (int p = 0; p < n_pending; p++) if (pending[p].n == seq) { pending[p].late++; break; }
  }
}

static int was_received(conn *k, int64_t n) {
  if (k->last_seq < 0 || n > k->last_seq) return 0;
  int64_t d = k->last_seq - n;
  if (d == 0 || d > 30) return 1;
  return (k->mask >> (d - 1)) & 1;
}

static void read_tick(conn *k, const char *text, int len) {
  const char *s = memmem(text, len, "\"seq\":", 6);
  const char *t = memmem(text, len, "\"scheduledMs\":", 14);
  if (s && t) on_tick(k, strtoll(s + 6, NULL, 10), strtod(t + 14, NULL));
}

static void on_text(conn *k, const char *p, int len) {
  if (!socketio) { read_tick(k, p, len); return; }
  if (len < 1) return;
  if (p[0] == '4' && len > 1) {
    if (p[1] == '2') read_tick(k, p, len);
    else if (p[1] == '0') subscribe(k);
    else if (p[1] == '4') { char msg[160]; snprintf(msg, sizeof msg, "server refused: %.*s", len - 2 > 120 ? 120 : len - 2, p + 2); note_error(msg); }
  } else if (p[0] == '2') {
    send_frame(k, 1, "3", 1);
  } else if (p[0] == '0') {
    char packet[200];
    int n = snprintf(packet, sizeof packet, "40{\"topic\":\"%s\"}", topics[(topic_offset + k->index) % n_topics]);
    send_frame(k, 1, packet, n);
  }
}

/** Consumes whole frames from data; returns bytes used (the rest is a partial frame). */
static int parse_frames(conn *k, unsigned char *data, int len) {
  int off = 0;
  while (len - off >= 2) {
    unsigned char *f = data + off;
    int opcode = f[0] & 0x0f;
    uint64_t plen = f[1] & 0x7f;
    int head = 2;
    if (plen == 126) { if (len - off < 4) break; plen = (f[2] << 8) | f[3]; head = 4; }
    else if (plen == 127) { if (len - off < 10) break; plen = 0; for (int i = 0; i < 8; i++) plen = (plen << 8) | f[2 + i]; head = 10; }
    if (f[1] & 0x80) head += 4; // servers do not mask, but tolerate it
    if ((uint64_t)(len - off - head) < plen) break;
    char *payload = (char *)f + head;
    if (opcode == 1 || opcode == 2) on_text(k, payload, (int)plen);
    else if (opcode == 9) send_frame(k, 10, payload, (int)plen);
    else if (opcode == 8) { kill_conn(k, NULL); return len; }
    off += head + (int)plen;
  }
  return off;
}

static void on_bytes(conn *k, unsigned char *data, int len) {
  // Carry-over from the previous read goes first.
  if (k->buf_len > 0) {
    k->buf = realloc(k->buf, k->buf_len + len);
    memcpy(k->buf + k->buf_len, data, len);
    data = k->buf;
    len = k->buf_len + len;
  }
  int used = 0;
  if (k->state == HTTP_UPGRADE) {
    unsigned char *end = memmem(data, len, "\r\n\r\n", 4);
    if (!end) used = 0;
    else if (len < 12 || memcmp(data, "HTTP/1.1 101", 12) != 0) {
      char msg[160];
      int line = (int)((unsigned char *)memchr(data, '\r', len) - data);
      snprintf(msg, sizeof msg, "upgrade refused: %.*s", line > 100 ? 100 : line, data);
      kill_conn(k, msg);
      return;
    } else {
      k->state = OPEN;
      in_flight--;
      open_now++;
      if (k->reconnecting) { k->reconnecting = 0; reconnecting--; }
      c.opened++;
      double ms = now_ms() - k->started_ms;
      if (n_hs == cap_hs) { cap_hs = cap_hs ? cap_hs * 2 : 1024; hs = realloc(hs, sizeof(double) * cap_hs); }
      hs[n_hs++] = ms;
      if (!socketio) subscribe(k);
      used = (int)(end + 4 - data);
    }
  }
  if (k->state == OPEN) used += parse_frames(k, data + used, len - used);
  if (k->state == DEAD) return;
  int rest = len - used;
  if (rest > 0) {
    unsigned char *keep = malloc(rest);
    memcpy(keep, data + used, rest);
    free(k->buf);
    k->buf = keep;
    k->buf_len = rest;
  } else {
    free(k->buf);
    k->buf = NULL;
    k->buf_len = 0;
  }
}

static void send_upgrade(conn *k) {
  char req[1024], path[512];
  if (socketio) snprintf(path, sizeof path, "/socket.io/?EIO=4&transport=websocket");
  else {
    const char *topic = topics[(topic_offset + k->index) % n_topics];
    char enc[384];
    int j = 0;
    for (const char *s = topic; *s && j < 370; s++) {
      if (*s == '/' || *s == '+' || *s == '#') j += sprintf(enc + j, "%%%02X", (unsigned char)*s);
      else enc[j++] = *s;
    }
    enc[j] = 0;
    snprintf(path, sizeof path, "/?topic=%s", enc);
  }
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: d3NiZW5jaC1uYXRpdmUtMQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                   path, host, port);
  k->state = HTTP_UPGRADE;
  send_raw(k, req, n);
}

/** A slow reader is in a stall now: it reads nothing. */
static int stalled(double now) {
  if (!slow_on || stall_sec <= 0) return 0;
  double into = now - slow_since_ms;
  return stall_every_sec > 0 ? fmod(into, stall_every_sec * 1000) < stall_sec * 1000 : into < stall_sec * 1000;
}

/** Whether a slow reader may read now; if not, stops watching it for input until refill_slow() lets it. */
static int may_read(conn *k, double now) {
  if (!slow_on || k->state != OPEN) return 1;
  if (!stalled(now) && (read_rate <= 0 || k->tokens > 0)) return 1;
  if (!k->paused) { k->paused = 1; set_events(k, k->want_write ? EPOLLOUT : 0); }
  return 0;
}

/** Every loop: slow readers earn their rate's bytes, and those out of a stall with bytes to spend read again. */
static void refill_slow(double now, double elapsed_ms) {
  int stall = stalled(now);
  // A TLS record is read whole (up to 16 KB): the bucket holds at least one, at most a second's worth.
  double cap = read_rate > 16384 ? read_rate : 16384;
  for (long i = 0; i < n_conns; i++) {
    conn *k = conns[i];
    if (k->state != OPEN) continue;
    if (read_rate > 0 && !stall) { k->tokens += read_rate * elapsed_ms / 1000; if (k->tokens > cap) k->tokens = cap; }
    if (k->paused && !stall && (read_rate <= 0 || k->tokens > 0)) {
      k->paused = 0;
      set_events(k, k->want_write ? EPOLLIN | EPOLLOUT : EPOLLIN);
    }
  }
}

static void drive_events(conn *k, uint32_t events) {
  if (k->state == TCP_CONNECTING) {
    int err = 0;
    socklen_t l = sizeof err;
    getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &l);
    if (err) { char msg[160]; snprintf(msg, sizeof msg, "connect: %s", strerror(err)); kill_conn(k, msg); return; }
    k->ssl = SSL_new(ctx);
    SSL_set_fd(k->ssl, k->fd);
    SSL_set_connect_state(k->ssl);
    k->state = TLS_HANDSHAKE;
  }
  if (k->state == TLS_HANDSHAKE) {
    int r = SSL_do_handshake(k->ssl);
    if (r != 1) {
      int e = SSL_get_error(k->ssl, r);
      if (e == SSL_ERROR_WANT_READ) { set_events(k, EPOLLIN); return; }
      if (e == SSL_ERROR_WANT_WRITE) { set_events(k, EPOLLIN | EPOLLOUT); return; }
      char msg[160];
      snprintf(msg, sizeof msg, "TLS handshake: %s", ERR_reason_error_string(ERR_get_error()) ?: "failed");
      kill_conn(k, msg);
      return;
    }
    if (!tls_reported) {
      tls_reported = 1;
      ipc_send("{\"type\":\"tls\",\"protocol\":\"%s\",\"cipher\":\"%s\"}", SSL_get_version(k->ssl), SSL_CIPHER_get_name(SSL_get_current_cipher(k->ssl)));
    }
    set_events(k, EPOLLIN);
    send_upgrade(k);
  }
  if (k->want_write) flush_out(k);
  static unsigned char rbuf[65536];
  // A hang-up or error is read whatever the reader's pace: left unread, epoll reports it for ever.
  int must_read = (events & (EPOLLHUP | EPOLLERR)) != 0;
  while (k->state == HTTP_UPGRADE || k->state == OPEN) {
    if (!must_read && !may_read(k, now_ms())) break;
    int r = SSL_read(k->ssl, rbuf, slow_on && read_rate > 0 && k->state == OPEN ? 16384 : sizeof rbuf);
    if (r > 0) { if (slow_on) k->tokens -= r; on_bytes(k, rbuf, r); continue; }
    int e = SSL_get_error(k->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
    kill_conn(k, e == SSL_ERROR_ZERO_RETURN ? "closed by server" : "read failed");
    break;
  }
}

/** Opens connection number i (its topic and local address follow from i); it may come back DEAD. */
static conn *open_conn(long i) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  conn *k = calloc(1, sizeof *k);
  k->fd = fd;
  k->last_seq = -1;
  k->first_tick = INT64_MAX;
  k->index = (int)i;
  k->started_ms = now_ms();
  k->state = TCP_CONNECTING;
  in_flight++;
  if (fd < 0) { k->fd = -1; k->state = DEAD; c.failed++; in_flight--; note_error(strerror(errno)); return k; }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Before connect: the window the kernel offers is set at the handshake.
  if (rcvbuf > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    // An Ethernet-sized segment, as a phone's path has: loopback's 64 KB MSS makes the server's
    // kernel size its send buffer for megabytes per socket, and hide a stalled reader there.
    int mss = 1400;
    setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
  }
  if (n_addresses > 0) {
    // The port is chosen at connect time, per destination: far fewer collisions per address.
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    struct sockaddr_in local = {.sin_family = AF_INET};
    inet_pton(AF_INET, addresses[(i / per_address) % n_addresses], &local.sin_addr);
    if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) { char msg[160]; snprintf(msg, sizeof msg, "bind: %s", strerror(errno)); k->state = TCP_CONNECTING; struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = k}; epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev); kill_conn(k, msg); return k; }
  }
  struct sockaddr_in remote = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &remote.sin_addr);
  struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = k};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  if (connect(fd, (struct sockaddr *)&remote, sizeof remote) < 0 && errno != EINPROGRESS) {
    char msg[160];
    snprintf(msg, sizeof msg, "connect: %s", strerror(errno));
    kill_conn(k, msg);
  }
  return k;
}

static void start_conn(void) {
  long i = started++;
  if (n_conns == cap_conns) { cap_conns = cap_conns ? cap_conns * 2 : 1024; conns = realloc(conns, sizeof(conn *) * cap_conns); }
  conns[n_conns++] = open_conn(i);
}

/**
 * Churn, once a second: closes this second's share of the open connections (a close frame, as a
 * browser tab that navigates away sends) and opens each again at once, TLS handshake and all,
 * which the server pays for in CPU. A leaving connection is taken out of the ticks it was
 * expected for and has not received (it left, the server did not lose them); what it had
 * received still counts as delivered when those ticks are judged.
 */
static void churn(void) {
  if (churn_per_min <= 0 || open_now == 0) return;
  churn_due += open_now * churn_per_min / 60;
  // Owed reconnects never pile up beyond one of each open connection (all of them mid-reconnect).
  if (churn_due > open_now) churn_due = open_now;
  for (long seen = 0; churn_due >= 1 && seen < n_conns; seen++) {
    conn *k = conns[churn_cursor++ % n_conns];
    if (k->state != OPEN || !k->subscribed) continue;
    for (int p = 0; p < n_pending; p++) {
      if (k->first_tick > pending[p].n || k->subscribed_ms > pending[p].scheduled) continue; // not expected of it
      if (was_received(k, pending[p].n)) pending[p].left++;
      else if (pending[p].expected > 0) pending[p].expected--;
    }
    send_frame(k, 8, "\x03\xe8", 2); // 1000: normal closure
    // A reconnect, not a lost connection (unless the close frame itself found it gone: counted then).
    if (k->state == OPEN) { kill_conn(k, NULL); c.closed--; }
    c.reconnects++;
    churn_due -= 1;
    // The same slot, the same topic and local address: a new TLS handshake right away.
    long slot = (churn_cursor - 1) % n_conns;
    conn *again = open_conn(k->index);
    if (again->state != DEAD) { again->reconnecting = 1; reconnecting++; }
    conns[slot] = again;
    free(k);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double last_cpu_s, last_wall_ms, last_wait_ms = -1;

/** ms this (single-threaded) process has waited runnable for a CPU: /proc/self/schedstat's second field, in ns. */
static double cpu_wait_ms(void) {
  unsigned long long run = 0, wait = 0;
  FILE *f = fopen("/proc/self/schedstat", "r");
  if (!f) return -1;
  int ok = fscanf(f, "%llu %llu", &run, &wait) == 2;
  fclose(f);
  return ok ? wait / 1e6 : -1;
}
static int64_t last_t;

static void report(void) {
  double wall = now_ms();
  int64_t t = (int64_t)(wall / 1000) * 1000;
  if (t <= last_t) t = last_t + 1000;
  last_t = t;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  double cpu_pct = last_wall_ms > 0 ? (cpu_s - last_cpu_s) * 1000 / (wall - last_wall_ms) * 100 : 0;
  double wait_now = cpu_wait_ms();
  char waitj[48] = "";
  if (wait_now >= 0 && last_wait_ms >= 0 && last_wall_ms > 0) snprintf(waitj, sizeof waitj, ",\"cpuWaitMs\":%.1f", (wait_now - last_wait_ms) * 1000 / (wall - last_wall_ms));
  last_wait_ms = wait_now;
  last_cpu_s = cpu_s;
  last_wall_ms = wall;
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) { if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0; fclose(f); }
  char hsj[128] = "";
  if (n_hs > 0) {
    qsort(hs, n_hs, sizeof(double), cmp_double);
    snprintf(hsj, sizeof hsj, "\"hsP50Ms\":%.3f,\"hsP99Ms\":%.3f,\"hsMaxMs\":%.3f,", hs[n_hs / 2], hs[(long)(n_hs * 0.99) < n_hs ? (long)(n_hs * 0.99) : n_hs - 1], hs[n_hs - 1]);
    n_hs = 0;
  }
  // The histograms make the line as long as it needs (a wide spread of latencies: thousands of
  // buckets), so it is built in memory, not in ipc_send's fixed buffer.
  char *line = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&line, &size);
  // "open" is what the shard holds: a connection churn closed and is opening again still counts.
  fprintf(out, "{\"type\":\"sample\",\"ticks\":[%s],\"sample\":{\"kind\":\"client\",\"source\":\"%s\",\"t\":%lld,\"open\":%ld,\"opened\":%ld,\"failed\":%ld,\"closed\":%ld,%s"
          "\"received\":%ld,\"expected\":%ld,\"duplicate\":%ld,\"outOfOrder\":%ld,\"dropped\":%ld,\"late\":%ld,\"missing\":%ld,\"clumps\":%ld,"
          "\"cpuPct\":%.1f,\"rssBytes\":%ld,\"loopDelayP99Ms\":%.2f",
          ticks_json, source, (long long)t, open_now + reconnecting, c.opened, c.failed, c.closed, hsj, c.received, c.expected, c.duplicate, c.out_of_order, c.dropped, c.late, c.missing,
          clumps, cpu_pct, resident * sysconf(_SC_PAGESIZE), worst_lag_ms);
  fputs(waitj, out);
  if (churn_per_min > 0) fprintf(out, ",\"reconnects\":%ld", c.reconnects);
  hdr_take(&lat_hist, out, "latUs");
  hdr_take(&jit_hist, out, "jitUs");
  fputs("}}\n", out);
  fclose(out);
  ipc_write(line, size);
  free(line);
  clumps = 0;
  // Handshakes leave freed memory behind in malloc's arenas; give it back so RSS is what the
  // connections hold, not what the ramp once needed.
  if (c.opened > c.reconnects || c.failed > 0) malloc_trim(0);
  memset(&c, 0, sizeof c);
  ticks_len = 0;
  ticks_json[0] = 0;
  worst_lag_ms = 0;
  for (int i = 0; i < n_errors; i++) {
    char escaped[200];
    int j = 0;
    for (const char *s = errors[i].msg; *s && j < 190; s++) { if (*s == '"' || *s == '\\') escaped[j++] = '\\'; escaped[j++] = (*s >= 32) ? *s : ' '; }
    escaped[j] = 0;
    ipc_send("{\"type\":\"connect-error\",\"message\":\"%s\",\"count\":%ld}", escaped, errors[i].count);
  }
  n_errors = 0;
}

static void schedule_tick(int64_t n, double due) {
  long expected = 0;
  for (long i = 0; i < n_conns; i++) {
    conn *k = conns[i];
    // Only those subscribed by the tick's schedule: a busy loop may get here late.
    if (k->state != OPEN || !k->subscribed || k->subscribed_ms > due) continue;
    if (k->first_tick == INT64_MAX) k->first_tick = n;
    expected++;
  }
  if (n_pending < 256) {
    pending[n_pending].n = n;
    pending[n_pending].scheduled = due;
    pending[n_pending].judge_at = due + judge_after_ms;
    pending[n_pending].expected = expected;
    pending[n_pending].late = 0;
    pending[n_pending].left = 0;
    n_pending++;
  }
}

static void judge_due(double now) {
  for (;;) {
    // Oldest due tick first: the collector takes each source's ticks in increasing order.
    int p = -1;
    for (int q = 0; q < n_pending; q++) if (pending[q].judge_at <= now && (p < 0 || pending[q].n < pending[p].n)) p = q;
    if (p < 0) return;
    long delivered = 0;
    int64_t n = pending[p].n;
    for (long i = 0; i < n_conns; i++) {
      conn *k = conns[i];
      if (k->state != DEAD && k->first_tick <= n && was_received(k, n)) delivered++;
    }
    delivered += pending[p].left;
    long expected = pending[p].expected;
    if (delivered > expected) delivered = expected;
    c.expected += expected;
    c.missing += expected - delivered;
    if (ticks_len + 400 < sizeof ticks_json) {
      ticks_len += snprintf(ticks_json + ticks_len, sizeof ticks_json - ticks_len,
                            "%s{\"kind\":\"tick\",\"source\":\"%s\",\"n\":%lld,\"scheduledMs\":%lld,\"expectedReceivers\":%ld,\"delivered\":%ld,\"late\":%ld,\"missing\":%ld",
                            ticks_len ? "," : "", source, (long long)n, (long long)pending[p].scheduled, expected, delivered, pending[p].late, expected - delivered);
      __typeof__(arrivals[0]) *a = &arrivals[n & 63];
      if (a->n == n && a->count > 0)
        ticks_len += snprintf(ticks_json + ticks_len, sizeof ticks_json - ticks_len, ",\"receivers\":%ld,\"firstMs\":%.3f,\"lastMs\":%.3f,\"spreadMs\":%.3f",
                              a->count, a->first, a->last, a->last - a->first);
      ticks_len += snprintf(ticks_json + ticks_len, sizeof ticks_json - ticks_len, "}");
    }
    pending[p] = pending[--n_pending];
  }
}

// A server that accepts the connection and never finishes the handshake (no TLS, or no answer
// to the upgrade) would hold a connection in flight for ever and stall the ramp: give up after
// this long and say at which stage, as the TypeScript client does.
#define HANDSHAKE_TIMEOUT_MS 30000
static void expire_handshakes(double now) {
  for (long i = 0; i < n_conns; i++) {
    conn *k = conns[i];
    if (k->state == OPEN || k->state == DEAD || now - k->started_ms < HANDSHAKE_TIMEOUT_MS) continue;
    kill_conn(k, k->state == TCP_CONNECTING ? "no TCP connection within 30 s" : k->state == TLS_HANDSHAKE ? "no TLS handshake within 30 s" : "no answer to the WebSocket upgrade within 30 s (TLS was done)");
  }
}

static void handle_ipc_line(char *line) {
  if (strstr(line, "\"type\":\"start\"")) {
    clock_offset_ms = json_num(line, "clockOffsetMs", 0); // first: every time below depends on it
    json_str(line, "source", source, sizeof source);
    json_str(line, "host", host, sizeof host);
    json_str(line, "protocol", protocol, sizeof protocol);
    json_str(line, "ciphers", ciphers, sizeof ciphers);
    socketio = strcmp(protocol, "socketio") == 0;
    port = (int)json_num(line, "port", 0);
    per_address = (int)json_num(line, "perAddress", 5000);
    max_in_flight = (int)json_num(line, "maxInFlight", 100);
    topic_offset = (int)json_num(line, "topicOffset", 0);
    rate = json_num(line, "connectRatePerSec", 100);
    interval_ms = json_num(line, "intervalMs", 2000);
    t0_ms = json_num(line, "t0Ms", now_ms());
    late_ms = json_num(line, "lateMs", interval_ms);
    judge_after_ms = json_num(line, "judgeAfterMs", 2 * interval_ms);
    n_topics = json_str_array(line, "topics", &topics);
    n_addresses = json_str_array(line, "localAddresses", &addresses);
    target = (long)json_num(line, "target", 0);
    read_rate = json_num(line, "readBytesPerSec", 0);
    stall_sec = json_num(line, "stallSec", 0);
    stall_every_sec = json_num(line, "stallEverySec", 0);
    rcvbuf = (int)json_num(line, "rcvbufBytes", 0);
    churn_per_min = json_num(line, "churnPerMin", 0);
    if (n_topics == 0) { topics = malloc(sizeof(char *)); topics[0] = strdup("stocks/AAPL"); n_topics = 1; }
    if (SSL_CTX_set_ciphersuites(ctx, ciphers) != 1) { ipc_send("{\"type\":\"connect-error\",\"message\":\"bad cipher list %s\",\"count\":1}", ciphers); }
  } else if (strstr(line, "\"type\":\"target\"")) {
    target = (long)json_num(line, "target", target);
  } else if (strstr(line, "\"type\":\"slow\"")) {
    // The calm part of the run is over: from now on this shard's readers keep their pace.
    if (!slow_on) { slow_on = 1; slow_since_ms = now_ms(); }
  } else if (strstr(line, "\"type\":\"stop\"")) {
    stopping = 1;
  }
}

int main(void) {
  const char *fd_env = getenv("NODE_CHANNEL_FD");
  if (!fd_env) { fprintf(stderr, "wsbench native client: run me from wsbench (no NODE_CHANNEL_FD)\n"); return 2; }
  ipc_fd = atoi(fd_env);
  // A server that dies mid-write must cost one connection, not the whole shard.
  signal(SIGPIPE, SIG_IGN);
  // Ctrl-C reaches the whole process group; the run decides when its shards stop.
  signal(SIGINT, SIG_IGN);
  SSL_library_init();
  ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  // Idle connections give their 16 KB read/write buffers back: most of what a TLS socket costs.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  ep = epoll_create1(EPOLL_CLOEXEC);
  fcntl(ipc_fd, F_SETFL, fcntl(ipc_fd, F_GETFL) | O_NONBLOCK);
  struct epoll_event ipc_ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, ipc_fd, &ipc_ev);
  ipc_send("{\"type\":\"hello\"}");

  static char ipc_buf[1 << 16];
  int ipc_len = 0, running = 0;
  double budget = 0, last_pump = now_ms(), next_report = 0;
  int64_t next_n = 0;
  struct epoll_event events[1024];
  double intended_wake = now_ms();
  double last_refill = now_ms();
  while (!stopping) {
    double now = now_ms();
    if (now - intended_wake > worst_lag_ms) worst_lag_ms = now - intended_wake;
    if (slow_on) { refill_slow(now, now - last_refill); }
    last_refill = now;
    if (running) {
      budget += (now - last_pump) / 1000 * rate;
      if (budget > (rate / 10 > 1 ? rate / 10 : 1)) budget = rate / 10 > 1 ? rate / 10 : 1;
      last_pump = now;
      while (budget >= 1 && started < target && in_flight < max_in_flight) { start_conn(); budget--; }
      while (now >= t0_ms + next_n * interval_ms) { schedule_tick(next_n, t0_ms + next_n * interval_ms); next_n++; }
      judge_due(now);
      if (now >= next_report) {
        churn();
        report();
        next_report = (double)((int64_t)(now / 1000) + 1) * 1000 + 5;
        expire_handshakes(now);
      }
    }
    double wake = now + 10;
    if (running) {
      double tick_at = t0_ms + next_n * interval_ms;
      if (tick_at < wake) wake = tick_at;
      if (next_report < wake) wake = next_report;
    }
    int timeout = (int)(wake - now);
    if (timeout < 0) timeout = 0;
    intended_wake = now + timeout;
    int n = epoll_wait(ep, events, 1024, timeout);
    for (int i = 0; i < n; i++) {
      conn *k = events[i].data.ptr;
      if (!k) {
        ssize_t r = read(ipc_fd, ipc_buf + ipc_len, sizeof ipc_buf - 1 - ipc_len);
        if (r == 0) return 0; // the run went away
        if (r < 0) continue;
        ipc_len += r;
        ipc_buf[ipc_len] = 0;
        char *line = ipc_buf, *nl;
        while ((nl = strchr(line, '\n'))) {
          *nl = 0;
          handle_ipc_line(line);
          if (!running && strstr(line, "\"type\":\"start\"")) {
            running = 1;
            last_pump = now_ms();
            next_n = (int64_t)((now_ms() - t0_ms) / interval_ms) + 1;
            if (next_n < 1) next_n = 1;
            next_report = (double)((int64_t)(now_ms() / 1000) + 1) * 1000 + 5;
          }
          line = nl + 1;
        }
        ipc_len -= (int)(line - ipc_buf);
        memmove(ipc_buf, line, ipc_len);
        continue;
      }
      if (k->state != DEAD) drive_events(k, events[i].events);
    }
  }
  report();
  for (long i = 0; i < n_conns; i++) if (conns[i]->state != DEAD) { close(conns[i]->fd); }
  ipc_send("{\"type\":\"stopped\"}");
  return 0;
}
