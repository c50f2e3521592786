package main

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheDeploymentZipHoldsTheExecutableBootstrap(t *testing.T) {
	content := append(bytes.Repeat([]byte("compressible "), 10_000), rand.Text()...)
	var archive bytes.Buffer

	require.NoError(t, writeDeploymentZip(&archive, bytes.NewReader(content)))

	r, err := zip.NewReader(bytes.NewReader(archive.Bytes()), int64(archive.Len()))
	require.NoError(t, err)
	require.Len(t, r.File, 1)
	assert.Equal(t, "bootstrap", r.File[0].Name)
	assert.Equal(t, zip.Deflate, r.File[0].Method)
	assert.Equal(t, os.FileMode(0o755), r.File[0].Mode().Perm())
	f, err := r.File[0].Open()
	require.NoError(t, err)
	unzipped, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, content, unzipped)
}

func TestBootstrapSizesAreTheFileAndItsDeploymentZip(t *testing.T) {
	content := append(bytes.Repeat([]byte("compressible "), 10_000), rand.Text()...)
	file := filepath.Join(t.TempDir(), "bootstrap")
	require.NoError(t, os.WriteFile(file, content, 0o600))
	var archive bytes.Buffer
	require.NoError(t, writeDeploymentZip(&archive, bytes.NewReader(content)))

	raw, zipped, err := bootstrapSizes(file)

	require.NoError(t, err)
	assert.Equal(t, int64(len(content)), raw)
	assert.Equal(t, int64(archive.Len()), zipped)
	assert.Less(t, zipped, raw/10, "deflated")
}

func TestBootstrapSizesOfAMissingBootstrap(t *testing.T) {
	_, _, err := bootstrapSizes(filepath.Join(t.TempDir(), "bootstrap"))

	require.ErrorIs(t, err, os.ErrNotExist)
}
