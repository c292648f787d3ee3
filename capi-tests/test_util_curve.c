/* zmq_curve_keypair makes 40-character Z85 keys whose public half
 * zmq_curve_public re-derives; a pair made by the real libzmq (libsodium)
 * gives the same public key; a malformed secret gives EINVAL. */
#include "testutil.h"

int main (void)
{
    if (!zmq_has ("curve")) {
        fprintf (stderr, "zmq_has (\"curve\") is 0\n");
        return 1;
    }

    char public_key[41], secret_key[41], derived[41];
    uint8_t binary[32];
    CHECK (zmq_curve_keypair (public_key, secret_key) == 0);
    CHECK (strlen (public_key) == 40);
    CHECK (strlen (secret_key) == 40);
    CHECK (zmq_z85_decode (binary, public_key) == binary);
    CHECK (zmq_z85_decode (binary, secret_key) == binary);

    CHECK (zmq_curve_public (derived, secret_key) == 0);
    CHECK (strcmp (derived, public_key) == 0);

    /* Two pairs differ. */
    char public2[41], secret2[41];
    CHECK (zmq_curve_keypair (public2, secret2) == 0);
    CHECK (strcmp (secret2, secret_key) != 0);
    CHECK (strcmp (public2, public_key) != 0);

    /* Made by Debian's libzmq 4.3.4 with zmq_curve_keypair. */
    CHECK (zmq_curve_public (derived, "1ud&*Ce{*S6:fo7B*R&(B9Gyf{M&=zsXxob@^!9>")
           == 0);
    CHECK (strcmp (derived, "O7}aa-/9v-Z)w*k8X{.soWSk8!#]JWsu3QU3/DEp") == 0);

    /* Secret key that is not valid Z85. */
    errno = 0;
    CHECK (zmq_curve_public (derived, "abc") == -1);
    CHECK (errno == EINVAL);
    errno = 0;
    CHECK (zmq_curve_public (derived, "1ud&*Ce{*S6:fo7B*R&(B9Gyf{M&=zsXxob@^!9 ")
           == -1);
    CHECK (errno == EINVAL);
    return 0;
}
