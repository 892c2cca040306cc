// OpenSSL's libcrypto, reached only from the Hashing module.
#include <openssl/evp.h>
#include <openssl/hmac.h>
