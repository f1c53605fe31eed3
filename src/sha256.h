/*
 * sha256.h - SHA-256 (FIPS 180-4) of a byte string in memory, for the hash chain (internal).
 *
 * A chained log hashes one short message (about 250 bytes) per entry. Through OpenSSL's
 * EVP interface, the per-call work (a provider context allocated, cleared and freed per
 * message) cost as much as the hashing; this module hashes a message in one call with no
 * allocation. It uses the x86 SHA extensions when the processor has them (checked once,
 * with cpuid) and portable C otherwise. OpenSSL stays the reference the tests compare
 * both with (tests/test_sha256.c), and the generator of chained benchmark logs.
 *
 * Thread-safe: no state but the one-time, idempotent processor check.
 */
#ifndef ACCORD_SHA256_H
#define ACCORD_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#define ACC_SHA256_LEN 32

/* out = SHA-256(data[0..len)), by the fastest implementation this processor runs. */
void acc_sha256(const void *data, size_t len, unsigned char out[ACC_SHA256_LEN]);

/* The same with the portable C implementation (for the tests). */
void acc_sha256_portable(const void *data, size_t len, unsigned char out[ACC_SHA256_LEN]);

/*
 * The same with the SHA extensions. Returns false, and writes nothing, when this build
 * or this processor has none (for the tests).
 */
bool acc_sha256_native(const void *data, size_t len, unsigned char out[ACC_SHA256_LEN]);

#endif
