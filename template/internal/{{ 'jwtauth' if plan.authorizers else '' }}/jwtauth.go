// Package jwtauth verifies the bearer JWTs of one OpenID Connect issuer, as
// API Gateway's JWT authorizer does: the signature (RS256 or ES256, with a
// key the issuer publishes), the issuer, the audience and the expiry.
package jwtauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The environment variables NewFromEnv reads. The stack sets JWT_ISSUER and
// JWT_AUDIENCE; local runs (make invoke, make dev) set all three to
// localrun's issuer, whose keys are JWT_JWKS.
const (
	EnvIssuer   = "JWT_ISSUER"   // the issuer URL, the tokens' iss claim
	EnvAudience = "JWT_AUDIENCE" // accepted aud or client_id values, comma-separated
	EnvJWKS     = "JWT_JWKS"     // optional: the issuer's keys as a JWKS document, instead of fetching them
)

var (
	// ErrInvalidToken is returned for a token that is malformed, expired,
	// not yet valid, of another issuer or audience, or badly signed: the
	// caller is not authenticated.
	ErrInvalidToken = errors.New("invalid token")
	// ErrKeys is returned when the issuer's keys cannot be had (a network
	// or issuer failure): not the caller's fault.
	ErrKeys = errors.New("issuer keys unavailable")
)

// Claims are a verified token's claims.
type Claims = jwt.MapClaims

const (
	// leeway absorbs clock skew between the issuer and Lambda.
	leeway = 30 * time.Second
	// keysMaxAge is how long fetched keys are trusted before a refetch;
	// refetchEvery limits refetches for a key ID the issuer does not have,
	// so that forged tokens cannot make the verifier hammer the issuer.
	keysMaxAge   = time.Hour
	refetchEvery = time.Minute
	httpTimeout  = 5 * time.Second
)

// Config configures a Verifier.
type Config struct {
	Issuer   string   // https URL (http only on a loopback host, for local runs)
	Audience []string // a token's aud, or an access token's client_id, must be one of them
	// JWKS holds the issuer's keys; empty: fetched from the jwks_uri of the
	// issuer's discovery document (<issuer>/.well-known/openid-configuration).
	JWKS       string
	HTTPClient *http.Client     // nil: one with a 5 s timeout
	Now        func() time.Time // nil: time.Now
}

// Verifier verifies the tokens of one issuer. It is safe for concurrent
// use; it fetches the issuer's keys on first use and when a token names a
// key it does not know.
type Verifier struct {
	cfg    Config
	parser *jwt.Parser

	mu      sync.Mutex
	keys    map[string]any // by key ID ("kid")
	fetched time.Time
}

// New returns a Verifier for cfg.
func New(cfg Config) (*Verifier, error) {
	if err := checkURL(EnvIssuer, cfg.Issuer); err != nil {
		return nil, err
	}
	if len(cfg.Audience) == 0 || slices.Contains(cfg.Audience, "") {
		return nil, fmt.Errorf("%s must list the accepted audiences, comma-separated", EnvAudience)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: httpTimeout}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	v := &Verifier{cfg: cfg}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256", "ES256"}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return v.cfg.Now() }),
	)
	if cfg.JWKS != "" {
		keys, err := parseJWKS([]byte(cfg.JWKS))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvJWKS, err)
		}
		v.keys, v.fetched = keys, time.Time{}
	}
	return v, nil
}

// NewFromEnv returns a Verifier configured by JWT_ISSUER, JWT_AUDIENCE and
// JWT_JWKS.
func NewFromEnv() (*Verifier, error) {
	issuer := os.Getenv(EnvIssuer)
	if issuer == "" {
		return nil, fmt.Errorf("environment variable %s is required: the stack sets it on deployed functions; make invoke and make dev set it to localrun's issuer", EnvIssuer)
	}
	var audience []string
	for a := range strings.SplitSeq(os.Getenv(EnvAudience), ",") {
		if a = strings.TrimSpace(a); a != "" {
			audience = append(audience, a)
		}
	}
	return New(Config{Issuer: issuer, Audience: audience, JWKS: os.Getenv(EnvJWKS)})
}

// Verify checks token and returns its claims. It returns an error wrapping
// ErrInvalidToken when the token is not acceptable, and ErrKeys when the
// issuer's keys could not be fetched.
func (v *Verifier) Verify(ctx context.Context, token string) (Claims, error) {
	claims := Claims{}
	_, err := v.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	})
	if errors.Is(err, ErrKeys) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if !v.audienceMatches(claims) {
		return nil, fmt.Errorf("%w: token has invalid audience", ErrInvalidToken)
	}
	return claims, nil
}

// audienceMatches reports whether the token is for one of the accepted
// audiences: its aud claim, or for an access token without one (Cognito's),
// its client_id claim, as API Gateway's JWT authorizer checks them.
func (v *Verifier) audienceMatches(claims Claims) bool {
	aud, err := claims.GetAudience()
	if err != nil {
		return false
	}
	if clientID, ok := claims["client_id"].(string); ok && len(aud) == 0 {
		aud = jwt.ClaimStrings{clientID}
	}
	return slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(v.cfg.Audience, a) })
}

// key returns the verification key kid, fetching the issuer's keys when it
// has none yet, when they are old, or when kid is new to it (at most once a
// minute).
func (v *Verifier) key(ctx context.Context, kid string) (any, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	key, known := v.keys[kid]
	static := v.cfg.JWKS != ""
	age := v.cfg.Now().Sub(v.fetched)
	if static || (known && age < keysMaxAge) || (!known && v.keys != nil && age < refetchEvery) {
		if !known {
			return nil, fmt.Errorf("unknown key ID %q", kid)
		}
		return key, nil
	}
	keys, err := v.fetchKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeys, err)
	}
	v.keys, v.fetched = keys, v.cfg.Now()
	if key, known = keys[kid]; !known {
		return nil, fmt.Errorf("unknown key ID %q", kid)
	}
	return key, nil
}

// fetchKeys reads the issuer's discovery document, then its JWKS.
func (v *Verifier) fetchKeys(ctx context.Context) (map[string]any, error) {
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	discoveryURL := strings.TrimSuffix(v.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	if err := getJSON(ctx, v.cfg.HTTPClient, discoveryURL, &discovery); err != nil {
		return nil, err
	}
	if discovery.Issuer != v.cfg.Issuer {
		return nil, fmt.Errorf("%s names issuer %q, not %q: set %s to the issuer's exact URL", discoveryURL, discovery.Issuer, v.cfg.Issuer, EnvIssuer)
	}
	if err := checkURL("jwks_uri", discovery.JWKSURI); err != nil {
		return nil, err
	}
	var jwks rawJWKS
	if err := getJSON(ctx, v.cfg.HTTPClient, discovery.JWKSURI, &jwks); err != nil {
		return nil, err
	}
	return jwks.keys()
}

// checkURL accepts an https URL, or an http one on a loopback host (local runs).
func checkURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s must be an https URL without query or fragment; got %q", name, raw)
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && (u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())) {
		return nil
	}
	return fmt.Errorf("%s must be an https URL (http only on a loopback host); got %q", name, raw)
}
