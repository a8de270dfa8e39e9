package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"

	"github.com/tongban/tongban/internal/apperr"
)

// TokenBytes is the entropy of session and CSRF tokens.
const TokenBytes = 32

// NewToken returns a new session token: 32 random bytes, base64url without
// padding (43 characters), safe in cookies and headers. Store only
// HashToken(token).
func NewToken() (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", apperr.Wrap(err, "auth: new token")
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewCSRF returns a new CSRF token, of the same shape as a session token.
// It is sent to the browser in a readable cookie and echoed in a header
// (double submit), and stored with the session.
func NewCSRF() (string, error) {
	return NewToken()
}

// HashToken returns the lower-case hex SHA-256 of tok. Sessions are stored
// by this hash so that reading the sessions table (a backup, a replica, an
// SQL injection) does not yield live sessions. A plain hash suffices: the
// token has 256 bits of entropy, so nothing can be guessed from it.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// EqualToken compares two tokens in constant time. Both are hashed first
// so that not even their lengths leak through timing.
func EqualToken(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1 && a != "" // an empty token never matches
}
