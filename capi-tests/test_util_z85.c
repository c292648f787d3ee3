/* zmq_z85_encode / zmq_z85_decode: the RFC 32 vector, a full round trip,
 * and EINVAL for bad lengths, bad characters and out-of-range groups. */
#include "testutil.h"

/* Expects a decode failure with errno EINVAL. */
static int decode_fails (const char *text)
{
    uint8_t out[64];
    errno = 0;
    if (zmq_z85_decode (out, text) != NULL || errno != EINVAL) {
        fprintf (stderr, "decoding \"%s\" should fail with EINVAL (errno %d)\n",
                 text, errno);
        return 0;
    }
    return 1;
}

int main (void)
{
    const uint8_t hello[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char text[41];
    uint8_t bytes[32];

    /* RFC 32 test vector, both ways. */
    memset (text, 'x', sizeof text);
    CHECK (zmq_z85_encode (text, hello, 8) == text);
    CHECK (strcmp (text, "HelloWorld") == 0);
    CHECK (zmq_z85_decode (bytes, "HelloWorld") == bytes);
    CHECK (memcmp (bytes, hello, 8) == 0);

    /* A CURVE key: 32 bytes <-> 40 characters plus NUL. */
    const char *key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    CHECK (zmq_z85_decode (bytes, key) == bytes);
    CHECK (zmq_z85_encode (text, bytes, 32) == text);
    CHECK (strlen (text) == 40);
    CHECK (strcmp (text, key) == 0);

    /* Every byte value survives a round trip. */
    uint8_t all[256], back[256];
    char all_text[321];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t) i;
    CHECK (zmq_z85_encode (all_text, all, 256) == all_text);
    CHECK (strlen (all_text) == 320);
    CHECK (zmq_z85_decode (back, all_text) == back);
    CHECK (memcmp (all, back, 256) == 0);

    /* Extremes of a 4-byte group. */
    const uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    CHECK (zmq_z85_encode (text, ones, 4) == text);
    CHECK (strcmp (text, "%nSc0") == 0);

    /* An empty block encodes to an empty string. */
    text[0] = 'x';
    CHECK (zmq_z85_encode (text, hello, 0) == text);
    CHECK (text[0] == '\0');

    /* Size not a multiple of 4. */
    errno = 0;
    CHECK (zmq_z85_encode (text, hello, 3) == NULL);
    CHECK (errno == EINVAL);
    errno = 0;
    CHECK (zmq_z85_encode (text, hello, 7) == NULL);
    CHECK (errno == EINVAL);

    /* Length not a multiple of 5 (and the empty string). */
    CHECK (decode_fails (""));
    CHECK (decode_fails ("abcd"));
    CHECK (decode_fails ("HelloWorld!"));
    /* Characters outside the alphabet. */
    CHECK (decode_fails ("Hello Worl"));
    CHECK (decode_fails ("Hel\"oWorld"));
    CHECK (decode_fails ("Hel,oWorld"));
    CHECK (decode_fails ("Hel~oWorld"));
    CHECK (decode_fails ("Hel\x7foWorld"));
    CHECK (decode_fails ("Hel\xc3oWorld"));
    /* Groups standing for more than 0xFFFFFFFF. */
    CHECK (decode_fails ("%nSc1"));
    CHECK (decode_fails ("#####"));
    return 0;
}
