package auth

import "testing"

// FuzzParsePHC feeds stored-hash strings to the parser: it must never
// panic, and what it accepts must be within the bounds that keep one
// verification cheap.
func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY")
	f.Add("$argon2id$v=19$m=4294967295,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.Memory > maxArgonMemory || p.Time > maxArgonTime || p.Threads > maxArgonThreads || p.Threads == 0 ||
			len(salt) < minSaltLen || len(key) < minKeyLen || len(key) > maxKeyLen {
			t.Fatalf("parsePHC(%q) accepted out-of-bounds %+v", s, p)
		}
	})
}

// FuzzCheckPasswordPolicy checks the policy never panics on any input.
func FuzzCheckPasswordPolicy(f *testing.F) {
	f.Add("Xiamen#2024ok", "zhangsan")
	f.Add("\xff\xfe", "")
	f.Fuzz(func(t *testing.T, pw, user string) {
		_ = CheckPasswordPolicy(pw, user)
	})
}
