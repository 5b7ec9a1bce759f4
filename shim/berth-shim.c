/*
 * berth-shim: stays with one container (or one exec process), reaps it, keeps its exit code and output,
 * and outlives the berth daemon. One process, one poll loop, static buffers.
 *
 *   berth-shim --id ID --dir DIR --runtime RUNC --runtime-root ROOT
 *              ( --bundle BUNDLE | --exec-container CID --exec-process PROCESS_JSON )
 *              [--tty] [--stdin] [--log LOGFILE]
 *
 * fd 3 (if open) receives one JSON line, {"pid":N} or {"error":"..."}, and is closed.
 * DIR/attach.sock speaks frames: [type u8, 0, 0, 0, length u32 BE] + payload.
 *   shim -> client: 1 stdout, 2 stderr, 4 exit code (decimal), 5 start result (empty = ok)
 *   client -> shim: 0 stdin, 6 close stdin, 7 resize "rows cols", 8 start
 * DIR/exit holds the decimal exit code once the process is reaped (signals as 128+n).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "shim-util.h"

enum { F_STDIN = 0, F_STDOUT = 1, F_STDERR = 2, F_EXIT = 4, F_START_RESULT = 5, F_CLOSE_STDIN = 6, F_RESIZE = 7, F_START = 8 };
enum { OP_NONE, OP_CREATE, OP_START, OP_EXEC };

#define MAX_CLIENTS 32
#define CLIENT_SEND_TIMEOUT_S 10
#define CONSOLE_WAIT_MS 5000 /* after runc exits 0, how long to wait for the pty master */
#define OP_AFTER_EXIT_MS 10000 /* after the process exits, how long to wait for a runc start still running */
#define DRAIN_MAX_READS 1024
#define REAPED_MAX 64

static struct {
  char *id, *dir, *runtime, *root, *bundle, *exec_cid, *exec_process, *log_path;
  int tty, stdin_on;
} opt;

static char p_sock[PATH_MAX], p_console[PATH_MAX], p_pid[PATH_MAX], p_exit[PATH_MAX], p_exit_tmp[PATH_MAX],
    p_runclog[PATH_MAX], p_shimpid[PATH_MAX];

struct client {
  int fd;                /* -1 = free slot */
  unsigned gen;          /* bumped when the slot is freed, so a stale START reply finds no one */
  int rd_closed;         /* peer shut down its write side; keep sending output until it hangs up */
  unsigned char hdr[8];
  int hdr_len;
  int type;
  uint32_t remain;       /* payload bytes still to read */
  int discard;           /* control payload too large: skip it */
  char ctl[64];
  uint32_t ctl_len;
};

static struct client clients[MAX_CLIENTS];
static int sync_fd = -1, sig_fd = -1, listen_fd = -1, log_fd = -1;
static int console_listen_fd = -1, console_conn_fd = -1, master_fd = -1;
static int out_fd = -1, err_fd = -1, in_fd = -1; /* ours: read ends of stdout/stderr, write end of stdin */
static int out_open, err_open, output_on;         /* output_on: runc is done, pipes carry only container output */

static struct {
  pid_t pid;
  int kind, exited, status, err_fd, client, client_gen;
  off_t log_off;
  uint64_t exited_ms;
} op = {0, OP_NONE, 0, 0, -1, -1, 0, 0, 0};

static pid_t main_pid;
static int main_exited, main_code, created, start_requested;
static uint64_t main_exited_ms;
static struct { pid_t pid; int status; } reaped[REAPED_MAX];
static int reaped_next;

static unsigned short want_rows, want_cols; /* a resize that came before the pty did */

static char iobuf[32768];  /* container output */
static char inbuf[32768];  /* stdin pending for the container */
static size_t in_off, in_len;
static char scratch[4096]; /* discarded payloads */
static char msgbuf[2048], jsonbuf[4200];

/* ---------- startup and teardown ---------- */

static void remove_runtime_files(void) {
  unlink(p_sock);
  unlink(p_console);
  unlink(p_shimpid);
}

static void sync_send(const char *line) {
  if (sync_fd < 0) return;
  if (write_full(sync_fd, line, strlen(line)) < 0) shim_log("sync pipe: %s", strerror(errno));
  close(sync_fd);
  sync_fd = -1;
}

static void __attribute__((noreturn)) fail_startup(const char *msg) {
  char esc[sizeof msgbuf * 2];
  shim_log("%s", msg);
  json_escape(msg, esc, sizeof esc);
  snprintf(jsonbuf, sizeof jsonbuf, "{\"error\":\"%s\"}\n", esc);
  remove_runtime_files();
  sync_send(jsonbuf);
  exit(1);
}

static void usage(void) {
  fail_startup("usage: berth-shim --id ID --dir DIR --runtime RUNC --runtime-root ROOT "
               "(--bundle B | --exec-container CID --exec-process P) [--tty] [--stdin] [--log FILE]");
}

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char **dst = NULL;
    if (!strcmp(a, "--tty")) opt.tty = 1;
    else if (!strcmp(a, "--stdin")) opt.stdin_on = 1;
    else if (!strcmp(a, "--id")) dst = &opt.id;
    else if (!strcmp(a, "--dir")) dst = &opt.dir;
    else if (!strcmp(a, "--runtime")) dst = &opt.runtime;
    else if (!strcmp(a, "--runtime-root")) dst = &opt.root;
    else if (!strcmp(a, "--bundle")) dst = &opt.bundle;
    else if (!strcmp(a, "--exec-container")) dst = &opt.exec_cid;
    else if (!strcmp(a, "--exec-process")) dst = &opt.exec_process;
    else if (!strcmp(a, "--log")) dst = &opt.log_path;
    else usage();
    if (dst) {
      if (++i >= argc) usage();
      *dst = argv[i];
    }
  }
  if (!opt.id || !opt.dir || !opt.runtime || !opt.root) usage();
  if (!opt.bundle == !opt.exec_cid || !opt.exec_cid != !opt.exec_process) usage();
}

static void make_path(char *dst, const char *name) {
  if (snprintf(dst, PATH_MAX, "%s/%s", opt.dir, name) >= PATH_MAX) fail_startup("shim directory path too long");
}

static void setup_fds(void) {
  if (fcntl(3, F_GETFD) >= 0) {
    sync_fd = 3;
    fd_cloexec(sync_fd); /* runc and the container must not hold the spawner's pipe open */
  }
  /* Keep fds 0-2 taken so every fd we create is >= 3 (see spawn_with_stdio). */
  int fd;
  while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2) {
  }
  if (fd >= 0) close(fd);
}

static void setup_process(void) {
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  sig_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sig_fd < 0) fail_startup("signalfd failed");
  setsid(); /* fails harmlessly when the spawner already made us a session leader */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fail_startup("cannot become a child subreaper");
}

static void setup_files(void) {
  make_path(p_sock, "attach.sock");
  make_path(p_console, "console.sock");
  make_path(p_pid, "pid");
  make_path(p_exit, "exit");
  make_path(p_exit_tmp, "exit.tmp");
  make_path(p_runclog, "runc.log");
  make_path(p_shimpid, "shim.pid");
  /* The directory may be reused (a restarted container): nothing of a previous process may remain. */
  unlink(p_exit);
  unlink(p_exit_tmp);
  unlink(p_pid);
  if (opt.log_path) {
    log_fd = open(opt.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (log_fd < 0) {
      snprintf(msgbuf, sizeof msgbuf, "open log %.1024s: %s", opt.log_path, strerror(errno));
      fail_startup(msgbuf);
    }
  }
  char pidtxt[24];
  int n = snprintf(pidtxt, sizeof pidtxt, "%d\n", (int)getpid());
  char tmp[PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", p_shimpid);
  if (write_file_atomic(p_shimpid, tmp, pidtxt, (size_t)n) < 0) {
    snprintf(msgbuf, sizeof msgbuf, "write %.1024s: %s", p_shimpid, strerror(errno));
    fail_startup(msgbuf);
  }
  listen_fd = unix_listen(p_sock);
  if (listen_fd < 0 || fd_nonblock(listen_fd) < 0) {
    snprintf(msgbuf, sizeof msgbuf, "listen on %.1024s: %s", p_sock, strerror(errno));
    fail_startup(msgbuf);
  }
  for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
}

/* ---------- clients ---------- */

static void drop_client(struct client *c) {
  close(c->fd);
  c->fd = -1;
  c->gen++;
}

static void send_frame(struct client *c, int type, const void *data, size_t len) {
  unsigned char hdr[8] = {(unsigned char)type, 0, 0, 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 8), (unsigned char)len};
  struct iovec iov[2] = {{hdr, 8}, {(void *)data, len}};
  if (writev_full(c->fd, iov, len ? 2 : 1) < 0) drop_client(c); /* dead, or stuck past the send timeout */
}

static void broadcast(int type, const void *data, size_t len) {
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0) send_frame(&clients[i], type, data, len);
}

static void accept_clients(void) {
  for (;;) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) return;
    struct client *c = NULL;
    for (int i = 0; i < MAX_CLIENTS && !c; i++)
      if (clients[i].fd < 0) c = &clients[i];
    if (!c) {
      shim_log("too many clients, refusing one");
      close(fd);
      continue;
    }
    struct timeval tv = {CLIENT_SEND_TIMEOUT_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    unsigned gen = c->gen;
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->gen = gen;
  }
}

/* ---------- container output and input ---------- */

static void emit(int stream, const char *data, size_t len) {
  if (log_fd >= 0) {
    uint64_t t = now_realtime_ns();
    unsigned char hdr[16] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                             (unsigned char)(len >> 8), (unsigned char)len};
    for (int i = 0; i < 8; i++) hdr[8 + i] = (unsigned char)(t >> (56 - 8 * i));
    struct iovec iov[2] = {{hdr, 16}, {(void *)data, len}};
    if (writev_full(log_fd, iov, 2) < 0) shim_log("log write: %s", strerror(errno));
  }
  broadcast(stream, data, len);
}

/* One read from an output fd; returns 1 if data was read, 0 otherwise. */
static int read_output(int fd, int stream, int *open) {
  ssize_t n = read(fd, iobuf, sizeof iobuf);
  if (n > 0) {
    emit(stream, iobuf, (size_t)n);
    return 1;
  }
  if (n == 0 || (errno != EAGAIN && errno != EINTR)) *open = 0; /* EOF, or EIO once a pty's slave is closed */
  return 0;
}

static void drain_output(void) {
  if (!output_on) return;
  for (int i = 0; i < DRAIN_MAX_READS && out_open && read_output(out_fd, F_STDOUT, &out_open); i++) {
  }
  for (int i = 0; i < DRAIN_MAX_READS && err_open && read_output(err_fd, F_STDERR, &err_open); i++) {
  }
}

static void close_stdin(void) {
  if (in_fd >= 0 && in_fd != master_fd) close(in_fd);
  in_fd = -1;
  in_off = in_len = 0;
}

static void flush_stdin(void) {
  while (in_off < in_len) {
    if (in_fd < 0) {
      in_off = in_len = 0;
      return;
    }
    ssize_t n = write(in_fd, inbuf + in_off, in_len - in_off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      close_stdin(); /* the container closed its stdin or exited */
      return;
    }
    in_off += (size_t)n;
  }
  in_off = in_len = 0;
}

/* ---------- runc operations ---------- */

static const char *op_name(int kind) {
  return kind == OP_CREATE ? "create" : kind == OP_START ? "start" : "exec";
}

static int pipe_pair(int fds[2]) {
  return pipe2(fds, O_CLOEXEC);
}

/* stdio for runc: the container's pipes (create/exec without tty), else /dev/null + an error pipe. */
static int op_stdio(int kind, int child[3]) {
  int p[2];
  child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (child[0] < 0) return -1;
  if (kind == OP_START || opt.tty) {
    if (pipe_pair(p) < 0) return -1;
    op.err_fd = p[0];
    fd_nonblock(p[0]);
    child[1] = p[1];
    child[2] = dup(p[1]);
    return child[2] < 0 ? -1 : fd_cloexec(child[2]);
  }
  if (opt.stdin_on) {
    if (pipe_pair(p) < 0) return -1;
    close(child[0]);
    child[0] = p[0];
    in_fd = p[1];
    fd_nonblock(in_fd);
  }
  if (pipe_pair(p) < 0) return -1;
  out_fd = p[0], child[1] = p[1], out_open = 1;
  if (pipe_pair(p) < 0) return -1;
  err_fd = p[0], child[2] = p[1], err_open = 1;
  fd_nonblock(out_fd);
  fd_nonblock(err_fd);
  return 0;
}

static int launch_op(int kind) {
  char *argv[24];
  int a = 0;
  argv[a++] = opt.runtime;
  argv[a++] = "--root", argv[a++] = opt.root;
  argv[a++] = "--log", argv[a++] = p_runclog, argv[a++] = "--log-format", argv[a++] = "json";
  argv[a++] = (char *)op_name(kind);
  int console = opt.tty && kind != OP_START;
  if (kind == OP_CREATE) argv[a++] = "--bundle", argv[a++] = opt.bundle;
  if (kind == OP_EXEC) argv[a++] = "--detach", argv[a++] = "--process", argv[a++] = opt.exec_process;
  if (kind != OP_START) argv[a++] = "--pid-file", argv[a++] = p_pid;
  if (kind == OP_EXEC && opt.tty) argv[a++] = "--tty";
  if (console) argv[a++] = "--console-socket", argv[a++] = p_console;
  argv[a++] = kind == OP_EXEC ? opt.exec_cid : opt.id;
  argv[a] = NULL;

  if (console) {
    console_listen_fd = unix_listen(p_console);
    if (console_listen_fd < 0 || fd_nonblock(console_listen_fd) < 0) return -1;
  }
  if (kind != OP_START) unlink(p_pid);
  int child[3] = {-1, -1, -1};
  int rc = op_stdio(kind, child);
  op.log_off = file_size(p_runclog);
  pid_t pid = rc < 0 ? -1 : spawn_with_stdio(argv, child[0], child[1], child[2]);
  int saved = errno;
  for (int i = 0; i < 3; i++)
    if (child[i] >= 0) close(child[i]);
  errno = saved;
  if (pid < 0) return -1;
  op.pid = pid, op.kind = kind, op.exited = 0, op.exited_ms = 0;
  return 0;
}

/* Why the runc operation failed: runc's own log, else what it printed, else its exit status. */
static void op_error(char *out, size_t outsz) {
  if (runc_log_error(p_runclog, op.log_off, out, outsz)) return;
  int fd = op.err_fd >= 0 ? op.err_fd : err_fd;
  ssize_t n = fd >= 0 ? read(fd, out, outsz - 1) : -1;
  out[n > 0 ? n : 0] = 0;
  trim_right(out);
  if (out[0]) return;
  int st = op.status;
  if (WIFEXITED(st)) snprintf(out, outsz, "runc %s failed: exit status %d", op_name(op.kind), WEXITSTATUS(st));
  else snprintf(out, outsz, "runc %s failed: killed by signal %d", op_name(op.kind), WTERMSIG(st));
}

static int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

static void main_done(int status) {
  main_exited = 1;
  main_code = exit_code_of(status);
  main_exited_ms = now_monotonic_ms();
}

static void reply_start(const char *err) {
  struct client *c = op.client >= 0 ? &clients[op.client] : NULL;
  if (c && c->fd >= 0 && (int)c->gen == op.client_gen) send_frame(c, F_START_RESULT, err, strlen(err));
}

/* The process runc just started: its pid, and its status if it was reaped before we knew the pid. */
static int adopt_main(void) {
  long pid = read_number_file(p_pid);
  if (pid <= 0) return -1;
  main_pid = (pid_t)pid;
  for (int i = 0; i < REAPED_MAX; i++)
    if (reaped[i].pid == main_pid) main_done(reaped[i].status);
  output_on = 1;
  return 0;
}

static void op_failed(const char *msg) {
  if (op.kind == OP_CREATE) fail_startup(msg);
  reply_start(msg);
  if (op.kind == OP_EXEC) { /* a failed exec ends like a process that could not be executed */
    int missing = strstr(msg, "executable file not found") || strstr(msg, "no such file");
    main_exited = 1;
    main_code = missing ? 127 : 126;
    main_exited_ms = now_monotonic_ms();
  } else {
    start_requested = 0;
  }
}

static void op_succeeded(void) {
  if (op.kind == OP_START) {
    reply_start("");
    return;
  }
  if (adopt_main() < 0) {
    snprintf(msgbuf, sizeof msgbuf, "runc %s: cannot read pid file %.1024s", op_name(op.kind), p_pid);
    op_failed(msgbuf);
    return;
  }
  if (op.kind == OP_EXEC) {
    reply_start("");
    return;
  }
  created = 1;
  snprintf(jsonbuf, sizeof jsonbuf, "{\"pid\":%d}\n", (int)main_pid);
  sync_send(jsonbuf);
}

static void op_finish(void) {
  if (op.err_fd >= 0) close(op.err_fd);
  if (console_listen_fd >= 0) close(console_listen_fd);
  if (console_conn_fd >= 0) close(console_conn_fd);
  op.err_fd = console_listen_fd = console_conn_fd = -1;
  unlink(p_console);
  op.pid = 0, op.kind = OP_NONE, op.client = -1;
}

/* Called whenever runc may have finished: complete the operation once its exit (and pty) are in. */
static void try_complete_op(void) {
  if (!op.pid || !op.exited) return;
  int ok = WIFEXITED(op.status) && WEXITSTATUS(op.status) == 0;
  int need_console = opt.tty && op.kind != OP_START;
  if (ok && need_console && master_fd < 0) {
    int waiting = console_listen_fd >= 0 || console_conn_fd >= 0;
    if (waiting && now_monotonic_ms() - op.exited_ms < CONSOLE_WAIT_MS) return;
    snprintf(msgbuf, sizeof msgbuf, "runc %s: no pseudo-terminal received on %.1024s", op_name(op.kind), p_console);
    op_failed(msgbuf);
  } else if (ok) {
    op_succeeded();
  } else {
    op_error(msgbuf, sizeof msgbuf);
    op_failed(msgbuf);
  }
  op_finish();
}

static void console_accept(void) {
  int fd = accept4(console_listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  if (console_conn_fd >= 0) close(console_conn_fd);
  console_conn_fd = fd;
}

static void console_receive(void) {
  int fd = recv_fd(console_conn_fd);
  if (fd == -1 && (errno == EAGAIN || errno == EINTR)) return;
  close(console_conn_fd);
  console_conn_fd = -1;
  if (fd < 0) return;
  close(console_listen_fd);
  console_listen_fd = -1;
  fd_nonblock(fd);
  master_fd = out_fd = fd;
  out_open = 1;
  if (want_rows && want_cols) {
    struct winsize ws = {want_rows, want_cols, 0, 0};
    ioctl(master_fd, TIOCSWINSZ, &ws);
  }
  in_fd = opt.stdin_on ? fd : -1;
  try_complete_op();
}

/* ---------- frames from clients ---------- */

static void handle_start(struct client *c) {
  const char *err = NULL;
  if (op.pid) err = "a start is already in progress";
  else if (start_requested || main_exited) err = "the process was already started";
  else if (!opt.exec_cid && !created) err = "the container is not created";
  if (err) {
    send_frame(c, F_START_RESULT, err, strlen(err));
    return;
  }
  int kind = opt.exec_cid ? OP_EXEC : OP_START;
  op.client = (int)(c - clients), op.client_gen = (int)c->gen;
  start_requested = 1;
  if (launch_op(kind) < 0) {
    op.kind = kind; /* so op_failed treats it as this kind */
    op.status = 0;
    snprintf(msgbuf, sizeof msgbuf, "runc %s: %s", op_name(kind), strerror(errno));
    op_failed(msgbuf);
    op_finish();
  }
}

static void handle_control(struct client *c) {
  c->ctl[c->ctl_len < sizeof c->ctl ? c->ctl_len : sizeof c->ctl - 1] = 0;
  switch (c->type) {
  case F_CLOSE_STDIN:
    if (!opt.tty) close_stdin();
    break;
  case F_RESIZE: {
    unsigned rows = 0, cols = 0;
    if (opt.tty && sscanf(c->ctl, "%u %u", &rows, &cols) == 2) {
      struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
      want_rows = ws.ws_row, want_cols = ws.ws_col;
      if (master_fd >= 0) ioctl(master_fd, TIOCSWINSZ, &ws);
    }
    break;
  }
  case F_START:
    handle_start(c);
    break;
  default:
    break; /* unknown frames are ignored */
  }
}

/* One read's worth of progress on a client's incoming frame stream. */
static void client_readable(struct client *c) {
  ssize_t n;
  if (c->hdr_len < 8) {
    n = read(c->fd, c->hdr + c->hdr_len, (size_t)(8 - c->hdr_len));
  } else if (c->type == F_STDIN && in_fd >= 0) {
    size_t room = sizeof inbuf - in_len;
    if (room == 0) return; /* another client filled the buffer this round */
    n = read(c->fd, inbuf + in_len, c->remain < room ? c->remain : room);
    if (n > 0) in_len += (size_t)n;
  } else if (c->type == F_STDIN || c->discard) {
    n = read(c->fd, scratch, c->remain < sizeof scratch ? c->remain : sizeof scratch);
  } else {
    n = read(c->fd, c->ctl + c->ctl_len, c->remain);
    if (n > 0) c->ctl_len += (uint32_t)n;
  }
  if (n == 0) {
    c->rd_closed = 1;
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) drop_client(c);
    return;
  }
  if (c->hdr_len < 8) {
    c->hdr_len += (int)n;
    if (c->hdr_len < 8) return;
    c->type = c->hdr[0];
    c->remain = (uint32_t)c->hdr[4] << 24 | (uint32_t)c->hdr[5] << 16 | (uint32_t)c->hdr[6] << 8 | c->hdr[7];
    c->ctl_len = 0;
    c->discard = c->type != F_STDIN && c->remain >= sizeof c->ctl;
  } else {
    c->remain -= (uint32_t)n;
  }
  if (c->type == F_STDIN) flush_stdin();
  if (c->remain == 0) {
    c->hdr_len = 0;
    if (c->type != F_STDIN && !c->discard) handle_control(c);
  }
}

/* ---------- children ---------- */

static void reap_children(void) {
  struct signalfd_siginfo si;
  while (read(sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
  }
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    if (op.pid && pid == op.pid) {
      op.exited = 1, op.status = status, op.exited_ms = now_monotonic_ms();
    } else if (main_pid && pid == main_pid) {
      main_done(status);
    } else { /* perhaps the process runc is still telling us about: remember it */
      reaped[reaped_next].pid = pid, reaped[reaped_next].status = status;
      reaped_next = (reaped_next + 1) % REAPED_MAX;
    }
  }
  try_complete_op();
}

static void __attribute__((noreturn)) finish(void) {
  char code[16];
  int n = snprintf(code, sizeof code, "%d", main_code);
  drain_output();
  close(listen_fd);
  unlink(p_sock);
  if (write_file_atomic(p_exit, p_exit_tmp, code, (size_t)n) < 0) shim_log("write %s: %s", p_exit, strerror(errno));
  broadcast(F_EXIT, code, (size_t)n);
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0) drop_client(&clients[i]);
  remove_runtime_files();
  exit(0);
}

/* ---------- the loop ---------- */

enum { P_SIG, P_LISTEN, P_CONSOLE_LISTEN, P_CONSOLE_CONN, P_OUT, P_ERR, P_IN, P_CLIENT };

static int poll_timeout(void) {
  if (op.pid && op.exited) return 100; /* waiting for the pty master */
  if (main_exited && op.pid) return 100; /* waiting for runc start to report */
  return -1;
}

static void loop(void) {
  struct pollfd pfd[P_CLIENT + MAX_CLIENTS];
  for (;;) {
    if (main_exited && (!op.pid || now_monotonic_ms() - main_exited_ms > OP_AFTER_EXIT_MS)) finish();
    int stdin_pending = in_off < in_len;
    for (int i = 0; i < P_CLIENT + MAX_CLIENTS; i++) pfd[i] = (struct pollfd){-1, 0, 0};
    pfd[P_SIG] = (struct pollfd){sig_fd, POLLIN, 0};
    pfd[P_LISTEN] = (struct pollfd){listen_fd, POLLIN, 0};
    pfd[P_CONSOLE_LISTEN] = (struct pollfd){console_listen_fd, POLLIN, 0};
    pfd[P_CONSOLE_CONN] = (struct pollfd){console_conn_fd, POLLIN, 0};
    if (output_on && out_open) pfd[P_OUT] = (struct pollfd){out_fd, POLLIN, 0};
    if (output_on && err_open) pfd[P_ERR] = (struct pollfd){err_fd, POLLIN, 0};
    if (stdin_pending) pfd[P_IN] = (struct pollfd){in_fd, POLLOUT, 0};
    for (int i = 0; i < MAX_CLIENTS; i++) {
      struct client *c = &clients[i];
      if (c->fd < 0) continue;
      /* While stdin is backed up, read no client: input stays ordered and memory bounded. */
      if (c->rd_closed) pfd[P_CLIENT + i] = (struct pollfd){c->fd, 0, 0};
      else if (!stdin_pending) pfd[P_CLIENT + i] = (struct pollfd){c->fd, POLLIN, 0};
    }
    int n = poll(pfd, P_CLIENT + MAX_CLIENTS, poll_timeout());
    if (n < 0 && errno != EINTR) {
      shim_log("poll: %s", strerror(errno));
      sleep(1);
      continue;
    }
    if (n <= 0) {
      try_complete_op();
      continue;
    }
    short ready_out = pfd[P_OUT].revents, ready_err = pfd[P_ERR].revents;
    if (ready_out && out_open) read_output(out_fd, F_STDOUT, &out_open);
    if (ready_err && err_open) read_output(err_fd, F_STDERR, &err_open);
    if (pfd[P_IN].revents) flush_stdin();
    if (pfd[P_CONSOLE_CONN].revents && console_conn_fd >= 0) console_receive();
    if (pfd[P_CONSOLE_LISTEN].revents && console_listen_fd >= 0) console_accept();
    for (int i = 0; i < MAX_CLIENTS; i++) {
      struct client *c = &clients[i];
      short rev = pfd[P_CLIENT + i].revents;
      if (c->fd < 0 || !rev) continue;
      if (!c->rd_closed && (rev & (POLLIN | POLLHUP | POLLERR))) client_readable(c);
      else if (rev & (POLLHUP | POLLERR)) drop_client(c);
    }
    if (pfd[P_LISTEN].revents) accept_clients();
    if (pfd[P_SIG].revents) reap_children();
  }
}

int main(int argc, char **argv) {
  setup_fds();
  parse_args(argc, argv);
  setup_process();
  setup_files();
  if (opt.bundle) {
    if (launch_op(OP_CREATE) < 0) {
      snprintf(msgbuf, sizeof msgbuf, "runc create: %s", strerror(errno));
      fail_startup(msgbuf);
    }
  } else {
    sync_send("{\"pid\":0}\n");
  }
  loop();
}
