/* milter-load: a closed-loop load generator for milters speaking the Sendmail milter protocol v6 the way Postfix 3.7
 * does (the same for Stockade, for OpenDKIM + OpenDMARC and for rspamd), for docs/benchmarks.md ("Milter").
 *
 *   cc -O2 -pthread -o milter-load milter-load.c
 *   milter-load -c CONNECTIONS -d SECONDS -f MESSAGE.eml -m HOST:PORT[,HOST:PORT...]
 *
 * Each connection is one SMTP session held open: O (negotiation) once, C and H once, then per message M, R, the
 * headers (L), N, B (the body in 64 KiB chunks) and E, waiting for a reply wherever the milter did not negotiate
 * SMFIP_NR_* and skipping what it asked not to be sent (SMFIP_NO*). Several milters form a chain, as in Postfix's
 * smtpd_milters: each sees the headers the ones before it added. One message's latency is from its M to the final
 * reply to E of the last milter. Prints messages/s and the latency p50/p99 in microseconds, and the final replies;
 * -v also prints the headers the milters added to the first message (to check that DMARC passes). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_MILTERS 4
#define MAX_HEADERS 64
#define MAX_ADDED 16
#define MAX_SAMPLES 4000000

struct header { char *name; char *value; };
static struct header headers[MAX_HEADERS];
static int header_count;
static char *body;
static size_t body_length;
static struct sockaddr_in milters[MAX_MILTERS];
static int milter_count;
static volatile int running = 1;
static int verbose;
static double *samples;
static long sample_count;
static long replies[256];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static void die(const char *what) { perror(what); exit(1); }

static void send_frame(int fd, char command, const char *data, size_t length) {
    unsigned char head[5];
    uint32_t n = htonl((uint32_t)length + 1);
    memcpy(head, &n, 4);
    head[4] = (unsigned char)command;
    struct iovec parts[2] = {{head, 5}, {(void *)data, length}};
    struct msghdr message = {.msg_iov = parts, .msg_iovlen = length ? 2 : 1};
    size_t total = 5 + length;
    while (total > 0) {
        ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL);
        if (sent <= 0) die("send");
        total -= (size_t)sent;
        while (sent > 0 && message.msg_iovlen > 0) {
            if ((size_t)sent >= message.msg_iov[0].iov_len) { sent -= message.msg_iov[0].iov_len; message.msg_iov++; message.msg_iovlen--; }
            else { message.msg_iov[0].iov_base = (char *)message.msg_iov[0].iov_base + sent; message.msg_iov[0].iov_len -= sent; sent = 0; }
        }
    }
}

static void read_full(int fd, void *buffer, size_t length) {
    size_t done = 0;
    /* ACK at once: a milter that writes one reply in two segments (libmilter after E: the header change, then the
     * verdict) with Nagle on would otherwise wait for the delayed ACK, 40 ms per message. Linux clears the flag
     * after use, so it is set before every read. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    while (done < length) {
        ssize_t got = recv(fd, (char *)buffer + done, length - done, 0);
        if (got <= 0) { fprintf(stderr, "milter closed the connection\n"); exit(1); }
        done += (size_t)got;
    }
}

/* Reads one reply; returns its command letter, the data in *data (malloc'd), its length in *length. */
static char read_reply(int fd, char **data, size_t *length) {
    uint32_t n;
    read_full(fd, &n, 4);
    n = ntohl(n);
    if (n == 0 || n > (1 << 20)) { fprintf(stderr, "bad reply length %u\n", n); exit(1); }
    char command;
    read_full(fd, &command, 1);
    *length = n - 1;
    *data = malloc(n);
    read_full(fd, *data, *length);
    (*data)[*length] = 0;
    return command;
}

struct session { int fd; uint32_t protocol; };

/* A reply is expected after `command` unless the milter negotiated its SMFIP_NR_* flag. */
static int expects_reply(struct session *s, char command) {
    switch (command) {
    case 'C': return !(s->protocol & 0x1000);
    case 'H': return !(s->protocol & 0x2000);
    case 'M': return !(s->protocol & 0x4000);
    case 'R': return !(s->protocol & 0x8000);
    case 'L': return !(s->protocol & 0x80);
    case 'N': return !(s->protocol & 0x40000);
    case 'B': return !(s->protocol & 0x80000);
    default: return 1;
    }
}

static int skipped(struct session *s, char command) {
    switch (command) {
    case 'C': return s->protocol & 0x1;
    case 'H': return s->protocol & 0x2;
    case 'M': return s->protocol & 0x4;
    case 'R': return s->protocol & 0x8;
    case 'B': return s->protocol & 0x10;
    case 'L': return s->protocol & 0x20;
    case 'N': return s->protocol & 0x40;
    default: return 0;
    }
}

static void command(struct session *s, char letter, const char *data, size_t length) {
    if (skipped(s, letter)) return;
    send_frame(s->fd, letter, data, length);
    if (expects_reply(s, letter)) {
        char *reply; size_t n;
        char c = read_reply(s->fd, &reply, &n);
        free(reply);
        if (c != 'c') { fprintf(stderr, "unexpected reply %c to %c\n", c, letter); exit(1); }
    }
}

static void macro(int fd, char stage, const char *pairs, size_t length) {
    char frame[512];
    frame[0] = stage;
    memcpy(frame + 1, pairs, length);
    send_frame(fd, 'D', frame, length + 1);
}

static struct session open_session(struct sockaddr_in *address) {
    struct session s;
    s.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s.fd < 0) die("socket");
    int one = 1;
    setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(s.fd, (struct sockaddr *)address, sizeof *address) != 0) die("connect");
    uint32_t offer[3] = {htonl(6), htonl(0x1ff), htonl(0x1fffff)};
    send_frame(s.fd, 'O', (char *)offer, 12);
    char *reply; size_t n;
    if (read_reply(s.fd, &reply, &n) != 'O' || n < 12) { fprintf(stderr, "no negotiation reply\n"); exit(1); }
    uint32_t protocol; memcpy(&protocol, reply + 8, 4);
    s.protocol = ntohl(protocol);
    free(reply);
    /* As Postfix with myhostname = mx.bench.test sends them (milter_macro_daemon_name defaults to $myhostname):
     * rspamd takes its authserv-id from {daemon_name}, the other milters have theirs configured. */
    static const char connect_macros[] = "j\0mx.bench.test\0{daemon_name}\0mx.bench.test\0{client_addr}\0" "192.0.2.10\0";
    macro(s.fd, 'C', connect_macros, sizeof connect_macros - 1);
    static const char connect_data[] = "client.mail.test\0" "4\x00\x19" "192.0.2.10\0";
    command(&s, 'C', connect_data, sizeof connect_data - 1);
    command(&s, 'H', "mx.mail.test", 13);
    return s;
}

struct added { char *name; char *value; };

/* One message through one milter; headers the milter added go into added (on top). Returns the final reply letter. */
static char one_message(struct session *s, struct added *added, int *added_count) {
    static const char mail_macros[] = "{mail_addr}\0alice@mail.test\0";
    macro(s->fd, 'M', mail_macros, sizeof mail_macros - 1);
    command(s, 'M', "<alice@mail.test>", 18);
    command(s, 'R', "<rcpt@y.test>", 14);
    char frame[16384];
    for (int i = *added_count - 1; i >= -header_count; i--) {
        const char *name = i >= 0 ? added[i].name : headers[-i - 1].name;
        const char *value = i >= 0 ? added[i].value : headers[-i - 1].value;
        size_t a = strlen(name) + 1, b = strlen(value) + 1;
        if (a + b > sizeof frame) continue;
        memcpy(frame, name, a);
        memcpy(frame + a, value, b);
        command(s, 'L', frame, a + b);
    }
    command(s, 'N', NULL, 0);
    for (size_t offset = 0; offset < body_length; offset += 65535) {
        size_t chunk = body_length - offset < 65535 ? body_length - offset : 65535;
        command(s, 'B', body + offset, chunk);
    }
    static const char end_macros[] = "i\0" "4ABCDEF\0";
    macro(s->fd, 'E', end_macros, sizeof end_macros - 1);
    send_frame(s->fd, 'E', NULL, 0);
    for (;;) {
        char *reply; size_t n;
        char c = read_reply(s->fd, &reply, &n);
        if (c == 'h' || c == 'i') {
            size_t skip = c == 'i' ? 4 : 0; /* insheader: index first */
            if (*added_count < MAX_ADDED && n > skip) {
                added[*added_count].name = strdup(reply + skip);
                added[*added_count].value = strdup(reply + skip + strlen(reply + skip) + 1);
                (*added_count)++;
            }
            free(reply);
            continue;
        }
        free(reply);
        if (c == 'p' || c == 'm' || c == 'q' || c == '+' || c == '-' || c == 'b' || c == 'e' || c == 'f') continue;
        return c;
    }
}

static void *worker(void *unused) {
    (void)unused;
    struct session sessions[MAX_MILTERS];
    for (int m = 0; m < milter_count; m++) sessions[m] = open_session(&milters[m]);
    double *local = malloc(sizeof(double) * 1000000);
    long local_count = 0;
    long local_replies[256] = {0};
    while (running) {
        double start = now();
        struct added added[MAX_ADDED];
        int added_count = 0;
        char last = 0;
        for (int m = 0; m < milter_count; m++) {
            last = one_message(&sessions[m], added, &added_count);
            if (last != 'c' && last != 'a') break;
        }
        for (int i = 0; i < added_count; i++) {
            if (verbose) { fprintf(stderr, "added: %s: %s\n", added[i].name, added[i].value); }
            free(added[i].name); free(added[i].value);
        }
        verbose = 0;
        if (local_count < 1000000) local[local_count++] = now() - start;
        local_replies[(unsigned char)last]++;
    }
    for (int m = 0; m < milter_count; m++) { send_frame(sessions[m].fd, 'Q', NULL, 0); close(sessions[m].fd); }
    pthread_mutex_lock(&lock);
    for (long i = 0; i < local_count && sample_count < MAX_SAMPLES; i++) samples[sample_count++] = local[i];
    for (int i = 0; i < 256; i++) replies[i] += local_replies[i];
    pthread_mutex_unlock(&lock);
    free(local);
    return NULL;
}

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

/* Reads MESSAGE.eml (CRLF or LF): header fields unfolded into name and value as Postfix sends them (value without
 * the space after the colon, folds as LF + whitespace), then the body with CRLF line ends. */
static void load_message(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) die(path);
    static char text[1 << 22];
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    char *clean = malloc(length + 1); size_t c = 0;
    for (size_t i = 0; i < length; i++) if (text[i] != '\r') clean[c++] = text[i];
    clean[c] = 0;
    char *end = strstr(clean, "\n\n");
    if (!end) { fprintf(stderr, "no header end\n"); exit(1); }
    *end = 0;
    char *line = clean;
    while (*line && header_count < MAX_HEADERS) {
        char *next = line;
        for (;;) { next = strchr(next, '\n'); if (!next || (next[1] != ' ' && next[1] != '\t')) break; next++; }
        if (next) *next = 0;
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = 0;
            char *value = colon + 1;
            if (*value == ' ') value++;
            headers[header_count].name = line;
            headers[header_count].value = value;
            header_count++;
        }
        if (!next) break;
        line = next + 1;
    }
    char *source = end + 2;
    body = malloc(strlen(source) * 2 + 1);
    for (; *source; source++) { if (*source == '\n') body[body_length++] = '\r'; body[body_length++] = *source; }
}

int main(int argc, char **argv) {
    int connections = 1; double seconds = 10; const char *file = NULL; char *targets = NULL;
    for (int opt; (opt = getopt(argc, argv, "c:d:f:m:v")) != -1;) {
        if (opt == 'c') connections = atoi(optarg);
        else if (opt == 'd') seconds = atof(optarg);
        else if (opt == 'f') file = optarg;
        else if (opt == 'm') targets = optarg;
        else if (opt == 'v') verbose = 1;
    }
    if (!file || !targets || connections < 1) { fprintf(stderr, "usage: milter-load -c N -d SECONDS -f MESSAGE -m HOST:PORT[,...]\n"); return 2; }
    load_message(file);
    for (char *target = strtok(targets, ","); target && milter_count < MAX_MILTERS; target = strtok(NULL, ",")) {
        char *colon = strrchr(target, ':');
        *colon = 0;
        milters[milter_count].sin_family = AF_INET;
        milters[milter_count].sin_port = htons(atoi(colon + 1));
        inet_pton(AF_INET, target, &milters[milter_count].sin_addr);
        milter_count++;
    }
    samples = malloc(sizeof(double) * MAX_SAMPLES);
    pthread_t threads[256];
    if (connections > 256) connections = 256;
    double start = now();
    for (int i = 0; i < connections; i++) pthread_create(&threads[i], NULL, worker, NULL);
    struct timespec wait = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&wait, NULL);
    running = 0;
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    double elapsed = now() - start;
    qsort(samples, sample_count, sizeof(double), compare);
    printf("messages %ld in %.2f s: %.0f msg/s; latency p50 %.0f us, p99 %.0f us; final replies:", sample_count, elapsed,
           sample_count / elapsed, sample_count ? samples[sample_count / 2] * 1e6 : 0, sample_count ? samples[(long)(sample_count * 0.99)] * 1e6 : 0);
    for (int i = 0; i < 256; i++) if (replies[i]) printf(" %c=%ld", i, replies[i]);
    printf("\n");
    return 0;
}
