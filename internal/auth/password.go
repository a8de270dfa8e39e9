// Package auth holds the pure parts of authentication and authorisation:
// password hashing and policy, session and CSRF tokens, roles with the
// separation of duties of 等保 2.0 (三员分立), the principal a request acts
// as, and the login lockout policy. It does no I/O; the store keeps
// accounts and sessions, httpapi sets cookies.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/tongban/tongban/internal/apperr"
)

// argon2Params are the argon2id cost parameters of a password hash.
type argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// defaultArgon2 is the first configuration recommended by the OWASP
// Password Storage Cheat Sheet (m=19 MiB, t=2, p=1): about 20–40 ms on one
// core, so a burst of logins cannot starve the 2-core servers we target
// while a leaked hash still costs an attacker real memory per guess.
var defaultArgon2 = argon2Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds accepted when parsing a stored hash. They keep a tampered or
// corrupt row from making one login allocate gigabytes or spin for minutes.
const (
	maxArgonMemory  = 256 * 1024 // KiB = 256 MiB
	maxArgonTime    = 16
	maxArgonThreads = 16
	minSaltLen      = 8
	maxSaltLen      = 64
	minKeyLen       = 16
	maxKeyLen       = 64
)

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// HashPassword hashes pw with argon2id and defaultArgon2, returning a PHC
// string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(pw string) (string, error) {
	return hashPassword(pw, defaultArgon2)
}

// hashPassword is HashPassword with explicit parameters, for tests of
// needsRehash.
func hashPassword(pw string, p argon2Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", apperr.Wrap(err, "auth: password salt")
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC-encoded argon2id hash,
// comparing in constant time. needsRehash is true when the password matched
// but the hash was made with parameters other than defaultArgon2; the
// caller should then store a fresh HashPassword(pw). A malformed encoding
// is an Internal error wrapping ErrMalformedHash: it is a corrupt row, not
// the user's fault, so the user sees a generic message and the log the cause.
func VerifyPassword(encoded, pw string) (ok bool, needsRehash bool, err error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, false, apperr.Wrap(err, "auth: stored password hash")
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	d := defaultArgon2
	rehash := p.Memory != d.Memory || p.Time != d.Time || p.Threads != d.Threads ||
		uint32(len(salt)) != d.SaltLen || uint32(len(key)) != d.KeyLen
	return true, rehash, nil
}

// ErrMalformedHash is the cause (errors.Is) of VerifyPassword's error when
// the stored encoding cannot be parsed; the wrapped text says which part.
var ErrMalformedHash = errors.New("malformed argon2id PHC string")

// parsePHC parses $argon2id$v=19$m=M,t=T,p=P$salt$hash strictly: parameters
// in this order, each within bounds, base64 without padding.
func parsePHC(s string) (p argon2Params, salt, key []byte, err error) {
	fail := func(what string) (argon2Params, []byte, []byte, error) {
		return argon2Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, what)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want 5 '$'-separated fields")
	}
	if parts[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("want parameters m,t,p")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return fail("parameter " + name + " missing or out of order")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || (len(v) > 1 && v[0] == '0') {
			return fail("parameter " + name + " not a number")
		}
		vals[i] = n
	}
	p.Memory, p.Time, p.Threads = uint32(vals[0]), uint32(vals[1]), uint8(min(vals[2], 255))
	switch {
	case vals[2] < 1 || vals[2] > maxArgonThreads:
		return fail("threads out of range")
	case vals[1] < 1 || vals[1] > maxArgonTime:
		return fail("time out of range")
	case vals[0] < 8*vals[2] || vals[0] > maxArgonMemory:
		return fail("memory out of range")
	}
	salt, err = b64.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return fail("bad salt")
	}
	key, err = b64.Strict().DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return fail("bad hash")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// dummyHash is a valid hash of a random password, computed once, for
// VerifyDummy.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword(rand.Text())
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return h
})

// VerifyDummy spends the time of one VerifyPassword and always fails. Call
// it when a login names an unknown or disabled account so that response
// time does not reveal which usernames exist.
func VerifyDummy(pw string) {
	_, _, _ = VerifyPassword(dummyHash(), pw)
}
