/*
 * berth-shim helpers: fd plumbing, process spawning, small file and JSON utilities.
 * Everything works on caller-provided or static buffers; nothing allocates.
 */
#ifndef BERTH_SHIM_UTIL_H
#define BERTH_SHIM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

void shim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int fd_nonblock(int fd);
int fd_cloexec(int fd);
/* Write everything (blocking), retrying on EINTR and partial writes. 0 or -1. */
int writev_full(int fd, struct iovec *iov, int count);
int write_full(int fd, const void *buf, size_t len);

/* fork + exec argv[0] with the given stdio; signals reset to default, mask cleared. */
pid_t spawn_with_stdio(char *const argv[], int in, int out, int err);

/* A listening AF_UNIX stream socket at path, mode 0600. -1 with errno on failure. */
int unix_listen(const char *path);
/* Receive one fd passed with SCM_RIGHTS; -1 if none (or error), -2 on EOF without fd. */
int recv_fd(int sock);

off_t file_size(const char *path);
/* The first decimal integer in a small file, or -1. */
long read_number_file(const char *path);
/* tmp + rename. 0 or -1. */
int write_file_atomic(const char *path, const char *tmp, const char *data, size_t len);

/*
 * The message of the last error-level record runc wrote to its JSON log after byte `from`.
 * Returns 1 and fills out (NUL-terminated) if found.
 */
int runc_log_error(const char *path, off_t from, char *out, size_t outsz);
/* Escape a string for a JSON string literal (without the quotes); truncates to fit. */
void json_escape(const char *in, char *out, size_t outsz);
/* Trim trailing whitespace in place. */
void trim_right(char *s);

uint64_t now_realtime_ns(void);
uint64_t now_monotonic_ms(void);

#endif
