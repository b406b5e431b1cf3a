/* Closed-loop socketmap load generator (shared/PERFORMANCE.md, "Postfix socketmap lookup, warm cache").
 *
 *   socketmap-load HOST PORT CONNECTIONS SECONDS REQUEST EXPECTED_PREFIX
 *
 * Opens CONNECTIONS TCP connections; each keeps exactly one request in flight, as Postfix does: it sends the
 * netstring of REQUEST (e.g. "postfix enforce.web.test"), reads one whole netstring reply, checks that the reply
 * starts with EXPECTED_PREFIX (e.g. "OK secure"), and sends the next. One thread, epoll. Prints lookups/s and
 * the p50/p99/max latency in microseconds; exits 1 on any wrong reply or error.
 * Build: cc -O2 -o socketmap-load socketmap-load.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 1024
#define MAX_SAMPLES 20000000

struct connection { int fd; char buffer[65536]; size_t have; double sent; };

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: %s HOST PORT CONNECTIONS SECONDS REQUEST EXPECTED_PREFIX\n", argv[0]); return 2; }
    int n = atoi(argv[3]);
    double seconds = atof(argv[4]);
    const char *prefix = argv[6];
    if (n < 1 || n > MAX_CONNECTIONS) { fprintf(stderr, "1..%d connections\n", MAX_CONNECTIONS); return 2; }
    char request[1024];
    int request_length = snprintf(request, sizeof request, "%zu:%s,", strlen(argv[5]), argv[5]);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &address.sin_addr);
    static struct connection connections[MAX_CONNECTIONS];
    double *samples = malloc(sizeof(double) * MAX_SAMPLES);
    size_t count = 0;
    int epoll = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("connect"); return 1; }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        connections[i] = (struct connection){ .fd = fd };
        struct epoll_event event = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
        connections[i].sent = now_us();
        if (write(fd, request, request_length) != request_length) { perror("write"); return 1; }
    }
    double start = now_us(), end = start + seconds * 1e6;
    struct epoll_event events[MAX_CONNECTIONS];
    while (now_us() < end) {
        int ready = epoll_wait(epoll, events, MAX_CONNECTIONS, 100);
        for (int e = 0; e < ready; e++) {
            struct connection *c = &connections[events[e].data.u32];
            ssize_t got = read(c->fd, c->buffer + c->have, sizeof c->buffer - c->have);
            if (got <= 0) { fprintf(stderr, "connection closed or failed\n"); return 1; }
            c->have += (size_t)got;
            char *colon = memchr(c->buffer, ':', c->have);
            if (!colon) continue;
            size_t length = strtoul(c->buffer, NULL, 10), head = (size_t)(colon - c->buffer) + 1;
            if (c->have < head + length + 1) continue;
            if (strncmp(c->buffer + head, prefix, strlen(prefix)) != 0 || c->buffer[head + length] != ',') {
                fprintf(stderr, "unexpected reply: %.*s\n", (int)length, c->buffer + head);
                return 1;
            }
            double t = now_us();
            if (count < MAX_SAMPLES) samples[count++] = t - c->sent;
            c->have = 0;
            c->sent = t;
            if (write(c->fd, request, request_length) != request_length) { perror("write"); return 1; }
        }
    }
    double elapsed = (now_us() - start) / 1e6;
    qsort(samples, count, sizeof(double), compare);
    printf("connections=%d lookups=%zu seconds=%.2f lookups_per_second=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n", n, count,
           elapsed, count / elapsed, samples[count / 2], samples[(size_t)(count * 0.99)], samples[count - 1]);
    return 0;
}
