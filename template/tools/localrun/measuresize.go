package main

import (
	"archive/zip"
	"compress/flate"
	"io"
	"os"
	"time"
)

// bootstrapSizes returns the size of a bootstrap and of the zip a deployment uploads for it.
// Lambda's limits apply to both: 50 MB zipped for a direct upload, 250 MB unzipped.
func bootstrapSizes(path string) (raw, zipped int64, err error) {
	f, err := os.Open(path) //nolint:gosec // G304: the path comes from the Makefile.
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	var counted byteCounter
	if err := writeDeploymentZip(&counted, f); err != nil {
		return 0, 0, err
	}
	return info.Size(), int64(counted), nil
}

// writeDeploymentZip writes the zip of a function's code as a CDK asset zips it: one
// executable entry, "bootstrap", deflated at the highest level.
func writeDeploymentZip(w io.Writer, bootstrap io.Reader) error {
	archive := zip.NewWriter(w)
	archive.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	header := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
	header.SetMode(0o755)
	entry, err := archive.CreateHeader(header)
	if err != nil {
		return err
	}
	if _, err := io.Copy(entry, bootstrap); err != nil {
		return err
	}
	return archive.Close()
}

// byteCounter is an io.Writer that keeps only the number of bytes written to it.
type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}
