package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var tokenTime = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestTokensRoundTrip(t *testing.T) {
	token, err := mintToken(map[string]any{"email": "ada@example.com", "sub": "ada"}, tokenTime, time.Hour)
	require.NoError(t, err)

	claims, err := verifyToken(token, tokenTime.Add(59*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", claims["email"])
	assert.Equal(t, "ada", claims["sub"], "extra claims replace the defaults")
	assert.Equal(t, localIssuer, claims["iss"])
	assert.Equal(t, localAudience, claims["aud"])

	var header map[string]string
	require.NoError(t, decodeSegment(strings.Split(token, ".")[0], &header))
	assert.Equal(t, map[string]string{"alg": "ES256", "typ": "JWT", "kid": localKeyID}, header)
}

func TestVerifyTokenRefuses(t *testing.T) {
	good, err := mintToken(nil, tokenTime, time.Hour)
	require.NoError(t, err)
	parts := strings.Split(good, ".")
	forge := func(claims map[string]any) string {
		payload, err := json.Marshal(claims)
		require.NoError(t, err)
		return parts[0] + "." + b64(payload) + "." + parts[2] // the signature of other claims
	}
	otherIssuer, err := mintToken(map[string]any{"iss": "https://evil.example.com"}, tokenTime, time.Hour)
	require.NoError(t, err)
	otherAudience, err := mintToken(map[string]any{"aud": "someone-else"}, tokenTime, time.Hour)
	require.NoError(t, err)
	hs256 := b64([]byte(`{"alg":"HS256","kid":"localrun"}`)) + "." + parts[1] + "." + parts[2]
	tests := map[string]struct {
		token string
		at    time.Time
		why   string
	}{
		"expired":           {good, tokenTime.Add(2 * time.Hour), "expired"},
		"tampered claims":   {forge(map[string]any{"iss": localIssuer, "aud": localAudience, "exp": 4102444800}), tokenTime, "bad signature"},
		"another issuer":    {otherIssuer, tokenTime, "issuer"},
		"another audience":  {otherAudience, tokenTime, "audience"},
		"another algorithm": {hs256, tokenTime, "localrun's key"},
		"not a JWT":         {"abc", tokenTime, "not a JWT"},
		"short signature":   {parts[0] + "." + parts[1] + ".AAAA", tokenTime, "malformed signature"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := verifyToken(tt.token, tt.at)
			require.ErrorIs(t, err, errUnauthenticated)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

func TestLocalJWKSHoldsTheSigningKey(t *testing.T) {
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	require.NoError(t, json.Unmarshal([]byte(localJWKS()), &jwks))
	require.Len(t, jwks.Keys, 1)
	key := jwks.Keys[0]
	assert.Equal(t, []string{"EC", "P-256", localKeyID, "ES256"}, []string{key["kty"], key["crv"], key["kid"], key["alg"]})
	x, err := base64.RawURLEncoding.DecodeString(key["x"])
	require.NoError(t, err)
	y, err := base64.RawURLEncoding.DecodeString(key["y"])
	require.NoError(t, err)
	public, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	require.NoError(t, err)
	assert.True(t, public.Equal(&localKey().PublicKey))
	seed := sha256.Sum256([]byte(localKeySeed))
	again, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), seed[:])
	require.NoError(t, err)
	assert.True(t, again.Equal(localKey()), "derived from the phrase: the same on every machine and run")
}

func TestAuthorizerEnvNamesLocalrunsIssuer(t *testing.T) {
	env := authorizerEnv()
	assert.Equal(t, localIssuer, lookupEnv(env, "JWT_ISSUER"))
	assert.Equal(t, localAudience, lookupEnv(env, "JWT_AUDIENCE"))
	assert.JSONEq(t, localJWKS(), lookupEnv(env, "JWT_JWKS"))
}

func TestPrintToken(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printToken(&out, `{"email":"grace@example.com","groups":["admins"]}`, time.Minute))
	claims, err := verifyToken(strings.TrimSpace(out.String()), time.Now())
	require.NoError(t, err)
	assert.Equal(t, "grace@example.com", claims["email"])
	assert.Equal(t, []any{"admins"}, claims["groups"])
	assert.Equal(t, "local-user", claims["sub"], "the default claims stay")

	err = printToken(&out, `not json`, time.Minute)
	require.ErrorContains(t, err, "-claims (CLAIMS) must be a JSON object")
	require.ErrorContains(t, printToken(&out, "", 0), "-ttl must be positive")
}

func TestBearerToken(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer abc.def.ghi": "abc.def.ghi",
		"bearer  abc ":       "abc",
		"abc.def.ghi":        "abc.def.ghi", // a bare token, as Cognito clients send it
		"Bearer":             "",
		"Basic dXNlcg==":     "",
		"":                   "",
	} {
		assert.Equal(t, want, bearerToken(header), header)
	}
}
