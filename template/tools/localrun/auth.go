package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"strings"
	"sync"
	"time"
)

// make dev plays the authorizer in front of each HTTP function (its auth, functions.go) with
// tokens of localrun's own issuer: `make token` (localrun token) mints them, make dev accepts
// them for the functions with auth cognito or jwt, and make invoke and make dev give the
// authorizer functions (auth lambda) this issuer, so that they verify them too.
//
// Its signing key is derived from a fixed phrase: it is public by design, like the tokens it
// signs, which prove nothing outside a local run. No deployed API trusts this issuer: API
// Gateway and the authorizer functions verify the tokens of the stack's user pool or of your
// issuer, with the keys those publish.
const (
	localIssuer   = "https://localrun.invalid"
	localAudience = "localrun"
	localKeyID    = "localrun"
	localKeySeed  = "go-lambda-template localrun: a development signing key, public by design"
	// localPrincipal is the caller of every request make dev passes to a function with auth
	// iam: make dev does not check SigV4 signatures.
	localPrincipal = "arn:aws:iam::123456789012:user/localrun"
)

// localKey is localrun's signing key, an ECDSA P-256 key (ES256) derived from localKeySeed.
var localKey = sync.OnceValue(func() *ecdsa.PrivateKey {
	seed := sha256.Sum256([]byte(localKeySeed))
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), seed[:])
	if err != nil {
		panic(fmt.Sprintf("localrun's signing key: %v", err)) // a constant seed: cannot happen
	}
	return key
})

// localJWKS is the public half of localKey as a JWKS document, the JWT_JWKS of authorizer
// functions in local runs.
func localJWKS() string {
	raw, err := localKey().PublicKey.Bytes() // 0x04 || x || y
	if err != nil {
		panic(fmt.Sprintf("localrun's public key: %v", err))
	}
	key := map[string]string{
		"kty": "EC", "crv": "P-256", "kid": localKeyID, "use": "sig", "alg": "ES256",
		"x": b64(raw[1:33]), "y": b64(raw[33:]),
	}
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{key}})
	return string(b)
}

// authorizerEnv is the environment of an authorizer function in a local run: localrun's issuer.
func authorizerEnv() []string {
	return []string{"JWT_ISSUER=" + localIssuer, "JWT_AUDIENCE=" + localAudience, "JWT_JWKS=" + localJWKS()}
}

// defaultClaims are the claims of `make token` without CLAIMS: an ID token of a user.
func defaultClaims() map[string]any {
	return map[string]any{
		"sub": "local-user", "email": "dev@example.com", "email_verified": true,
		"cognito:username": "local-user", "token_use": "id",
	}
}

// mintToken returns a token of localrun's issuer with claims on top of the registered ones
// (iss, aud, iat, exp); extra claims may replace them.
func mintToken(claims map[string]any, now time.Time, ttl time.Duration) (string, error) {
	all := map[string]any{"iss": localIssuer, "aud": localAudience, "iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	maps.Copy(all, claims)
	header, err := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": localKeyID})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(all)
	if err != nil {
		return "", err
	}
	signed := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, localKey(), digest[:])
	if err != nil {
		return "", err
	}
	signature := make([]byte, 64) // JWS ES256: r and s, 32 bytes each (RFC 7518, 3.4)
	r.FillBytes(signature[:32])
	s.FillBytes(signature[32:])
	return signed + "." + b64(signature), nil
}

// printToken writes a token of localrun's issuer: the default claims, and extra (a JSON
// object) on top.
func printToken(w io.Writer, extra string, ttl time.Duration) error {
	claims := defaultClaims()
	if extra != "" {
		var more map[string]any
		if err := json.Unmarshal([]byte(extra), &more); err != nil {
			return fmt.Errorf("-claims (CLAIMS) must be a JSON object, e.g. '{\"email\":\"ada@example.com\"}': %w", err)
		}
		maps.Copy(claims, more)
	}
	if ttl <= 0 {
		return errors.New("-ttl must be positive, e.g. 1h")
	}
	token, err := mintToken(claims, time.Now(), ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, token)
	return err
}

// errUnauthenticated: no token, or one make dev does not accept; API Gateway answers 401.
var errUnauthenticated = errors.New("unauthenticated")

// verifyToken checks a token of localrun's issuer as API Gateway's JWT authorizer checks its
// issuer's: signature, issuer, audience, expiry. It returns the claims.
func verifyToken(token string, now time.Time) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a JWT", errUnauthenticated)
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &header); err != nil || header.Alg != "ES256" || header.Kid != localKeyID {
		return nil, fmt.Errorf("%w: not signed by localrun's key (make token)", errUnauthenticated)
	}
	signature, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(signature) != 64 {
		return nil, fmt.Errorf("%w: malformed signature", errUnauthenticated)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(signature[:32]), new(big.Int).SetBytes(signature[32:])
	if !ecdsa.Verify(&localKey().PublicKey, digest[:], r, s) {
		return nil, fmt.Errorf("%w: bad signature", errUnauthenticated)
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("%w: malformed claims", errUnauthenticated)
	}
	exp, _ := claims["exp"].(float64)
	switch {
	case claims["iss"] != localIssuer:
		return nil, fmt.Errorf("%w: issuer %v, not %s", errUnauthenticated, claims["iss"], localIssuer)
	case claims["aud"] != localAudience && claims["client_id"] != localAudience:
		return nil, fmt.Errorf("%w: audience %v, not %s", errUnauthenticated, claims["aud"], localAudience)
	case int64(exp) < now.Unix():
		return nil, fmt.Errorf("%w: expired (make token mints a new one)", errUnauthenticated)
	}
	return claims, nil
}

func decodeSegment(segment string, dst any) error {
	b, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

func b64(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}

// bearerToken returns the token of an Authorization header: "Bearer <token>", or a bare token
// as Cognito clients send it.
func bearerToken(authorization string) string {
	scheme, token, found := strings.Cut(strings.TrimSpace(authorization), " ")
	if !found && strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	if !found {
		return scheme
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// stringClaims returns the claims as strings, as API Gateway passes them to the function: JSON
// for anything but a string.
func stringClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out
}
