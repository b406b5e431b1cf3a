/* The machine's floor for a socketmap round trip (issue 20): a server that does nothing but read one netstring
 * request and write a fixed netstring reply, so the latency socketmap-load.c measures against it is the loopback
 * TCP round trip, the wake-ups and the scheduler alone.
 *
 *   socketmap-floor PORT REPLY
 *
 * Listens on 127.0.0.1:PORT; one thread, epoll, TCP_NODELAY, any number of connections each with one request in
 * flight (as Postfix and socketmap-load.c send them). Answers every complete netstring with the netstring of REPLY
 * (e.g. "OK secure match=.web.test"). Runs until killed.
 * Build: cc -O2 -o socketmap-floor socketmap-floor.c
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 1024
#define BUFFER 65536

struct connection { int fd; char buffer[BUFFER]; size_t have; };

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s PORT REPLY\n", argv[0]); return 2; }
    char reply[1024];
    int reply_length = snprintf(reply, sizeof reply, "%zu:%s,", strlen(argv[2]), argv[2]);
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0) {
        perror("listen");
        return 1;
    }
    int epoll = epoll_create1(0);
    struct epoll_event event = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int ready = epoll_wait(epoll, events, MAX_EVENTS, -1);
        for (int e = 0; e < ready; e++) {
            struct connection *c = events[e].data.ptr;
            if (!c) {
                int fd = accept(listener, NULL, NULL);
                if (fd < 0) continue;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                c = calloc(1, sizeof *c);
                c->fd = fd;
                struct epoll_event added = { .events = EPOLLIN, .data.ptr = c };
                epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &added);
                continue;
            }
            ssize_t got = read(c->fd, c->buffer + c->have, BUFFER - c->have);
            if (got <= 0) {
                close(c->fd);
                free(c);
                continue;
            }
            c->have += (size_t)got;
            char *colon = memchr(c->buffer, ':', c->have);
            if (!colon) continue;
            size_t length = strtoul(c->buffer, NULL, 10), head = (size_t)(colon - c->buffer) + 1;
            if (c->have < head + length + 1) continue;
            c->have = 0;
            if (write(c->fd, reply, reply_length) != reply_length) {
                close(c->fd);
                free(c);
            }
        }
    }
}
