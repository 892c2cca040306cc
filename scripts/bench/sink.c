#define _GNU_SOURCE
/* An in-memory HTTP/1.1 sink for the transport ceiling benchmark (make bench-ceiling).
 * PUT/POST: reads Content-Length bytes and throws them away, answers 200 with an ETag.
 * GET /N:   answers 200 with N bytes from a static buffer.
 * Keep-alive, one thread per connection, 127.0.0.1 only. Usage: sink PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER (1 << 20)
static char zeros[BUFFER];

static int send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
        if (n <= 0) return -1;
        data += n; length -= (size_t)n;
    }
    return 0;
}

static void *serve(void *arg) {
    int fd = (int)(long)arg;
    char *buffer = malloc(BUFFER);
    size_t have = 0;
    for (;;) {
        char *end;
        while (!(end = memmem(buffer, have, "\r\n\r\n", 4))) {  /* read a whole header block */
            if (have >= 65536) goto done;                             /* no header fits: give up */
            ssize_t n = recv(fd, buffer + have, 65536 - have, 0);
            if (n <= 0) goto done;
            have += (size_t)n;
        }
        size_t header = (size_t)(end - buffer) + 4;
        long long body = 0;
        for (char *line = buffer; line < end; line = strstr(line, "\r\n") + 2) {
            if (strncasecmp(line, "Content-Length:", 15) == 0) body = atoll(line + 15);
        }
        int is_get = strncmp(buffer, "GET ", 4) == 0;
        long long want = is_get ? atoll(buffer + 5) : 0;
        /* Discard the request body: what is already buffered, then the rest from the socket. */
        size_t buffered = have - header;
        if ((long long)buffered > body) buffered = (size_t)body;
        long long left = body - (long long)buffered;
        memmove(buffer, buffer + header + buffered, have - header - buffered);
        have -= header + buffered;
        while (left > 0) {
            ssize_t n = recv(fd, buffer + have, BUFFER - have < (size_t)left ? BUFFER - have : (size_t)left, 0);
            if (n <= 0) goto done;
            left -= n;
        }
        char reply[256];
        int length = snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\nETag: \"sink\"\r\n\r\n", want);
        if (send_all(fd, reply, (size_t)length) < 0) goto done;
        while (want > 0) {
            size_t chunk = want < BUFFER ? (size_t)want : BUFFER;
            if (send_all(fd, zeros, chunk) < 0) goto done;
            want -= (long long)chunk;
        }
    }
done:
    free(buffer);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: sink PORT\n"); return 2; }
    int server = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&address, sizeof address) || listen(server, 128)) { perror("sink"); return 1; }
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        pthread_t thread;
        pthread_create(&thread, NULL, serve, (void *)(long)fd);
        pthread_detach(thread);
    }
}
