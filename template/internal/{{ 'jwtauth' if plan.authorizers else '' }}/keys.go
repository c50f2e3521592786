package jwtauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
)

// maxDocument bounds what is read from the issuer: a discovery document or
// a JWKS is a few kilobytes.
const maxDocument = 1 << 20

// minRSABits refuses weak RSA keys, whatever an issuer publishes.
const minRSABits = 2048

// jsonWebKey is one key of a JWKS (RFC 7517): RSA or EC P-256, for
// signatures.
type jsonWebKey struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

type rawJWKS struct {
	Keys []jsonWebKey `json:"keys"`
}

// parseJWKS parses a JWKS document into its keys by key ID.
func parseJWKS(data []byte) (map[string]any, error) {
	var jwks rawJWKS
	if err := json.Unmarshal(data, &jwks); err != nil {
		return nil, fmt.Errorf("not a JWKS document: %w", err)
	}
	return jwks.keys()
}

// keys returns the signature keys of the set by key ID, skipping keys of
// other types or uses; it fails when none is left.
func (s rawJWKS) keys() (map[string]any, error) {
	keys := map[string]any{}
	for _, k := range s.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		key, err := k.publicKey()
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k.Kid, err)
		}
		if key != nil {
			keys[k.Kid] = key
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("the JWKS has no RSA or P-256 signature key")
	}
	return keys, nil
}

// publicKey returns the key as *rsa.PublicKey or *ecdsa.PublicKey, or nil
// for a type this package does not verify with.
func (k jsonWebKey) publicKey() (any, error) {
	switch {
	case k.Kty == "RSA":
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil || len(e) == 0 || len(e) > 4 {
			return nil, errors.New("malformed RSA key")
		}
		key := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if key.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits: at least %d are required", key.N.BitLen(), minRSABits)
		}
		return key, nil
	case k.Kty == "EC" && k.Crv == "P-256":
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return nil, errors.New("malformed P-256 key")
		}
		key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("malformed P-256 key: %w", err)
		}
		return key, nil
	default:
		return nil, nil
	}
}

// getJSON decodes the JSON document at url into dst.
func getJSON(ctx context.Context, client *http.Client, url string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocument)).Decode(dst); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
