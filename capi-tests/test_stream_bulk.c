/* test_stream_bulk: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* Bulk data both ways (arriving in chunks, all with the peer's id), and
   libzmq's send rules: one data frame per id frame, so a frame after the
   data frame starts a new message; an id frame without MORE swallows the
   frame after it. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    void *s = make(ctx, ZMQ_STREAM);
    enum { SIZE = 1 << 20 };
    char *big = malloc(SIZE), *in = malloc(SIZE);
    char id[256], rid[256];
    size_t id_len, rid_len;
    CHECK(big && in);
    for (int i = 0; i < SIZE; i++)
        big[i] = (char) (i * 7 + i / 251);

    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    int c = tcp_client(bound_port(s));
    CHECK(recv_stream(s, id, &id_len, in, SIZE) == 0);

    /* 1 MiB to the client. */
    send_stream(s, id, id_len, big, SIZE);
    CHECK(read_upto(s, c, in, SIZE) == SIZE);
    CHECK(memcmp(in, big, SIZE) == 0);

    /* 1 MiB from the client, written in pieces while we receive. */
    size_t sent = 0, got = 0;
    while (got < SIZE) {
        if (sent < SIZE) {
            size_t k = SIZE - sent < 65536 ? SIZE - sent : 65536;
            write_all(c, big + sent, k);
            sent += k;
        }
        int n = recv_stream(s, rid, &rid_len, in + got, SIZE - got);
        CHECK(n > 0 && rid_len == id_len && memcmp(rid, id, id_len) == 0);
        got += (size_t) n;
    }
    CHECK(memcmp(in, big, SIZE) == 0);

    /* [id][A, MORE][B][X]: A goes out; B is taken as an id frame without
       MORE, so X is dropped. Then [id][C] goes out. */
    CHECK(zmq_send(s, id, id_len, ZMQ_SNDMORE) == (int) id_len);
    CHECK(zmq_send(s, "A", 1, ZMQ_SNDMORE) == 1);
    CHECK(zmq_send(s, "B", 1, 0) == 1);
    CHECK(zmq_send(s, "X", 1, 0) == 1);
    /* A lone id frame swallows the next frame. */
    CHECK(zmq_send(s, id, id_len, 0) == (int) id_len);
    CHECK(zmq_send(s, "Y", 1, 0) == 1);
    send_stream(s, id, id_len, "C", 1);
    send_stream(s, id, id_len, "", 0);
    size_t total = read_upto(s, c, in, SIZE);
    CHECK(total == 2 && memcmp(in, "AC", 2) == 0);
    close(c);

    free(big);
    free(in);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
